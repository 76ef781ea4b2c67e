//! Many organizations (issue 17): collecting the `[[orgs]]` of the configuration into one
//! snapshot directory each (`collect.rs`), and scanning a fleet of snapshots, one report set
//! per org plus the portfolio report (`report::portfolio`). The per-org work is exactly
//! `collect::collect` and `scan::run_scan`; this module only names each org's directories,
//! runs a bounded number of orgs at a time, applies each org's overrides and rolls up.

pub mod collect;
pub mod scan;

pub use collect::{
    collect_fleet, Environment, FleetCollectOutcome, FleetCollectRequest, OrgCollectConfig,
    OrgCollected,
};
pub use scan::{
    discover, report_dir_name, scan_fleet, FleetError, FleetScanOutcome, FleetScanRequest,
    FleetSource, OrgScanned,
};
