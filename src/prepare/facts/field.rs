//! The event fields facts can key on, filter on or collect, and what an event offers to them.

use super::Mention;
use serde_json::Value;
use std::borrow::Cow;

/// A field of an event that facts can key on, filter on or collect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Actor,
    ActorName,
    /// The person behind the event: `onBehalfOf` when an app acts for someone, else the actor.
    User,
    Ip,
    Country,
    CountryCode,
    City,
    AuthType,
    Token,
    OnBehalfOf,
    App,
    TargetUser,
    Group,
    Tool,
    Status,
    Product,
    Site,
    Action,
}

pub const FIELDS: &[(&str, Field)] = &[
    ("actor", Field::Actor),
    ("actor_name", Field::ActorName),
    ("user", Field::User),
    ("ip", Field::Ip),
    ("country", Field::Country),
    ("country_code", Field::CountryCode),
    ("city", Field::City),
    ("auth_type", Field::AuthType),
    ("token", Field::Token),
    ("on_behalf_of", Field::OnBehalfOf),
    ("app", Field::App),
    ("target_user", Field::TargetUser),
    ("group", Field::Group),
    ("tool", Field::Tool),
    ("status", Field::Status),
    ("product", Field::Product),
    ("site", Field::Site),
    ("action", Field::Action),
];

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        FIELDS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
    /// Fields read from `context[]` / `container[]` / `actor.app`, parsed only when needed.
    pub fn needs_objects(self) -> bool {
        matches!(
            self,
            Field::TargetUser
                | Field::Group
                | Field::Tool
                | Field::Status
                | Field::Site
                | Field::App
        )
    }
}

/// What an event offers to the specs; values are resolved lazily by the scanner.
pub trait FieldSource<'a> {
    /// A field's value; borrowed from the event's line whenever the JSON held no escapes.
    fn field(&mut self, f: Field) -> Option<Cow<'a, str>>;
    fn time_ns(&self) -> i64;
    fn id(&self) -> &str;
    fn action(&self) -> &str;
    /// Country, city and `geo` text of the event's location.
    fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>);
    /// The slim event (`input.events_by_action` shape), for `select`.
    fn slim(&mut self) -> Value;
    /// Whether the event's readable text — its context objects' ids, types and attributes and
    /// its message, what the slim event keeps of them — could mention `m` (the `mentions`
    /// filter; see `Mention` for why this is a superset). A source that does not offer that
    /// text answers yes: the filter never drops an event it could not read.
    fn mentions(&mut self, m: &Mention) -> bool {
        let _ = m;
        true
    }
}
