//! `report.json`: the `orgscan.report/v1` document, pretty-printed with a trailing newline.

use super::{Report, ReportError};

pub fn render_json(report: &Report) -> Result<String, ReportError> {
    let mut text =
        serde_json::to_string_pretty(report).map_err(|e| ReportError::Json(e.to_string()))?;
    text.push('\n');
    // DEL, C1 and bidi controls as JSON escapes: same value, safe to `cat` (safe_text). The
    // text is moved, not copied, when it has none (at 10^7 events it is ~70 MB).
    let escaped = match crate::safe_text::json(&text) {
        std::borrow::Cow::Owned(escaped) => Some(escaped),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Ok(escaped.unwrap_or(text))
}

/// [`render_json`] written to `out` as it is serialized, not built in memory first: the same
/// bytes.
pub fn write_json(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut safe = crate::safe_text::JsonOut::new(out);
    serde_json::to_writer_pretty(&mut safe, report)
        .map_err(|e| ReportError::Json(e.to_string()))?;
    std::io::Write::write_all(&mut safe, b"\n")
        .and_then(|()| safe.finish())
        .map_err(|e| ReportError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_report_is_the_rendered_one() {
        let mut report = crate::report::fixture::sample_report();
        // Hazards that must be escaped on the way out, in an untrusted string.
        report
            .warnings
            .push("bidi \u{202e}txt.exe DEL \u{7f} C1 \u{85}".to_string());
        let mut streamed = Vec::new();
        write_json(&report, &mut streamed).unwrap();
        let rendered = render_json(&report).unwrap();
        assert!(rendered.contains(r"\u202e") && rendered.contains(r"\u007f"));
        assert_eq!(String::from_utf8(streamed).unwrap(), rendered);
    }
}
