//! Finding the package-scope `# METADATA` comment block in a Rego source and locating keys in it.

/// The package-scope `# METADATA` block of a file: where it starts and the YAML inside it.
pub struct MetadataBlock {
    /// 1-based line of the `# METADATA` comment.
    pub line: usize,
    /// The block's YAML, one entry per comment line.
    pub yaml_lines: Vec<String>,
}

impl MetadataBlock {
    /// The block that annotates the `package` line, if the file has one.
    pub fn of(source: &str) -> Option<MetadataBlock> {
        let lines: Vec<&str> = source.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "# METADATA" {
                let mut yaml_lines = Vec::new();
                let mut j = i + 1;
                while j < lines.len() && lines[j].trim_start().starts_with('#') {
                    let text = lines[j].trim_start();
                    let body = text
                        .strip_prefix("# ")
                        .or_else(|| text.strip_prefix('#'))
                        .unwrap_or("");
                    yaml_lines.push(body.to_string());
                    j += 1;
                }
                let annotates_package = lines[j..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.trim_start().starts_with("package "));
                if annotates_package {
                    return Some(MetadataBlock {
                        line: i + 1,
                        yaml_lines,
                    });
                }
                i = j;
            } else {
                i += 1;
            }
        }
        None
    }

    /// The file line of `key:` inside the block, searching from the file line `from` on (the
    /// line of an enclosing key, so `points` under `custom` is found there); the block's first
    /// line when it is not there.
    pub fn line_of(&self, key: &str, from: usize) -> usize {
        self.yaml_lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(self.line + 1))
            .find(|(_, l)| {
                let t = l.trim_start().trim_start_matches("- ");
                t.starts_with(&format!("{key}:"))
            })
            .map(|(i, _)| self.line + 1 + i)
            .unwrap_or(self.line)
    }
}
