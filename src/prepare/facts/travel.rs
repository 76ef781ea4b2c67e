//! `travel`: consecutive located events of one key whose places are at least `min_km` apart
//! (less both places' uncertainty) at `min_kmh` or more.

use super::hits::{Found, Hit};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, SEP};
use crate::prepare::fastparse::{format_ns, FxState};
use crate::prepare::geo::{distance_km, GeoTable, Point};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Travel {
    pub min_kmh: f64,
    pub min_km: f64,
}

impl Travel {
    pub(super) fn parse(p: &Params<'_>) -> Result<Travel, String> {
        Ok(Travel {
            min_kmh: p.number("min_kmh", Some(1000.0))?,
            min_km: p.number("min_km", Some(500.0))?,
        })
    }
}

impl FactKind for Travel {
    fn name(&self) -> &'static str {
        "travel"
    }
    fn list_name(&self) -> &'static str {
        "transitions"
    }
    fn start(&self, limit: usize) -> Box<dyn Accumulator> {
        Box::new(Trips {
            params: self.clone(),
            last: HashMap::default(),
            found: Found::keeping(limit),
            locations: Vec::new(),
            location_index: HashMap::default(),
            scratch: String::new(),
        })
    }
}

struct Trips {
    params: Travel,
    /// Per key, its latest located event (tag: the index of its place in `locations`): a
    /// transition is between consecutive ones, so nothing earlier is kept.
    last: HashMap<String, Hit, FxState>,
    found: Found,
    /// Each place met: its point, country and city.
    locations: Vec<(Point, String, String)>,
    location_index: HashMap<String, Option<u32>, FxState>,
    scratch: String,
}

impl Trips {
    /// The index of a place in `locations`, resolving it with the geo table once.
    fn location(
        &mut self,
        country: Option<&str>,
        city: Option<&str>,
        geo: Option<&str>,
    ) -> Option<u32> {
        self.scratch.clear();
        self.scratch.push_str(country.unwrap_or(""));
        self.scratch.push(SEP);
        self.scratch.push_str(city.unwrap_or(""));
        self.scratch.push(SEP);
        self.scratch.push_str(geo.unwrap_or(""));
        if let Some(found) = self.location_index.get(self.scratch.as_str()) {
            return *found;
        }
        let idx = GeoTable::get().locate(country, city, geo).map(|point| {
            self.locations.push((
                point,
                country.unwrap_or("").to_string(),
                city.unwrap_or("").to_string(),
            ));
            (self.locations.len() - 1) as u32
        });
        self.location_index.insert(self.scratch.clone(), idx);
        idx
    }
}

impl Trips {
    /// The item for consecutive located events `a` then `b` of a key, when the move between
    /// their places is too far for the time.
    fn transition(&self, a: &Hit, b: &Hit) -> Option<Value> {
        let Travel { min_kmh, min_km } = self.params;
        if a.tag == b.tag {
            return None;
        }
        let la = self.locations.get(a.tag as usize)?;
        let lb = self.locations.get(b.tag as usize)?;
        let d = distance_km((la.0.lat, la.0.lon), (lb.0.lat, lb.0.lon));
        let d_min = (d - la.0.radius_km - lb.0.radius_km).max(0.0);
        let hours = b.time.saturating_sub(a.time) as f64 / 3.6e12;
        // Two places at the same instant: any distance is impossible.
        let speed = if hours > 0.0 {
            d_min / hours
        } else if d_min > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };
        if d_min < min_km || speed < min_kmh {
            return None;
        }
        let place = |l: &(Point, String, String), h: &Hit| {
            json!({
                "country": l.1, "city": if l.2.is_empty() { Value::Null } else { Value::String(l.2.clone()) },
                "precision": l.0.precision.name(), "time": format_ns(h.time), "event_id": h.id.text(),
            })
        };
        Some(json!({
            "from": place(la, a),
            "to": place(lb, b),
            "distance_km": d.round(),
            "min_distance_km": d_min.round(),
            "hours": (hours * 100.0).round() / 100.0,
            "speed_kmh": if speed.is_finite() { json!(speed.round()) } else { json!("instant") },
        }))
    }
}

impl Accumulator for Trips {
    fn add<'a>(
        &mut self,
        _spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        let (country, city, geo) = ev.place();
        let Some(idx) = self.location(country, city, geo) else {
            return;
        };
        let b = Hit::of(ev, idx);
        let a = match self.last.get_mut(key.as_ref()) {
            Some(last) => std::mem::replace(last, b.clone()),
            None => {
                self.last.insert(key.into_owned(), b);
                return;
            }
        };
        if let Some(item) = self.transition(&a, &b) {
            self.found.push(&key, || item);
        }
    }

    fn held(&self) -> usize {
        self.found.held()
    }

    fn finish(self: Box<Self>, _spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let Travel { min_kmh, min_km } = self.params;
        let mut out = Finished {
            total: self.found.total(),
            items: self.found.into_items(key_object),
            ..Finished::default()
        };
        out.extra.insert("min_kmh".into(), json!(min_kmh));
        out.extra.insert("min_km".into(), json!(min_km));
        out
    }
}
