//! Report renderers. `model` defines the public JSON document; each format renders from it.

pub mod html;
pub mod json;
pub mod model;

pub use model::{build_report, Report, ReportInputs, REPORT_SCHEMA};

use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

impl Format {
    pub fn parse(name: &str) -> Result<Format, String> {
        match name.trim() {
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            other => Err(format!("--format: unknown report format {other:?}; expected a comma-separated list of json, html")),
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Html => "report.html",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Html(#[from] html::HtmlError),
    #[error("serializing the JSON report: {0}")]
    Json(String),
}

pub fn render(report: &Report, format: Format) -> Result<String, ReportError> {
    match format {
        Format::Json => json::render_json(report),
        Format::Html => Ok(html::render_html(report)?),
    }
}

/// Renders every format first, then writes each through a temp file and a rename, so a failure
/// never leaves a half-written or mismatched set of reports.
pub fn write_reports(
    report: &Report,
    formats: &[Format],
    out: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let rendered: Vec<(Format, String)> = formats
        .iter()
        .map(|f| render(report, *f).map(|text| (*f, text)))
        .collect::<Result<_, _>>()?;
    std::fs::create_dir_all(out).map_err(|source| ReportError::Io {
        path: out.display().to_string(),
        source,
    })?;
    let mut written = Vec::new();
    for (format, text) in rendered {
        let path = out.join(format.file_name());
        let tmp = out.join(format!(".{}.tmp", format.file_name()));
        std::fs::write(&tmp, text.as_bytes()).map_err(|source| ReportError::Io {
            path: tmp.display().to_string(),
            source,
        })?;
        std::fs::rename(&tmp, &path).map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
