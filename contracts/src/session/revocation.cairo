//! Revocation (docs/protocol.md §4, "Revocation", "Epoch", and check 5): the session hashes the
//! account revoked and the owner epoch, the `ISession` entry points that revoke and query them,
//! and the checks validation runs. The epoch ends every session signed before it moved on: by
//! `revoke_all_sessions`, or by a change of the owner key (the account calls `bump_epoch`).

#[starknet::component]
pub mod RevocationComponent {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use crate::errors;
    use crate::interfaces::ISession;
    use crate::utils::assert_only_self;

    #[storage]
    pub struct Storage {
        /// Session hashes the account revoked.
        pub Revocation_revoked: Map<felt252, bool>,
        /// The owner epoch: 0 at deployment, only ever one more (`bump_epoch`). A session is valid
        /// only while it is the epoch the session names.
        pub Revocation_epoch: u64,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        SessionRevoked: SessionRevoked,
        SessionsRevoked: SessionsRevoked,
    }

    /// The account revoked the session of `session_hash`: no transaction can use it any more.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionRevoked {
        #[key]
        pub session_hash: felt252,
    }

    /// The owner epoch moved on to `epoch` (`revoke_all_sessions`, or a change of the owner key):
    /// every session of an earlier epoch is refused from now on.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct SessionsRevoked {
        pub epoch: u64,
    }

    #[embeddable_as(SessionImpl)]
    impl Session<
        TContractState, +HasComponent<TContractState>,
    > of ISession<ComponentState<TContractState>> {
        fn revoke_session(ref self: ComponentState<TContractState>, session_hash: felt252) {
            assert_only_self();
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_ALREADY_REVOKED);
            self.Revocation_revoked.write(session_hash, true);
            self.emit(SessionRevoked { session_hash });
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

        fn get_session_epoch(self: @ComponentState<TContractState>) -> u64 {
            self.Revocation_epoch.read()
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// Check 5 of a session transaction, first half: the session of `session_hash` was not
        /// revoked (`session/revoked`).
        fn assert_not_revoked(self: @ComponentState<TContractState>, session_hash: felt252) {
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_REVOKED);
        }

        /// Check 5, second half: `epoch`, the one a session names, is the account's current
        /// epoch (`session/stale-epoch`).
        fn assert_current_epoch(self: @ComponentState<TContractState>, epoch: u64) {
            assert(epoch == self.Revocation_epoch.read(), errors::SESSION_STALE_EPOCH);
        }

        /// Moves the owner epoch on by one, ending every session signed before, and emits
        /// `SessionsRevoked` with the new epoch. Checks no caller: `revoke_all_sessions` does, and
        /// the account calls it when the owner key changes. A u64 cannot overflow at one step per
        /// owner transaction.
        fn bump_epoch(ref self: ComponentState<TContractState>) {
            let epoch = self.Revocation_epoch.read() + 1;
            self.Revocation_epoch.write(epoch);
            self.emit(SessionsRevoked { epoch });
        }
    }
}
