//! TOML errors as one line, for every TOML file orgscan reads: the attestation
//! (`snapshot/attestation.rs`) and the configuration (`config.rs`).

/// Renders a toml error as `line N: message` (toml's own Display spans several lines).
pub fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    match line {
        Some(line) => format!("line {line}: {}", e.message()),
        None => e.message().to_string(),
    }
}
