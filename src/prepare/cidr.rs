//! IPv4/IPv6 addresses and CIDR blocks, for `ip_in` / `ip_not_in` filters of declared facts
//! (suspicious-IP lists, the org's IP allowlist). Plain text in, no network.

use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The address as 128 bits (IPv4 mapped into the low 32 bits with a v4 flag).
    base: u128,
    prefix: u8,
    v4: bool,
    pub text: String,
}

fn bits(ip: IpAddr) -> (u128, bool) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), true),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => (u128::from(u32::from(v4)), true),
            None => (u128::from(v6), false),
        },
    }
}

impl Cidr {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128).
    pub fn parse(text: &str) -> Option<Cidr> {
        let t = text.trim();
        let (addr, prefix) = match t.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (t, None),
        };
        let ip: IpAddr = addr.trim().parse().ok()?;
        let (base, v4) = bits(ip);
        let max = if v4 { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return None;
        }
        Some(Cidr {
            base: mask(base, prefix, max),
            prefix,
            v4,
            text: t.to_string(),
        })
    }

    pub fn contains(&self, ip: &Ip) -> bool {
        let max = if self.v4 { 32 } else { 128 };
        ip.v4 == self.v4 && mask(ip.bits, self.prefix, max) == self.base
    }
}

fn mask(v: u128, prefix: u8, max: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = u32::from(max - prefix);
    (v >> shift) << shift
}

#[derive(Clone, Copy, Debug)]
pub struct Ip {
    bits: u128,
    v4: bool,
}

impl Ip {
    pub fn parse(text: &str) -> Option<Ip> {
        let ip: IpAddr = text.trim().parse().ok()?;
        let (bits, v4) = bits(ip);
        Some(Ip { bits, v4 })
    }
}

/// A list of blocks read from config values and offline files (one address or CIDR per
/// line, `#` comments; FireHOL/Spamhaus-style `; comment` tails are cut too).
#[derive(Clone, Debug, Default)]
pub struct CidrList {
    pub blocks: Vec<Cidr>,
}

impl CidrList {
    pub fn add_text(&mut self, text: &str) -> Result<(), String> {
        let t = text.split(['#', ';']).next().unwrap_or("").trim();
        if t.is_empty() {
            return Ok(());
        }
        match Cidr::parse(t) {
            Some(c) => {
                self.blocks.push(c);
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

    /// The first block holding `ip`.
    pub fn find(&self, ip: &str) -> Option<&Cidr> {
        let ip = Ip::parse(ip)?;
        self.blocks.iter().find(|b| b.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_v6_and_mapped_addresses() {
        let mut l = CidrList::default();
        l.add_text("203.0.113.0/24  # office").unwrap();
        l.add_text("2001:db8::/32").unwrap();
        l.add_text("198.51.100.7").unwrap();
        assert!(l.find("203.0.113.9").is_some());
        assert!(l.find("::ffff:203.0.113.9").is_some());
        assert!(l.find("203.0.114.1").is_none());
        assert!(l.find("2001:db8:1::5").is_some());
        assert!(l.find("198.51.100.7").is_some());
        assert!(l.find("198.51.100.8").is_none());
        assert!(l.find("not an ip").is_none());
        assert!(l.add_text("10.0.0.0/33").is_err());
        l.add_text("0.0.0.0/0").unwrap();
        assert!(l.find("8.8.8.8").is_some());
    }
}
