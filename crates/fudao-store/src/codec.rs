//! How an entity's JSON document is kept in its table's `data` column.
//!
//! The four big kinds (firms, visits, needs, feedback) are stored compressed with zstd against
//! a dictionary trained for the kind (`dict/`, `scripts/train-doc-dicts.sh`): a firm's 2.3 KB
//! document becomes ≈ 0.4 KB, and ten of them fit a 4 KiB page instead of one (`docs/store.md`,
//! "Documents compressed against a dictionary"). The column then holds a BLOB: one tag byte
//! naming the dictionary, then a zstd frame. Every other kind, and every row written before,
//! stays JSON text; both read back the same, so no reader sees the difference and a database
//! needs no rewrite to keep working (migration 13 rewrites it once to give the space back).
//!
//! A released dictionary is never changed or removed: rows name theirs by its tag. A new one
//! gets a new tag, and writes move to it while reads keep every tag.
//!
//! Compression is per document, not per page, because SQLite reads and writes documents one
//! at a time; a dictionary is what makes 0.3–2 KB documents compress (without one, a firm's
//! document only halves: the keys and the words the kind always uses are the dictionary's).

use fudao_core::model::EntityKind;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use std::cell::RefCell;
use std::sync::OnceLock;

/// The kinds whose documents are stored compressed.
pub const COMPRESSED_KINDS: &[EntityKind] = &[
    EntityKind::Firm,
    EntityKind::Visit,
    EntityKind::Need,
    EntityKind::Feedback,
];

/// zstd's level. Measured on the 10,000 demo firms' documents (release, this machine): level 1
/// packs a firm's document in ≈ 7.3 µs (2,277 → 407 bytes) and a visit's in ≈ 1.7 µs (482 →
/// 122), level 3 in 8.4 and 2.2 µs for 2–3 % fewer bytes; reading one back takes ≈ 3.2 and
/// 0.9 µs. Imports and syncs write, so the faster level.
const LEVEL: i32 = 1;

/// The largest document a stored frame may expand to. Nothing the store writes comes near it
/// (imports cap a cell at 32 KiB); it keeps a damaged row from asking for gigabytes.
pub const MAX_DOC_BYTES: u64 = 16 * 1024 * 1024;

/// A dictionary: its tag (the BLOB's first byte), the kind it is written for, its bytes.
struct Dict {
    tag: u8,
    kind: EntityKind,
    bytes: &'static [u8],
}

/// Every dictionary ever released, by tag. Writes use the last one of a kind.
const DICTS: &[Dict] = &[
    Dict {
        tag: 0x11,
        kind: EntityKind::Firm,
        bytes: include_bytes!("../dict/firm.v1.zdict"),
    },
    Dict {
        tag: 0x12,
        kind: EntityKind::Visit,
        bytes: include_bytes!("../dict/visit.v1.zdict"),
    },
    Dict {
        tag: 0x13,
        kind: EntityKind::Need,
        bytes: include_bytes!("../dict/need.v1.zdict"),
    },
    Dict {
        tag: 0x14,
        kind: EntityKind::Feedback,
        bytes: include_bytes!("../dict/feedback.v1.zdict"),
    },
];

/// The dictionaries prepared once per process (a prepared dictionary is read-only and shared
/// by every thread's context).
struct Prepared {
    enc: Vec<zstd::dict::EncoderDictionary<'static>>,
    dec: Vec<zstd::dict::DecoderDictionary<'static>>,
}

fn prepared() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| Prepared {
        enc: DICTS
            .iter()
            .map(|d| zstd::dict::EncoderDictionary::copy(d.bytes, LEVEL))
            .collect(),
        dec: DICTS
            .iter()
            .map(|d| zstd::dict::DecoderDictionary::copy(d.bytes))
            .collect(),
    })
}

/// The index in [`DICTS`] writes of `kind` use.
fn write_dict(kind: EntityKind) -> Option<usize> {
    DICTS.iter().rposition(|d| d.kind == kind)
}

thread_local! {
    /// One compression and one decompression context per thread, made on first use and
    /// pointed at the document's dictionary for each call (a pointer: the dictionaries are
    /// prepared once per process). A context costs more to make than a document to pack.
    static CONTEXTS: RefCell<Contexts> = RefCell::new(Contexts::default());
}

#[derive(Default)]
struct Contexts {
    enc: Option<zstd::bulk::Compressor<'static>>,
    dec: Option<zstd::bulk::Decompressor<'static>>,
}

impl Contexts {
    fn compressor(&mut self, i: usize) -> Option<&mut zstd::bulk::Compressor<'static>> {
        if self.enc.is_none() {
            let mut z = zstd::bulk::Compressor::new(LEVEL).ok()?;
            // The tag names the dictionary; the frame need not repeat its id (4 bytes). The
            // checksum (4 bytes) makes a damaged frame, or one read with the wrong
            // dictionary, an error instead of a different document.
            z.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false))
                .ok()?;
            z.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))
                .ok()?;
            self.enc = Some(z);
        }
        let z = self.enc.as_mut()?;
        z.set_prepared_dictionary(&prepared().enc[i]).ok()?;
        Some(z)
    }

    fn decompressor(&mut self, i: usize) -> FromSqlResult<&mut zstd::bulk::Decompressor<'static>> {
        let z = match &mut self.dec {
            Some(z) => z,
            none => {
                none.insert(zstd::bulk::Decompressor::new().map_err(|e| damaged(e.to_string()))?)
            }
        };
        z.set_prepared_dictionary(&prepared().dec[i])
            .map_err(|e| damaged(e.to_string()))?;
        Ok(z)
    }
}

/// What to store in `data` for `kind`'s document `text`: compressed where the kind has a
/// dictionary and that is smaller, the JSON text otherwise.
pub(crate) fn encode(kind: EntityKind, text: String) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    let Some(i) = write_dict(kind) else {
        return Value::Text(text);
    };
    let frame = CONTEXTS.with(|c| {
        let mut c = c.borrow_mut();
        let z = c.compressor(i)?;
        let mut out = vec![0; 1 + zstd::zstd_safe::compress_bound(text.len())];
        out[0] = DICTS[i].tag;
        let n = z.compress_to_buffer(text.as_bytes(), &mut out[1..]).ok()?;
        out.truncate(1 + n);
        Some(out)
    });
    match frame {
        Some(f) if f.len() < text.len() => Value::Blob(f),
        _ => Value::Text(text),
    }
}

/// Why a stored document could not be read back.
fn damaged(detail: impl Into<String>) -> FromSqlError {
    FromSqlError::Other(detail.into().into())
}

/// The JSON text of a stored document (`data` column), compressed or not.
pub(crate) fn decode(v: ValueRef<'_>) -> FromSqlResult<String> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(str::to_string)
            .map_err(|e| damaged(e.to_string())),
        ValueRef::Blob(b) => decode_blob(b),
        _ => Err(FromSqlError::InvalidType),
    }
}

fn decode_blob(b: &[u8]) -> FromSqlResult<String> {
    let (&tag, frame) = b.split_first().ok_or_else(|| damaged("empty document"))?;
    let i = DICTS.iter().position(|d| d.tag == tag).ok_or_else(|| {
        damaged(format!(
            "unknown document format {tag:#04x} (a newer Fudao?)"
        ))
    })?;
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(n)) if n <= MAX_DOC_BYTES => n as usize,
        Ok(Some(n)) => return Err(damaged(format!("document of {n} bytes, over the limit"))),
        _ => return Err(damaged("damaged compressed document")),
    };
    let bytes = CONTEXTS.with(|c| {
        let mut c = c.borrow_mut();
        let z = c.decompressor(i)?;
        let mut out = Vec::with_capacity(size);
        z.decompress_to_buffer(frame, &mut out)
            .map_err(|e| damaged(format!("damaged compressed document: {e}")))?;
        Ok::<_, FromSqlError>(out)
    })?;
    String::from_utf8(bytes).map_err(|e| damaged(e.to_string()))
}

/// Registers the codec as SQL functions on `conn`, for SQL that reads or rewrites documents
/// (migrations, and tests that lay out an older schema):
/// - `fudao_doc(data)`: a stored document's JSON text, compressed or not
///   (`json_extract(fudao_doc(data), '$.name')`);
/// - `fudao_pack(kind, data)`: what the store keeps for the kind's document (a document
///   already compressed is returned as it is).
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("fudao_doc", 1, flags, |ctx| match ctx.get_raw(0) {
        ValueRef::Null => Ok(None),
        v => decode(v)
            .map(Some)
            .map_err(|e| rusqlite::Error::UserFunctionError(e.into())),
    })?;
    conn.create_scalar_function("fudao_pack", 2, flags, |ctx| {
        use rusqlite::types::Value;
        let kind: String = ctx.get(0)?;
        let kind = EntityKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::UserFunctionError(format!("unknown kind {kind}").into())
        })?;
        Ok(match ctx.get_raw(1) {
            ValueRef::Text(t) => encode(
                kind,
                std::str::from_utf8(t)
                    .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?
                    .to_string(),
            ),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            _ => Value::Null,
        })
    })
}

/// A stored document as read from its `data` column; [`Doc::into_text`] decodes it, so
/// that a damaged row is reported with its kind and id.
pub(crate) enum Doc {
    Text(String),
    Packed(Vec<u8>),
}

impl Doc {
    /// The document's JSON text, or why it cannot be read.
    pub(crate) fn into_text(self) -> std::result::Result<String, String> {
        match self {
            Doc::Text(t) => Ok(t),
            Doc::Packed(b) => decode_blob(&b).map_err(|e| e.to_string()),
        }
    }
}

impl FromSql for Doc {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v {
            ValueRef::Blob(b) => Ok(Doc::Packed(b.to_vec())),
            v => decode(v).map(Doc::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Value;

    fn stored(v: &Value) -> ValueRef<'_> {
        match v {
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            _ => unreachable!(),
        }
    }

    #[test]
    fn every_dictionary_has_its_own_tag_and_a_kind_that_is_compressed() {
        for (i, d) in DICTS.iter().enumerate() {
            assert!(
                DICTS[..i].iter().all(|e| e.tag != d.tag),
                "tag {:#x}",
                d.tag
            );
            assert!(COMPRESSED_KINDS.contains(&d.kind));
            assert!(d.bytes.len() >= 1024);
        }
        for k in COMPRESSED_KINDS {
            assert!(write_dict(*k).is_some(), "{k:?} has no dictionary");
        }
    }

    #[test]
    fn a_document_reads_back_as_written_whatever_its_kind() {
        let firm = r#"{"name":"历下示例科技有限公司","uscc":"91370102MA00000000","facts":{"credit_overdue":false,"srdi_score":71},"financials":[{"year":2025,"revenue":1200000,"net_profit":80000}],"tags":[]}"#;
        for kind in EntityKind::ALL {
            let v = encode(kind, firm.to_string());
            assert_eq!(decode(stored(&v)).unwrap(), firm, "{kind:?}");
            if !COMPRESSED_KINDS.contains(&kind) {
                assert!(matches!(v, Value::Text(_)), "{kind:?}");
            }
        }
        // A firm's document compresses to well under half against its dictionary.
        let Value::Blob(b) = encode(EntityKind::Firm, firm.to_string()) else {
            panic!("not compressed")
        };
        assert!(b.len() * 2 < firm.len(), "{} of {}", b.len(), firm.len());
    }

    #[test]
    fn a_document_that_does_not_shrink_stays_text() {
        let v = encode(EntityKind::Visit, "{}".to_string());
        assert_eq!(v, Value::Text("{}".to_string()));
    }

    #[test]
    fn a_damaged_or_foreign_blob_is_an_error_not_a_panic() {
        let Value::Blob(good) = encode(
            EntityKind::Firm,
            format!(r#"{{"notes":"{}"}}"#, "走访记录".repeat(200)),
        ) else {
            panic!("not compressed")
        };
        let mut cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0x11],
            vec![0x7f, 1, 2, 3],
            good[..good.len() / 2].to_vec(),
        ];
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0xff;
        cases.push(flipped);
        // Another kind's dictionary.
        let mut other = good.clone();
        other[0] = 0x12;
        cases.push(other);
        for (i, c) in cases.iter().enumerate() {
            assert!(decode(ValueRef::Blob(c)).is_err(), "case {i} decoded");
        }
    }

    #[test]
    fn a_frame_over_the_limit_is_refused_before_it_is_expanded() {
        let mut z = zstd::bulk::Compressor::with_prepared_dictionary(&prepared().enc[0]).unwrap();
        z.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false))
            .unwrap();
        let big = vec![b'x'; (MAX_DOC_BYTES + 1) as usize];
        let mut blob = vec![DICTS[0].tag];
        blob.extend(z.compress(&big).unwrap());
        let err = decode(ValueRef::Blob(&blob)).unwrap_err().to_string();
        assert!(err.contains("over the limit"), "{err}");
    }

    /// Byte-mutation fuzzing of the decoder (a restored backup, a file copied from elsewhere:
    /// stored bytes may be hostile): mutated, truncated and extended frames of real documents
    /// under every tag must decode to an error or to text, never panic or allocate past
    /// [`MAX_DOC_BYTES`]. `FUDAO_FUZZ_CASES` cases (default 256; `make fuzz` runs many more).
    #[test]
    fn fuzz_decode() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let cases = std::env::var("FUDAO_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256);
        let docs: Vec<Vec<u8>> = [
            (EntityKind::Firm, r#"{"name":"历下示例科技有限公司","uscc":"91370102MA00000000","financials":[{"year":2025,"revenue":1200000}],"tags":["高新区"],"notes":"走访记录走访记录走访记录"}"#),
            (EntityKind::Visit, r#"{"date":"2026-11-02","findings":"企业计划申报高新技术企业，科技人员占比已达标。","mode":"onsite","tasks":[{"done":false,"due":"2026-12-01","title":"准备材料"}]}"#),
            (EntityKind::Need, r#"{"amount":3000000,"purpose":"研发投入","status":"open","term_months":12}"#),
            (EntityKind::Feedback, r#"{"rating":"satisfied","source":"qr","comment":"辅导员很专业，服务及时。"}"#),
        ]
        .into_iter()
        .filter_map(|(k, d)| match encode(k, d.to_string()) {
            Value::Blob(b) => Some(b),
            _ => None,
        })
        .collect();
        assert_eq!(docs.len(), 4);
        let tags: Vec<u8> = DICTS.iter().map(|d| d.tag).chain([0, 0xff]).collect();
        let edit = (
            0..docs.len(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 0..8),
            prop::sample::select(tags),
            any::<bool>(),
        );
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&edit, |(which, edits, tag, retag)| {
                let mut b = docs[which].clone();
                if retag {
                    b[0] = tag;
                }
                for (at, byte, op) in edits {
                    let len = b.len();
                    let i = at.index(len.max(1));
                    match op {
                        0 if len > 0 => b[i.min(len - 1)] ^= byte | 1,
                        1 => b.insert(i.min(len), byte),
                        2 if len > 0 => {
                            b.remove(i.min(len - 1));
                        }
                        _ => b.truncate(i),
                    }
                }
                if let Ok(text) = decode(ValueRef::Blob(&b)) {
                    prop_assert!(text.len() as u64 <= MAX_DOC_BYTES);
                }
                Ok(())
            })
            .unwrap();
    }
}
