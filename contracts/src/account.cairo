//! The account contract: an owner Stark key, SNIP-6, SRC5, self-deployment and owner rotation, and
//! session keys through two components (docs/protocol.md): `SessionComponent` checks session
//! transactions, counts their usage and spending (the `ISessionUsage` views) and records the
//! owner's authorization of sessions (`ISessionRegistry`), `RevocationComponent` holds the revoked
//! sessions, the owner epoch and the `ISession` entry points; and SNIP-9 version 2 outside
//! execution through `OutsideExecutionComponent`, signed by the owner or a session. A change of the owner key moves the
//! epoch on, ending every session the old key signed.

#[starknet::contract(account)]
pub mod SessionKeyAccount {
    use starknet::account::Call;
    use starknet::syscalls::replace_class_syscall;
    use starknet::{ClassHash, SyscallResultTrait, VALIDATED, get_contract_address, get_tx_info};
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use crate::errors;
    use crate::interfaces::{
        IDeclarer, IDeployable, IOwner, ISESSION_ID, ISRC5, ISRC5_ID, ISRC6, ISRC6_ID, ISRC9_V2_ID,
        IUpgradeable,
    };
    use crate::owner::owner_rotation_hash;
    use crate::outside_execution::{
        OWNER_NONCE_SPACE, OutsideExecutionComponent, OutsideExecutionHooks,
    };
    use crate::session::component::{SessionComponent, SessionOwnerKey};
    use crate::session::revocation::RevocationComponent;
    use crate::session::session_message::is_session_message_token;
    use crate::session::session_token::is_session_token;
    use crate::utils::{assert_only_self, execute_calls, is_valid_stark_signature, protocol_tx_info};

    component!(path: SessionComponent, storage: session, event: SessionEvent);
    component!(path: RevocationComponent, storage: revocation, event: RevocationEvent);
    component!(
        path: OutsideExecutionComponent, storage: outside_execution, event: OutsideExecutionEvent,
    );

    impl SessionInternalImpl = SessionComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionUsageImpl = SessionComponent::SessionUsageImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionRegistryImpl = SessionComponent::SessionRegistryImpl<ContractState>;
    impl RevocationInternalImpl = RevocationComponent::InternalImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionImpl = RevocationComponent::SessionImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionLogoutImpl = RevocationComponent::SessionLogoutImpl<ContractState>;
    #[abi(embed_v0)]
    impl OutsideExecutionV2Impl =
        OutsideExecutionComponent::OutsideExecutionV2Impl<ContractState>;
    #[abi(embed_v0)]
    impl SessionOutsideExecutionImpl =
        OutsideExecutionComponent::SessionOutsideExecutionImpl<ContractState>;

    #[storage]
    struct Storage {
        Account_owner: felt252,
        #[substorage(v0)]
        session: SessionComponent::Storage,
        #[substorage(v0)]
        revocation: RevocationComponent::Storage,
        #[substorage(v0)]
        outside_execution: OutsideExecutionComponent::Storage,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        OwnerChanged: OwnerChanged,
        Upgraded: Upgraded,
        #[flat]
        SessionEvent: SessionComponent::Event,
        #[flat]
        RevocationEvent: RevocationComponent::Event,
        #[flat]
        OutsideExecutionEvent: OutsideExecutionComponent::Event,
    }

    /// The owner key was set (at deployment, `old_owner` is 0) or replaced.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct OwnerChanged {
        #[key]
        pub old_owner: felt252,
        #[key]
        pub new_owner: felt252,
    }

    /// The account's class was replaced by `class_hash` (`upgrade`).
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct Upgraded {
        #[key]
        pub class_hash: ClassHash,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: felt252) {
        self._set_owner(owner);
    }

    #[abi(embed_v0)]
    impl SRC6Impl of ISRC6<ContractState> {
        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            let tx_info = protocol_tx_info();
            if is_session_token(tx_info.signature) {
                // Validation saw a rounded-down timestamp; the exact window is enforced here
                // (docs/protocol.md §4, "Time"), and spending is counted here, around the calls,
                // so that it sees what they move and reverts with them ("Spending").
                return self.session.execute_session(calls.span(), tx_info.signature, None);
            }
            execute_calls(calls.span())
        }

        fn __validate__(ref self: ContractState, calls: Array<Call>) -> felt252 {
            let tx_info = protocol_tx_info();
            if is_session_token(tx_info.signature) {
                self
                    .session
                    .validate_session(calls.span(), tx_info.transaction_hash, tx_info.signature);
                return VALIDATED;
            }
            self.validate_owner_signature(tx_info.transaction_hash, tx_info.signature)
        }

        /// The owner's `(r, s)` over `hash`, or a session's signature of a SNIP-12 message its
        /// message policies allow (docs/protocol.md §6): `'VALID'`. A session token of a
        /// transaction, or anything else, is 0; a message token that fails a check panics with
        /// the check's error.
        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>,
        ) -> felt252 {
            if is_session_message_token(signature.span()) {
                self.session.check_session_message(hash, signature.span());
                return VALIDATED;
            }
            if self.is_valid_owner_signature(hash, signature.span()) {
                VALIDATED
            } else {
                0
            }
        }
    }

    /// The owner key the session component checks an owner's signature of a session with.
    impl SessionOwnerKeyImpl of SessionOwnerKey<ContractState> {
        fn session_owner_key(self: @ContractState) -> felt252 {
            self.Account_owner.read()
        }
    }

    /// Who may sign an outside execution (docs/protocol.md §5): the owner, with `(r, s)` over its
    /// hash, in the owner's nonce space, or a session, with a session token whose key signed the
    /// hash (the checks of a session transaction but the fee's), in the session's own nonce
    /// space; a session's calls then run as a session transaction's do, with the exact window and
    /// the spending around them.
    impl OutsideExecutionHooksImpl of OutsideExecutionHooks<ContractState> {
        fn validate_outside_execution(
            ref self: ContractState, calls: Span<Call>, hash: felt252, signature: Span<felt252>,
        ) -> felt252 {
            if is_session_token(signature) {
                self.session.validate_outside_session(calls, hash, signature)
            } else {
                self.validate_owner_signature(hash, signature);
                OWNER_NONCE_SPACE
            }
        }

        fn execute_outside_calls(
            ref self: ContractState, calls: Span<Call>, signature: Span<felt252>, space: felt252,
        ) -> Array<Span<felt252>> {
            if space == OWNER_NONCE_SPACE {
                execute_calls(calls)
            } else {
                self.session.execute_session(calls, signature, Some(space))
            }
        }
    }

    #[abi(embed_v0)]
    impl SRC5Impl of ISRC5<ContractState> {
        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == ISRC6_ID
                || interface_id == ISRC5_ID
                || interface_id == ISESSION_ID
                || interface_id == ISRC9_V2_ID
        }
    }

    #[abi(embed_v0)]
    impl DeclarerImpl of IDeclarer<ContractState> {
        fn __validate_declare__(self: @ContractState, class_hash: felt252) -> felt252 {
            let tx_info = protocol_tx_info();
            assert(!is_session_token(tx_info.signature), errors::SESSION_NO_DECLARE);
            self.validate_owner_signature(tx_info.transaction_hash, tx_info.signature)
        }
    }

    #[abi(embed_v0)]
    impl DeployableImpl of IDeployable<ContractState> {
        fn __validate_deploy__(
            self: @ContractState, class_hash: felt252, contract_address_salt: felt252, owner: felt252,
        ) -> felt252 {
            let tx_info = protocol_tx_info();
            assert(!is_session_token(tx_info.signature), errors::SESSION_NO_DEPLOY);
            self.validate_owner_signature(tx_info.transaction_hash, tx_info.signature)
        }
    }

    #[abi(embed_v0)]
    impl OwnerImpl of IOwner<ContractState> {
        fn get_owner(self: @ContractState) -> felt252 {
            self.Account_owner.read()
        }

        /// A rotation, once the new key proved it signs (docs/protocol.md §4, "Rotation"): it
        /// also moves the owner epoch on (`SessionsRevoked`), so that no session the old key
        /// signed outlives it, even if that key is set again later.
        fn set_owner(ref self: ContractState, new_owner: felt252, signature: Span<felt252>) {
            assert_only_self();
            assert(new_owner != 0, errors::ZERO_OWNER);
            let old_owner = self.Account_owner.read();
            assert(new_owner != old_owner, errors::SAME_OWNER);
            let chain_id = get_tx_info().unbox().chain_id;
            let proof = owner_rotation_hash(get_contract_address(), chain_id, old_owner, new_owner);
            assert(
                is_valid_stark_signature(proof, new_owner, signature), errors::INVALID_OWNER_PROOF,
            );
            self._set_owner(new_owner);
            self.revocation.bump_epoch();
        }
    }

    #[abi(embed_v0)]
    impl UpgradeableImpl of IUpgradeable<ContractState> {
        /// Only from the account itself; the new class must be declared. Sessions, revocations,
        /// the epoch, the usage counters and the used nonces stay in storage: a class that keeps
        /// their storage names keeps them (docs/protocol.md §4, "Upgrade").
        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            assert_only_self();
            let class_hash: felt252 = new_class_hash.into();
            assert(class_hash != 0, errors::ZERO_CLASS_HASH);
            replace_class_syscall(new_class_hash).unwrap_syscall();
            self.emit(Upgraded { class_hash: new_class_hash });
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        /// Validation of an owner-signed transaction: `signature` is the owner's `(r, s)` over the
        /// transaction hash.
        fn validate_owner_signature(
            self: @ContractState, transaction_hash: felt252, signature: Span<felt252>,
        ) -> felt252 {
            assert(signature.len() == 2, errors::INVALID_SIGNATURE_LENGTH);
            assert(
                self.is_valid_owner_signature(transaction_hash, signature),
                errors::INVALID_SIGNATURE,
            );
            VALIDATED
        }

        fn is_valid_owner_signature(
            self: @ContractState, hash: felt252, signature: Span<felt252>,
        ) -> bool {
            is_valid_stark_signature(hash, self.Account_owner.read(), signature)
        }

        fn _set_owner(ref self: ContractState, new_owner: felt252) {
            assert(new_owner != 0, errors::ZERO_OWNER);
            let old_owner = self.Account_owner.read();
            self.Account_owner.write(new_owner);
            self.emit(OwnerChanged { old_owner, new_owner });
        }
    }
}
