//! `findings.csv`: every finding, one row each (RFC 4180: CRLF line ends, fields quoted when
//! they hold a comma, quote, CR or LF, quotes doubled). Guarded against CSV formula injection:
//! a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
//! so spreadsheets show it as text instead of evaluating it.

use super::model::Report;
use crate::results::Finding;

pub const HEADER: [&str; 17] = [
    "control_id",
    "control_title",
    "category",
    "control_status",
    "severity",
    "resource_type",
    "resource_id",
    "resource_name",
    "message",
    "waived",
    "waiver_status",
    "waiver_reason",
    "waiver_owner",
    "waiver_ticket",
    "waiver_expires",
    "evidence",
    "fingerprint",
];

/// One field, formula-guarded and quoted as RFC 4180 requires.
pub fn csv_field(text: &str) -> String {
    // Control characters as visible `\u{1b}` text: `cat findings.csv` cannot drive a terminal.
    let visible = crate::safe_text::document(text);
    let text = visible.as_ref();
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub(super) fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(f));
    }
    out.push_str("\r\n");
}

fn evidence_text(f: &Finding) -> String {
    f.evidence
        .as_ref()
        .and_then(|e| serde_json::to_string(e).ok())
        .unwrap_or_default()
}

pub fn render_csv(report: &Report) -> String {
    let mut out = String::new();
    row(&mut out, &HEADER);
    let mut controls: Vec<_> = report.controls.iter().collect();
    controls.sort_by(|a, b| a.id.cmp(&b.id));
    for c in controls {
        for f in &c.findings {
            let w = f.waiver.as_ref();
            let waived = if w.is_some_and(|w| w.suppresses()) {
                "true"
            } else {
                "false"
            };
            let evidence = evidence_text(f);
            row(
                &mut out,
                &[
                    &c.id,
                    &c.title,
                    &c.category,
                    c.status.as_str(),
                    f.severity.as_str(),
                    &f.resource.kind,
                    &f.resource.id,
                    f.resource.name.as_deref().unwrap_or(""),
                    &f.message,
                    waived,
                    w.map(|w| w.status.as_str()).unwrap_or(""),
                    w.map(|w| w.reason.as_str()).unwrap_or(""),
                    w.and_then(|w| w.owner.as_deref()).unwrap_or(""),
                    w.and_then(|w| w.ticket.as_deref()).unwrap_or(""),
                    w.and_then(|w| w.expires.as_deref()).unwrap_or(""),
                    &evidence,
                    &f.fingerprint,
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-2"), "'-2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field(""), "");
    }
}
