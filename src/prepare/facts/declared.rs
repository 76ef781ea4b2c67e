//! The declared facts of one event pass, per control, finished only when their control is
//! evaluated.
//!
//! A keyed fact (`count`, `baseline`, `values`, `pairs`, `travel`) holds its items' event ids
//! compact (`CompactId`, 24 bytes) while it is open; finished, each id is a JSON string and then
//! a regorus string, four to five times that. Finishing every fact at the end of the pass put
//! all of them in that form at once: at 10^8 events it took peak RSS from 557 MB (every fact
//! open) to 1,449 MB. A policy reads only its own control's facts, so a control's facts are
//! finished when the evaluator asks for them ([`DeclaredFacts::take`]) and leave the store:
//! only the facts of the controls being evaluated are ever spelt out.
//!
//! `select` facts are the exception: their items are slim JSON events already, so they are
//! finished at once (the redactor learns the people and tokens of every slim event before the
//! evaluation starts).

use super::{Kind, SpecState};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// A declared fact that found more items than its `limit` keeps: its control judged only the
/// first `kept` (in the fact's output order) of `found`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutFact {
    pub control: String,
    pub fact: String,
    pub found: u64,
    pub kept: u64,
}

/// One control's facts: those finished (by fact name) and those still open.
#[derive(Default)]
struct ControlFacts {
    finished: BTreeMap<String, Value>,
    open: Vec<SpecState>,
}

/// The declared facts of a pass. Shared by the evaluation threads, each taking the facts of
/// the control it evaluates.
#[derive(Default)]
pub struct DeclaredFacts {
    controls: BTreeMap<String, Mutex<ControlFacts>>,
    /// Actor id → display name, for the key objects of facts finished later.
    names: HashMap<String, String>,
    /// The facts cut at their `limit`, among those finished so far.
    cut: Mutex<Vec<CutFact>>,
}

impl std::fmt::Debug for DeclaredFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeclaredFacts")
            .field("controls", &self.controls.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl DeclaredFacts {
    /// The facts of a finished pass: `specs` in their final state, `names` the display names
    /// of the actors the pass saw. `select` facts are finished now, the others stay open.
    pub fn new(specs: Vec<SpecState>, names: HashMap<String, String>) -> DeclaredFacts {
        let mut store = DeclaredFacts {
            names,
            ..DeclaredFacts::default()
        };
        let mut controls: BTreeMap<String, ControlFacts> = BTreeMap::new();
        for spec in specs {
            let entry = controls.entry(spec.spec.control.clone()).or_default();
            if matches!(spec.spec.kind, Kind::Select(_)) {
                let (name, output) = store.finish(spec);
                entry.finished.insert(name, output);
            } else {
                entry.open.push(spec);
            }
        }
        store.controls = controls
            .into_iter()
            .map(|(control, facts)| (control, Mutex::new(facts)))
            .collect();
        store
    }

    /// Finishes one spec into its name and output, noting it if it was cut at its `limit`.
    fn finish(&self, spec: SpecState) -> (String, Value) {
        let (control, name) = (spec.spec.control.clone(), spec.spec.name.clone());
        let output = spec.finish(&|id: &str| self.names.get(id).cloned());
        let number = |key: &str| output.get(key).and_then(Value::as_u64).unwrap_or(0);
        let (found, truncated) = (number("total"), number("truncated"));
        if truncated > 0 {
            if let Ok(mut cut) = self.cut.lock() {
                cut.push(CutFact {
                    control,
                    fact: name.clone(),
                    found,
                    kept: found.saturating_sub(truncated),
                });
            }
        }
        (name, output)
    }

    /// Finishes a control's open facts into its finished ones.
    fn finish_control(&self, facts: &mut ControlFacts) {
        for spec in std::mem::take(&mut facts.open) {
            let (name, output) = self.finish(spec);
            facts.finished.insert(name, output);
        }
    }

    /// Roughly how many JSON values `control`'s facts hold, or will once finished (0: none, or
    /// taken): what handing them over will cost, known before it is paid.
    pub fn weight(&self, control: &str) -> usize {
        let Some(Ok(facts)) = self.controls.get(control).map(Mutex::lock) else {
            return 0;
        };
        let open: usize = facts.open.iter().map(SpecState::held).sum();
        open + facts.finished.values().map(json_values).sum::<usize>()
    }

    /// `control`'s facts by name (`input.facts.declared[control]`), finished now if they were
    /// open. They leave the store: a control is evaluated once per pass. `None` when the
    /// control declared none or they were taken already.
    pub fn take(&self, control: &str) -> Option<Map<String, Value>> {
        let mut facts = std::mem::take(&mut *self.controls.get(control)?.lock().ok()?);
        self.finish_control(&mut facts);
        if facts.finished.is_empty() {
            return None;
        }
        Some(facts.finished.into_iter().collect())
    }

    /// Every control's facts finished in place, for a reader of all of them at once (the
    /// input dump, `policy check`).
    pub fn finish_all(&mut self) {
        let mut controls = std::mem::take(&mut self.controls);
        for facts in controls.values_mut() {
            if let Ok(facts) = facts.get_mut() {
                self.finish_control(facts);
            }
        }
        self.controls = controls;
    }

    /// The finished facts of every control, as `input.facts.declared` (a copy; after
    /// [`DeclaredFacts::finish_all`] that is all of them).
    pub fn finished_json(&mut self) -> Value {
        let mut all = Map::new();
        for (control, facts) in &mut self.controls {
            let Ok(facts) = facts.get_mut() else { continue };
            if !facts.finished.is_empty() {
                let copy = facts.finished.clone().into_iter().collect();
                all.insert(control.clone(), Value::Object(copy));
            }
        }
        Value::Object(all)
    }

    /// The slim events of every `select` fact (finished when the store was made), for the
    /// redactor.
    pub fn selected_events(&mut self) -> impl Iterator<Item = &Value> {
        self.controls
            .values_mut()
            .filter_map(|facts| facts.get_mut().ok())
            .map(|facts| &*facts)
            .flat_map(|facts| facts.finished.values())
            .filter(|fact| fact.get("kind").and_then(Value::as_str) == Some("select"))
            .filter_map(|fact| fact.get("events").and_then(Value::as_array))
            .flatten()
    }

    /// The facts cut at their `limit` among those finished so far, by control then fact.
    pub fn cut_facts(&self) -> Vec<CutFact> {
        let mut cut = self.cut.lock().map(|c| c.clone()).unwrap_or_default();
        cut.sort_by(|a, b| (&a.control, &a.fact).cmp(&(&b.control, &b.fact)));
        cut
    }
}

/// How many values a JSON value is made of.
fn json_values(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(json_values).sum::<usize>(),
        Value::Object(fields) => 1 + fields.values().map(json_values).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::{select, values, Field, FieldSource, Spec};
    use super::*;
    use serde_json::json;
    use std::borrow::Cow;

    /// An event by `actor` with a `value` for `values` facts.
    struct Ev {
        id: String,
        actor: &'static str,
        value: &'static str,
    }

    impl<'a> FieldSource<'a> for Ev {
        fn field(&mut self, f: Field) -> Option<Cow<'a, str>> {
            match f {
                Field::Actor => Some(Cow::Borrowed(self.actor)),
                Field::Action => Some(Cow::Borrowed(self.value)),
                _ => None,
            }
        }
        fn time_ns(&self) -> i64 {
            1_000
        }
        fn id(&self) -> &str {
            &self.id
        }
        fn action(&self) -> &str {
            self.value
        }
        fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
            (None, None, None)
        }
        fn slim(&mut self) -> Value {
            json!({"id": self.id, "actor": {"id": self.actor}})
        }
    }

    fn spec(control: &str, name: &str, kind: Kind, limit: usize) -> Spec {
        Spec {
            control: control.into(),
            name: name.into(),
            actions: vec!["*".into()],
            by: vec![Field::Actor],
            conds: Vec::new(),
            kind,
            limit,
            ids: 10,
            key_default: None,
            declared: Value::Null,
        }
    }

    fn values_kind() -> Kind {
        Kind::Values(values::Values {
            value: Field::Action,
            min_before: 0,
            min_days_before: 0.0,
            max_share: 1.0,
            per_key: false,
            max_listed: usize::MAX,
            times: false,
        })
    }

    /// C-1 selects every event (slim events `e0`, `e1`, `e2`); C-2 keeps the values per actor
    /// (cut at one item) and C-3 the same uncut; fed three events by two actors.
    pub(crate) fn store() -> DeclaredFacts {
        let mut specs = vec![
            SpecState::new(spec("C-2", "seen", values_kind(), 1)),
            SpecState::new(spec("C-1", "picked", Kind::Select(select::Select), 10)),
            SpecState::new(spec("C-3", "seen", values_kind(), 10)),
        ];
        for (i, (actor, value)) in [("a1", "x"), ("a2", "y"), ("a1", "x")].iter().enumerate() {
            for s in &mut specs {
                let mut ev = Ev {
                    id: format!("e{i}"),
                    actor,
                    value,
                };
                s.add(&mut ev, true, false);
            }
        }
        DeclaredFacts::new(
            specs,
            HashMap::from([("a1".to_string(), "Ann".to_string())]),
        )
    }

    #[test]
    fn a_control_s_facts_are_finished_when_taken_and_leave_the_store() {
        let declared = store();
        // Every control that declared facts has something to hand over.
        for control in ["C-1", "C-2", "C-3"] {
            assert!(declared.weight(control) > 0, "{control}");
        }
        // Nothing is cut before a fact is finished.
        assert_eq!(declared.cut_facts(), []);
        // Weighed before they are finished: C-3 keeps two items of up to two ids.
        let weight = declared.weight("C-3");
        assert!((2..100).contains(&weight), "{weight}");
        assert_eq!(declared.weight("C-9"), 0);
        let c3 = declared.take("C-3").expect("C-3 declared facts");
        let items = c3["seen"]["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        // The actor's name, known to the pass, is in the key object.
        assert_eq!(items[0]["key"], json!({"actor": "a1", "actor_name": "Ann"}));
        assert_eq!(items[0]["event_ids"], json!(["e0", "e2"]));
        assert_eq!(declared.take("C-3"), None, "taken once");
        assert_eq!(declared.weight("C-3"), 0, "nothing left to hand over");
        assert_eq!(declared.take("C-9"), None, "declared none");
        assert_eq!(declared.cut_facts(), []);
        // C-2's fact found two items and keeps one: cut, once it is finished.
        let c2 = declared.take("C-2").expect("C-2 declared facts");
        assert_eq!(c2["seen"]["truncated"], 1);
        assert_eq!(
            declared.cut_facts(),
            [CutFact {
                control: "C-2".into(),
                fact: "seen".into(),
                found: 2,
                kept: 1
            }]
        );
    }

    #[test]
    fn select_facts_are_finished_at_once_and_finish_all_gives_every_control() {
        let mut declared = store();
        let ids: Vec<&str> = declared
            .selected_events()
            .filter_map(|e| e["id"].as_str())
            .collect();
        assert_eq!(ids, ["e0", "e1", "e2"]);
        // Before finish_all only the select fact is finished.
        assert_eq!(
            declared.finished_json().as_object().map(|m| m.len()),
            Some(1)
        );
        let c3_taken = store().take("C-3");
        declared.finish_all();
        let all = declared.finished_json();
        let controls: Vec<&String> = all.as_object().expect("object").keys().collect();
        assert_eq!(controls, ["C-1", "C-2", "C-3"]);
        // The same facts whether taken or finished with the rest.
        assert_eq!(all["C-3"].as_object(), c3_taken.as_ref());
        assert_eq!(declared.take("C-3"), c3_taken);
        assert_eq!(declared.cut_facts().len(), 1);
    }
}
