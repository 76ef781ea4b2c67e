//! Numbers and text as the page prints them: points, counts, clipped labels.

pub(super) fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        let s = format!("{p:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(super) fn fmt_count(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.2}")
    }
}

pub(super) fn clip_short(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut s: String = clean.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// At most `max` characters, with a note of the full length when clipped.
pub(in crate::report) fn clip(text: &str, max: usize) -> String {
    crate::report::text::clip_with(text, max, |n| format!("… ({n} characters in all)"))
}
