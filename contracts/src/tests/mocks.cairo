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

#[starknet::interface]
pub trait IMockToken<TState> {
    fn transfer(ref self: TState, recipient: starknet::ContractAddress, amount: u256) -> bool;
    fn approve(ref self: TState, spender: starknet::ContractAddress, amount: u256) -> bool;
    fn increase_allowance(
        ref self: TState, spender: starknet::ContractAddress, added_value: u256,
    ) -> bool;
    fn decrease_allowance(
        ref self: TState, spender: starknet::ContractAddress, subtracted_value: u256,
    ) -> bool;
    fn transfer_from(
        ref self: TState,
        sender: starknet::ContractAddress,
        recipient: starknet::ContractAddress,
        amount: u256,
    ) -> bool;
    /// How many of the calls above it answered.
    fn get_calls(self: @TState) -> u32;
}

/// An ERC20-like token that moves nothing: every transfer and approval returns true and is only
/// counted, so that the tests see the calls ran.
#[starknet::contract]
pub mod MockToken {
    use starknet::ContractAddress;
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        calls: u32,
    }

    #[abi(embed_v0)]
    impl MockTokenImpl of super::IMockToken<ContractState> {
        fn transfer(ref self: ContractState, recipient: ContractAddress, amount: u256) -> bool {
            self.count()
        }

        fn approve(ref self: ContractState, spender: ContractAddress, amount: u256) -> bool {
            self.count()
        }

        fn increase_allowance(
            ref self: ContractState, spender: ContractAddress, added_value: u256,
        ) -> bool {
            self.count()
        }

        fn decrease_allowance(
            ref self: ContractState, spender: ContractAddress, subtracted_value: u256,
        ) -> bool {
            self.count()
        }

        fn transfer_from(
            ref self: ContractState,
            sender: ContractAddress,
            recipient: ContractAddress,
            amount: u256,
        ) -> bool {
            self.count()
        }

        fn get_calls(self: @ContractState) -> u32 {
            self.calls.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn count(ref self: ContractState) -> bool {
            self.calls.write(self.calls.read() + 1);
            true
        }
    }
}
