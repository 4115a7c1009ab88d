//! The policy tree: which `(contract, selector)` pairs a session may call, with which argument
//! rules, as a Merkle tree whose root the owner signs (docs/protocol.md §2), and the rules a
//! session transaction's calls obey (§4, checks 8 to 10): one proof per call, no call to the
//! account itself, every call proven with its rules, and the rules holding.
//! Mirrors `contracts/src/session/policy_tree.cairo`.

use starknet::core::types::{Call, Felt};
use starknet::macros::selector;

use crate::argument_rules::{check_rules, ArgumentRule};
use crate::error::Error;
use crate::merkle::{verify_proof, MerkleTree};
use crate::session_hash::{policy_struct_hash, Policy};
use crate::session_token::CallProof;

/// The leaf of the policy allowing calls of `selector` on `contract` whose arguments obey `rules`:
/// the `Policy` struct hash.
pub fn policy_leaf(contract: Felt, selector: Felt, rules: &[ArgumentRule]) -> Felt {
    policy_struct_hash(contract, selector, rules)
}

impl Policy {
    /// The policy's leaf in the policy tree: its `Policy` struct hash ([`policy_leaf`]).
    pub fn leaf(&self) -> Felt {
        self.struct_hash()
    }
}

/// One proof per call, found by `proof(contract, selector)`, for a session transaction of
/// `account`: the first call to the account itself (but a `logout_session`, which `proof` answers
/// for: ours with an empty proof, Argent's format with none) or without a proof is the error.
/// Our format (a [`CallProof`]) and Argent's (the siblings alone) both build their proofs here.
pub fn call_proofs<T>(account: Felt, calls: &[Call], proof: impl Fn(Felt, Felt) -> Option<T>) -> Result<Vec<T>, Error> {
    calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            if call.to == account && call.selector != LOGOUT_SESSION_SELECTOR {
                return Err(Error::SelfCall { index });
            }
            proof(call.to, call.selector).ok_or_else(|| Error::CallNotAllowed {
                index,
                contract: call.to,
                selector: call.selector,
                name: known_selector_name(call.selector).map(str::to_string),
            })
        })
        .collect()
}

/// Entry point names the SDK and the CLI show instead of a bare selector where the session does
/// not name it: the ERC-20 ones in both spellings, the account's own, and a few common dApp ones.
const KNOWN_SELECTORS: &[&str] = &[
    "transfer",
    "transfer_from",
    "transferFrom",
    "approve",
    "increase_allowance",
    "increaseAllowance",
    "decrease_allowance",
    "decreaseAllowance",
    "balance_of",
    "balanceOf",
    "allowance",
    "mint",
    "burn",
    "set_owner",
    "revoke_session",
    "revoke_all_sessions",
    "register_session",
    "logout_session",
    "upgrade",
    "swap",
    "deposit",
    "withdraw",
    "safe_transfer_from",
    "set_approval_for_all",
    "tip",
];

/// The name of `selector` if it is one of a few well-known entry points (`transfer`, `approve`,
/// …), for errors and summaries; `None` otherwise (a selector is a hash: a name cannot be
/// recovered from it, only recognised).
pub fn known_selector_name(selector: Felt) -> Option<&'static str> {
    KNOWN_SELECTORS
        .iter()
        .copied()
        .find(|name| starknet::core::utils::get_selector_from_name(name).ok() == Some(selector))
}

/// The one entry point of the account a session may call: `logout_session`, which ends a session
/// whose key signed for it (docs/protocol.md §4, "Logout"), with no policy and an empty proof.
pub const LOGOUT_SESSION_SELECTOR: Felt = selector!("logout_session");

/// Whether `call` is a `logout_session` of `account`, the one call to itself a session may make.
pub fn is_logout_call(account: Felt, call: &Call) -> bool {
    call.to == account && call.selector == LOGOUT_SESSION_SELECTOR
}

/// The account's checks of a session transaction's calls against the policy root, in its order:
/// exactly one proof per call, no call to `account` itself but `logout_session`
/// ([`is_logout_call`]), and for each call its leaf (with the rules beside its proof) proven
/// under `root`, then its rules holding, or for a logout an empty proof (the contract's
/// `assert_allowed_calls`).
pub fn check_call_proofs(account: Felt, root: Felt, calls: &[Call], proofs: &[CallProof]) -> Result<(), Error> {
    if proofs.len() != calls.len() {
        return Err(Error::ProofCount { calls: calls.len(), proofs: proofs.len() });
    }
    if let Some(index) = calls.iter().position(|call| call.to == account && !is_logout_call(account, call)) {
        return Err(Error::SelfCall { index });
    }
    for (index, (call, proof)) in calls.iter().zip(proofs).enumerate() {
        if call.to == account {
            if *proof != CallProof::default() {
                return Err(Error::InvalidProof { index });
            }
            continue;
        }
        if !verify_proof(root, policy_leaf(call.to, call.selector, &proof.rules), &proof.proof) {
            return Err(Error::InvalidProof { index });
        }
        check_rules(&proof.rules, &call.calldata, index)?;
    }
    Ok(())
}

/// A set of policies in canonical order with every level of its Merkle tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTree {
    policies: Vec<Policy>,
    /// Leaves in the order of `policies`.
    tree: MerkleTree,
}

impl PolicyTree {
    /// Builds the tree of `policies`, sorted by `(contract, selector)`. The input order does not
    /// matter; an empty set and two policies of one `(contract, selector)` are errors.
    pub fn new(policies: impl IntoIterator<Item = Policy>) -> Result<Self, Error> {
        let mut policies: Vec<Policy> = policies.into_iter().collect();
        policies.sort_by_key(|policy| (policy.contract, policy.selector));
        if let Some(pair) = policies.windows(2).find(|pair| key(&pair[0]) == key(&pair[1])) {
            return Err(Error::DuplicatePolicy { contract: pair[0].contract, selector: pair[0].selector });
        }
        if policies.is_empty() {
            return Err(Error::NoPolicies);
        }
        let tree = MerkleTree::new(policies.iter().map(Policy::struct_hash).collect());
        Ok(Self { policies, tree })
    }

    /// The root the owner signs (for one policy, its leaf).
    pub fn root(&self) -> Felt {
        self.tree.root()
    }

    /// The policies in canonical order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// Whether the session may call `selector` on `contract` (with some calldata).
    pub fn allows(&self, contract: Felt, selector: Felt) -> bool {
        self.index_of(contract, selector).is_some()
    }

    /// The policy of `(contract, selector)`, if the tree has one.
    pub fn policy(&self, contract: Felt, selector: Felt) -> Option<&Policy> {
        Some(&self.policies[self.index_of(contract, selector)?])
    }

    /// The proof that the policy of `(contract, selector)` is in the tree, with its rules, or
    /// `None` if the tree has no such policy.
    pub fn proof(&self, contract: Felt, selector: Felt) -> Option<CallProof> {
        let index = self.index_of(contract, selector)?;
        Some(CallProof { rules: self.policies[index].rules.clone(), proof: self.tree.proof(index)? })
    }

    /// One proof per call of a session transaction of `account` (see [`call_proofs`]), each call
    /// checked against its policy's argument rules ([`check_rules`]): the first call to the
    /// account itself (but a `logout_session`, [`is_logout_call`], whose proof is empty), outside
    /// the policies, or breaking a rule is the error.
    pub fn call_proofs(&self, account: Felt, calls: &[Call]) -> Result<Vec<CallProof>, Error> {
        let proofs = call_proofs(account, calls, |contract, selector| {
            if contract == account && selector == LOGOUT_SESSION_SELECTOR {
                return Some(CallProof::default());
            }
            self.proof(contract, selector)
        })?;
        for (index, (call, proof)) in calls.iter().zip(&proofs).enumerate() {
            check_rules(&proof.rules, &call.calldata, index)?;
        }
        Ok(proofs)
    }

    fn index_of(&self, contract: Felt, selector: Felt) -> Option<usize> {
        self.policies.binary_search_by_key(&(contract, selector), key).ok()
    }
}

/// What orders and identifies a policy in the tree.
fn key(policy: &Policy) -> (Felt, Felt) {
    (policy.contract, policy.selector)
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::starknet_keccak;

    use super::*;
    use crate::argument_rules::Operator;
    use crate::merkle::{hash_pair, merkle_root};
    use starknet_crypto::poseidon_hash_many;

    use crate::session_hash::{
        parse_selector, ARGUMENT_RULE_TYPE_HASH, POLICY_TYPE_HASH, POLICY_TYPE_STRING, U256_TYPE_HASH,
    };

    fn policy(contract: u64, selector: &str) -> Policy {
        Policy::new(Felt::from(contract), parse_selector(selector).unwrap()).unwrap()
    }

    fn call(to: u64, selector: &str) -> Call {
        Call { to: Felt::from(to), selector: parse_selector(selector).unwrap(), calldata: vec![] }
    }

    #[test]
    fn type_hash_is_the_keccak_of_the_type_string() {
        assert_eq!(POLICY_TYPE_HASH, starknet_keccak(POLICY_TYPE_STRING.as_bytes()));
    }

    #[test]
    fn one_leaf_is_its_own_root_with_an_empty_proof() {
        let p = policy(0x123, "transfer");
        let tree = PolicyTree::new([p.clone()]).unwrap();
        assert_eq!(tree.root(), policy_leaf(p.contract, p.selector, &[]));
        assert_eq!(tree.proof(p.contract, p.selector), Some(CallProof::default()));
    }

    #[test]
    fn root_does_not_depend_on_order() {
        let ps = [policy(3, "a"), policy(1, "b"), policy(2, "c"), policy(1, "a")];
        let mut reversed = ps.clone();
        reversed.reverse();
        assert_eq!(PolicyTree::new(ps).unwrap().root(), PolicyTree::new(reversed).unwrap().root());
    }

    #[test]
    fn every_proof_verifies_and_only_for_its_leaf() {
        for n in [1u64, 2, 3, 5, 8, 17] {
            let ps: Vec<_> = (1..=n).map(|i| policy(i, "transfer")).collect();
            let tree = PolicyTree::new(ps.clone()).unwrap();
            for p in &ps {
                let proof = tree.proof(p.contract, p.selector).unwrap().proof;
                assert!(verify_proof(tree.root(), p.struct_hash(), &proof), "n={n} {p}");
                let other = policy(n + 1, "transfer");
                assert!(!verify_proof(tree.root(), other.struct_hash(), &proof));
            }
        }
    }

    #[test]
    fn odd_node_is_paired_with_zero() {
        let ps = [policy(1, "a"), policy(2, "a"), policy(3, "a")];
        let tree = PolicyTree::new(ps).unwrap();
        let leaves: Vec<_> = tree.policies().iter().map(Policy::struct_hash).collect();
        let expected = hash_pair(hash_pair(leaves[0], leaves[1]), hash_pair(leaves[2], Felt::ZERO));
        assert_eq!(tree.root(), expected);
        assert_eq!(merkle_root(leaves), expected);
        assert_eq!(tree.proof(Felt::from(3u8), parse_selector("a").unwrap()).unwrap().proof[0], Felt::ZERO);
    }

    #[test]
    fn duplicates_and_empty_sets_are_rejected() {
        let err = PolicyTree::new([policy(1, "a"), policy(1, "b"), policy(1, "a")]);
        assert!(matches!(err, Err(Error::DuplicatePolicy { .. })));
        // One policy per (contract, selector), whatever its rules.
        let ruled = Policy::with_rules(Felt::ONE, parse_selector("a").unwrap(), vec![eq_rule(0, 5)]).unwrap();
        assert!(matches!(PolicyTree::new([policy(1, "a"), ruled]), Err(Error::DuplicatePolicy { .. })));
        assert!(matches!(PolicyTree::new([]), Err(Error::NoPolicies)));
    }

    #[test]
    fn call_rules_refuse_self_calls_and_unproven_calls_in_the_contracts_order() {
        let account = 0xacc;
        let tree = PolicyTree::new([policy(1, "a"), policy(2, "b")]).unwrap();
        let calls = [call(1, "a"), call(2, "b")];
        let proofs = tree.call_proofs(Felt::from(account), &calls).unwrap();
        check_call_proofs(Felt::from(account), tree.root(), &calls, &proofs).unwrap();

        let own = [call(1, "a"), call(account, "a")];
        assert!(matches!(tree.call_proofs(Felt::from(account), &own), Err(Error::SelfCall { index: 1 })));
        let other = [call(1, "b")];
        assert!(matches!(tree.call_proofs(Felt::from(account), &other), Err(Error::CallNotAllowed { index: 0, .. })));

        let root = tree.root();
        let count = check_call_proofs(Felt::from(account), root, &calls, &proofs[..1]);
        assert!(matches!(count, Err(Error::ProofCount { calls: 2, proofs: 1 })));
        let self_call = check_call_proofs(Felt::from(account), root, &own, &proofs);
        assert!(matches!(self_call, Err(Error::SelfCall { index: 1 })));
        let swapped = [proofs[1].clone(), proofs[0].clone()];
        let wrong = check_call_proofs(Felt::from(account), root, &calls, &swapped);
        assert!(matches!(wrong, Err(Error::InvalidProof { index: 0 })));
    }

    fn eq_rule(word: u32, value: u64) -> ArgumentRule {
        ArgumentRule::felt(word, Operator::Eq, [Felt::from(value)])
    }

    #[test]
    fn rules_are_in_the_leaf_in_canonical_order() {
        let rule = ArgumentRule::u256(1, Operator::Le, [1000u32]);
        let u256 = poseidon_hash_many(&[U256_TYPE_HASH, Felt::from(1000u32), Felt::ZERO]);
        let rule_hash = poseidon_hash_many(&[
            ARGUMENT_RULE_TYPE_HASH,
            Felt::ONE,
            Operator::Le.felt(),
            poseidon_hash_many(&[]),
            poseidon_hash_many(&[u256]),
        ]);
        assert_eq!(rule.struct_hash(), rule_hash);
        let selector = parse_selector("transfer").unwrap();
        let leaf = policy_leaf(Felt::ONE, selector, std::slice::from_ref(&rule));
        let expected = poseidon_hash_many(&[POLICY_TYPE_HASH, Felt::ONE, selector, poseidon_hash_many(&[rule_hash])]);
        assert_eq!(leaf, expected);
        assert_ne!(leaf, policy_leaf(Felt::ONE, selector, &[]));
        let forward = Policy::with_rules(Felt::ONE, selector, vec![eq_rule(0, 5), rule.clone()]).unwrap();
        let backward = Policy::with_rules(Felt::ONE, selector, vec![rule.clone(), eq_rule(0, 5)]).unwrap();
        assert_eq!(forward, backward);
        assert_eq!(forward.rules[0], eq_rule(0, 5));
        let twice = Policy::with_rules(Felt::ONE, selector, vec![rule.clone(), rule]);
        assert!(matches!(twice, Err(Error::DuplicateRule(_))));
        let bad = Policy::with_rules(Felt::ONE, selector, vec![ArgumentRule::felt(0, Operator::InRange, [Felt::ONE])]);
        assert!(matches!(bad, Err(Error::BadRule { .. })));
    }

    #[test]
    fn calls_must_obey_their_policys_rules_and_present_them() {
        let account = Felt::from(0xaccu32);
        let ruled = Policy::with_rules(Felt::ONE, parse_selector("a").unwrap(), vec![eq_rule(0, 5)]).unwrap();
        let tree = PolicyTree::new([ruled, policy(2, "b")]).unwrap();
        let mut good = call(1, "a");
        good.calldata = vec![Felt::from(5u8)];
        let calls = [call(2, "b"), good.clone()];
        let proofs = tree.call_proofs(account, &calls).unwrap();
        assert_eq!(proofs[1].rules, vec![eq_rule(0, 5)]);
        check_call_proofs(account, tree.root(), &calls, &proofs).unwrap();

        let mut bad = good.clone();
        bad.calldata = vec![Felt::from(6u8)];
        let err = tree.call_proofs(account, &[call(2, "b"), bad.clone()]).unwrap_err();
        assert!(matches!(&err, Error::ArgumentRule { index: 1, rule } if rule == "word 0 == 0x5"), "{err:?}");
        let err = check_call_proofs(account, tree.root(), &[call(2, "b"), bad], &proofs).unwrap_err();
        assert!(matches!(err, Error::ArgumentRule { index: 1, .. }), "{err:?}");
        let err = tree.call_proofs(account, &[call(1, "a")]).unwrap_err();
        assert!(matches!(err, Error::ArgumentRule { index: 0, .. }), "no calldata: {err:?}");

        // Rules dropped or changed beside a real proof: the leaf is another one.
        let mut dropped = proofs.clone();
        dropped[1].rules.clear();
        let err = check_call_proofs(account, tree.root(), &calls, &dropped).unwrap_err();
        assert!(matches!(err, Error::InvalidProof { index: 1 }), "{err:?}");
        let mut loosened = proofs;
        loosened[1].rules = vec![ArgumentRule::felt(0, Operator::Ge, [Felt::ZERO])];
        let err = check_call_proofs(account, tree.root(), &calls, &loosened).unwrap_err();
        assert!(matches!(err, Error::InvalidProof { index: 1 }), "{err:?}");
    }
}
