//! Report renderers. `model` defines the public JSON document; each format renders from it.

pub mod compliance;
pub mod compliance_html;
pub mod csv;
pub mod diff;
pub mod fixture;
pub mod history;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod ocsf;
pub mod portfolio;
pub mod portfolio_baseline;
pub mod portfolio_html;
pub mod run_files;
pub mod sarif;
pub mod text;

pub use model::{build_report, Report, ReportInputs, REPORT_SCHEMA};

use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Sarif,
    Junit,
    Markdown,
    Csv,
    Ocsf,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Html,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Csv,
        Format::Ocsf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Ocsf => "ocsf",
        }
    }

    pub fn parse(name: &str) -> Result<Format, String> {
        let name = name.trim();
        let alias = match name {
            "markdown" => "md",
            "xml" => "junit",
            other => other,
        };
        Format::ALL
            .into_iter()
            .find(|f| f.name() == alias)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "--format: unknown report format {name:?}; expected a comma-separated list of {}",
                    names.join(", ")
                )
            })
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Html => "report.html",
            Format::Sarif => "report.sarif",
            Format::Junit => "report.junit.xml",
            Format::Markdown => "report.md",
            Format::Csv => "findings.csv",
            Format::Ocsf => "findings.ocsf.json",
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
        Format::Sarif => Ok(sarif::render_sarif(report)),
        Format::Junit => Ok(junit::render_junit(report)),
        Format::Markdown => Ok(markdown::render_markdown(report)),
        Format::Csv => Ok(csv::render_csv(report)),
        Format::Ocsf => Ok(ocsf::render_ocsf(report)),
    }
}

/// The files a scan wrote into its report directory, and the earlier run's reports it removed
/// (see `run_files`).
#[derive(Debug, Default)]
pub struct WrittenReports {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

/// Writes every file to a temp file first (removed again if any fails), then renames them all,
/// so a failure never leaves a half-written or mismatched set of reports; then removes the reports an
/// earlier run left that this one did not write, and records this run in `orgscan-run.json`.
pub fn write_reports(
    report: &Report,
    formats: &[Format],
    out: &Path,
) -> Result<WrittenReports, ReportError> {
    write_report_set(report, formats, &[], out)
}

/// `write_reports` plus, per compliance view (`--compliance`), `compliance-<id>.json` and
/// `compliance-<id>.csv`, and a compliance section in report.html.
pub fn write_report_set(
    report: &Report,
    formats: &[Format],
    compliance: &[compliance::ComplianceReport],
    out: &Path,
) -> Result<WrittenReports, ReportError> {
    let mut unique: Vec<Format> = Vec::new();
    for f in formats {
        if !unique.contains(f) {
            unique.push(*f);
        }
    }
    // What each file holds; rendered one at a time below, so only one rendered text is held
    // at once, and report.json is streamed into its file (at 10^7 events it is ~70 MB).
    enum Content<'r> {
        Format(Format),
        ComplianceJson(&'r compliance::ComplianceReport),
        ComplianceCsv(&'r compliance::ComplianceReport),
    }
    let mut files: Vec<(String, Content<'_>)> = unique
        .iter()
        .map(|f| (f.file_name().to_string(), Content::Format(*f)))
        .collect();
    for view in compliance {
        let id = &view.framework.id;
        files.push((
            compliance::json_file_name(id),
            Content::ComplianceJson(view),
        ));
        files.push((compliance::csv_file_name(id), Content::ComplianceCsv(view)));
    }
    std::fs::create_dir_all(out).map_err(|source| ReportError::Io {
        path: out.display().to_string(),
        source,
    })?;
    let temp_of = |name: &str| out.join(format!(".{name}.tmp"));
    let write_one = |name: &str, content: &Content<'_>| -> Result<(), ReportError> {
        let tmp = temp_of(name);
        let io = |source| ReportError::Io {
            path: tmp.display().to_string(),
            source,
        };
        let text = match content {
            Content::Format(Format::Json) => {
                let file = std::fs::File::create(&tmp).map_err(io)?;
                let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                json::write_json(report, &mut w)?;
                return std::io::Write::flush(&mut w).map_err(io);
            }
            Content::Format(Format::Html) => html::render_html_with(report, compliance)?,
            Content::Format(f) => render(report, *f)?,
            Content::ComplianceJson(view) => compliance::render_compliance_json(view)?,
            Content::ComplianceCsv(view) => compliance::render_compliance_csv(view),
        };
        std::fs::write(&tmp, text.as_bytes()).map_err(io)
    };
    // Every file goes to a temp file first; a failure removes them all, so no half-written or
    // mismatched set is left beside the previous run's reports.
    for (i, (name, content)) in files.iter().enumerate() {
        if let Err(e) = write_one(name, content) {
            for (written, _) in &files[..=i] {
                let _ = std::fs::remove_file(temp_of(written));
            }
            return Err(e);
        }
    }
    let mut written = Vec::new();
    for (name, _) in &files {
        let path = out.join(name);
        std::fs::rename(temp_of(name), &path).map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        written.push(path);
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let removed = run_files::record_run(out, &names)?;
    Ok(WrittenReports { written, removed })
}
