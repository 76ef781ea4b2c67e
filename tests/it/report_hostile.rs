//! Hostile org data in every machine format: nothing breaks out of its context. (The HTML is
//! checked in a real browser by `report_html.rs`; JUnit by junitparser in `report_tools.rs`.)

use orgscan::report::diff::{diff_reports, render_diff_text};
use orgscan::report::fixture::{hostile_report, large_report, sample_report};
use orgscan::report::{render, Format};

/// A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a bare quote inside an unquoted field"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF outside quotes");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\n' => panic!("LF without CR outside quotes"),
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && row.is_empty(), "last record lacks CRLF");
    rows
}

#[test]
fn csv_is_rfc4180_and_formula_safe() {
    for report in [sample_report(), hostile_report()] {
        let text = render(&report, Format::Csv).unwrap();
        let rows = parse_csv(&text);
        assert_eq!(rows.len(), report.summary.findings + 1);
        for row in &rows {
            assert_eq!(row.len(), orgscan::report::csv::HEADER.len());
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "formula cell: {:?}",
                    cell.chars().take(40).collect::<String>()
                );
            }
        }
    }
    // The hostile messages survive intact after the guard quote.
    let text = render(&hostile_report(), Format::Csv).unwrap();
    let rows = parse_csv(&text);
    assert!(rows[1].iter().any(|c| c.starts_with("'=cmd|")));
}

#[test]
fn markdown_tables_and_html_cannot_be_broken() {
    let md = render(&hostile_report(), Format::Markdown).unwrap();
    assert!(!md.contains('<'), "raw < reached the Markdown");
    assert!(!md.contains('\u{1b}') && !md.contains('\0'));
    for line in md.lines().filter(|l| l.starts_with('|')) {
        // Unescaped pipes: the table's own column separators only.
        let mut pipes = 0;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '|' && prev != '\\' {
                pipes += 1;
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        // Tables have 2 to 6 columns.
        assert!(
            (3..=7).contains(&pipes),
            "a row has {pipes} column separators: {}",
            line.chars().take(120).collect::<String>()
        );
    }
}

#[test]
fn sarif_uris_are_well_formed_for_any_id() {
    let text = render(&hostile_report(), Format::Sarif).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &doc["runs"][0];
    let base = run["originalUriBaseIds"]["ATLASSIAN_ORG"]["uri"]
        .as_str()
        .unwrap();
    assert!(base.starts_with("atlassian://org/") && base.ends_with('/'));
    for r in run["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
            "{uri}"
        );
        assert!(r["partialFingerprints"]["orgscanFinding/v1"].is_string());
        assert!(r["message"]["text"].is_string());
    }
}

#[test]
fn text_diff_shows_control_characters_as_escapes() {
    let old = sample_report();
    let mut new = hostile_report();
    new.org = old.org.clone();
    let d = diff_reports(&old, &new).unwrap();
    let text = render_diff_text(&d, false);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control character"
    );
    let md = render_diff_text(&d, true);
    assert!(!md.contains('<'));
}

#[test]
fn no_format_panics_on_hostile_or_large_input() {
    let large = large_report(20_000);
    for report in [hostile_report(), large] {
        for format in Format::ALL {
            let text = render(&report, format).unwrap();
            assert!(!text.is_empty());
        }
    }
}
