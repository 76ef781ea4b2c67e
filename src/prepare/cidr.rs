//! IPv4/IPv6 addresses and CIDR blocks, for `ip_in` / `ip_not_in` filters of declared facts
//! (suspicious-IP lists, the org's IP allowlist). Plain text in, no network.
//!
//! A list is looked up once per event, and lists of threat intelligence hold 10^5 blocks and
//! more: the blocks are merged into sorted, non-overlapping ranges per family at the first
//! lookup and an address is found by binary search, O(log m) per event instead of a scan of
//! every block. IPv4 addresses and IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, and mapped
//! blocks of prefix 96 or longer) are one family; other IPv6 the other, so `::/0` does not
//! hold IPv4 addresses nor `0.0.0.0/0` IPv6 ones.

use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::OnceLock;

/// A block as written and the inclusive range of addresses it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cidr {
    range: Range,
    pub text: String,
}

/// An inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
    V4(u32, u32),
    V6(u128, u128),
}

impl Range {
    fn of(net: IpNet) -> Range {
        match net {
            IpNet::V4(n) => Range::V4(u32::from(n.network()), u32::from(n.broadcast())),
            IpNet::V6(n) => {
                let mapped = (n.network().to_ipv4_mapped(), n.broadcast().to_ipv4_mapped());
                match mapped {
                    (Some(first), Some(last)) if n.prefix_len() >= 96 => {
                        Range::V4(u32::from(first), u32::from(last))
                    }
                    _ => Range::V6(u128::from(n.network()), u128::from(n.broadcast())),
                }
            }
        }
    }
}

impl Cidr {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits set below
    /// the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
    pub fn parse(text: &str) -> Option<Cidr> {
        let t = text.trim();
        let net = match t.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) if !t.contains('/') => IpNet::from(t.parse::<IpAddr>().ok()?),
            Err(_) => return None,
        };
        Some(Cidr {
            range: Range::of(net),
            text: t.to_string(),
        })
    }
}

/// An address to look up, in the family its lists are kept in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ip {
    V4(u32),
    V6(u128),
}

impl Ip {
    fn parse(text: &str) -> Option<Ip> {
        let ip: IpAddr = text.trim().parse().ok()?;
        Some(match ip {
            IpAddr::V4(v4) => Ip::V4(u32::from(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Ip::V4(u32::from(v4)),
                None => Ip::V6(u128::from(v6)),
            },
        })
    }
}

/// A list of blocks read from config values and offline files (one address or CIDR per
/// line, `#` comments; FireHOL/Spamhaus-style `; comment` tails are cut too).
#[derive(Clone, Debug, Default)]
pub struct CidrList {
    blocks: Vec<Cidr>,
    /// The blocks as merged ranges, built at the first lookup (and dropped by any addition).
    table: OnceLock<Table>,
}

/// Sorted, non-overlapping, non-adjacent inclusive ranges per family.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Table {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl CidrList {
    /// The blocks as written, in the order they were added.
    pub fn blocks(&self) -> &[Cidr] {
        &self.blocks
    }

    fn push(&mut self, block: Cidr) {
        self.blocks.push(block);
        self.table = OnceLock::new();
    }

    /// Adds every block of another list (`@ip_allowlist` in a fact's `ip_in`).
    pub fn extend(&mut self, other: &CidrList) {
        self.blocks.extend(other.blocks.iter().cloned());
        self.table = OnceLock::new();
    }

    pub fn add_text(&mut self, text: &str) -> Result<(), String> {
        let t = text.split(['#', ';']).next().unwrap_or("").trim();
        if t.is_empty() {
            return Ok(());
        }
        match Cidr::parse(t) {
            Some(c) => {
                self.push(c);
                Ok(())
            }
            None => Err(format!("{t:?} is not an IP address or CIDR block")),
        }
    }

    pub fn add_file(&mut self, path: &str) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        for (i, line) in text.lines().enumerate() {
            self.add_text(line)
                .map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        }
        Ok(())
    }

    fn table(&self) -> &Table {
        self.table.get_or_init(|| {
            let mut v4 = Vec::new();
            let mut v6 = Vec::new();
            for b in &self.blocks {
                match b.range {
                    Range::V4(first, last) => v4.push((first, last)),
                    Range::V6(first, last) => v6.push((first, last)),
                }
            }
            Table {
                v4: merge(v4, |x: u32| x.checked_add(1)),
                v6: merge(v6, |x: u128| x.checked_add(1)),
            }
        })
    }

    /// Whether a block of the list holds the address (`false` for text that is not one).
    pub fn contains(&self, ip: &str) -> bool {
        let table = self.table();
        match Ip::parse(ip) {
            Some(Ip::V4(x)) => holds(&table.v4, x),
            Some(Ip::V6(x)) => holds(&table.v6, x),
            None => false,
        }
    }
}

/// Sorts ranges and joins those that overlap or touch (`next` is the address after one, `None`
/// after the last address of the family).
fn merge<T: Ord + Copy>(mut ranges: Vec<(T, T)>, next: impl Fn(T) -> Option<T>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        if let Some(open) = out.last_mut() {
            if next(open.1).is_none_or(|after| first <= after) {
                open.1 = open.1.max(last);
                continue;
            }
        }
        out.push((first, last));
    }
    out
}

/// Binary search: the last range starting at or before `x`, and whether it reaches `x`.
fn holds<T: Ord + Copy>(ranges: &[(T, T)], x: T) -> bool {
    let i = ranges.partition_point(|r| r.0 <= x);
    i > 0 && x <= ranges[i - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(blocks: &[&str]) -> CidrList {
        let mut l = CidrList::default();
        for b in blocks {
            l.add_text(b).unwrap();
        }
        l
    }

    fn v4(a: &str) -> u32 {
        u32::from(a.parse::<std::net::Ipv4Addr>().unwrap())
    }

    #[test]
    fn v4_v6_and_mapped_addresses() {
        let mut l = list(&["203.0.113.0/24  # office", "2001:db8::/32", "198.51.100.7"]);
        assert!(l.contains("203.0.113.9"));
        assert!(l.contains("::ffff:203.0.113.9"));
        assert!(!l.contains("203.0.114.1"));
        assert!(l.contains("2001:db8:1::5"));
        assert!(l.contains("198.51.100.7"));
        assert!(!l.contains("198.51.100.8"));
        assert!(!l.contains("not an ip"));
        assert!(l.add_text("10.0.0.0/33").is_err());
        assert!(l.add_text("2001:db8::/129").is_err());
        assert!(l.add_text("10.0.0.0/").is_err());
        // An addition after a lookup is seen by the next lookup.
        assert!(!l.contains("8.8.8.8"));
        l.add_text("0.0.0.0/0").unwrap();
        assert!(l.contains("8.8.8.8"));
        assert_eq!(l.blocks().len(), 4);
        assert_eq!(l.blocks()[0].text, "203.0.113.0/24");
    }

    #[test]
    fn overlapping_and_nested_blocks_merge_into_one_range() {
        let l = list(&[
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.255.255.255",
            "9.255.0.0/16",
        ]);
        assert_eq!(
            l.table().v4,
            vec![(v4("9.255.0.0"), v4("10.255.255.255"))],
            "9.255/16 touches 10/8; the others lie inside it"
        );
        let l = list(&["10.0.0.0/24", "10.0.0.128/25", "10.0.0.100/30"]);
        assert_eq!(l.table().v4, vec![(v4("10.0.0.0"), v4("10.0.0.255"))]);
    }

    #[test]
    fn adjacent_blocks_join_and_a_gap_of_one_address_does_not() {
        let l = list(&["192.0.2.0/25", "192.0.2.128/25"]);
        assert_eq!(l.table().v4, vec![(v4("192.0.2.0"), v4("192.0.2.255"))]);
        let l = list(&["192.0.2.0/32", "192.0.2.2/32"]);
        assert_eq!(
            l.table().v4,
            vec![
                (v4("192.0.2.0"), v4("192.0.2.0")),
                (v4("192.0.2.2"), v4("192.0.2.2"))
            ]
        );
        assert!(l.contains("192.0.2.0"));
        assert!(!l.contains("192.0.2.1"));
        assert!(l.contains("192.0.2.2"));
        assert!(!l.contains("192.0.2.3"));
    }

    #[test]
    fn whole_families_and_their_edges() {
        let l = list(&["0.0.0.0/0", "255.255.255.255/32"]);
        assert_eq!(l.table().v4, vec![(0, u32::MAX)]);
        assert!(l.contains("0.0.0.0") && l.contains("255.255.255.255"));
        assert!(!l.contains("2001:db8::1"), "a v4 list holds no v6 address");
        let l = list(&["::/0"]);
        assert_eq!(l.table().v6, vec![(0, u128::MAX)]);
        assert!(l.contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assert!(!l.contains("8.8.8.8"), "::/0 holds no v4 address");
        let l = list(&["2001:db8::1/128", "2001:db8::2"]);
        assert_eq!(l.table().v6.len(), 1, "two adjacent /128s");
        assert!(l.contains("2001:db8::2"));
        assert!(!l.contains("2001:db8::3"));
        assert!(!l.contains("2001:db8::"));
        // A block at the top of the space after one reaching it: no overflow.
        let l = list(&["255.255.255.0/24", "255.255.255.255"]);
        assert_eq!(l.table().v4, vec![(v4("255.255.255.0"), u32::MAX)]);
    }

    #[test]
    fn v4_mapped_v6_blocks_are_v4_ranges() {
        let l = list(&["::ffff:198.51.100.0/120"]);
        assert_eq!(
            l.table().v4,
            vec![(v4("198.51.100.0"), v4("198.51.100.255"))]
        );
        assert!(l.table().v6.is_empty());
        assert!(l.contains("198.51.100.17"));
        assert!(l.contains("::ffff:198.51.100.17"));
        assert!(!l.contains("198.51.101.1"));
        // A mapped block and a v4 block next to it join.
        let l = list(&["::ffff:198.51.100.0/120", "198.51.101.0/24"]);
        assert_eq!(
            l.table().v4,
            vec![(v4("198.51.100.0"), v4("198.51.101.255"))]
        );
        // Host bits below the prefix are ignored.
        let l = list(&["10.1.2.3/8"]);
        assert_eq!(l.table().v4, vec![(v4("10.0.0.0"), v4("10.255.255.255"))]);
    }

    #[test]
    fn lookups_agree_with_a_scan_of_every_block() {
        // Pseudo-random blocks and addresses: the table answers as testing each block would.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut blocks = Vec::new();
        for _ in 0..500 {
            let r = next();
            let prefix = 8 + (r % 25) as u8;
            let addr = std::net::Ipv4Addr::from((r >> 32) as u32 & 0x0fff_ffff);
            blocks.push(format!("{addr}/{prefix}"));
        }
        let refs: Vec<&str> = blocks.iter().map(String::as_str).collect();
        let l = list(&refs);
        let nets: Vec<ipnet::Ipv4Net> = blocks.iter().map(|b| b.parse().unwrap()).collect();
        for _ in 0..5000 {
            let ip = std::net::Ipv4Addr::from((next() >> 32) as u32 & 0x0fff_ffff);
            let scan = nets.iter().any(|n| n.contains(&ip));
            assert_eq!(l.contains(&ip.to_string()), scan, "{ip}");
        }
    }
}
