//! One event as the specs see it: fields resolved on demand from the borrowed record, context
//! objects parsed at most once, the slim event built only when asked for.

use super::record::EventRef;
use crate::prepare::facts::{Field, FieldSource, Mention};
use crate::prepare::fastparse;
use crate::prepare::geo::GeoTable;
use crate::snapshot::Event;
use serde_json::{json, Value};
use std::borrow::Cow;

/// One event as the specs see it: fields resolved on demand, context parsed at most once.
pub(super) struct View<'e, 'a> {
    pub(super) ev: &'e EventRef<'a>,
    pub(super) action: &'e str,
    pub(super) objects: Option<Vec<fastparse::RawObject<'a>>>,
    pub(super) containers: Option<Vec<fastparse::RawObject<'a>>>,
}

impl<'a> View<'_, 'a> {
    fn objects(&mut self) -> &[fastparse::RawObject<'a>] {
        if self.objects.is_none() {
            self.objects = Some(fastparse::objects(self.ev.context));
        }
        self.objects.as_deref().unwrap_or_default()
    }

    fn object_of(&mut self, kinds: &[&str]) -> Option<&fastparse::RawObject<'a>> {
        self.objects()
            .iter()
            .find(|o| o.kind.as_deref().is_some_and(|k| kinds.contains(&k)))
    }

    fn tool(&mut self) -> Option<String> {
        for o in self.objects() {
            let kind = o.kind.as_deref().unwrap_or("");
            let attrs = fastparse::object_attributes(o.attributes);
            if let Some(t) = attrs.tool_name {
                return Some(t.into_owned());
            }
            if kind.to_ascii_lowercase().contains("tool") {
                if let Some(n) = attrs.name {
                    return Some(n.into_owned());
                }
            }
        }
        None
    }

    fn status(&mut self) -> Option<String> {
        for o in self.objects() {
            let a = fastparse::object_attributes(o.attributes);
            for raw in [a.status, a.outcome, a.success].into_iter().flatten() {
                if let Some(t) = fastparse::scalar_text(raw) {
                    return Some(t);
                }
            }
        }
        None
    }
}

/// The product an action belongs to, from its key's prefix.
pub fn product_of(action: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("jira", "jira"),
        ("jsm_", "jira"),
        ("confluence", "confluence"),
        ("upp_confluence", "confluence"),
        ("bitbucket", "bitbucket"),
        ("loom", "loom"),
        ("beacon_", "guard_detect"),
        ("rovo", "rovo"),
        ("trello", "trello"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| action.starts_with(p))
        .map(|(_, name)| *name)
        .unwrap_or("admin")
}

/// Errors: `error`, `failed`, `failure`, `denied`, `false` (for `success`), HTTP 4xx/5xx.
pub fn is_error_status(status: &str) -> bool {
    let s = status.trim().to_ascii_lowercase();
    matches!(
        s.as_str(),
        "error"
            | "errored"
            | "failed"
            | "failure"
            | "fail"
            | "denied"
            | "forbidden"
            | "unauthorized"
            | "timeout"
            | "false"
    ) || s.parse::<u16>().is_ok_and(|c| c >= 400)
}

fn nonempty(v: Option<&str>) -> Option<Cow<'_, str>> {
    v.filter(|v| !v.is_empty()).map(Cow::Borrowed)
}

impl<'a> FieldSource<'a> for View<'_, 'a> {
    fn field(&mut self, f: Field) -> Option<Cow<'a, str>> {
        let e: EventRef<'a> = *self.ev;
        match f {
            Field::Actor => Some(Cow::Borrowed(e.actor_id)),
            Field::ActorName => nonempty(e.actor_name),
            Field::User => nonempty(e.obo_id).or(Some(Cow::Borrowed(e.actor_id))),
            Field::Ip => nonempty(e.ip),
            Field::Country => nonempty(e.country),
            Field::CountryCode => e
                .country
                .and_then(|c| GeoTable::get().country(c))
                .map(|c| Cow::Borrowed(c.code)),
            Field::City => nonempty(e.city),
            Field::AuthType => nonempty(e.auth_type),
            Field::Token => nonempty(e.token),
            Field::OnBehalfOf => nonempty(e.obo_id),
            Field::App => fastparse::app(e.app)
                .and_then(|app| app.id)
                .filter(|v| !v.is_empty()),
            Field::TargetUser => self
                .object_of(&["users", "user"])
                .and_then(|o| o.id.clone())
                .filter(|v| !v.is_empty()),
            Field::Group => {
                let o = self.object_of(&["groups", "group"])?;
                let id = o.id.clone();
                let attrs = fastparse::object_attributes(o.attributes);
                [attrs.group_name, attrs.name, id]
                    .into_iter()
                    .flatten()
                    .find(|v| !v.is_empty())
            }
            Field::Tool => self.tool().map(Cow::Owned),
            Field::Status => self.status().map(Cow::Owned),
            Field::Product => Some(Cow::Borrowed(product_of(self.action))),
            Field::Site => {
                if self.containers.is_none() {
                    self.containers = Some(fastparse::objects(e.container));
                }
                let o = self
                    .containers
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .find(|o| o.kind.as_deref() == Some("sites"))?;
                let id = o.id.clone();
                let attrs = fastparse::object_attributes(o.attributes);
                attrs.site_host_name.or(attrs.name).or(id)
            }
            Field::Action => Some(Cow::Owned(self.action.to_string())),
        }
    }

    fn time_ns(&self) -> i64 {
        self.ev.time_ns
    }

    fn id(&self) -> &str {
        self.ev.id
    }

    fn action(&self) -> &str {
        self.action
    }

    fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
        let e: EventRef<'a> = *self.ev;
        (
            e.country.filter(|c| !c.is_empty()),
            e.city.filter(|c| !c.is_empty()),
            e.geo.filter(|c| !c.is_empty()),
        )
    }

    fn slim(&mut self) -> Value {
        match serde_json::from_str::<Event>(self.ev.line) {
            Ok(event) => slim(&event, self.action),
            Err(_) => Value::Null,
        }
    }

    fn mentions(&mut self, m: &Mention) -> bool {
        let e: EventRef<'a> = *self.ev;
        // Context and message are parts of the line: a line that cannot mention the text
        // anywhere is dropped without parsing anything (links name admin.atlassian.com on
        // every event, so for `admin` the parts are searched on their own).
        if !m.in_json(e.line) {
            return false;
        }
        context_mentions(e.context, m) || message_mentions(e.line, m)
    }
}

/// Whether the context objects' ids, types or attributes (not their links, which the slim
/// event leaves out) could mention `m`. The objects are visited as they are read, borrowed from
/// the line, nothing collected: no allocation unless a string holds an escape.
fn context_mentions(raw: Option<&str>, m: &Mention) -> bool {
    use serde::de::{Deserializer as _, IgnoredAny, SeqAccess, Visitor};
    struct AnyObject<'m>(&'m Mention);
    impl<'de> Visitor<'de> for AnyObject<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of context objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let m = self.0;
            while let Some(o) = seq.next_element::<fastparse::RawObject<'de>>()? {
                if o.id.as_deref().is_some_and(|t| m.in_text(t))
                    || o.kind.as_deref().is_some_and(|t| m.in_text(t))
                    || o.attributes.is_some_and(|a| m.in_json(a.get()))
                {
                    // The rest is read only so the list ends where JSON says it does.
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
    let Some(raw) = raw else {
        return false;
    };
    let mut de = serde_json::Deserializer::from_str(raw);
    match de.deserialize_seq(AnyObject(m)) {
        Ok(found) => found,
        // A shape the object parse cannot read: the whole raw text is searched, so nothing it
        // holds is dropped unread.
        Err(_) => m.in_json(raw),
    }
}

/// Whether the event's `message.content` could mention `m`; a line whose message cannot be read
/// that way is kept.
fn message_mentions(line: &str, m: &Mention) -> bool {
    #[derive(serde::Deserialize)]
    struct MessageOnly<'a> {
        #[serde(borrow, default)]
        message: Option<fastparse::RawMessage<'a>>,
    }
    match serde_json::from_str::<MessageOnly<'_>>(line) {
        Ok(only) => only
            .message
            .and_then(|msg| msg.content)
            .is_some_and(|c| m.in_text(&c)),
        Err(_) => true,
    }
}

/// The fields detections read, flattened; enough to name the event in a finding.
pub fn slim(event: &Event, action: &str) -> Value {
    let a = &event.attributes;
    let loc = a.location.clone().unwrap_or_default();
    let code = loc
        .country_name
        .as_deref()
        .and_then(|c| GeoTable::get().country(c))
        .map(|c| c.code);
    json!({
        "id": event.id,
        "time": a.time,
        "time_ns": a.time.epoch_nanos(),
        "action": action,
        "actor": {
            "id": a.actor.id,
            "name": a.actor.name,
            "email": a.actor.email,
            "auth_type": a.actor.auth.as_ref().and_then(|x| x.auth_type.clone()),
            "token_id": a.actor.auth.as_ref().and_then(|x| x.token_id.clone()),
            "on_behalf_of": a.actor.on_behalf_of.as_ref().and_then(|p| p.id.clone()),
            "app": a.actor.app.as_ref().and_then(|app| app.get("id").cloned()),
        },
        "ip": loc.ip,
        "country": loc.country_name,
        "country_code": code,
        "city": loc.city,
        "context": a.context.iter().map(|c| json!({"id": c.id, "type": c.kind, "attributes": c.attributes})).collect::<Vec<_>>(),
        "message": event.message.as_ref().and_then(|m| m.content.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mentions: admin` on a line as the API serves it, its context's raw text borrowed as the
    /// record parser borrows it.
    fn mentions(line: &str) -> bool {
        let parsed: fastparse::RawEvent<'_> = serde_json::from_str(line).unwrap();
        let raw = parsed.attributes.context.map(|r| r.get());
        let ev = EventRef {
            line,
            context: raw,
            ..EventRef::default()
        };
        let mut view = View {
            ev: &ev,
            action: "user_granted_role",
            objects: None,
            containers: None,
        };
        view.mentions(&Mention::parse("admin").unwrap())
    }

    fn line(context: &str, message: &str) -> String {
        format!(
            r#"{{"id":"e1","type":"events","attributes":{{"time":"2026-11-04T01:30:00.000Z","action":"user_granted_role","actor":{{"id":"a1","links":{{"alt":"https://admin.atlassian.com/o/x/users/a1"}}}},"context":{context}}},"links":{{"self":"https://api.atlassian.com/admin/v1/orgs/x/events/e1"}},"message":{message}}}"#
        )
    }

    const PERSON: &str = r#"[{"id":"u1","type":"users","attributes":{"name":"Carl"},"links":{"alt":"https://admin.atlassian.com/o/x/users/u1"}}]"#;

    #[test]
    fn only_context_and_message_count_not_links() {
        let product_role = r#"{"content":"Granted role to user for product","format":"simple"}"#;
        assert!(!mentions(&line(PERSON, product_role)));
        let in_message = r#"{"content":"Granted Site ADMIN role to user","format":"simple"}"#;
        assert!(mentions(&line(PERSON, in_message)));
        let role = r#"[{"id":"r1","type":"roles","attributes":{"roleName":"Jira Administrator"}}]"#;
        assert!(mentions(&line(role, product_role)));
        let two_people = format!(
            "[{},{}]",
            &PERSON[1..PERSON.len() - 1],
            &PERSON[1..PERSON.len() - 1]
        );
        assert!(!mentions(&line(&two_people, product_role)));
        let then_role = format!(
            "[{},{}]",
            &PERSON[1..PERSON.len() - 1],
            &role[1..role.len() - 1]
        );
        assert!(mentions(&line(&then_role, product_role)));
        let by_id = r#"[{"id":"jira-admin","type":"roles"}]"#;
        assert!(mentions(&line(by_id, "null")));
        // A line that mentions the word nowhere is dropped before anything is parsed.
        let quiet = line(PERSON, product_role).replace("admin", "manage");
        assert!(!mentions(&quiet));
    }

    #[test]
    fn an_escape_or_an_unreadable_part_is_kept() {
        let product_role = r#"{"content":"Granted role to user for product"}"#;
        let escaped =
            r#"[{"id":"r1","type":"roles","attributes":{"roleName":"Jira \u0041dministrator"}}]"#;
        assert!(mentions(&line(escaped, product_role)));
        assert!(mentions(&line(
            PERSON,
            r#"{"content":"Granted \u0061dmin"}"#
        )));
        // A context of a shape the object parse skips is searched whole.
        assert!(mentions(&line(
            r#"[{"id":7,"note":"admin"}]"#,
            product_role
        )));
        assert!(!mentions(&line(
            r#"[{"id":7,"note":"user"}]"#,
            product_role
        )));
    }
}
