//! Policies: discovery (shipped pack + user folders), METADATA parsing and validation, and
//! evaluation with regorus.

pub mod catalogue;
pub mod check;
pub mod discover;
pub mod evaluate;
pub mod lint;
pub mod metadata;
pub mod needs;
pub mod params;
pub mod problem;

pub use discover::{load_pack, Policy, PolicyLoadError, PolicyPack, SourceFile};
pub use evaluate::{evaluate_pack, EvalOptions};
pub use metadata::{PolicyMeta, CATEGORIES};
pub use needs::Availability;
pub use params::ParamProblem;
pub mod test_junit;
pub mod test_runner;
