//! `select`: the slim events that pass the spec's filters, up to `limit`.

use super::{Accumulator, FactKind, FieldSource, Finished, Spec};
use serde_json::Value;
use std::borrow::Cow;

/// No parameters beyond the filters every kind has.
#[derive(Clone, Debug)]
pub struct Select;

impl FactKind for Select {
    fn name(&self) -> &'static str {
        "select"
    }
    fn list_name(&self) -> &'static str {
        "events"
    }
    fn start(&self, _limit: usize) -> Box<dyn Accumulator> {
        Box::new(Selected::default())
    }
}

#[derive(Default)]
pub(super) struct Selected {
    events: Vec<Value>,
    matched: u64,
}

impl Accumulator for Selected {
    fn add<'a>(
        &mut self,
        spec: &Spec,
        _key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        self.matched += 1;
        if self.events.len() < spec.limit {
            self.events.push(ev.slim());
        }
    }

    fn held(&self) -> usize {
        // A slim event is a few dozen values (actor, place, context objects).
        self.events.len() * 30
    }

    fn finish(self: Box<Self>, _spec: &Spec, _key_object: &dyn Fn(&str) -> Value) -> Finished {
        let mut items = self.events;
        items.sort_by(|a, b| {
            (
                a.get("time_ns").and_then(Value::as_i64),
                a.get("id").and_then(Value::as_str),
            )
                .cmp(&(
                    b.get("time_ns").and_then(Value::as_i64),
                    b.get("id").and_then(Value::as_str),
                ))
        });
        Finished {
            items,
            total: self.matched,
            extra: Default::default(),
        }
    }
}
