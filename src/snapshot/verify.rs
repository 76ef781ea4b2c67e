//! What a snapshot's files were found to hold when read, checked against `manifest.json`, and
//! the content hash reports identify a snapshot by, computed from what was read (never from
//! the manifest's claims).

use super::manifest::FileEntry;
use super::SnapshotError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The error for a file whose sha256 or record count differs from its manifest entry, or
/// `None` when both match. `found_records` is the count read, or why reading stopped before
/// the end (a damaged file often stops parsing first; the hash still names the damage).
pub fn mismatch(
    path: &str,
    expected: &FileEntry,
    found_sha256: &str,
    found_records: Result<u64, String>,
) -> Option<SnapshotError> {
    let same_hash = found_sha256 == expected.sha256;
    let same_count = found_records
        .as_ref()
        .map_or(true, |&n| n == expected.records);
    if same_hash && same_count {
        return None;
    }
    Some(SnapshotError::FileMismatch {
        path: path.to_string(),
        expected_sha256: expected.sha256.clone(),
        expected_records: expected.records,
        found_sha256: found_sha256.to_string(),
        found_records: match found_records {
            Ok(n) => format!("{n} records"),
            Err(why) => format!("records that cannot be counted ({why})"),
        },
    })
}

/// sha256 over each file name and the sha256 of its bytes as read, in name order.
pub fn content_hash<'a>(files: impl IntoIterator<Item = (&'a String, &'a FileEntry)>) -> String {
    let mut sorted: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, entry) in files {
        sorted.insert(name, &entry.sha256);
    }
    let mut hasher = Sha256::new();
    for (name, sha256) in sorted {
        hasher.update(name.as_bytes());
        hasher.update(b"\0");
        hasher.update(sha256.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sha256: &str, records: u64) -> FileEntry {
        FileEntry {
            sha256: sha256.to_string(),
            records,
            compression: None,
            content_sha256: None,
        }
    }

    #[test]
    fn matching_hash_and_count_is_no_mismatch() {
        assert!(mismatch("e", &entry("ab", 3), "ab", Ok(3)).is_none());
        // A parse error in a file that hashes right is the parser's to report.
        assert!(mismatch("e", &entry("ab", 3), "ab", Err("line 2".into())).is_none());
    }

    #[test]
    fn a_mismatch_names_file_expected_and_found() {
        let text = mismatch("S/events.ndjson", &entry("ab", 3), "cd", Ok(1))
            .unwrap()
            .to_string();
        assert!(
            text.starts_with("S/events.ndjson: does not match manifest.json: expected sha256 ab and 3 records, found sha256 cd and 1 records;"),
            "{text}"
        );
        let count_only = mismatch("u.json", &entry("ab", 3), "ab", Ok(4)).unwrap();
        assert!(count_only
            .to_string()
            .contains("found sha256 ab and 4 records"));
        let unreadable = mismatch("e", &entry("ab", 3), "cd", Err("line 2: bad".into()))
            .unwrap()
            .to_string();
        assert!(
            unreadable.contains("found sha256 cd and records that cannot be counted (line 2: bad)")
        );
    }

    #[test]
    fn content_hash_depends_on_names_and_hashes_not_order() {
        let (a, b) = ("a.json".to_string(), "b.json".to_string());
        let (x, y) = (entry("11", 1), entry("22", 2));
        let forward = content_hash([(&a, &x), (&b, &y)]);
        assert_eq!(forward, content_hash([(&b, &y), (&a, &x)]));
        assert_ne!(forward, content_hash([(&a, &y), (&b, &x)]));
        assert_ne!(forward, content_hash([(&a, &x)]));
    }
}
