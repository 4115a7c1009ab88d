//! The account's session support: the checks of a session transaction (docs/protocol.md §4), in
//! validation and in execution. Each check lives with its concept and is run from here: the token
//! format in `session_token`, the session hash in `session_hash`, revocation in the
//! `RevocationComponent` this component depends on, the call rules in `policy_tree`. The account
//! passes in what is its own (the owner key); the component never reads the account's storage.

#[starknet::component]
pub mod SessionComponent {
    use starknet::account::Call;
    use starknet::{get_block_timestamp, get_execution_info};
    use crate::errors;
    use crate::session::policy_tree::assert_allowed_calls;
    use crate::session::revocation::RevocationComponent;
    use crate::session::revocation::RevocationComponent::InternalTrait as RevocationInternalTrait;
    use crate::session::session_hash::session_hash;
    use crate::session::session_token::{
        SessionToken, parse_session_token, session_message_hash, session_window,
    };
    use crate::utils::is_valid_stark_signature;

    #[storage]
    pub struct Storage {}

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {}

    #[generate_trait]
    pub impl InternalImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Revocation: RevocationComponent::HasComponent<TContractState>,
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
            get_dep_component!(self, Revocation).assert_not_revoked(session_hash);
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
            assert_allowed_calls(session.policies_root, calls, token.proofs, account);
        }

        /// Checks the exact session window, `valid_after <= now < valid_until`, in `__execute__`
        /// of a session transaction (whose `signature` validation already accepted). Reads the
        /// token's header only.
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
}
