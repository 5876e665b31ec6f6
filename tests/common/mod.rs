//! Helpers shared by the integration tests (`mod common;` in a test file).

pub(crate) mod typescript;
