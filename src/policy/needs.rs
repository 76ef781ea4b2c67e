//! Deciding, before running a policy, whether the data it declares (`custom.data`) is there:
//! an API collection the key could not read, a field it reads that came in an unexpected shape
//! (`snapshot::shape`), an attestation answer nobody gave, or event actions the org's catalogue
//! does not have make the control `not_evaluable`, with the reason.

use super::metadata::PolicyMeta;
use crate::snapshot::{Collection, CollectionStatus, ShapeWarning, Snapshot};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default)]
pub struct Availability {
    /// For each collection: `Ok` when collected, `Err(reason)` otherwise.
    pub collections: BTreeMap<Collection, Result<(), String>>,
    /// The attestation as JSON, when there is one.
    pub attestation: Option<Value>,
    /// Lower-case action keys of the org's event catalogue, when it was collected.
    pub action_catalogue: Option<BTreeSet<String>>,
    /// Read fields that came in an unexpected shape, per collection.
    pub shapes: BTreeMap<Collection, Vec<ShapeWarning>>,
}

impl Availability {
    pub fn of(snapshot: &Snapshot) -> Availability {
        let mut collections = BTreeMap::new();
        for c in Collection::ALL {
            let state = match snapshot.manifest.collections.get(&c) {
                Some(p) if p.status == CollectionStatus::Collected => Ok(()),
                Some(p) => Err(format!(
                    "{} could not be read from {}: {}",
                    c.name(),
                    p.source,
                    p.reason.as_deref().unwrap_or("no reason recorded")
                )),
                None => Err(format!("the snapshot has no {} collection", c.name())),
            };
            collections.insert(c, state);
        }
        let attestation = snapshot
            .attestation
            .as_ref()
            .and_then(|a| serde_json::to_value(a).ok());
        let action_catalogue = snapshot
            .is_collected(Collection::EventActions)
            .then(|| snapshot.event_actions.iter().map(|a| a.key()).collect());
        Availability {
            collections,
            attestation,
            action_catalogue,
            shapes: snapshot.shape_warnings.clone(),
        }
    }
}

/// The reasons a policy cannot be evaluated on this snapshot; empty when it can.
pub fn unmet_needs(meta: &PolicyMeta, availability: &Availability) -> Vec<String> {
    let mut reasons = Vec::new();
    for collection in meta.data.api_collections() {
        if let Some(Err(reason)) = availability.collections.get(&collection) {
            reasons.push(reason.clone());
        }
        if let Some(warnings) = availability.shapes.get(&collection) {
            reasons.extend(shape_reasons(meta, collection, warnings));
        }
    }
    if !meta.data.attestation.is_empty() {
        match &availability.attestation {
            None => reasons.push(format!(
                "no attestation in the snapshot; this control needs {} (run `orgscan attest init`, fill it in, and collect with --attestation)",
                meta.data.attestation.join(", ")
            )),
            Some(doc) => {
                let missing: Vec<&str> =
                    meta.data.attestation.iter().map(String::as_str).filter(|path| lookup(doc, path).is_none_or(Value::is_null)).collect();
                if !missing.is_empty() {
                    reasons.push(format!("the attestation does not answer {}", missing.join(", ")));
                }
            }
        }
    }
    if !meta.data.events.is_empty() {
        if let Some(Err(reason)) = availability.collections.get(&Collection::Events) {
            reasons.push(reason.clone());
        } else if let Some(catalogue) = &availability.action_catalogue {
            // The slim events it lists and the plain action keys its declared facts count
            // (ATL-DET-021 reads product-role grants through a `select` fact).
            let wanted: Vec<String> = meta
                .data
                .events
                .iter()
                .chain(fact_action_keys(meta))
                .map(|a| a.to_ascii_lowercase())
                .collect();
            if !wanted.iter().any(|a| catalogue.contains(a)) {
                reasons.push(format!("the org's event-action catalogue has none of the actions this control reads: {}", wanted.join(", ")));
            }
        }
    }
    reasons
}

/// The action keys a control's declared facts (`config.facts.*.actions`) name as such: action
/// sets (`set:`), `*` and `$setting` references are left out.
fn fact_action_keys(meta: &PolicyMeta) -> impl Iterator<Item = &String> {
    meta.config
        .get("facts")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|facts| facts.values())
        .filter_map(|fact| fact.get("actions").and_then(Value::as_array))
        .flatten()
        .filter_map(|action| match action {
            Value::String(key)
                if !(key == "*" || key.starts_with('$') || key.starts_with("set:")) =>
            {
                Some(key)
            }
            _ => None,
        })
}

/// One reason per field the control reads that came in an unexpected shape: the field, how
/// many items, the first item, and what was expected and found there.
fn shape_reasons(
    meta: &PolicyMeta,
    collection: Collection,
    warnings: &[ShapeWarning],
) -> Vec<String> {
    let mut by_field: BTreeMap<String, Vec<&ShapeWarning>> = BTreeMap::new();
    for w in warnings {
        let field = w.field_path();
        if meta.data.reads_field(collection, &field) {
            by_field.entry(field).or_default().push(w);
        }
    }
    by_field
        .into_iter()
        .map(|(field, items)| {
            let first = items[0];
            let others = match items.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            format!(
                "{}: field `{field}` of item {}{others} has an unexpected shape (expected {}, found {}); the served value is kept in the snapshot",
                collection.name(),
                first.item,
                first.expected,
                first.found
            )
        })
        .collect()
}

fn lookup<'a>(doc: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(doc, |v, key| v.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::metadata::DataNeeds;

    fn meta(data: DataNeeds) -> PolicyMeta {
        let src = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: X-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\npackage x\n";
        let mut m = crate::policy::metadata::parse_metadata("x.rego", src)
            .unwrap()
            .unwrap();
        m.data = data;
        m
    }

    #[test]
    fn reports_each_missing_input() {
        let mut a = Availability::default();
        a.collections.insert(
            Collection::ApiTokens,
            Err("api_tokens could not be read from /api-tokens: 403".into()),
        );
        a.collections.insert(Collection::Events, Ok(()));
        a.attestation = Some(serde_json::json!({"authentication": {"two_step_enforced": null}}));
        a.action_catalogue = Some(["user_login".to_string()].into_iter().collect());
        let m = meta(DataNeeds {
            api: vec!["api_tokens".into()],
            attestation: vec!["authentication.two_step_enforced".into()],
            events: vec!["USER_LOGIN_FAILED".into()],
            fields: Vec::new(),
        });
        let reasons = unmet_needs(&m, &a);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[1].contains("does not answer authentication.two_step_enforced"));
        assert!(reasons[2].contains("user_login_failed"));
    }

    #[test]
    fn the_catalogue_check_counts_the_plain_action_keys_of_declared_facts() {
        let mut a = Availability::default();
        a.collections.insert(Collection::Events, Ok(()));
        a.action_catalogue = Some(["user_granted_role".to_string()].into_iter().collect());
        let mut m = meta(DataNeeds {
            events: vec!["added_org_admin".into()],
            ..DataNeeds::default()
        });
        // Without the fact, the catalogue has none of what the control reads.
        assert_eq!(unmet_needs(&m, &a).len(), 1);
        m.config.insert(
            "facts".into(),
            serde_json::json!({"grants": {"kind": "select", "actions": ["USER_GRANTED_ROLE", "set:admin", "*", "$more"]}}),
        );
        assert_eq!(unmet_needs(&m, &a), Vec::<String>::new());
        // Sets, `*` and settings are not action keys: they do not count as present.
        m.config.insert(
            "facts".into(),
            serde_json::json!({"grants": {"kind": "select", "actions": ["set:admin", "*", "$more"]}}),
        );
        let reasons = unmet_needs(&m, &a);
        assert_eq!(reasons.len(), 1);
        assert!(
            reasons[0].ends_with("reads: added_org_admin"),
            "{reasons:?}"
        );
    }

    fn warning(item: &str, field: &str) -> ShapeWarning {
        ShapeWarning {
            item: item.into(),
            field: field.into(),
            expected: "a boolean".into(),
            found: "a string \"yes\"".into(),
        }
    }

    #[test]
    fn a_misshapen_field_stops_only_the_controls_that_read_it() {
        let mut a = Availability::default();
        a.collections.insert(Collection::Users, Ok(()));
        a.shapes.insert(
            Collection::Users,
            vec![
                warning("u1", "mfaEnabled"),
                warning("u2", "mfaEnabled"),
                warning("u3", "productAccess[0].lastActiveTimestamp"),
            ],
        );
        let reads = |fields: &[&str]| {
            meta(DataNeeds {
                api: vec!["users".into()],
                fields: fields.iter().map(|f| f.to_string()).collect(),
                ..DataNeeds::default()
            })
        };
        let mfa = unmet_needs(&reads(&["users.mfaEnabled", "users.platformRoles"]), &a);
        assert_eq!(mfa, vec!["users: field `mfaEnabled` of item u1 and 1 more has an unexpected shape (expected a boolean, found a string \"yes\"); the served value is kept in the snapshot".to_string()]);
        assert!(unmet_needs(&reads(&["users.platformRoles"]), &a).is_empty());
        // A declared object holds the misshapen field inside it.
        assert_eq!(unmet_needs(&reads(&["users.productAccess"]), &a).len(), 1);
        // No field declared for the collection: every field counts as read.
        assert_eq!(unmet_needs(&reads(&[]), &a).len(), 2);
    }

    #[test]
    fn nothing_missing_means_evaluable() {
        let mut a = Availability::default();
        a.collections.insert(Collection::Users, Ok(()));
        let m = meta(DataNeeds {
            api: vec!["users".into()],
            ..DataNeeds::default()
        });
        assert!(unmet_needs(&m, &a).is_empty());
    }
}
