//! Finding policies: the shipped pack embedded in the binary plus the user's folders (walkdir),
//! each file sorted into policy (has package METADATA), library (`lib/` folder or an
//! `orgscan.lib.*` package) or test (`*_test.rego`). Every policy is compiled alone with the
//! libraries, so one bad module is reported with its file and line and cannot poison the rest.

use super::metadata::{package_of, parse_metadata, PolicyMeta};
use include_dir::{include_dir, Dir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Shown in messages and the report: `builtin:identity/admin_mfa.rego` or the user's path.
    pub path: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub meta: PolicyMeta,
    pub source: SourceFile,
}

#[derive(Clone, Debug, Default)]
pub struct PolicyPack {
    pub policies: Vec<Policy>,
    pub libraries: Vec<SourceFile>,
    pub tests: Vec<SourceFile>,
}

impl PolicyPack {
    /// The event actions any policy of the pack declared it reads (lower case).
    pub fn wanted_actions(&self) -> BTreeSet<String> {
        self.policies
            .iter()
            .flat_map(|p| p.meta.data.events.iter().map(|a| a.to_ascii_lowercase()))
            .collect()
    }

    /// sha256 over every policy and library file (path and text), in load order.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let files = self
            .policies
            .iter()
            .map(|p| &p.source)
            .chain(self.libraries.iter());
        for f in files {
            h.update(f.path.as_bytes());
            h.update([0u8]);
            h.update(f.text.as_bytes());
            h.update([0u8]);
        }
        hex::encode(h.finalize())
    }
}

/// All problems found while loading, reported at once.
#[derive(Debug, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct PolicyLoadError {
    pub problems: Vec<String>,
}

pub fn is_test(path: &str) -> bool {
    path.ends_with("_test.rego")
}

pub fn is_library(path: &str, text: &str) -> bool {
    path.split(['/', '\\']).any(|c| c == "lib")
        || package_of(text).is_some_and(|p| p.starts_with("orgscan.lib"))
}

/// The shipped pack's files, sorted by path.
pub fn shipped_files() -> Vec<SourceFile> {
    let mut out = Vec::new();
    collect_embedded(&SHIPPED, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if path.ends_with(".rego") {
            if let Some(text) = file.contents_utf8() {
                out.push(SourceFile {
                    path: format!("builtin:{path}"),
                    text: text.to_string(),
                });
            }
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Every `.rego` file below `dir`, sorted by path.
pub fn files_in(dir: &Path) -> Result<Vec<SourceFile>, PolicyLoadError> {
    if !dir.is_dir() {
        return Err(PolicyLoadError {
            problems: vec![format!("{}: not a folder of .rego policies", dir.display())],
        });
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        match entry {
            Ok(e)
                if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rego") =>
            {
                paths.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", dir.display())),
        }
    }
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push(SourceFile {
                path: path.display().to_string(),
                text,
            }),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(PolicyLoadError { problems })
    }
}

/// Loads the shipped pack (unless `include_shipped` is false) and the user's folders, then
/// validates: metadata, unique ids and packages, and each policy compiling on its own.
pub fn load_pack(include_shipped: bool, dirs: &[PathBuf]) -> Result<PolicyPack, PolicyLoadError> {
    // The shipped libraries are always available, so a user's own pack can import them even
    // with --no-default-policies; the shipped policies and their tests only when asked for.
    let mut files: Vec<SourceFile> = shipped_files()
        .into_iter()
        .filter(|f| include_shipped || (!is_test(&f.path) && is_library(&f.path, &f.text)))
        .collect();
    let mut problems = Vec::new();
    for dir in dirs {
        match files_in(dir) {
            Ok(mut more) => files.append(&mut more),
            Err(e) => problems.extend(e.problems),
        }
    }
    pack_from_files(files, problems)
}

/// Sorts already-read files into a pack and validates it like `load_pack` (`problems` holds
/// earlier problems, e.g. unreadable files, reported together with these).
pub fn pack_from_files(
    files: Vec<SourceFile>,
    mut problems: Vec<String>,
) -> Result<PolicyPack, PolicyLoadError> {
    let mut pack = PolicyPack::default();
    for file in files {
        if is_test(&file.path) {
            pack.tests.push(file);
            continue;
        }
        match parse_metadata(&file.path, &file.text) {
            Ok(Some(meta)) => pack.policies.push(Policy { meta, source: file }),
            Ok(None) if is_library(&file.path, &file.text) => pack.libraries.push(file),
            Ok(None) => problems.push(format!(
                "{}:1: no `# METADATA` block before `package`; every policy needs one (id, severity, category, points …), or put helper modules under a lib/ folder",
                file.path
            )),
            Err(e) => problems.push(e.to_string()),
        }
    }
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    let mut packages: BTreeMap<&str, &str> = BTreeMap::new();
    for policy in &pack.policies {
        let here = format!("{}:{}", policy.source.path, policy.meta.line);
        if let Some(first) = ids.insert(&policy.meta.id, &policy.source.path) {
            problems.push(format!(
                "{here}: duplicate control id {} (also in {first})",
                policy.meta.id
            ));
        }
        if let Some(first) = packages.insert(&policy.meta.package, &policy.source.path) {
            problems.push(format!(
                "{here}: duplicate package {} (also in {first})",
                policy.meta.package
            ));
        }
    }
    if problems.is_empty() {
        problems.extend(compile_each(&pack));
    }
    if !problems.is_empty() {
        return Err(PolicyLoadError { problems });
    }
    if pack.policies.is_empty() {
        return Err(PolicyLoadError {
            problems: vec![
                "no policies to evaluate: give --policies DIR or drop --no-default-policies"
                    .to_string(),
            ],
        });
    }
    Ok(pack)
}

/// A fresh engine with orgscan's settings and the libraries loaded.
pub fn base_engine(pack: &PolicyPack) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    // A builtin that fails (bad regex, unparsable time) must fail the control, not make a
    // rule silently undefined.
    engine.set_strict_builtin_errors(true);
    for lib in &pack.libraries {
        engine
            .add_policy(lib.path.clone(), lib.text.clone())
            .map_err(|e| e.to_string())?;
    }
    Ok(engine)
}

fn compile_each(pack: &PolicyPack) -> Vec<String> {
    let base = match base_engine(pack) {
        Ok(engine) => engine,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    for policy in &pack.policies {
        let mut engine = base.clone();
        if let Err(e) = engine.add_policy(policy.source.path.clone(), policy.source.text.clone()) {
            problems.push(e.to_string());
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const META: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: X-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\n";

    #[test]
    fn sorts_files_into_policies_libraries_and_tests() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.rego",
            &format!("{META}package u.a\nimport rego.v1\ndeny contains 1 if false\n"),
        );
        write(dir.path(), "a_test.rego", "package u.a_test\n");
        write(dir.path(), "lib/util.rego", "package orgscan.lib.util\n");
        let pack = load_pack(false, &[dir.path().to_path_buf()]).unwrap();
        assert_eq!(pack.policies.len(), 1);
        assert_eq!(pack.tests.len(), 1);
        // The shipped libraries are always loaded too.
        let own_libraries = pack
            .libraries
            .iter()
            .filter(|l| !l.path.starts_with("builtin:"));
        assert_eq!(own_libraries.count(), 1);
    }

    #[test]
    fn duplicate_ids_and_compile_errors_are_all_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.rego", &format!("{META}package u.a\n"));
        write(dir.path(), "b.rego", &format!("{META}package u.b\n"));
        write(dir.path(), "c.rego", "package u.c\n");
        let err = load_pack(false, &[dir.path().to_path_buf()]).unwrap_err();
        assert_eq!(err.problems.len(), 2, "{err}");
        assert!(
            err.problems
                .iter()
                .any(|p| p.contains("duplicate control id X-1")),
            "{err}"
        );
        assert!(
            err.problems
                .iter()
                .any(|p| p.contains("c.rego:1: no `# METADATA`")),
            "{err}"
        );
    }

    #[test]
    fn a_syntax_error_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "bad.rego",
            &format!("{META}package u.bad\nimport rego.v1\ndeny contains x if {{ x := }}\n"),
        );
        let err = load_pack(false, &[dir.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.rego"), "{err}");
    }
}
