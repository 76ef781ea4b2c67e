//! `orgscan-run.json` in a report directory: the files the last orgscan run wrote there. The
//! next run removes those it does not write again, so an old `report.sarif` never sits beside
//! a newer `report.json` as if both described the same scan.
//!
//! Only names orgscan itself writes (`Format::file_name`, `compliance-<id>.json|csv`) are ever
//! removed: a user's own file in the directory stays, and a damaged or hostile list (`../x`, `/etc/passwd`, `notes.txt`)
//! removes nothing. An unreadable list is treated as empty: when in doubt, keep files.

use super::{Format, ReportError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const RUN_FILE: &str = "orgscan-run.json";
const RUN_FORMAT: &str = "orgscan.run";

/// The document: `{"format": "orgscan.run", "files": ["report.json", ...]}`, file names
/// relative to the report directory, in the order written.
#[derive(Debug, Serialize, Deserialize)]
struct RunFiles {
    format: String,
    files: Vec<String>,
}

fn io_error(path: &Path, source: std::io::Error) -> ReportError {
    ReportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// True for a name some orgscan run writes into a report directory.
fn is_report_name(name: &str) -> bool {
    Format::ALL.iter().any(|f| f.file_name() == name)
        || super::compliance::is_compliance_file_name(name)
}

/// The files an earlier run listed in `out`, or none when there is no readable list.
fn previous_files(out: &Path) -> Vec<String> {
    let Ok(bytes) = std::fs::read(out.join(RUN_FILE)) else {
        return Vec::new();
    };
    match serde_json::from_slice::<RunFiles>(&bytes) {
        Ok(run) if run.format == RUN_FORMAT => run.files,
        _ => Vec::new(),
    }
}

/// After this run has written `written` (names in `out`): removes what the previous run listed
/// and this one did not write, then records this run's list. Returns the paths removed.
pub fn record_run(out: &Path, written: &[&str]) -> Result<Vec<PathBuf>, ReportError> {
    let mut removed = Vec::new();
    for name in previous_files(out) {
        if written.contains(&name.as_str()) || !is_report_name(&name) {
            continue;
        }
        let path = out.join(&name);
        // A directory of that name is not a report orgscan wrote; a symlink is removed
        // itself, never what it points to.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if !meta.is_dir() => {
                std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
                removed.push(path);
            }
            _ => {}
        }
    }
    let run = RunFiles {
        format: RUN_FORMAT.to_string(),
        files: written.iter().map(|n| n.to_string()).collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&run).map_err(|e| ReportError::Json(e.to_string()))?;
    text.push('\n');
    let path = out.join(RUN_FILE);
    let tmp = out.join(format!(".{RUN_FILE}.tmp"));
    std::fs::write(&tmp, text).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(out: &Path) -> Vec<String> {
        previous_files(out)
    }

    #[test]
    fn a_run_removes_only_the_reports_the_previous_run_listed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for name in ["report.json", "report.sarif", "report.md", "notes.txt"] {
            std::fs::write(out.join(name), "x").unwrap();
        }
        // report.md was not written by orgscan (not listed): it stays.
        record_run(out, &["report.json", "report.sarif"]).unwrap();
        let removed = record_run(out, &["report.json"]).unwrap();
        assert_eq!(removed, vec![out.join("report.sarif")]);
        assert!(out.join("report.json").exists());
        assert!(out.join("report.md").exists());
        assert!(out.join("notes.txt").exists());
        assert_eq!(listed(out), vec!["report.json".to_string()]);
    }

    #[test]
    fn a_hostile_or_broken_list_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let outside = dir.path().join("report.sarif");
        std::fs::write(&outside, "keep").unwrap();
        std::fs::write(out.join("notes.txt"), "keep").unwrap();
        std::fs::create_dir(out.join("report.md")).unwrap();
        let hostile = serde_json::json!({"format": "orgscan.run", "files": [
            "../report.sarif", outside.display().to_string(), "notes.txt", "report.md", "", ".", "..",
        ]});
        std::fs::write(out.join(RUN_FILE), hostile.to_string()).unwrap();
        assert!(record_run(&out, &["report.json"]).unwrap().is_empty());
        assert!(
            outside.exists() && out.join("notes.txt").exists() && out.join("report.md").is_dir()
        );

        std::fs::write(out.join("report.sarif"), "old").unwrap();
        std::fs::write(out.join(RUN_FILE), "{not json").unwrap();
        assert!(record_run(&out, &["report.json"]).unwrap().is_empty());
        assert!(out.join("report.sarif").exists());
    }
}
