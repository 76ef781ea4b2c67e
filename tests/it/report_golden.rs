//! Golden outputs: every report format rendered from the fixture report, compared byte for
//! byte with `tests/golden/`. After an intended change, regenerate them with
//! `ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it report_golden::` and review the diff.

use orgscan::report::fixture::sample_report;
use orgscan::report::{render, Format};

#[test]
fn every_format_matches_its_golden_file() {
    let report = sample_report();
    for format in Format::ALL {
        let text = render(&report, format).unwrap();
        let name = format!("sample.{}", format.file_name());
        crate::support::check_golden_file(&name, &text, "report_golden");
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
