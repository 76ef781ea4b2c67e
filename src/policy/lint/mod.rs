//! The static checks `orgscan policy check` runs over Rego source besides compiling it:
//! builtin calls against both engines ([`builtins`]), `sprintf` verbs the engines format
//! differently ([`sprintf`]), names that hide a builtin namespace ([`shadowing`]) and a policy
//! repeating its own id as a literal ([`own_id`]).

pub mod builtins;
pub mod own_id;
pub mod shadowing;
pub mod sprintf;
mod text;

pub use builtins::{lint_builtins, scan_calls, BuiltinIssue};
pub use own_id::lint_own_id;
pub use shadowing::lint_shadowing;
pub use sprintf::lint_sprintf;
