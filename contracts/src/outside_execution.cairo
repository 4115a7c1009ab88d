//! SNIP-9 version 2, outside execution (docs/protocol.md §5): a relayer submits, in its own
//! transaction and at its own cost, calls this account signed for off-chain. The message signed is
//! SNIP-12 revision 1 typed data, as OpenZeppelin's SRC9 component and starknet.js build it, with
//! the times as `u128`. `OutsideExecutionComponent` checks what SNIP-9 defines (the caller, the
//! window, the nonce) and hands the signature to the account (`OutsideExecutionHooks`), which
//! accepts the owner's and a session's: a session's goes through the very checks of a session
//! transaction (`SessionComponent::validate_outside_session`). The owner and each session have
//! nonces of their own (`nonce_key`), so that no session can use up a nonce the owner signed. The
//! Rust SDK's `outside_execution` module builds and hashes the same message.
use core::hash::HashStateTrait;
use core::poseidon::{PoseidonTrait, poseidon_hash_span};
use starknet::ContractAddress;
use starknet::account::Call;
use crate::session::session_hash::{SNIP12_REVISION, StarknetDomain, StructHash};

/// What the account's owner, or a session, signed for a relayer to submit: `calls`, by `caller`
/// (or anyone, for `ANY_CALLER`), strictly after `execute_after` and strictly before
/// `execute_before`, once: `nonce` is any felt not used before by this account.
#[derive(Copy, Drop, Serde, Debug)]
pub struct OutsideExecution {
    pub caller: ContractAddress,
    pub nonce: felt252,
    pub execute_after: u64,
    pub execute_before: u64,
    pub calls: Span<Call>,
}

/// The `caller` that lets any contract submit the outside execution: the short string
/// `'ANY_CALLER'`.
pub const ANY_CALLER: felt252 = 'ANY_CALLER';

/// The SNIP-12 domain's name.
pub const DOMAIN_NAME: felt252 = 'Account.execute_from_outside';
/// The SNIP-12 domain's version: SNIP-9's version 2, as the felt 2.
pub const DOMAIN_VERSION: felt252 = 2;

/// Type hash of `OutsideExecution`, the times as `u128`.
pub const OUTSIDE_EXECUTION_TYPE_HASH: felt252 = selector!(
    "\"OutsideExecution\"(\"Caller\":\"ContractAddress\",\"Nonce\":\"felt\",\"Execute After\":\"u128\",\"Execute Before\":\"u128\",\"Calls\":\"Call*\")\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

/// Type hash of `Call`.
pub const CALL_TYPE_HASH: felt252 = selector!(
    "\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

impl CallStructHash of StructHash<Call> {
    fn struct_hash(self: @Call) -> felt252 {
        poseidon_hash_span(
            array![
                CALL_TYPE_HASH, (*self.to).into(), *self.selector,
                poseidon_hash_span(*self.calldata),
            ]
                .span(),
        )
    }
}

impl OutsideExecutionStructHash of StructHash<OutsideExecution> {
    fn struct_hash(self: @OutsideExecution) -> felt252 {
        let mut calls = PoseidonTrait::new();
        for call in *self.calls {
            calls = calls.update(call.struct_hash());
        }
        poseidon_hash_span(
            array![
                OUTSIDE_EXECUTION_TYPE_HASH, (*self.caller).into(), *self.nonce,
                (*self.execute_after).into(), (*self.execute_before).into(), calls.finalize(),
            ]
                .span(),
        )
    }
}

/// The hash `account`'s owner or session key signs for `outside_execution` on the chain
/// `chain_id`: `poseidon_hash_many(['StarkNet Message', domain_hash, account, struct_hash])`.
pub fn outside_execution_hash(
    outside_execution: @OutsideExecution, account: ContractAddress, chain_id: felt252,
) -> felt252 {
    let domain = StarknetDomain {
        name: DOMAIN_NAME, version: DOMAIN_VERSION, chain_id, revision: SNIP12_REVISION,
    };
    poseidon_hash_span(
        array![
            'StarkNet Message', domain.struct_hash(), account.into(),
            outside_execution.struct_hash(),
        ]
            .span(),
    )
}

/// The nonce space of the owner: its outside executions use their nonces as they are.
pub const OWNER_NONCE_SPACE: felt252 = 0;

/// Where the account records that `nonce` was used in the nonce space `space`: the nonce itself
/// for the owner (`OWNER_NONCE_SPACE`, so that `is_valid_outside_execution_nonce` answers for the
/// owner's nonces, as SNIP-9 relayers ask), else `poseidon_hash_many([space, nonce])` with the
/// session hash as the space. A session cannot reach a key of the owner's space nor another
/// session's without a Poseidon preimage, so it cannot burn a nonce the owner (or another session)
/// signed for a relayer.
pub fn nonce_key(space: felt252, nonce: felt252) -> felt252 {
    if space == OWNER_NONCE_SPACE {
        nonce
    } else {
        poseidon_hash_span(array![space, nonce].span())
    }
}

/// What the account decides: whether `signature` authorizes `calls`, whose message hash is
/// `hash`, and in which nonce space; then how the calls run.
pub trait OutsideExecutionHooks<TContractState> {
    /// Panics unless `signature` authorizes `calls` under `hash`. Returns the nonce space of the
    /// signer: `OWNER_NONCE_SPACE`, or the session's hash.
    fn validate_outside_execution(
        ref self: TContractState, calls: Span<Call>, hash: felt252, signature: Span<felt252>,
    ) -> felt252;
    /// Runs `calls`, which `signature` authorized in the nonce space `space`, with whatever must
    /// surround them (a session's execution checks and its spending), and returns their results.
    fn execute_outside_calls(
        ref self: TContractState, calls: Span<Call>, signature: Span<felt252>, space: felt252,
    ) -> Array<Span<felt252>>;
}

#[starknet::component]
pub mod OutsideExecutionComponent {
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use starknet::{get_block_timestamp, get_caller_address, get_contract_address, get_tx_info};
    use crate::errors;
    use crate::interfaces::{ISRC9_V2, ISessionOutsideExecution};
    use super::{ANY_CALLER, OutsideExecution, OutsideExecutionHooks, nonce_key, outside_execution_hash};

    #[storage]
    pub struct Storage {
        /// The nonces used so far, by `nonce_key`: the owner's as they are, each session's hashed
        /// with its session hash.
        pub OutsideExecution_nonces: Map<felt252, bool>,
    }

    /// A used nonce emits no event, as a transaction's nonce does not: the relayer's transaction
    /// records the calls.
    #[event]
    #[derive(Drop, Debug, PartialEq, starknet::Event)]
    pub enum Event {}

    #[embeddable_as(OutsideExecutionV2Impl)]
    impl OutsideExecutionV2<
        TContractState,
        +HasComponent<TContractState>,
        +OutsideExecutionHooks<TContractState>,
        +Drop<TContractState>,
    > of ISRC9_V2<ComponentState<TContractState>> {
        /// SNIP-9's checks in order (docs/protocol.md §5): the caller, the window, the signature
        /// by the account's hook, then the nonce in the signer's nonce space (used from here on),
        /// then the calls, which the account's hook runs. The nonce comes after the signature
        /// because the signer names its space; a panic anywhere reverts it all.
        fn execute_from_outside_v2(
            ref self: ComponentState<TContractState>,
            outside_execution: OutsideExecution,
            signature: Span<felt252>,
        ) -> Array<Span<felt252>> {
            let caller: felt252 = outside_execution.caller.into();
            if caller != ANY_CALLER {
                assert(
                    get_caller_address() == outside_execution.caller,
                    errors::OUTSIDE_INVALID_CALLER,
                );
            }
            let now = get_block_timestamp();
            assert(outside_execution.execute_after < now, errors::OUTSIDE_TOO_EARLY);
            assert(now < outside_execution.execute_before, errors::OUTSIDE_TOO_LATE);
            let hash = outside_execution_hash(
                @outside_execution, get_contract_address(), get_tx_info().unbox().chain_id,
            );
            let calls = outside_execution.calls;
            let mut contract = self.get_contract_mut();
            let space = contract.validate_outside_execution(calls, hash, signature);
            let key = nonce_key(space, outside_execution.nonce);
            assert(!self.OutsideExecution_nonces.read(key), errors::OUTSIDE_NONCE_USED);
            self.OutsideExecution_nonces.write(key, true);
            contract.execute_outside_calls(calls, signature, space)
        }

        /// Whether the owner's `nonce` is unused (sessions have nonces of their own:
        /// `is_valid_session_outside_execution_nonce`).
        fn is_valid_outside_execution_nonce(
            self: @ComponentState<TContractState>, nonce: felt252,
        ) -> bool {
            !self.OutsideExecution_nonces.read(nonce)
        }
    }

    #[embeddable_as(SessionOutsideExecutionImpl)]
    impl SessionOutsideExecution<
        TContractState, +HasComponent<TContractState>,
    > of ISessionOutsideExecution<ComponentState<TContractState>> {
        fn is_valid_session_outside_execution_nonce(
            self: @ComponentState<TContractState>, session_hash: felt252, nonce: felt252,
        ) -> bool {
            !self.OutsideExecution_nonces.read(nonce_key(session_hash, nonce))
        }
    }
}
