//! `orgscan policy list`: the controls as a table or JSON.

use crate::cli::PolicyListArgs;
use crate::cmd::{print_stdout, usage, EXIT_OK};
use crate::policy::discover::PolicyPack;
use crate::policy::load_pack;
use anyhow::Context;
use serde_json::{json, Value};
use std::process::ExitCode;

pub fn run(args: &PolicyListArgs) -> anyhow::Result<ExitCode> {
    let pack = load_pack(args.dirs.is_empty(), &args.dirs)?;
    match args.format.as_str() {
        "json" => {
            // In id order, like the table.
            let mut policies: Vec<_> = pack.policies.iter().collect();
            policies.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
            let rows: Vec<Value> = policies
                .into_iter()
                .map(|p| {
                    let m = &p.meta;
                    json!({"id": m.id, "title": m.title, "severity": m.severity, "category": m.category,
                        "points": m.points, "kind": m.kind, "user_impact": m.user_impact,
                        "implementation_cost": m.implementation_cost, "package": m.package,
                        "data": m.data, "config": m.config, "frameworks": m.frameworks,
                        "version": m.version, "source": p.source.path})
                })
                .collect();
            let text =
                serde_json::to_string_pretty(&rows).context("serializing the policy list")? + "\n";
            print_stdout(&text, true)?;
        }
        "table" => print!("{}", list_table(&pack)),
        other => {
            return Err(usage(format!(
                "--format: expected table or json, found {other:?}"
            )))
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// The controls as an aligned text table, sorted by id.
pub fn list_table(pack: &PolicyPack) -> String {
    let mut rows: Vec<[String; 6]> = pack
        .policies
        .iter()
        .map(|p| {
            let m = &p.meta;
            [
                m.id.clone(),
                m.severity.to_string(),
                format!("{:?}", m.kind).to_lowercase(),
                m.category.clone(),
                format!("{}", m.points),
                m.title.clone(),
            ]
        })
        .collect();
    rows.sort();
    let header = ["ID", "SEVERITY", "KIND", "CATEGORY", "POINTS", "TITLE"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:>w4$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let posture = pack
        .policies
        .iter()
        .filter(|p| p.meta.kind == crate::results::Kind::Posture);
    let points: f64 = posture.clone().map(|p| p.meta.points).sum();
    out.push_str(&format!(
        "{} controls ({} posture, {} points; {} detection)\n",
        pack.policies.len(),
        posture.count(),
        points,
        pack.policies
            .iter()
            .filter(|p| p.meta.kind == crate::results::Kind::Detection)
            .count()
    ));
    out
}
