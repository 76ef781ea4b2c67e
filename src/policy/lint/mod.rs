//! The static checks `orgscan policy check` runs over Rego source besides compiling it:
//! builtin calls against both engines ([`builtins`]), `sprintf` verbs the engines format
//! differently ([`sprintf`]) and names that hide a builtin namespace ([`shadowing`]).

pub mod builtins;
pub mod shadowing;
pub mod sprintf;
mod text;

pub use builtins::{lint_builtins, scan_calls, BuiltinIssue};
pub use shadowing::lint_shadowing;
pub use sprintf::lint_sprintf;
