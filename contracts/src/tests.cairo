mod mocks;
mod support;
mod test_account;
