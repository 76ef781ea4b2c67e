//! The line parser: each line of a block read into a compact record whose string fields are
//! spans into the block (or into its side buffer when the JSON string held escapes), and the
//! borrowed event the aggregator sees.

use crate::snapshot::event_line::{read_event_line, TextStart};
use crate::snapshot::SnapshotError;

/// An event as the aggregator sees it: every field borrowed from its block.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventRef<'a> {
    pub line: &'a str,
    /// The line's number in the file (1-based), for errors about its place in the order.
    pub line_no: u64,
    pub id: &'a str,
    pub time_ns: i64,
    pub action: &'a str,
    pub actor_id: &'a str,
    pub actor_name: Option<&'a str>,
    pub auth_type: Option<&'a str>,
    pub token: Option<&'a str>,
    pub obo_id: Option<&'a str>,
    pub obo_name: Option<&'a str>,
    /// Raw JSON of `actor.app`, `context`, `container`.
    pub app: Option<&'a str>,
    pub context: Option<&'a str>,
    pub container: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub country: Option<&'a str>,
    pub city: Option<&'a str>,
    pub geo: Option<&'a str>,
}

/// A string field of a record: a byte range of the block, or of the block's side buffer when
/// the JSON string held escapes (top bit of `start`).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    len: u32,
}

const SIDE: u32 = 1 << 31;

#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Rec {
    line: Span,
    line_no: u64,
    id: Span,
    time_ns: i64,
    action: Span,
    actor_id: Span,
    actor_name: Option<Span>,
    auth_type: Option<Span>,
    token: Option<Span>,
    obo_id: Option<Span>,
    obo_name: Option<Span>,
    app: Option<Span>,
    context: Option<Span>,
    container: Option<Span>,
    ip: Option<Span>,
    country: Option<Span>,
    city: Option<Span>,
    geo: Option<Span>,
}

/// One block of whole lines, read and then parsed.
pub(super) struct Block {
    pub(super) seq: u64,
    pub(super) first_line: u64,
    pub(super) text: String,
    pub(super) side: String,
    pub(super) recs: Vec<Rec>,
    pub(super) error: Option<SnapshotError>,
}

impl Block {
    fn s(&self, sp: Span) -> &str {
        let (buf, start) = if sp.start & SIDE != 0 {
            (&self.side, (sp.start & !SIDE) as usize)
        } else {
            (&self.text, sp.start as usize)
        };
        buf.get(start..start + sp.len as usize).unwrap_or("")
    }

    fn o(&self, sp: Option<Span>) -> Option<&str> {
        sp.map(|sp| self.s(sp))
    }

    pub(super) fn event(&self, r: &Rec) -> EventRef<'_> {
        EventRef {
            line: self.s(r.line),
            line_no: r.line_no,
            id: self.s(r.id),
            time_ns: r.time_ns,
            action: self.s(r.action),
            actor_id: self.s(r.actor_id),
            actor_name: self.o(r.actor_name),
            auth_type: self.o(r.auth_type),
            token: self.o(r.token),
            obo_id: self.o(r.obo_id),
            obo_name: self.o(r.obo_name),
            app: self.o(r.app),
            context: self.o(r.context),
            container: self.o(r.container),
            ip: self.o(r.ip),
            country: self.o(r.country),
            city: self.o(r.city),
            geo: self.o(r.geo),
        }
    }
}

/// Span of a string that points into `base` (a borrowed field) or is copied to `side`.
fn span_of(text: &str, base: &str, side: &mut String) -> Span {
    let (p, b) = (text.as_ptr() as usize, base.as_ptr() as usize);
    if p >= b && p + text.len() <= b + base.len() {
        Span {
            start: (p - b) as u32,
            len: text.len() as u32,
        }
    } else {
        let start = side.len() as u32 | SIDE;
        side.push_str(text);
        Span {
            start,
            len: text.len() as u32,
        }
    }
}

/// Parses every line of a block into records; stops at the first bad line.
pub(super) fn parse_block(block: &mut Block, path: &str) {
    let text = std::mem::take(&mut block.text);
    let mut side = String::new();
    let mut recs = Vec::with_capacity(text.len() / 900 + 1);
    let mut offset = 0usize;
    for (this_line, raw) in (block.first_line..).zip(text.split('\n')) {
        let here = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, &text, &mut side, path, this_line) {
            Ok(mut rec) => {
                rec.line = Span {
                    start: here as u32,
                    len: line.len() as u32,
                };
                rec.line_no = this_line;
                recs.push(rec);
            }
            Err(e) => {
                block.error = Some(e);
                break;
            }
        }
    }
    block.text = text;
    block.side = side;
    block.recs = recs;
}

fn parse_line(
    line: &str,
    base: &str,
    side: &mut String,
    path: &str,
    line_no: u64,
) -> Result<Rec, SnapshotError> {
    let (ev, time_ns) = read_event_line(path, TextStart::line(line_no), line)?;
    let a = &ev.attributes;
    let mut sp = |t: &str| span_of(t, base, side);
    let loc = a.location.as_ref();
    Ok(Rec {
        line: Span::default(),
        line_no,
        id: sp(&ev.id),
        time_ns,
        action: sp(&a.action),
        actor_id: sp(&a.actor.id),
        actor_name: a.actor.name.as_deref().map(&mut sp),
        auth_type: a
            .actor
            .auth
            .as_ref()
            .and_then(|x| x.auth_type.as_deref())
            .map(&mut sp),
        token: a
            .actor
            .auth
            .as_ref()
            .and_then(|x| x.token_id.as_deref())
            .map(&mut sp),
        obo_id: a
            .actor
            .on_behalf_of
            .as_ref()
            .and_then(|p| p.id.as_deref())
            .map(&mut sp),
        obo_name: a
            .actor
            .on_behalf_of
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .map(&mut sp),
        app: a.actor.app.map(|r| r.get()).map(&mut sp),
        context: a.context.map(|r| r.get()).map(&mut sp),
        container: a.container.map(|r| r.get()).map(&mut sp),
        ip: loc.and_then(|l| l.ip.as_deref()).map(&mut sp),
        country: loc.and_then(|l| l.country_name.as_deref()).map(&mut sp),
        city: loc.and_then(|l| l.city.as_deref()).map(&mut sp),
        geo: loc.and_then(|l| l.geo.as_deref()).map(&mut sp),
    })
}
