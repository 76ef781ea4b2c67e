//! Text helpers shared by the report formats.

/// `text` cut to `max` characters, with `more(n)` (n: its length in characters) appended when
/// it was longer.
pub fn clip_with(text: &str, max: usize, more: impl FnOnce(usize) -> String) -> String {
    let n = text.chars().count();
    if n <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push_str(&more(n));
        s
    }
}

/// `text` cut to `max` characters and `…` when it was longer.
pub fn clip(text: &str, max: usize) -> String {
    clip_with(text, max, |_| "…".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_by_characters_not_bytes() {
        assert_eq!(clip("héllo", 5), "héllo");
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip_with("héllo", 1, |n| format!(" ({n})")), "h (5)");
    }
}
