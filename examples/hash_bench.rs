//! Benchmark for issue 16 item 4: the event pass's string hasher and UUID parser against the
//! hand-rolled ones they replaced (kept here, verbatim, as the reference). Prints ns per
//! operation on keys shaped like the pass's (Atlassian account ids, action keys, countries)
//! and on 10^6 event ids.
//!
//! `cargo run --release --example hash_bench`

use orgscan::prepare::fastparse::{CompactId, FxState};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Instant;

/// The FxHash-style hasher `prepare/fastparse.rs` carried before `rustc-hash`.
#[derive(Default, Clone, Copy)]
struct OldFxHasher(u64);

impl Hasher for OldFxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(buf))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &c in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, n: u8) {
        self.write(&[n]);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The lower-case-only UUID parser it carried before the `uuid` crate.
fn old_uuid_bits(id: &str) -> Option<u128> {
    let b = id.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let mut v: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        let n = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u128::from(n);
    }
    Some(v)
}

fn lookups<S: std::hash::BuildHasher + Default>(keys: &[String], probes: &[&str]) -> (f64, u64) {
    let mut map: HashMap<String, u64, S> = HashMap::default();
    for (i, k) in keys.iter().enumerate() {
        map.insert(k.clone(), i as u64);
    }
    let started = Instant::now();
    let mut sum = 0u64;
    for p in probes {
        if let Some(v) = map.get(*p) {
            sum = sum.wrapping_add(*v);
        }
    }
    (
        started.elapsed().as_secs_f64() * 1e9 / probes.len() as f64,
        sum,
    )
}

fn main() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Keys like the pass's: 2,000 account ids (24 hex), 300 action keys, 60 countries.
    let mut keys: Vec<String> = (0..2_000)
        .map(|_| format!("{:024x}", next() as u128 * 7))
        .collect();
    keys.extend((0..300).map(|i| format!("jira_issue_action_{i}")));
    keys.extend((0..60).map(|i| format!("Country {i}")));
    let probes: Vec<&str> = (0..5_000_000)
        .map(|_| keys[(next() % keys.len() as u64) as usize].as_str())
        .collect();
    let ids: Vec<String> = (0..1_000_000)
        .map(|_| {
            let v = (u128::from(next()) << 64) | u128::from(next());
            let h = format!("{v:032x}");
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        })
        .collect();
    println!("{:<44} {:>8}", "operation", "ns/op");
    for round in 0..2 {
        let (old, a) = lookups::<BuildHasherDefault<OldFxHasher>>(&keys, &probes);
        let (new, b) = lookups::<FxState>(&keys, &probes);
        assert_eq!(a, b);
        if round == 1 {
            println!(
                "{:<44} {:>8.2}",
                "map lookup, string key, hand-rolled FxHasher", old
            );
            println!("{:<44} {:>8.2}", "map lookup, string key, rustc-hash", new);
        }
    }
    for round in 0..2 {
        let started = Instant::now();
        let mut acc = 0u128;
        for id in &ids {
            acc ^= old_uuid_bits(id).unwrap_or(0);
        }
        let old = started.elapsed().as_secs_f64() * 1e9 / ids.len() as f64;
        let started = Instant::now();
        let mut acc2 = 0u128;
        for id in &ids {
            if let CompactId::Uuid(bits) = CompactId::new(id) {
                acc2 ^= u128::from_be_bytes(bits);
            }
        }
        let new = started.elapsed().as_secs_f64() * 1e9 / ids.len() as f64;
        assert_eq!(acc, acc2);
        if round == 1 {
            println!("{:<44} {:>8.2}", "uuid parse, hand-rolled lower-case", old);
            println!(
                "{:<44} {:>8.2}",
                "uuid parse, uuid crate (CompactId::new)", new
            );
        }
    }
}
