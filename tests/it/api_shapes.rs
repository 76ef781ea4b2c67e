//! The shapes the collector types against Atlassian's documented responses
//! (tests/fixtures/api-examples, one file per endpoint, each noting its reference page):
//! every documented example goes through the collector's page parser and the snapshot's typed
//! views without a single shape warning, and a seeded generator shows that no value of any JSON
//! type in a field orgscan does not read can produce one, while every field it does read warns
//! when it gets a shape it cannot use.

use orgscan::collect::paginate::page_items;
use orgscan::snapshot::schema::{is_read_field, read_fields, FREE_FORM_FIELDS};
use orgscan::snapshot::shape::check;
use orgscan::snapshot::Collection;
use serde_json::{json, Map, Value};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api-examples");

/// (fixture file, the collection its items land in).
const EXAMPLES: [(&str, Collection); 12] = [
    ("org.json", Collection::Org),
    ("directories.json", Collection::Directories),
    ("users-search.json", Collection::Users),
    ("groups-search.json", Collection::Groups),
    ("domains.json", Collection::Domains),
    ("org-policies.json", Collection::OrgPolicies),
    ("control-policies-v2.json", Collection::ControlPolicies),
    ("api-tokens.json", Collection::ApiTokens),
    ("api-keys.json", Collection::ApiKeys),
    ("event-actions.json", Collection::EventActions),
    ("workspaces.json", Collection::Workspaces),
    ("control-policies-v2.json", Collection::OrgPolicies),
];

fn body(file: &str) -> Value {
    let path = format!("{FIXTURES}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The items of a documented response, as the collector's page walker extracts them; control
/// policies get their resources folded in, as the collector does.
fn items(file: &str, collection: Collection) -> Vec<Value> {
    let mut items = page_items(&body(file), file).expect("the page has `data`");
    if collection == Collection::ControlPolicies {
        let resources = page_items(
            &body("control-policy-resources.json"),
            "control-policy-resources.json",
        )
        .expect("resources page");
        for policy in &mut items {
            policy["attributes"]["resources"] = Value::Array(resources.clone());
        }
    }
    assert!(!items.is_empty(), "{file} has items");
    items
}

#[test]
fn every_documented_example_types_without_a_warning() {
    for (file, collection) in EXAMPLES {
        let items = items(file, collection);
        let warnings = check(collection, &items);
        assert!(
            warnings.is_empty(),
            "{file} as {}: {warnings:?}",
            collection.name()
        );
    }
}

#[test]
fn documented_sandbox_object_and_every_value_are_kept_as_served() {
    let items = items("workspaces.json", Collection::Workspaces);
    let typed = orgscan::snapshot::shape::type_items::<orgscan::snapshot::Workspace>(&items);
    assert_eq!(typed.records.len(), 1);
    let record = &typed.records[0];
    assert_eq!(record.attributes.sandbox, Some(json!({"type": "CHILD"})));
    assert_eq!(record.attributes.type_key.as_deref(), Some("jira"));
    // What the policies see: the typed view written back, unread fields included.
    let seen = serde_json::to_value(record).unwrap();
    assert_eq!(seen["attributes"]["regions"], json!(["eu-west-1"]));
    assert_eq!(seen["attributes"]["usage"], json!(2154));
}

#[test]
fn the_managed_accounts_list_gives_the_fields_the_collector_merges() {
    // `users` merges `last_active` by `account_id` from this list (snake_case, v1).
    let items = page_items(&body("users-v1-managed.json"), "v1 users").unwrap();
    for u in &items {
        assert!(u["account_id"].is_string());
        let at = u["last_active"].as_str().unwrap();
        assert!(orgscan::snapshot::Timestamp::parse(at).is_some(), "{at}");
    }
}

#[test]
fn the_registry_of_read_fields_names_only_typed_fields() {
    // Every read field, given the wrong shape, must warn (unless it is free-form JSON), so the
    // registry cannot list a field the typed views let through untyped.
    for (file, collection) in EXAMPLES {
        let items = items(file, collection);
        for field in read_fields(collection) {
            if FREE_FORM_FIELDS.contains(field) {
                continue;
            }
            let mut warned = false;
            let mut present = false;
            for kind in 0..KINDS {
                let mut item = items[0].clone();
                if !replace_path(&mut item, field, &sample(kind, &mut Rng(7))) {
                    break;
                }
                present = true;
                let warnings = check(collection, &[item]);
                warned |= warnings.iter().any(|w| {
                    let path = w.field_path();
                    path == *field || path.starts_with(&format!("{field}.")) || w.field == "(item)"
                });
            }
            assert!(
                warned || !present,
                "{}.{field} is listed as read but no JSON type makes it warn",
                collection.name()
            );
        }
    }
}

/// A small deterministic generator (no crate needed): the same seed, the same values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn text(&mut self) -> String {
        let alphabet = [
            "",
            "x",
            "2026-13-45",
            "\u{0}",
            "<b>",
            "é",
            "true",
            "null",
            "1e999",
        ];
        let n = (self.next() % 4) as usize;
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
            .collect()
    }
}

const KINDS: usize = 6;

/// A value of JSON type `kind` (null, bool, number, string, array, object), varied by `rng`.
fn sample(kind: usize, rng: &mut Rng) -> Value {
    match kind {
        0 => Value::Null,
        1 => Value::Bool(rng.next().is_multiple_of(2)),
        2 => match rng.next() % 4 {
            0 => json!(-1),
            1 => json!(1.5e300),
            2 => json!(u64::MAX),
            _ => json!(rng.next() % 1000),
        },
        3 => Value::String(rng.text()),
        4 => {
            let n = rng.next() % 3;
            Value::Array(
                (0..n)
                    .map(|i| {
                        if i % 2 == 0 {
                            json!(rng.text())
                        } else {
                            json!({"k": []})
                        }
                    })
                    .collect(),
            )
        }
        _ => {
            let mut m = Map::new();
            m.insert(rng.text(), json!(rng.next() % 7));
            m.insert("type".into(), json!("CHILD"));
            Value::Object(m)
        }
    }
}

/// Every field path in an item (positions dropped), with each concrete location.
fn paths(value: &Value, prefix: &str, out: &mut Vec<(String, Vec<PathStep>)>, at: Vec<PathStep>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let mut here = at.clone();
                here.push(PathStep::Key(k.clone()));
                out.push((path.clone(), here.clone()));
                paths(v, &path, out, here);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let mut here = at.clone();
                here.push(PathStep::Index(i));
                paths(v, prefix, out, here);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn slot<'a>(value: &'a mut Value, at: &[PathStep]) -> Option<&'a mut Value> {
    at.iter().try_fold(value, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// Replaces the first occurrence of a dotted field path (arrays: their first element).
fn replace_path(item: &mut Value, field: &str, new: &Value) -> bool {
    let mut found = Vec::new();
    paths(item, "", &mut found, Vec::new());
    match found.into_iter().find(|(p, _)| p == field) {
        Some((_, at)) => match slot(item, &at) {
            Some(v) => {
                *v = new.clone();
                true
            }
            None => false,
        },
        None => false,
    }
}

/// Inside a field orgscan treats as free-form JSON (or below a read leaf), nothing is typed.
fn under_free_form(path: &str) -> bool {
    FREE_FORM_FIELDS
        .iter()
        .any(|f| path.starts_with(&format!("{f}.")))
}

#[test]
fn no_value_of_any_type_in_an_unread_field_fails_or_warns() {
    let mut rng = Rng(0x5eed_0001);
    let mut tried = 0usize;
    for round in 0..4 {
        for (file, collection) in EXAMPLES {
            let items = items(file, collection);
            let mut found = Vec::new();
            paths(&items[0], "", &mut found, Vec::new());
            for (path, at) in found {
                if is_read_field(collection, &path) || under_free_form(&path) {
                    continue;
                }
                for kind in 0..KINDS {
                    let mut item = items[0].clone();
                    let value = sample(kind, &mut rng);
                    *slot(&mut item, &at).expect("path exists") = value.clone();
                    let warnings = check(collection, &[item, items[0].clone()]);
                    assert!(
                        warnings.is_empty(),
                        "round {round}: {}.{path} = {value} (unread) gave {warnings:?}",
                        collection.name()
                    );
                    tried += 1;
                }
            }
            // Fields the API may add tomorrow, at every level, of every type.
            let mut objects = vec![Vec::new()];
            let mut all = Vec::new();
            paths(&items[0], "", &mut all, Vec::new());
            objects.extend(
                all.into_iter()
                    .filter(|(p, at)| {
                        !under_free_form(p)
                            && slot(&mut items[0].clone(), at).is_some_and(|v| v.is_object())
                    })
                    .map(|(_, at)| at),
            );
            for at in objects {
                for kind in 0..KINDS {
                    let mut item = items[0].clone();
                    if let Some(Value::Object(map)) = slot(&mut item, &at) {
                        map.insert("zzFutureField".into(), sample(kind, &mut rng));
                    }
                    let warnings = check(collection, &[item]);
                    assert!(warnings.is_empty(), "{}: {warnings:?}", collection.name());
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 1000, "only {tried} variants tried");
}

#[test]
fn a_read_field_of_the_wrong_type_warns_for_that_item_and_field_only() {
    let mut rng = Rng(0x5eed_0002);
    for (file, collection) in EXAMPLES {
        let items = items(file, collection);
        let mut found = Vec::new();
        paths(&items[0], "", &mut found, Vec::new());
        for (path, at) in found {
            if !is_read_field(collection, &path)
                || FREE_FORM_FIELDS.contains(&path.as_str())
                || under_free_form(&path)
            {
                continue;
            }
            for kind in 0..KINDS {
                let mut bad = items[0].clone();
                let value = sample(kind, &mut rng);
                *slot(&mut bad, &at).expect("path exists") = value.clone();
                let warnings = check(collection, &[items[0].clone(), bad]);
                // Every warning is about the replaced field (or what it holds), in the second
                // item; the first item is untouched.
                for w in &warnings {
                    let p = w.field_path();
                    assert!(
                        p == path
                            || p.starts_with(&format!("{path}."))
                            || path.starts_with(&format!("{p}."))
                            || w.field == "(item)",
                        "{}.{path} = {value}: warning about {p}",
                        collection.name()
                    );
                }
                let typed_ok = warnings.iter().all(|w| w.field != "(item)");
                assert!(typed_ok || path == "id" || path == "accountId" || path == "directoryId");
            }
        }
    }
}

/// The users fields each shared helper of the util library (`policies/lib/util_*.rego`) reads:
/// a policy calling the helper reads them too.
const HELPER_READS: [(&str, &[&str]); 21] = [
    ("util.is_human(", &["accountType"]),
    ("util.is_admin(", &["platformRoles"]),
    ("util.is_org_admin(", &["platformRoles"]),
    ("util.roles_collected(", &["platformRoles"]),
    ("util.claims_collected(", &["claimStatus"]),
    ("util.email_domain(", &["email"]),
    ("util.idle(", &["lastActive", "productAccess", "addedToOrg"]),
    ("util.last_activity(", &["lastActive", "productAccess"]),
    ("util.activity_known(", &["lastActive", "productAccess"]),
    (
        "util.active(",
        &["status", "accountStatus", "membershipStatus", "forDeletion"],
    ),
    (
        "util.is_active(",
        &["status", "accountStatus", "membershipStatus", "forDeletion"],
    ),
    ("util.humans(", &["accountType"]),
    ("util.admins_of(", &["platformRoles"]),
    ("util.org_admins_of(", &["platformRoles"]),
    ("util.user_admin_roles(", &["platformRoles"]),
    ("util.display(", &["accountId", "name", "email"]),
    ("util.claimed(", &["claimStatus"]),
    ("util.is_managed(", &["claimStatus"]),
    (
        "util.listed_ids(",
        &["accountId", "name", "email", "groups.name"],
    ),
    (
        "util.listed_in(",
        &["accountId", "name", "email", "groups.name"],
    ),
    (
        "util.idle_records(",
        &["lastActive", "productAccess", "addedToOrg"],
    ),
];

#[test]
fn shipped_policies_declare_the_users_fields_they_and_their_helpers_read() {
    // A policy that declares users fields must declare every field it names itself (the
    // distinctive camelCase ones) and every field the helpers it calls read; otherwise a
    // misshapen field would leave it evaluating on a value it never saw.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
    let mut checked = 0;
    for area in std::fs::read_dir(root).unwrap() {
        let area = area.unwrap().path();
        if !area.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&area).unwrap() {
            let path = file.unwrap().path();
            let name = path.display().to_string();
            if !name.ends_with(".rego") || name.ends_with("_test.rego") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(meta) = orgscan::policy::metadata::parse_metadata(&name, &text).unwrap()
            else {
                continue;
            };
            if !meta.data.fields.iter().any(|f| f.starts_with("users.")) {
                continue;
            }
            let body = text.split_once("\npackage ").map_or("", |(_, b)| b);
            let mut needed: Vec<&str> = read_fields(Collection::Users)
                .iter()
                .copied()
                .filter(|f| f.chars().any(|c| c.is_ascii_uppercase()) && !f.contains('.'))
                .filter(|f| body.contains(&format!("\"{f}\"")) || body.contains(&format!(".{f}")))
                .collect();
            for (helper, fields) in HELPER_READS {
                if body.contains(helper) {
                    needed.extend_from_slice(fields);
                }
            }
            for field in needed {
                assert!(
                    meta.data.reads_field(Collection::Users, field)
                        && meta.data.fields.iter().any(|f| {
                            let d = f.trim_start_matches("users.");
                            d == field || field.starts_with(&format!("{d}."))
                        }),
                    "{name} reads users.{field} but does not declare it in custom.data.fields"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} policies checked");
}
