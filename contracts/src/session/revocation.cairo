//! Revocation (docs/protocol.md §4, "Revocation", and check 5): the session hashes the account
//! revoked, the `ISession` entry points that revoke and query them, and the check validation runs.

#[starknet::component]
pub mod RevocationComponent {
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use crate::errors;
    use crate::interfaces::ISession;
    use crate::utils::assert_only_self;

    #[storage]
    pub struct Storage {
        /// Session hashes the account revoked.
        pub Revocation_revoked: Map<felt252, bool>,
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
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_ALREADY_REVOKED);
            self.Revocation_revoked.write(session_hash, true);
            self.emit(SessionRevoked { session_hash });
        }

        fn is_session_revoked(
            self: @ComponentState<TContractState>, session_hash: felt252,
        ) -> bool {
            self.Revocation_revoked.read(session_hash)
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// Check 5 of a session transaction: the session of `session_hash` was not revoked.
        fn assert_not_revoked(self: @ComponentState<TContractState>, session_hash: felt252) {
            assert(!self.Revocation_revoked.read(session_hash), errors::SESSION_REVOKED);
        }
    }
}
