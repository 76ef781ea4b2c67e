//! Opening an export as a byte stream: plain, gzip (`.gz`, several members allowed, as `cat`
//! of gzip files gives) or zstd (`.zst`, several frames allowed). The format is told by the
//! file's first bytes, so a renamed file still reads; a name ending in `.gz` or `.zst` whose
//! bytes are something else is refused rather than read as text.

use super::input_error;
use crate::collect::CollectError;
use std::io::{BufRead, BufReader};
use std::path::Path;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const BUFFER: usize = 256 << 10;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

fn by_extension(path: &Path) -> Option<Compression> {
    match path.extension()?.to_str()? {
        "gz" | "gzip" => Some(Compression::Gzip),
        "zst" | "zstd" => Some(Compression::Zstd),
        _ => None,
    }
}

fn by_magic(head: &[u8]) -> Compression {
    if head.starts_with(GZIP_MAGIC) {
        Compression::Gzip
    } else if head.starts_with(ZSTD_MAGIC) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// The export's decompressed bytes.
pub(super) fn open_export(path: &Path) -> Result<Box<dyn BufRead + Send>, CollectError> {
    let file =
        std::fs::File::open(path).map_err(|e| input_error(path, format!("cannot read: {e}")))?;
    let mut reader = BufReader::with_capacity(BUFFER, file);
    let head = reader
        .fill_buf()
        .map_err(|e| input_error(path, format!("cannot read: {e}")))?;
    let found = by_magic(head);
    if let Some(named) = by_extension(path) {
        if named != found {
            let what = match named {
                Compression::Gzip => "gzip",
                _ => "zstd",
            };
            return Err(input_error(
                path,
                format!("named as {what} but its first bytes are not {what} data (expected a {what} file, or rename it)"),
            ));
        }
    }
    Ok(match found {
        Compression::None => Box::new(reader),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::bufread::MultiGzDecoder::new(reader),
        )),
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(reader)
                .map_err(|e| input_error(path, format!("cannot read zstd data: {e}")))?;
            Box::new(BufReader::with_capacity(BUFFER, decoder))
        }
    })
}

/// Reads everything (for tests).
#[cfg(test)]
pub(super) fn read_all(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    open_export(path)
        .map_err(|e| e.to_string())?
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_plain_gzip_and_zstd_by_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"{\"a\":1}\n{\"b\":2}\n";
        let plain = dir.path().join("e.ndjson");
        std::fs::write(&plain, text).unwrap();
        assert_eq!(read_all(&plain).unwrap(), text);

        // Two gzip members back to back read as one stream.
        let gz = dir.path().join("e.ndjson.gz");
        let mut bytes = Vec::new();
        for part in [&text[..8], &text[8..]] {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(part).unwrap();
            bytes.extend(enc.finish().unwrap());
        }
        std::fs::write(&gz, &bytes).unwrap();
        assert_eq!(read_all(&gz).unwrap(), text);
        // Renamed: still gzip by its bytes.
        let renamed = dir.path().join("export.data");
        std::fs::write(&renamed, &bytes).unwrap();
        assert_eq!(read_all(&renamed).unwrap(), text);

        let zst = dir.path().join("e.ndjson.zst");
        std::fs::write(&zst, zstd::encode_all(&text[..], 3).unwrap()).unwrap();
        assert_eq!(read_all(&zst).unwrap(), text);
    }

    #[test]
    fn a_compressed_name_over_other_bytes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("e.ndjson.gz");
        std::fs::write(&gz, b"{\"a\":1}\n").unwrap();
        let err = read_all(&gz).unwrap_err();
        assert!(err.contains("e.ndjson.gz: named as gzip"), "{err}");
    }
}
