//! Session keys: the owner signs a session (a key, a time window and a tree of allowed calls), and
//! the session key then signs transactions on its own. The wire format is docs/protocol.md.
pub mod authorization;
pub mod component;
pub mod policy_tree;
pub mod session_hash;
