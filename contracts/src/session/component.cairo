//! The account's session support: revocation, and the checks of a session transaction
//! (docs/protocol.md §4). The account passes in what is its own (the owner key); the component
//! never reads the account's storage.

#[starknet::component]
pub mod SessionComponent {
    use starknet::account::Call;
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use starknet::{ContractAddress, get_block_timestamp, get_execution_info};
    use crate::errors;
    use crate::interfaces::ISession;
    use crate::session::authorization::{
        SessionToken, parse_session_token, session_message_hash, session_window,
    };
    use crate::session::policy_tree::{policy_leaf, verify_proof};
    use crate::session::session_hash::session_hash;
    use crate::utils::{assert_only_self, is_valid_stark_signature};

    #[storage]
    pub struct Storage {
        /// Session hashes the account revoked.
        pub Session_revoked: Map<felt252, bool>,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        SessionRevoked: SessionRevoked,
    }

    /// The account revoked the session of `session_hash`: no transaction can use it any more.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionRevoked {
        #[key]
        pub session_hash: felt252,
    }

    #[embeddable_as(SessionImpl)]
    impl Session<
        TContractState, +HasComponent<TContractState>,
    > of ISession<ComponentState<TContractState>> {
        fn revoke_session(ref self: ComponentState<TContractState>, session_hash: felt252) {
            assert_only_self();
            assert(!self.Session_revoked.read(session_hash), errors::SESSION_ALREADY_REVOKED);
            self.Session_revoked.write(session_hash, true);
            self.emit(SessionRevoked { session_hash });
        }

        fn is_session_revoked(
            self: @ComponentState<TContractState>, session_hash: felt252,
        ) -> bool {
            self.Session_revoked.read(session_hash)
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// Validates a session transaction of this account: `signature` is the whole transaction
        /// signature (starting with the magic) and `owner_key` the account's current owner key.
        /// Runs the checks of docs/protocol.md §4 in their order; the first that fails panics.
        fn validate_session(
            self: @ComponentState<TContractState>,
            calls: Span<Call>,
            transaction_hash: felt252,
            signature: Span<felt252>,
            owner_key: felt252,
        ) {
            let execution_info = get_execution_info().unbox();
            let account = execution_info.contract_address;
            // 1. Format and version.
            let token = parse(signature);
            let session = token.session;
            // 2. Validation sees the block timestamp rounded down, so only the end of the window
            // can be checked here; `assert_session_window` checks both ends in `__execute__`.
            assert_not_expired(session.valid_until, execution_info.block_info.block_timestamp);
            // 3. Revocation.
            let session_hash = session_hash(@session, account, execution_info.tx_info.chain_id);
            assert(!self.Session_revoked.read(session_hash), errors::SESSION_REVOKED);
            // 4. The current owner authorized the session.
            assert(
                is_valid_stark_signature(session_hash, owner_key, token.owner_signature),
                errors::SESSION_INVALID_AUTHORIZATION,
            );
            // 5. The session key signed this transaction under this session.
            assert(
                is_valid_stark_signature(
                    session_message_hash(transaction_hash, session_hash),
                    session.session_key,
                    token.session_signature,
                ),
                errors::SESSION_INVALID_SIGNATURE,
            );
            // 6-8. The calls.
            assert_allowed_calls(@token, calls, account);
        }

        /// Checks the exact session window, `valid_after <= now < valid_until`, in `__execute__`
        /// of a session transaction (whose `signature` validation already accepted).
        fn assert_session_window(self: @ComponentState<TContractState>, signature: Span<felt252>) {
            let (valid_after, valid_until) = session_window(signature);
            let now = get_block_timestamp();
            assert(valid_after <= now, errors::SESSION_NOT_YET_VALID);
            assert_not_expired(valid_until, now);
        }
    }

    /// The session token of `signature`, or a panic with the reason it is not one.
    fn parse(signature: Span<felt252>) -> SessionToken {
        match parse_session_token(signature) {
            Ok(token) => token,
            Err(error) => core::panic_with_felt252(error),
        }
    }

    /// The one place `session/expired` is raised, for validation and execution alike.
    fn assert_not_expired(valid_until: u64, now: u64) {
        assert(now < valid_until, errors::SESSION_EXPIRED);
    }

    /// Checks 6 to 8: one proof per call, no call to `account` itself, and every call's
    /// `(to, selector)` proven in the session's policy tree.
    fn assert_allowed_calls(token: @SessionToken, calls: Span<Call>, account: ContractAddress) {
        let proofs = *token.proofs;
        assert(proofs.len() == calls.len(), errors::SESSION_PROOF_COUNT);
        for call in calls {
            assert(*call.to != account, errors::SESSION_SELF_CALL);
        }
        let root = *token.session.policies_root;
        for (call, proof) in calls.into_iter().zip(proofs) {
            assert(
                verify_proof(root, policy_leaf(*call.to, *call.selector), *proof),
                errors::SESSION_INVALID_PROOF,
            );
        }
    }
}
