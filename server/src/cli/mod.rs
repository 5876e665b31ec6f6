//! One module per subcommand. Each returns `Result<(), Failure>`; `main` prints the failure
//! as one line and exits with its code.

#[cfg(feature = "card")]
pub(crate) mod card;
pub(crate) mod crl;
pub(crate) mod inspect;
#[cfg(feature = "card")]
pub(crate) mod reader_sim;
pub(crate) mod testpki;
pub(crate) mod verify;

/// A command failure: stable code, one-line message, process exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) exit_code: u8,
}

impl Failure {
    /// Bad input or usage: exit 2.
    pub(crate) fn input(code: &'static str, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            exit_code: 2,
        }
    }
}

impl From<jpki_verify::Error> for Failure {
    fn from(e: jpki_verify::Error) -> Self {
        Failure::input(e.code(), e.to_string())
    }
}
