//! Contracts that exist only for tests.

#[starknet::interface]
pub trait IMockTarget<TState> {
    fn set_value(ref self: TState, value: felt252);
    fn get_value(self: @TState) -> felt252;
    fn fail(ref self: TState);
}

/// A call target that stores one value, and fails on demand.
#[starknet::contract]
pub mod MockTarget {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        value: felt252,
    }

    #[abi(embed_v0)]
    impl MockTargetImpl of super::IMockTarget<ContractState> {
        fn set_value(ref self: ContractState, value: felt252) {
            self.value.write(value);
        }

        fn get_value(self: @ContractState) -> felt252 {
            self.value.read()
        }

        fn fail(ref self: ContractState) {
            core::panic_with_felt252('mock/failed');
        }
    }
}
