//! Revocation (docs/protocol.md §4, "Revocation", "Logout", "Epoch", and check 5): the session
//! hashes the account revoked and the owner epoch, the `ISession` entry points that revoke and
//! query them, the session's own logout (`ISessionLogout`), and the checks validation runs. The epoch ends every session signed before it moved on: by
//! `revoke_all_sessions`, or by a change of the owner key (the account calls `bump_epoch`). Each
//! new epoch is a hash of the transaction that moves it (`next_epoch`), so nobody can sign for it
//! in advance.

#[starknet::component]
pub mod RevocationComponent {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::get_execution_info;
    use crate::errors;
    use crate::interfaces::{ISession, ISessionLogout};
    use crate::session::session_hash::{Session, session_hash};
    use crate::utils::{assert_only_self, is_valid_stark_signature};

    #[storage]
    pub struct Storage {
        /// Session hashes the account revoked.
        pub Revocation_revoked: Map<felt252, bool>,
        /// The owner epoch: 0 at deployment, then a hash of the transaction that moved it
        /// (`next_epoch`). A session is valid only while it is the epoch the session names.
        pub Revocation_epoch: felt252,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        SessionRevoked: SessionRevoked,
        SessionsRevoked: SessionsRevoked,
    }

    /// The account revoked the session of `session_hash` (`revoke_session`, or the session's own
    /// `logout_session`): nothing can use it any more.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionRevoked {
        #[key]
        pub session_hash: felt252,
    }

    /// The owner epoch moved on to `epoch` (`revoke_all_sessions`, or a change of the owner key):
    /// every session of an earlier epoch is refused from now on.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionsRevoked {
        pub epoch: felt252,
    }

    #[embeddable_as(SessionImpl)]
    impl Revocation<
        TContractState, +HasComponent<TContractState>,
    > of ISession<ComponentState<TContractState>> {
        fn revoke_session(ref self: ComponentState<TContractState>, session_hash: felt252) {
            assert_only_self();
            self.revoke(session_hash);
        }

        fn is_session_revoked(
            self: @ComponentState<TContractState>, session_hash: felt252,
        ) -> bool {
            self.Revocation_revoked.read(session_hash)
        }

        fn revoke_all_sessions(ref self: ComponentState<TContractState>) {
            assert_only_self();
            self.bump_epoch();
        }

        fn get_session_epoch(self: @ComponentState<TContractState>) -> felt252 {
            self.Revocation_epoch.read()
        }
    }

    #[embeddable_as(SessionLogoutImpl)]
    impl SessionLogout<
        TContractState, +HasComponent<TContractState>,
    > of ISessionLogout<ComponentState<TContractState>> {
        /// Revokes `session` for good if its key signed `logout_hash` of it (`signature`, its
        /// `(r, s)`; `session/invalid-signature` otherwise): from anyone, since only the session
        /// key can sign it; the session's own transactions and outside executions may call it
        /// too (the one call to the account itself they may make, docs/protocol.md §4, check 9).
        /// Opens nothing else: it reads no owner key and revokes only the session whose key signed.
        fn logout_session(
            ref self: ComponentState<TContractState>, session: Session, signature: Span<felt252>,
        ) {
            let execution_info = get_execution_info().unbox();
            let session_hash = session_hash(
                @session, execution_info.contract_address, execution_info.tx_info.unbox().chain_id,
            );
            assert(
                is_valid_stark_signature(logout_hash(session_hash), session.session_key, signature),
                errors::SESSION_INVALID_SIGNATURE,
            );
            self.revoke(session_hash);
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// Marks the session of `session_hash` revoked (`session/already-revoked` if it is) and
        /// emits `SessionRevoked`: `revoke_session` and `logout_session` after their checks.
        fn revoke(ref self: ComponentState<TContractState>, session_hash: felt252) {
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_ALREADY_REVOKED);
            self.Revocation_revoked.write(session_hash, true);
            self.emit(SessionRevoked { session_hash });
        }

        /// Check 5 of a session transaction, first half: the session of `session_hash` was not
        /// revoked (`session/revoked`).
        fn assert_not_revoked(self: @ComponentState<TContractState>, session_hash: felt252) {
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_REVOKED);
        }

        /// Check 5, second half: `epoch`, the one a session names, is the account's current
        /// epoch (`session/stale-epoch`).
        fn assert_current_epoch(self: @ComponentState<TContractState>, epoch: felt252) {
            assert(epoch == self.Revocation_epoch.read(), errors::SESSION_STALE_EPOCH);
        }

        /// Moves the owner epoch on to `next_epoch` of this transaction, ending every session
        /// signed before, and emits `SessionsRevoked` with the new epoch. Checks no caller:
        /// `revoke_all_sessions` does, and the account calls it when the owner key changes.
        fn bump_epoch(ref self: ComponentState<TContractState>) {
            let execution_info = get_execution_info().unbox();
            let epoch = next_epoch(
                self.Revocation_epoch.read(),
                execution_info.tx_info.unbox().transaction_hash,
                execution_info.block_info.unbox().block_number,
            );
            self.Revocation_epoch.write(epoch);
            self.emit(SessionsRevoked { epoch });
        }
    }

    /// The first felt of what a session key signs to log out: the short string
    /// `'sk-session-logout'`.
    pub const LOGOUT_TAG: felt252 = 'sk-session-logout';

    /// What the key of the session `session_hash` signs to end it (`logout_session`):
    /// `poseidon_hash_many([LOGOUT_TAG, session_hash])`. Three felts, so it is neither what the key
    /// signs for a transaction (two: the transaction hash and the session hash) nor for a message
    /// (`session_message`, three beginning with its own magic); the session hash binds the
    /// account and the chain.
    pub fn logout_hash(session_hash: felt252) -> felt252 {
        poseidon_hash_span(array![LOGOUT_TAG, session_hash].span())
    }

    /// The epoch after `epoch`, moved by the transaction `transaction_hash` in the block
    /// `block_number`: `poseidon_hash_many([epoch, transaction_hash, block_number])`. Nobody can
    /// know it before that transaction is in a block, so no session can be signed for an epoch
    /// to come (a counter would let a dApp ask for a session naming the next value, which the
    /// owner's own revoke-all would bring to life), and no epoch comes back: rotating the owner
    /// key back, or revoking all twice, revives nothing. Two moves in one transaction chain
    /// through `epoch`.
    pub fn next_epoch(epoch: felt252, transaction_hash: felt252, block_number: u64) -> felt252 {
        poseidon_hash_span(array![epoch, transaction_hash, block_number.into()].span())
    }
}
