//! `orgscan policy doc`: the control catalogue (markdown) generated from the policies'
//! METADATA.

use crate::cli::PolicyDocArgs;
use crate::cmd::{print_stdout, usage, EXIT_OK, EXIT_PROBLEMS};
use crate::policy::load_pack;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &PolicyDocArgs) -> anyhow::Result<ExitCode> {
    let pack = load_pack(args.dirs.is_empty(), &args.dirs)?;
    let text = crate::policy::catalogue::render_catalogue(&pack);
    let stdout = args.out == Path::new("-");
    if args.check {
        let current = if stdout {
            String::new()
        } else {
            std::fs::read_to_string(&args.out).unwrap_or_default()
        };
        if current == text {
            println!("{} is up to date", args.out.display());
            return Ok(ExitCode::from(EXIT_OK));
        }
        println!(
            "{} is out of date: run `orgscan policy doc --out {}`",
            args.out.display(),
            args.out.display()
        );
        return Ok(ExitCode::from(EXIT_PROBLEMS));
    }
    if stdout {
        print_stdout(&text, false)?;
    } else {
        refuse_foreign_file(&args.out)?;
        if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
        }
        std::fs::write(&args.out, &text)
            .with_context(|| format!("{}: cannot write the catalogue", args.out.display()))?;
        println!(
            "Wrote {} ({} controls)",
            args.out.display(),
            pack.policies.len()
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// A file at `out` that `policy doc` did not write (no generated-by marker near its top) is
/// somebody's own document: refuse (exit 2) rather than replace it.
fn refuse_foreign_file(out: &Path) -> anyhow::Result<()> {
    let Ok(current) = std::fs::read(out) else {
        return Ok(());
    };
    let current = String::from_utf8_lossy(&current);
    let generated = current
        .lines()
        .take(5)
        .any(|line| line.starts_with(crate::policy::catalogue::GENERATED_MARKER));
    if current.trim().is_empty() || generated {
        return Ok(());
    }
    Err(usage(format!(
        "{}: exists and was not written by `orgscan policy doc` (no generated-catalogue marker in its first lines); refusing to overwrite it: choose another --out, or move the file away",
        out.display()
    )))
}
