//! Many organizations (issue 17): scanning a fleet of snapshots, one report set per org plus
//! the portfolio report (`report::portfolio`). The per-org work is exactly `scan::run_scan`;
//! this module only finds the snapshots, names each org's report directory, runs a bounded
//! number of scans at a time and rolls the reports up.

pub mod scan;

pub use scan::{
    discover, report_dir_name, scan_fleet, FleetError, FleetScanOutcome, FleetScanRequest,
    FleetSource, OrgScanned,
};
