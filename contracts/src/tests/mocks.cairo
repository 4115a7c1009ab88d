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
    /// `increase_allowance` in its camel-case spelling.
    fn increaseAllowance(
        ref self: TState, spender: starknet::ContractAddress, addedValue: u256,
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
    fn balance_of(self: @TState, account: starknet::ContractAddress) -> u256;
    fn allowance(
        self: @TState, owner: starknet::ContractAddress, spender: starknet::ContractAddress,
    ) -> u256;
    /// Burns `amount` of the caller's tokens: a selector no spending limit names, that moves
    /// tokens all the same.
    fn burn(ref self: TState, amount: u256);
    /// How many of the calls above that change something it answered.
    fn get_calls(self: @TState) -> u32;
}

/// A plain ERC-20 for the tests: balances and allowances as OpenZeppelin's, `holder` holding
/// `supply` from the start, and a count of the calls that change something, so that the tests see
/// the calls ran. A transfer beyond the balance, or a `transfer_from` beyond the allowance,
/// panics (`mock/balance`, `mock/allowance`).
#[starknet::contract]
pub mod MockToken {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_caller_address};

    #[storage]
    struct Storage {
        calls: u32,
        balances: Map<ContractAddress, u256>,
        allowances: Map<(ContractAddress, ContractAddress), u256>,
    }

    #[constructor]
    fn constructor(ref self: ContractState, holder: ContractAddress, supply: u256) {
        self.balances.write(holder, supply);
    }

    #[abi(embed_v0)]
    impl MockTokenImpl of super::IMockToken<ContractState> {
        fn transfer(ref self: ContractState, recipient: ContractAddress, amount: u256) -> bool {
            self.move_tokens(get_caller_address(), recipient, amount);
            self.count()
        }

        fn approve(ref self: ContractState, spender: ContractAddress, amount: u256) -> bool {
            self.allowances.write((get_caller_address(), spender), amount);
            self.count()
        }

        fn increase_allowance(
            ref self: ContractState, spender: ContractAddress, added_value: u256,
        ) -> bool {
            let key = (get_caller_address(), spender);
            self.allowances.write(key, self.allowances.read(key) + added_value);
            self.count()
        }

        fn increaseAllowance(
            ref self: ContractState, spender: ContractAddress, addedValue: u256,
        ) -> bool {
            self.increase_allowance(spender, addedValue)
        }

        fn decrease_allowance(
            ref self: ContractState, spender: ContractAddress, subtracted_value: u256,
        ) -> bool {
            let key = (get_caller_address(), spender);
            let allowance = self.allowances.read(key);
            assert(subtracted_value <= allowance, 'mock/allowance');
            self.allowances.write(key, allowance - subtracted_value);
            self.count()
        }

        fn transfer_from(
            ref self: ContractState,
            sender: ContractAddress,
            recipient: ContractAddress,
            amount: u256,
        ) -> bool {
            let key = (sender, get_caller_address());
            let allowance = self.allowances.read(key);
            assert(amount <= allowance, 'mock/allowance');
            self.allowances.write(key, allowance - amount);
            self.move_tokens(sender, recipient, amount);
            self.count()
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u256 {
            self.balances.read(account)
        }

        fn allowance(
            self: @ContractState, owner: ContractAddress, spender: ContractAddress,
        ) -> u256 {
            self.allowances.read((owner, spender))
        }

        fn burn(ref self: ContractState, amount: u256) {
            let caller = get_caller_address();
            let balance = self.balances.read(caller);
            assert(amount <= balance, 'mock/balance');
            self.balances.write(caller, balance - amount);
            self.count();
        }

        fn get_calls(self: @ContractState) -> u32 {
            self.calls.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn move_tokens(
            ref self: ContractState, from: ContractAddress, to: ContractAddress, amount: u256,
        ) {
            let balance = self.balances.read(from);
            assert(amount <= balance, 'mock/balance');
            self.balances.write(from, balance - amount);
            self.balances.write(to, self.balances.read(to) + amount);
        }

        fn count(ref self: ContractState) -> bool {
            self.calls.write(self.calls.read() + 1);
            true
        }
    }
}
