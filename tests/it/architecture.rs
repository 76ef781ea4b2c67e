//! The floors of docs/architecture.md ("Floors: who may import whom") enforced: every
//! `crate::MODULE` a file under `src/` names must sit on its own floor or below, and no two
//! top-level modules may name each other. The floors are read from the document's table, so
//! the document and this check cannot drift apart. Test modules (a `#[cfg(test)] mod` at the
//! end of a file) may use fixtures from any floor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const DOC: &str = "docs/architecture.md";

/// Top-level module → floor, from the table under "## Floors" (first column the floor,
/// second the modules as `name/` or `name.rs` in backticks).
fn floors(doc: &str) -> BTreeMap<String, u32> {
    let section = format!("\n{doc}");
    let section = section
        .split("\n## ")
        .find(|s| s.starts_with("Floors"))
        .unwrap_or_else(|| panic!("{DOC}: no \"## Floors\" section"));
    let mut floors = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(floor), Some(modules)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Ok(floor) = floor.parse::<u32>() else {
            continue;
        };
        for name in modules.split('`').skip(1).step_by(2) {
            let module = name
                .strip_suffix('/')
                .or_else(|| name.strip_suffix(".rs"))
                .unwrap_or_else(|| {
                    panic!("{DOC}: floor {floor}: {name:?} is not `dir/` or `file.rs`")
                });
            floors.insert(module.to_string(), floor);
        }
    }
    floors
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`src/report/html.rs` → `report`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    let first = first.as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The top-level modules `text` names as `crate::NAME` (outside comments and test modules).
fn named_modules(text: &str) -> BTreeSet<(String, usize)> {
    let mut named = BTreeSet::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        if line.trim_start().starts_with("#[cfg(test)]") && next.starts_with("mod ") {
            break; // the test module, by convention the rest of the file
        }
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            if code[..at].ends_with('$') {
                continue; // `$crate::terminal` in macro bodies: the defining crate
            }
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                named.insert((name, i + 1));
            }
        }
    }
    named
}

#[test]
fn imports_run_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join(DOC)).expect("read the architecture doc");
    let floors = floors(&doc);
    assert!(
        floors.len() > 10,
        "{DOC}: the floors table lists {floors:?}"
    );
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();

    let mut problems = Vec::new();
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&floor) = floors.get(&module) else {
            problems.push(format!(
                "src/{module}: not on any floor of {DOC}; add it to the table"
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        for (named, line) in named_modules(&text) {
            if named == module {
                continue;
            }
            let shown = file.strip_prefix(root).unwrap_or(file).display();
            match floors.get(&named) {
                None => problems.push(format!(
                    "{shown}:{line}: crate::{named} is not on any floor of {DOC}"
                )),
                Some(&other) if other > floor => problems.push(format!(
                    "{shown}:{line}: {module} (floor {floor}) imports crate::{named} (floor {other}): imports run downwards only"
                )),
                Some(_) => {
                    edges.insert((module.clone(), named));
                }
            }
        }
    }
    for (a, b) in &edges {
        if a < b && edges.contains(&(b.clone(), a.clone())) {
            problems.push(format!(
                "{a} and {b} import each other: one must sit above the other"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The lines of `text` before its test module (by convention the rest of the file), comments
/// stripped, numbered from 1.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut code = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        if line.trim_start().starts_with("#[cfg(test)]") && next.starts_with("mod ") {
            break;
        }
        code.push((i + 1, line.split("//").next().unwrap_or("")));
    }
    code
}

/// Printing and reading the environment happen at the command-line edge (`src/cmd/`, and
/// `main.rs` and `terminal.rs`, which it prints through): the library takes values and
/// returns what is to be shown (docs/architecture.md, "The command-line edge").
#[test]
fn the_library_neither_prints_nor_reads_the_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let edge = |file: &Path| {
        let rel = file.strip_prefix(&src).expect("under src");
        rel.starts_with("cmd") || rel == Path::new("main.rs") || rel == Path::new("terminal.rs")
    };
    let forbidden = [
        "println!",
        "print!(",
        "eprintln!",
        "eprint!(",
        "dbg!(",
        "std::io::stdout",
        "std::io::stderr",
        "env::var",
        "var_os(",
    ];
    let mut problems = Vec::new();
    for file in files.iter().filter(|f| !edge(f)) {
        let text = std::fs::read_to_string(file).expect("read source");
        for (n, code) in code_lines(&text) {
            for word in forbidden.iter().filter(|w| code.contains(*w)) {
                let shown = file.strip_prefix(root).unwrap_or(file).display();
                problems.push(format!("{shown}:{n}: {word} outside src/cmd/"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import() {
    let doc = "## Floors\n\n| floor | modules |\n|---|---|\n| 0 | `snapshot/`, `results.rs` |\n| 3 | `policy/` |\n\n## Next\n";
    let floors = floors(doc);
    assert_eq!(floors.get("snapshot"), Some(&0));
    assert_eq!(floors.get("results"), Some(&0));
    assert_eq!(floors.get("policy"), Some(&3));
    let named = named_modules(
        "use crate::policy::PolicyPack;\n// crate::report in a comment\nlet x = $crate::terminal::print;\n#[cfg(test)]\nmod tests { use crate::report::fixture; }\n",
    );
    assert_eq!(named, BTreeSet::from([("policy".to_string(), 1)]));
}
