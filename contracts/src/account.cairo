//! The account contract: an owner Stark key, SNIP-6, SRC5, self-deployment and owner rotation.
//! Session keys are added by the session component (see docs/protocol.md).

#[starknet::contract(account)]
pub mod SessionKeyAccount {
    use core::ecdsa::check_ecdsa_signature;
    use starknet::account::Call;
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use starknet::{VALIDATED, get_tx_info};
    use crate::errors;
    use crate::interfaces::{IDeclarer, IDeployable, IOwner, ISRC5, ISRC5_ID, ISRC6, ISRC6_ID};
    use crate::utils::{
        assert_only_protocol, assert_only_self, assert_supported_tx_version, execute_calls,
    };

    #[storage]
    struct Storage {
        Account_owner: felt252,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        OwnerChanged: OwnerChanged,
    }

    /// The owner key was set (at deployment, `old_owner` is 0) or replaced.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct OwnerChanged {
        #[key]
        pub old_owner: felt252,
        #[key]
        pub new_owner: felt252,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: felt252) {
        self._set_owner(owner);
    }

    #[abi(embed_v0)]
    impl SRC6Impl of ISRC6<ContractState> {
        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            assert_only_protocol();
            assert_supported_tx_version();
            execute_calls(calls.span())
        }

        fn __validate__(ref self: ContractState, calls: Array<Call>) -> felt252 {
            self.validate_transaction()
        }

        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>,
        ) -> felt252 {
            if self.is_valid_owner_signature(hash, signature.span()) {
                VALIDATED
            } else {
                0
            }
        }
    }

    #[abi(embed_v0)]
    impl SRC5Impl of ISRC5<ContractState> {
        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == ISRC6_ID || interface_id == ISRC5_ID
        }
    }

    #[abi(embed_v0)]
    impl DeclarerImpl of IDeclarer<ContractState> {
        fn __validate_declare__(self: @ContractState, class_hash: felt252) -> felt252 {
            self.validate_transaction()
        }
    }

    #[abi(embed_v0)]
    impl DeployableImpl of IDeployable<ContractState> {
        fn __validate_deploy__(
            self: @ContractState, class_hash: felt252, contract_address_salt: felt252, owner: felt252,
        ) -> felt252 {
            self.validate_transaction()
        }
    }

    #[abi(embed_v0)]
    impl OwnerImpl of IOwner<ContractState> {
        fn get_owner(self: @ContractState) -> felt252 {
            self.Account_owner.read()
        }

        fn set_owner(ref self: ContractState, new_owner: felt252) {
            assert_only_self();
            self._set_owner(new_owner);
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        /// The checks every transaction of this account passes in its validation phase: protocol
        /// caller, version 3, and the owner's signature over the transaction hash.
        fn validate_transaction(self: @ContractState) -> felt252 {
            assert_only_protocol();
            assert_supported_tx_version();
            let tx_info = get_tx_info().unbox();
            let signature = tx_info.signature;
            assert(signature.len() == 2, errors::INVALID_SIGNATURE_LENGTH);
            assert(
                self.is_valid_owner_signature(tx_info.transaction_hash, signature),
                errors::INVALID_SIGNATURE,
            );
            VALIDATED
        }

        fn is_valid_owner_signature(
            self: @ContractState, hash: felt252, signature: Span<felt252>,
        ) -> bool {
            if signature.len() != 2 {
                return false;
            }
            check_ecdsa_signature(hash, self.Account_owner.read(), *signature[0], *signature[1])
        }

        fn _set_owner(ref self: ContractState, new_owner: felt252) {
            assert(new_owner != 0, errors::ZERO_OWNER);
            let old_owner = self.Account_owner.read();
            self.Account_owner.write(new_owner);
            self.emit(OwnerChanged { old_owner, new_owner });
        }
    }
}
