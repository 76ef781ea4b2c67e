//! Golden outputs: every report format rendered from the fixture report, compared byte for
//! byte with `tests/golden/`. After an intended change, regenerate them with
//! `ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it report_golden::` and review the diff.

use orgscan::report::fixture::sample_report;
use orgscan::report::{render, Format};
use std::path::PathBuf;

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the golden file, or writes it when `ORGSCAN_UPDATE_GOLDEN` is set.
pub fn check_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("ORGSCAN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it report_golden::",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()) + 1);
        panic!(
            "{} differs from the rendered output first at line {line}:\n  golden: {:?}\n  actual: {:?}\nIf the change is intended, run ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it report_golden:: and review the diff.",
            path.display(),
            expected.lines().nth(line - 1).unwrap_or("<end>"),
            actual.lines().nth(line - 1).unwrap_or("<end>"),
        );
    }
}

#[test]
fn every_format_matches_its_golden_file() {
    let report = sample_report();
    for format in Format::ALL {
        let text = render(&report, format).unwrap();
        let name = format!("sample.{}", format.file_name());
        check_golden(&name, &text);
    }
}

#[test]
fn rendering_is_deterministic() {
    for format in Format::ALL {
        let a = render(&sample_report(), format).unwrap();
        let b = render(&sample_report(), format).unwrap();
        assert_eq!(a, b, "{format:?} differs between two renders");
    }
}

#[test]
fn json_report_round_trips() {
    let report = sample_report();
    let text = render(&report, Format::Json).unwrap();
    let back: orgscan::report::Report = serde_json::from_str(&text).unwrap();
    assert_eq!(render(&back, Format::Json).unwrap(), text);
}
