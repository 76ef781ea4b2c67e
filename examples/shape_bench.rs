//! Measures what typing stored items through `snapshot::shape` costs at load time: N directory
//! users (the shape the fake API serves, ~700 bytes each) parsed the old way (straight into the
//! typed records, failing the file on one bad field) and the new way (each stored item typed
//! from its text, a misshapen one repaired field by field), plus the same
//! with 1% of the users carrying a misshapen read field.
//!
//! `cargo run --release --example shape_bench -- 100000`

use orgscan::snapshot::shape::type_stored;
use orgscan::snapshot::DirectoryUser;
use serde_json::{json, Value};
use std::time::Instant;

fn users(n: usize, bent_every: usize) -> Vec<u8> {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let mut u = json!({
                "accountId": format!("acct-{i:07}"), "accountType": "atlassian",
                "status": "active", "accountStatus": "active", "membershipStatus": "active",
                "addedToOrg": "2024-02-01T09:00:00Z", "name": format!("User {i}"),
                "nickname": format!("u{i}"), "email": format!("user{i}@acme.com"),
                "emailVerified": true, "claimStatus": "managed",
                "platformRoles": if i % 17 == 0 { json!(["atlassian/org-admin"]) } else { json!([]) },
                "mfaEnabled": i % 3 != 0, "department": null,
                "productAccess": [{"key": "jira", "id": "res-1", "lastActiveTimestamp": "2026-05-01T10:00:00Z"}],
                "groups": [{"id": format!("grp-{:03}", i % 40), "name": format!("group-{}", i % 40), "description": null}],
                "links": {"self": format!("self-{i}")}
            });
            if bent_every > 0 && i % bent_every == 0 {
                u["mfaEnabled"] = json!("yes");
            }
            u
        })
        .collect();
    serde_json::to_vec_pretty(&items).expect("serializable")
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    for (label, bent_every) in [("clean", 0), ("1% misshapen", 100)] {
        let bytes = users(n, bent_every);
        let mb = bytes.len() as f64 / 1e6;
        let started = Instant::now();
        let direct: Result<Vec<DirectoryUser>, _> = serde_json::from_slice(&bytes);
        let direct_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        // What the loader does (snapshot/load.rs).
        let items: Vec<Box<serde_json::value::RawValue>> =
            serde_json::from_slice(&bytes).expect("JSON");
        let typed = type_stored::<DirectoryUser>(&items);
        let tolerant_s = started.elapsed().as_secs_f64();
        let direct_text = match direct {
            Ok(_) => format!("{direct_s:.3} s"),
            Err(_) => "fails the whole file".to_string(),
        };
        println!(
            "{label}: {n} users, {mb:.1} MB: direct typed {direct_text}; stored items typed {tolerant_s:.3} s ({} records, {} warnings)",
            typed.records.len(),
            typed.warnings.len(),
        );
    }
}
