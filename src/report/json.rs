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
