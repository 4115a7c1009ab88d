mod mocks;
mod support;
mod test_account;
mod test_policy_tree;
mod test_session;
mod test_vectors;
mod vectors;
