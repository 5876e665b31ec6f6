//! Helpers shared by the integration tests (`mod common;` in a test file).

pub(crate) mod bytes;
pub(crate) mod openssl;
pub(crate) mod typescript;
