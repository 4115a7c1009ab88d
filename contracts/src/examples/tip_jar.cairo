//! A tip jar: anyone tips its recipient in any ERC-20 token. The jar takes the tip with
//! `transfer_from` out of the tipper's allowance, as a DEX router or a marketplace takes a
//! payment, so it is the contract of docs/protocol.md §4, "Spending": what it pulls leaves the
//! account's balance, and a session's spending limit counts it although the session never calls
//! the token.

#[starknet::interface]
pub trait ITipJar<TState> {
    /// Takes `amount` of `token` from the caller, who approved the jar for at least that much,
    /// and passes it to the recipient; emits `Tipped`.
    fn tip(ref self: TState, token: starknet::ContractAddress, amount: u256);
    /// Who receives the tips.
    fn get_recipient(self: @TState) -> starknet::ContractAddress;
    /// What `tipper` tipped in `token` so far.
    fn get_tipped(
        self: @TState, tipper: starknet::ContractAddress, token: starknet::ContractAddress,
    ) -> u256;
    /// How many tips the jar took, in any token.
    fn get_tip_count(self: @TState) -> u64;
}

#[starknet::contract]
pub mod TipJar {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_caller_address};
    use crate::errors;
    use crate::interfaces::{IERC20Dispatcher, IERC20DispatcherTrait};

    #[storage]
    struct Storage {
        recipient: ContractAddress,
        tipped: Map<(ContractAddress, ContractAddress), u256>,
        tip_count: u64,
    }

    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {
        Tipped: Tipped,
    }

    /// `tipper` tipped `amount` of `token`.
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub struct Tipped {
        #[key]
        pub tipper: ContractAddress,
        #[key]
        pub token: ContractAddress,
        pub amount: u256,
    }

    #[constructor]
    fn constructor(ref self: ContractState, recipient: ContractAddress) {
        self.recipient.write(recipient);
    }

    #[abi(embed_v0)]
    impl TipJarImpl of super::ITipJar<ContractState> {
        fn tip(ref self: ContractState, token: ContractAddress, amount: u256) {
            assert(amount != 0, errors::TIP_JAR_ZERO);
            let tipper = get_caller_address();
            let moved = IERC20Dispatcher { contract_address: token }
                .transfer_from(tipper, self.recipient.read(), amount);
            assert(moved, errors::TIP_JAR_NOT_MOVED);
            let key = (tipper, token);
            self.tipped.write(key, self.tipped.read(key) + amount);
            self.tip_count.write(self.tip_count.read() + 1);
            self.emit(Tipped { tipper, token, amount });
        }

        fn get_recipient(self: @ContractState) -> ContractAddress {
            self.recipient.read()
        }

        fn get_tipped(
            self: @ContractState, tipper: ContractAddress, token: ContractAddress,
        ) -> u256 {
            self.tipped.read((tipper, token))
        }

        fn get_tip_count(self: @ContractState) -> u64 {
            self.tip_count.read()
        }
    }
}
