//! The account's session support: the checks of a session transaction (docs/protocol.md §4), in
//! validation and in execution, the usage and spending counted per session with their
//! `ISessionUsage` views, and the authorization cache: the owner's authorization of a session,
//! recorded in its usage slot by its first transaction or up front by `register_session`
//! (`ISessionRegistry`). Each check lives with its concept and is run from here: the token format
//! in `session_token`, the session hash in `session_hash`, the fee, transaction and spending limits
//! in `limits`, revocation and the owner epoch in the `RevocationComponent` this component
//! depends on, the call rules in `policy_tree` (with the argument rules of `argument_rules`). The
//! account gives what is its own (the owner key, through `SessionOwnerKey`, when a check needs
//! it); the component never reads the account's storage. A use of a session, or a spend, emits
//! no event: the transaction records it, the views read it.

/// What the session component asks of the account that embeds it: its current owner key, read
/// only when a session token carries the owner's signature of the session (the short form of a
/// recorded session reads none).
pub trait SessionOwnerKey<TContractState> {
    fn session_owner_key(self: @TContractState) -> felt252;
}

#[starknet::component]
pub mod SessionComponent {
    use starknet::account::Call;
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use starknet::{ContractAddress, get_contract_address, get_execution_info, get_tx_info};
    use crate::errors;
    use core::num::traits::CheckedAdd;
    use crate::interfaces::{
        IERC20Dispatcher, IERC20DispatcherTrait, ISessionRegistry, ISessionUsage,
    };
    use crate::session::limits::{
        SPENDING_PERIOD_HIGH, SPENDING_PERIOD_LOW, SPENDING_TOTAL_HIGH, SessionUsage, SpendingHead,
        SpendingUsage, VALIDATION_TIME_ROUNDING, assert_fee_cap, assert_transaction_fields, charge,
        counted_allowance, granted_allowance, limits_in_order, max_fee, spend, spending_head,
        spent_amount,
    };
    use crate::session::policy_tree::assert_allowed_calls;
    use crate::session::revocation::RevocationComponent;
    use crate::session::revocation::RevocationComponent::InternalTrait as RevocationInternalTrait;
    use crate::session::session_hash::{Session, session_hash};
    use crate::session::argument_rules::assert_rules_hold;
    use crate::session::session_message::{
        allowed_policy, parse_session_message_token, session_message_signed_hash,
        token_message_hash,
    };
    use crate::session::session_token::{
        SessionToken, execution_session, parse_session_token, session_message_hash,
    };
    use crate::utils::{assert_only_self, execute_calls, is_valid_stark_signature};
    use super::SessionOwnerKey;

    #[storage]
    pub struct Storage {
        /// What validation counted per session hash, and whether the owner's authorization is
        /// recorded, one packed slot each (`limits`).
        pub Session_usage: Map<felt252, SessionUsage>,
        /// What execution counted per session hash and token (`limits::spend`): the head of
        /// each `SpendingUsage` (`limits::SpendingHead`)…
        pub Session_spending: Map<(felt252, ContractAddress), SpendingHead>,
        /// … and the words the head does not hold, by word (`limits::SPENDING_TOTAL_HIGH`…),
        /// written only when they carry something.
        pub Session_spending_words: Map<(felt252, ContractAddress, u8), u128>,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        SessionRegistered: SessionRegistered,
    }

    /// The account recorded the owner's authorization of the session of `session_hash` up front
    /// (`register_session`): its transactions may send the short form from the first.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionRegistered {
        #[key]
        pub session_hash: felt252,
    }

    #[embeddable_as(SessionUsageImpl)]
    impl SessionUsageView<
        TContractState, +HasComponent<TContractState>,
    > of ISessionUsage<ComponentState<TContractState>> {
        fn get_session_usage(
            self: @ComponentState<TContractState>, session_hash: felt252,
        ) -> SessionUsage {
            self.Session_usage.read(session_hash)
        }

        fn get_session_spending(
            self: @ComponentState<TContractState>, session_hash: felt252, token: ContractAddress,
        ) -> SpendingUsage {
            read_spending(self, (session_hash, token))
        }
    }

    #[embeddable_as(SessionRegistryImpl)]
    impl SessionRegistry<
        TContractState,
        +HasComponent<TContractState>,
        impl Revocation: RevocationComponent::HasComponent<TContractState>,
    > of ISessionRegistry<ComponentState<TContractState>> {
        /// Records the owner's authorization of `session` in its usage slot, its counters kept
        /// (docs/protocol.md §4, "Authorization cache"): only from the account itself, and not
        /// for a session whose spending limits its token could not carry (`session/limit-order`),
        /// revoked, of another epoch than the current one, or recorded already.
        fn register_session(ref self: ComponentState<TContractState>, session: Session) {
            assert_only_self();
            assert(limits_in_order(session.spending_limits), errors::SESSION_LIMIT_ORDER);
            let chain_id = get_tx_info().unbox().chain_id;
            let session_hash = session_hash(@session, get_contract_address(), chain_id);
            let revocation = get_dep_component!(@self, Revocation);
            revocation.assert_not_revoked(session_hash);
            revocation.assert_current_epoch(session.epoch);
            let usage = self.Session_usage.read(session_hash);
            assert(!usage.authorized, errors::SESSION_ALREADY_REGISTERED);
            self.Session_usage.write(session_hash, SessionUsage { authorized: true, ..usage });
            self.emit(SessionRegistered { session_hash });
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Revocation: RevocationComponent::HasComponent<TContractState>,
        +SessionOwnerKey<TContractState>,
    > of InternalTrait<TContractState> {
        /// Validates a session transaction of this account: `signature` is the whole transaction
        /// signature (starting with the magic). Runs the checks of docs/protocol.md §4 in their
        /// order (`check_session`); the first that fails panics.
        fn validate_session(
            ref self: ComponentState<TContractState>,
            calls: Span<Call>,
            transaction_hash: felt252,
            signature: Span<felt252>,
        ) {
            self.check_session(calls, transaction_hash, signature, true);
        }

        /// Validates a session's outside execution (docs/protocol.md §5): the checks of a session
        /// transaction (`check_session`), `hash` the outside execution's message hash in place of
        /// the transaction hash, and without check 4: the relayer's transaction is not the
        /// session's and the relayer pays its fee, so the fee cap and budget see a fee of 0. The
        /// use counts against `max_transactions` as a transaction does. The caller runs
        /// `execute_outside_session` next, before the calls, with the session hash this returns.
        fn validate_outside_session(
            ref self: ComponentState<TContractState>,
            calls: Span<Call>,
            hash: felt252,
            signature: Span<felt252>,
        ) -> felt252 {
            self.check_session(calls, hash, signature, false)
        }

        /// The checks of docs/protocol.md §4 in their order, for a session transaction (`own_tx`:
        /// check 4 reads its fields) or an outside execution (not `own_tx`); `hash` is what the
        /// session key signed under the session. The session's usage slot is read once, by check
        /// 6 (the recorded authorization, for a token of the short form), and written once, by
        /// the last check, after every check has passed: the use charged and the authorization
        /// recorded. Returns the session hash.
        fn check_session(
            ref self: ComponentState<TContractState>,
            calls: Span<Call>,
            hash: felt252,
            signature: Span<felt252>,
            own_tx: bool,
        ) -> felt252 {
            let execution_info = get_execution_info().unbox();
            let tx_info = execution_info.tx_info.unbox();
            let account = execution_info.contract_address;
            // 1. Format and version.
            let token = parse(signature);
            let session = token.session;
            // 2. At least one call.
            assert(!calls.is_empty(), errors::SESSION_NO_CALLS);
            // 3. The window, as far as validation's rounded-down clock tells;
            // `execute_session` checks it exactly in `__execute__`.
            assert_validation_window(
                session.valid_after,
                session.valid_until,
                execution_info.block_info.unbox().block_timestamp,
            );
            // 4. The transaction's own fields and its maximum fee; an outside execution's fee is
            // the relayer's.
            let max_fee = if own_tx {
                assert_transaction_fields(tx_info.paymaster_data, tx_info.account_deployment_data);
                let max_fee = max_fee(tx_info.resource_bounds, tx_info.tip);
                assert_fee_cap(max_fee, session.max_fee);
                max_fee
            } else {
                0
            };
            // 5-6. Revocation, then the owner's authorization; the usage slot is read here, once,
            // and charged in check 11.
            let session_hash = session_hash(@session, account, tx_info.chain_id);
            let usage = self.assert_authorized(@session, session_hash, token.owner_signature);
            // 7. The session key signed this transaction (or outside execution) under this session.
            assert(
                is_valid_stark_signature(
                    session_message_hash(hash, session_hash),
                    session.session_key,
                    token.session_signature,
                ),
                errors::SESSION_INVALID_SIGNATURE,
            );
            // 8-10. The calls: one proof each, none to the account, then each call's leaf (with
            // the rules sent beside its proof) proven and its argument rules holding.
            assert_allowed_calls(session.policies_root, calls, token.proofs, account);
            // 11. The usage read in check 6: the transaction count and the fee budget, then the
            // one write, which records the authorization too.
            let usage = charge(usage, session.max_transactions, session.fee_budget, max_fee);
            self.Session_usage.write(session_hash, usage);
            session_hash
        }

        /// The checks of a session-signed message (docs/protocol.md §6) for `is_valid_signature`
        /// of `hash` with `signature`, a message token (`session_message`): its format, the exact
        /// window, revocation and the owner's authorization as for a transaction, then the
        /// message policy the token names (one of the session's, not of the account's own
        /// domains), that `hash` is a message of that policy's domain and type on this account
        /// and chain with the token's members, that the policy's rules hold on the members, and
        /// that the session key signed it. The first that fails panics. Nothing is counted or
        /// written: a view cannot.
        fn check_session_message(
            self: @ComponentState<TContractState>,
            hash: felt252,
            signature: Span<felt252>,
        ) {
            let execution_info = get_execution_info().unbox();
            let account = execution_info.contract_address;
            let chain_id = execution_info.tx_info.unbox().chain_id;
            // 1. Format and version.
            let token = match parse_session_message_token(signature) {
                Ok(token) => token,
                Err(error) => core::panic_with_felt252(error),
            };
            let session = token.session;
            // 2. The window, on the block's clock.
            let now = execution_info.block_info.unbox().block_timestamp;
            assert(session.valid_after <= now, errors::SESSION_NOT_YET_VALID);
            assert_not_expired(session.valid_until, now);
            // 3-4. Revocation, then the owner's authorization.
            let session_hash = session_hash(@session, account, chain_id);
            self.assert_authorized(@session, session_hash, token.owner_signature);
            // 5. The policy the token names: one of the session's, of no domain of the account's.
            let policy = allowed_policy(session.messages_hash, token.messages, token.index);
            // 6. `hash` is a message of that policy's domain and type (the hash of its type
            // string) with the token's members, in this account's domain of it.
            assert(
                token_message_hash(@policy, token.members, account, chain_id) == hash,
                errors::SESSION_MESSAGE_HASH,
            );
            // 7. The policy's rules hold on the members.
            assert_rules_hold(policy.rules, token.members);
            // 8. The session key signed this message under this session.
            assert(
                is_valid_stark_signature(
                    session_message_signed_hash(hash, session_hash),
                    session.session_key,
                    token.session_signature,
                ),
                errors::SESSION_INVALID_SIGNATURE,
            );
        }

        /// Checks 5 and 6 of docs/protocol.md §4, shared by transactions, outside executions and
        /// messages: the session is neither revoked nor of an earlier epoch (refused before its
        /// recorded authorization is read), and the owner authorized it: recorded, for the short
        /// form (no owner signature), else signed by the current owner key, record or not: the
        /// key is asked of the account (`SessionOwnerKey`) only then, so the short form reads no
        /// owner key. Returns the session's usage slot, read once here.
        fn assert_authorized(
            self: @ComponentState<TContractState>,
            session: @Session,
            session_hash: felt252,
            owner_signature: Span<felt252>,
        ) -> SessionUsage {
            let revocation = get_dep_component!(self, Revocation);
            revocation.assert_not_revoked(session_hash);
            revocation.assert_current_epoch(*session.epoch);
            let usage = self.Session_usage.read(session_hash);
            if owner_signature.is_empty() {
                assert(usage.authorized, errors::SESSION_NOT_AUTHORIZED);
            } else {
                let owner_key = self.get_contract().session_owner_key();
                assert(
                    is_valid_stark_signature(session_hash, owner_key, owner_signature),
                    errors::SESSION_INVALID_AUTHORIZATION,
                );
            }
            usage
        }

        /// Execution's part of a session transaction or outside execution (docs/protocol.md §4,
        /// "Time" and "Spending"): runs `calls`, whose signature `signature` validation accepted
        /// (its header alone is read), and returns their results. First the exact window,
        /// `valid_after <= now < valid_until`. Then, for a session with spending limits, the
        /// balance of each limited token before the calls, the calls, and for each token what
        /// they spent (`limits::spent_amount`: what left the balance, plus the allowances they
        /// granted that are still there), counted against its limit (`limits::spend`) and
        /// written. A session without limits reads no balance; a transaction that spends nothing
        /// computes no session hash and writes nothing. `known_hash` is the session hash when the
        /// caller has it (an outside execution's validation computed it). A limit exceeded
        /// panics, so the calls revert with it and a reverted transfer uses no spending room.
        fn execute_session(
            ref self: ComponentState<TContractState>,
            calls: Span<Call>,
            signature: Span<felt252>,
            known_hash: Option<felt252>,
        ) -> Array<Span<felt252>> {
            let session = execution_session(signature);
            let execution_info = get_execution_info().unbox();
            let now = execution_info.block_info.unbox().block_timestamp;
            assert(session.valid_after <= now, errors::SESSION_NOT_YET_VALID);
            assert_not_expired(session.valid_until, now);
            if session.spending_limits.is_empty() {
                return execute_calls(calls);
            }
            let account = execution_info.contract_address;
            // Before the calls: each limited token's balance, and the allowances the calls grant
            // of it (their calldata is read here, so a malformed one is refused before any call).
            let mut before: Array<(u256, Span<(ContractAddress, u256)>)> = array![];
            for limit in session.spending_limits {
                let token = *limit.token;
                let mut grants = array![];
                for call in calls {
                    if *call.to == token {
                        if let Some(grant) = granted_allowance(call) {
                            grants.append(grant);
                        }
                    }
                }
                before.append((erc20(token).balance_of(account), grants.span()));
            }
            let results = execute_calls(calls);
            // After them: what each token spent, counted and written.
            let mut known_hash = known_hash;
            let mut before = before.span();
            for limit in session.spending_limits {
                let limit = *limit;
                let Some((balance_before, grants)) = before.pop_front() else { break; };
                let token = erc20(limit.token);
                let mut allowances: u256 = 0;
                for (spender, granted) in *grants {
                    let left = token.allowance(account, *spender);
                    let Some(sum) = allowances.checked_add(counted_allowance(*granted, left)) else {
                        core::panic_with_felt252(errors::SESSION_SPENDING_LIMIT)
                    };
                    allowances = sum;
                }
                let amount = spent_amount(*balance_before, token.balance_of(account), allowances);
                if amount == 0 {
                    continue;
                }
                let hash = match known_hash {
                    Some(hash) => hash,
                    None => session_hash(
                        @session, account, execution_info.tx_info.unbox().chain_id,
                    ),
                };
                known_hash = Some(hash);
                let key = (hash, limit.token);
                let usage = spend(read_spending(@self, key), limit, amount, now, session.valid_after);
                write_spending(ref self, key, usage);
            }
            results
        }
    }

    /// The ERC-20 entry points of `token`.
    fn erc20(token: ContractAddress) -> IERC20Dispatcher {
        IERC20Dispatcher { contract_address: token }
    }

    /// The `SpendingUsage` of `key` (session hash, token): its head, then the words the head
    /// says are stored.
    fn read_spending<TContractState, +HasComponent<TContractState>>(
        self: @ComponentState<TContractState>, key: (felt252, ContractAddress),
    ) -> SpendingUsage {
        let head = self.Session_spending.read(key);
        let (session_hash, token) = key;
        let word = |word: u8, stored: bool| -> u128 {
            if stored {
                self.Session_spending_words.read((session_hash, token, word))
            } else {
                0
            }
        };
        let total = u256 { low: head.total_low, high: word(SPENDING_TOTAL_HIGH, head.total_high) };
        let period_spent = if head.same {
            total
        } else {
            u256 {
                low: word(SPENDING_PERIOD_LOW, true), high: word(SPENDING_PERIOD_HIGH, head.period_high),
            }
        };
        SpendingUsage { total, period: head.period, period_spent }
    }

    /// Writes `usage` for `key`: the head, and the words it does not hold that carry something
    /// (a word the head no longer flags is left as it is: it is not read).
    fn write_spending<TContractState, +HasComponent<TContractState>>(
        ref self: ComponentState<TContractState>, key: (felt252, ContractAddress), usage: SpendingUsage,
    ) {
        let head = spending_head(@usage);
        self.Session_spending.write(key, head);
        let (session_hash, token) = key;
        if head.total_high {
            self.Session_spending_words.write((session_hash, token, SPENDING_TOTAL_HIGH), usage.total.high);
        }
        if !head.same {
            self
                .Session_spending_words
                .write((session_hash, token, SPENDING_PERIOD_LOW), usage.period_spent.low);
            if head.period_high {
                self
                    .Session_spending_words
                    .write((session_hash, token, SPENDING_PERIOD_HIGH), usage.period_spent.high);
            }
        }
    }

    /// The session token of `signature`, or a panic with the reason it is not one.
    fn parse(signature: Span<felt252>) -> SessionToken {
        match parse_session_token(signature) {
            Ok(token) => token,
            Err(error) => core::panic_with_felt252(error),
        }
    }

    /// Check 3, the window as validation sees it: with `rounded` the block timestamp rounded down,
    /// the real time is in `[rounded, rounded + VALIDATION_TIME_ROUNDING)`, so only a session that
    /// certainly expired (`session/expired`) or certainly has not started (`session/not-yet-valid`)
    /// is refused.
    fn assert_validation_window(valid_after: u64, valid_until: u64, rounded: u64) {
        assert_not_expired(valid_until, rounded);
        assert(valid_after < rounded + VALIDATION_TIME_ROUNDING, errors::SESSION_NOT_YET_VALID);
    }

    /// The one place `session/expired` is raised, for validation and execution alike.
    fn assert_not_expired(valid_until: u64, now: u64) {
        assert(now < valid_until, errors::SESSION_EXPIRED);
    }
}
