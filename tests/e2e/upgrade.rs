//! Upgrades and rotation on devnet (docs/protocol.md §4, "Upgrade" and "Rotation"): the owner
//! upgrades a deployed account to a second class and every session state survives (the session
//! itself, revocations, the owner epoch, the usage and spending counters, used outside-execution
//! nonces); a rotation needs the new key's proof.

use std::path::{Path, PathBuf};

use sk_devnet::{strk_transfer, wait_for_receipt, STRK};
use sk_session::{
    is_session_revoked, is_valid_outside_execution_nonce, revoke_all_sessions_call, revoke_session_call, session_epoch,
    session_spending, session_usage, set_owner_call, upgrade_call, OutsideExecution,
};
use sk_tests::{account_with_key, owner_key};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::contract::SierraClass;
use starknet::core::types::{BlockId, BlockTag, Call, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

use crate::limits::sent;
use crate::session::{assert_rejected_with, fee_limited, rejection, Setup, RECIPIENT};

const PENDING: BlockId = BlockId::Tag(BlockTag::PreConfirmed);

/// `contracts/` copied into a fresh folder, with one entry point added to the account
/// (`upgraded_version`, returning 2): a second class of the same storage.
fn next_version_sources() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("sk-upgrade-{}-{nanos}", std::process::id()));
    copy_dir(&sk_tests::repo_root().join("contracts"), &dir);
    let account = dir.join("src/account.cairo");
    let source = std::fs::read_to_string(&account).unwrap();
    let marker = "    #[constructor]";
    assert!(source.contains(marker), "account.cairo has a constructor to insert before");
    let added = "    #[external(v0)]\n    fn upgraded_version(self: @ContractState) -> felt252 {\n        2\n    }\n\n";
    std::fs::write(&account, source.replacen(marker, &format!("{added}{marker}"), 1)).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

async fn call(setup: &Setup, selector: Felt, calldata: Vec<Felt>) -> Vec<Felt> {
    let call = FunctionCall { contract_address: setup.account, entry_point_selector: selector, calldata };
    setup.devnet.provider().call(call, PENDING).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrade_keeps_sessions_revocations_epoch_and_counters() {
    // A session of the epoch after a revoke-all: the owner moves the epoch on first, then signs.
    let request = |now| fee_limited(now).allow(STRK, "transfer").max_transactions(10).spending_limit(STRK, 1_000u128);
    let mut setup = Setup::with_request(request).await;
    let owner = account_with_key(&setup.devnet, setup.account, owner_key());
    let provider = setup.devnet.provider();
    let revoked = Felt::from(0x5e55_0bad_u64);
    sent(owner.execute_v3(vec![revoke_all_sessions_call(setup.account)]), &owner).await;
    sent(owner.execute_v3(vec![revoke_session_call(setup.account, revoked)]), &owner).await;
    let epoch = session_epoch(&provider, setup.account, PENDING).await.unwrap();
    assert_ne!(epoch, Felt::ZERO);
    setup.session = request(setup.now_at_start)
        .epoch(epoch)
        .build()
        .unwrap()
        .sign(setup.account, setup.devnet.chain_id(), &owner_key())
        .unwrap();

    // The session is used: a transaction and a relayed transfer.
    let session = setup.session_account();
    sent(session.execute_v3(vec![strk_transfer(RECIPIENT, 100)]), &session).await;
    let relayer = setup.devnet.funded_account();
    let now = crate::session::now(&provider).await;
    let execution = OutsideExecution::new(vec![strk_transfer(RECIPIENT, 50)], now - 3_600, now + 3_600);
    sent(relayer.execute_v3(vec![session.relayed_call(&execution).await.unwrap()]), &relayer).await;
    let usage = session_usage(&provider, setup.account, setup.session.hash(), PENDING).await.unwrap();
    assert_eq!((usage.transactions, usage.authorized), (2, true));

    // The second class, declared, and the upgrade.
    let dir = next_version_sources();
    let build = tokio::task::spawn_blocking(move || {
        let package = sk_cairo::Package::load(&dir).unwrap();
        let build = sk_cairo::build(&package).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        build
    })
    .await
    .unwrap();
    let next = build.contracts.iter().find(|c| c.name == "SessionKeyAccount").expect("the account contract");
    assert_ne!(next.class_hash, sk_contracts::SESSION_KEY_ACCOUNT.class_hash, "a second class");
    let class: SierraClass = serde_json::from_str(&next.sierra_json).unwrap();
    setup.devnet.declare(class.flatten().unwrap(), next.compiled_class_hash).await.unwrap();
    // A session can never reach `upgrade`: the SDK refuses, and so would the account.
    let err = session.execute_v3(vec![upgrade_call(setup.account, next.class_hash)]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("SelfCall"), "{err:?}");
    sent(owner.execute_v3(vec![upgrade_call(setup.account, next.class_hash)]), &owner).await;
    assert_eq!(provider.get_class_hash_at(PENDING, setup.account).await.unwrap(), next.class_hash);
    assert_eq!(call(&setup, selector!("upgraded_version"), vec![]).await, vec![Felt::TWO]);

    // Everything the sessions left in storage is there.
    assert_eq!(call(&setup, selector!("get_owner"), vec![]).await, vec![owner_key().verifying_key().scalar()]);
    assert_eq!(session_epoch(&provider, setup.account, PENDING).await.unwrap(), epoch);
    assert!(is_session_revoked(&provider, setup.account, revoked, PENDING).await.unwrap());
    assert_eq!(session_usage(&provider, setup.account, setup.session.hash(), PENDING).await.unwrap(), usage);
    let spending = session_spending(&provider, setup.account, setup.session.hash(), STRK, PENDING).await.unwrap();
    assert_eq!(spending.total, 150u128.into());
    let session_nonce = Some(setup.session.hash());
    let nonce_valid =
        is_valid_outside_execution_nonce(&provider, setup.account, session_nonce, execution.nonce, PENDING).await;
    assert!(!nonce_valid.unwrap(), "the session's used nonce stays used");

    // And the session goes on where it was, its limits included: 850 left of 1,000.
    sent(session.execute_v3(vec![strk_transfer(RECIPIENT, 850)]), &session).await;
    let usage = session_usage(&provider, setup.account, setup.session.hash(), PENDING).await.unwrap();
    assert_eq!(usage.transactions, 3);
    let err = session.execute_v3(vec![strk_transfer(RECIPIENT, 1)]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("SpendingLimitExceeded"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_needs_the_new_keys_proof() {
    let setup = Setup::new().await;
    let owner = account_with_key(&setup.devnet, setup.account, owner_key());
    let new_key = SigningKey::from_secret_scalar(Felt::from(0x0e1_u32));
    let new_owner = new_key.verifying_key().scalar();
    let set_owner = |new_owner: Felt, proof: Vec<Felt>| {
        let mut calldata = vec![new_owner, Felt::from(proof.len())];
        calldata.extend(proof);
        Call { to: setup.account, selector: selector!("set_owner"), calldata }
    };

    // No proof, a proof by the old key, and a proof of another key: each refused.
    assert_rejected_with(&rejection(&owner, vec![set_owner(new_owner, vec![])]).await, "account/invalid-owner-proof");
    let old = owner_key().verifying_key().scalar();
    let hash = sk_session::owner_rotation_hash(setup.account, setup.devnet.chain_id(), old, new_owner);
    let by_old = owner_key().sign(&hash).unwrap();
    let refused = rejection(&owner, vec![set_owner(new_owner, vec![by_old.r, by_old.s])]).await;
    assert_rejected_with(&refused, "account/invalid-owner-proof");
    let typo = set_owner_call(setup.account, setup.devnet.chain_id(), old, &new_key).unwrap();
    let mut typo_calldata = typo.calldata.clone();
    typo_calldata[0] += Felt::ONE;
    let refused = rejection(&owner, vec![Call { calldata: typo_calldata, ..typo.clone() }]).await;
    assert_rejected_with(&refused, "account/invalid-owner-proof");
    // The current key again: refused by the SDK, and by the account.
    assert!(set_owner_call(setup.account, setup.devnet.chain_id(), old, &owner_key()).is_err());
    let proof = owner_key().sign(&sk_session::owner_rotation_hash(setup.account, setup.devnet.chain_id(), old, old));
    let proof = proof.unwrap();
    assert_rejected_with(&rejection(&owner, vec![set_owner(old, vec![proof.r, proof.s])]).await, "account/same-owner");
    assert_eq!(call(&setup, selector!("get_owner"), vec![]).await, vec![old], "still the first owner");

    // With the proof, the rotation goes through: the new key signs for the account from then on.
    sent(owner.execute_v3(vec![typo]), &owner).await;
    assert_eq!(call(&setup, selector!("get_owner"), vec![]).await, vec![new_owner]);
    let by_new = account_with_key(&setup.devnet, setup.account, new_key);
    let tx = by_new.execute_v3(vec![strk_transfer(RECIPIENT, 1)]).send().await.unwrap();
    wait_for_receipt(by_new.provider(), tx.transaction_hash).await.unwrap();
}
