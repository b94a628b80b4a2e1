//! Issue 12's hostile files, fed to `fudao import firms` as a new user would: each must end
//! with exit 1 and a bilingual message naming the limit, within 5 s and 300 MB peak memory.
//! The files are generated here. Each run is a real process measured by GNU time
//! (`/usr/bin/time -v`, Debian package `time`), under `prlimit --as` and `timeout` so that a
//! regression fails the test instead of exhausting the machine.
//!
//! The file is refused before the database is opened, so the database path is never created.
//! `FUDAO_BIN` runs another build of the CLI (to measure a release before the bounds), and
//! prints the figures with `--nocapture`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const MAX_SECS: f64 = 5.0;
const MAX_RSS_MB: f64 = 300.0;

struct Run {
    code: Option<i32>,
    stderr: String,
    secs: f64,
    rss_mb: f64,
}

fn import(file: &Path) -> Run {
    let bin = std::env::var("FUDAO_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_fudao").into());
    let limit_as = std::env::var("FUDAO_HOSTILE_AS").unwrap_or_else(|_| "4000000000".into());
    let timeout = std::env::var("FUDAO_HOSTILE_TIMEOUT").unwrap_or_else(|_| "60".into());
    let db = file.with_extension("never-created.db");
    assert!(
        Path::new("/usr/bin/time").exists(),
        "GNU time is needed to measure peak memory: apt-get install time"
    );
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .args([
            "timeout",
            &timeout,
            "prlimit",
            &format!("--as={limit_as}"),
            "--",
        ])
        .arg(&bin)
        .arg("--db")
        .arg(&db)
        .args(["import", "firms"])
        .arg(file)
        .env_remove("FUDAO_DB")
        .output()
        .expect("run fudao under /usr/bin/time");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let rss_kb: f64 = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .expect("GNU time reports the peak");
    let code = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Exit status:"))
        .and_then(|v| v.trim().parse().ok());
    let run = Run {
        code,
        stderr,
        secs,
        rss_mb: rss_kb / 1024.0,
    };
    eprintln!(
        "{}: exit {:?} in {:.2} s, peak {:.0} MB",
        file.file_name().unwrap().to_string_lossy(),
        run.code,
        run.secs,
        run.rss_mb
    );
    run
}

/// Exit 1, a message naming the limit (`zh` and `en` fragments), within the bounds; the
/// database is never opened.
fn refused(file: &Path, zh: &str, en: &str) {
    let r = import(file);
    assert!(
        !file.with_extension("never-created.db").exists(),
        "the database was not touched"
    );
    let msg: String = r
        .stderr
        .lines()
        .take_while(|l| !l.contains("Command being timed"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(r.code, Some(1), "exit 1: {msg}");
    assert!(
        msg.contains(zh) && msg.contains(en),
        "names the limit: {msg}"
    );
    assert!(
        msg.contains("拆分") || msg.contains("另存") || msg.contains("删除"),
        "says how to fix it: {msg}"
    );
    assert!(r.secs < MAX_SECS, "{:.2} s: {msg}", r.secs);
    assert!(r.rss_mb < MAX_RSS_MB, "{:.0} MB peak: {msg}", r.rss_mb);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A file of `prefix` + `repeat` × `unit` + `suffix`, written in chunks.
fn write_repeated(
    dir: &Path,
    name: &str,
    prefix: &str,
    unit: &str,
    repeat: usize,
    suffix: &str,
) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(prefix.as_bytes()).unwrap();
    let chunk = unit.repeat(64 * 1024 / unit.len().max(1));
    let per = chunk.len() / unit.len();
    let mut left = repeat;
    while left > 0 {
        let n = left.min(per);
        f.write_all(&chunk.as_bytes()[..n * unit.len()]).unwrap();
        left -= n;
    }
    f.write_all(suffix.as_bytes()).unwrap();
    f.flush().unwrap();
    p
}

#[test]
fn html_xls_with_colspan_2e9() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        "<html><table><tr><td colspan=\"2000000000\">企业名称</td><td>统一社会信用代码</td></tr>\
                <tr><td>甲</td><td>x</td></tr></table></html>";
    let p = write(dir.path(), "colspan.xls", html.as_bytes());
    // Read with the span clamped to the table's size; its only row lacks a USCC (fudao-io's
    // tests check the rows), and there is no database here: exit 1 either way.
    let r = import(&p);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.secs < MAX_SECS, "{:.2} s", r.secs);
    assert!(r.rss_mb < MAX_RSS_MB, "{:.0} MB", r.rss_mb);
}

#[test]
fn html_xls_with_rowspan_and_colspan_1e5() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        "<table><tr><td rowspan=100000 colspan=100000>企业名称</td><td>统一社会信用代码</td></tr>\
                <tr><td>乙</td><td>91370102MA3C5XK12B</td></tr></table>";
    let p = write(dir.path(), "spans.xls", html.as_bytes());
    let r = import(&p);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.secs < MAX_SECS, "{:.2} s", r.secs);
    assert!(r.rss_mb < MAX_RSS_MB, "{:.0} MB", r.rss_mb);
}

#[test]
fn xlsx_with_50k_cells_in_column_xfd() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(0, 1, "统一社会信用代码").unwrap();
    for r in 1..=50_000u32 {
        ws.write_number(r, 16_383, r as f64).unwrap();
    }
    let p = dir.path().join("xfd.xlsx");
    wb.save(&p).unwrap();
    refused(&p, "1000 列", "1000 columns");
}

// ---------------------------------------------------------------------------------------------
// A zip written by hand, so that a part can hold gigabytes of repeated content (a deflate
// stream of identical fully-flushed blocks) without compressing gigabytes in the test.

struct Part {
    name: String,
    method: u16,
    crc: u32,
    data: Vec<u8>,
    size: u64,
}

fn stored(name: &str, data: Vec<u8>) -> Part {
    let mut h = crc32fast::Hasher::new();
    h.update(&data);
    Part {
        name: name.into(),
        method: 0,
        crc: h.finalize(),
        size: data.len() as u64,
        data,
    }
}

fn zip(parts: &[Part]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for p in parts {
        let offset = out.len() as u32;
        let z64 = p.size >= u32::MAX as u64;
        let mut extra = Vec::new();
        if z64 {
            extra.extend(1u16.to_le_bytes());
            extra.extend(16u16.to_le_bytes());
            extra.extend(p.size.to_le_bytes());
            extra.extend((p.data.len() as u64).to_le_bytes());
        }
        let (csz, usz) = if z64 {
            (u32::MAX, u32::MAX)
        } else {
            (p.data.len() as u32, p.size as u32)
        };
        let version: u16 = if z64 { 45 } else { 20 };
        let common = |v: &mut Vec<u8>| {
            v.extend(version.to_le_bytes());
            v.extend(0u16.to_le_bytes()); // flags
            v.extend(p.method.to_le_bytes());
            v.extend(0u16.to_le_bytes()); // time
            v.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
            v.extend(p.crc.to_le_bytes());
            v.extend(csz.to_le_bytes());
            v.extend(usz.to_le_bytes());
            v.extend((p.name.len() as u16).to_le_bytes());
            v.extend((extra.len() as u16).to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(p.name.as_bytes());
        out.extend(&extra);
        out.extend(&p.data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(45u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend(0u16.to_le_bytes()); // comment
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(p.name.as_bytes());
        central.extend(&extra);
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// An .xlsx whose sheet XML holds `repeat` × `block` after `<sheetData>`. The sheet part's
/// CRC is not computed (gigabytes); the importer refuses the part long before a CRC could
/// be checked.
fn padded_xlsx(block: &[u8], repeat: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    use std::io::Read;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(0, 1, "统一社会信用代码").unwrap();
    let small = wb.save_to_buffer().unwrap();
    let mut z = ::zip::ZipArchive::new(std::io::Cursor::new(small)).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name != "xl/worksheets/sheet1.xml" {
            parts.push(stored(&name, data));
            continue;
        }
        let xml = String::from_utf8(data).unwrap();
        let at = xml.find("<sheetData>").unwrap() + "<sheetData>".len();
        let (prefix, suffix) = xml.split_at(at);
        let mut c = Compress::new(Compression::best(), false);
        let mut deflate = |input: &[u8], flush| {
            let mut out = Vec::with_capacity(input.len() + 1024);
            let mut pos = 0;
            loop {
                let before = c.total_in();
                c.compress_vec(&input[pos..], &mut out, flush).unwrap();
                pos += (c.total_in() - before) as usize;
                if pos >= input.len() && out.len() < out.capacity() {
                    break;
                }
                out.reserve(64 * 1024);
            }
            out
        };
        let head = deflate(prefix.as_bytes(), FlushCompress::Full);
        let body = deflate(block, FlushCompress::Full);
        let tail = deflate(suffix.as_bytes(), FlushCompress::Finish);
        let mut data = head;
        for _ in 0..repeat {
            data.extend_from_slice(&body);
        }
        data.extend(tail);
        parts.push(Part {
            name,
            method: 8,
            crc: 0,
            data,
            size: (prefix.len() + suffix.len()) as u64 + block.len() as u64 * repeat,
        });
    }
    zip(&parts)
}

#[test]
fn xlsx_with_6_gib_of_whitespace_in_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    // One 6 GiB run of spaces: the parser would buffer it as one text node.
    let bytes = padded_xlsx(&vec![b' '; 1 << 20], 6 * 1024);
    assert!(bytes.len() < 16 << 20, "{} bytes", bytes.len());
    let p = write(dir.path(), "spaces.xlsx", &bytes);
    refused(&p, "连续内容", "single stretch");
    // 6 GiB in short runs between tags: the total decompressed size is refused.
    let mut block = vec![b' '; (1 << 20) - 5];
    block.extend_from_slice(b"<x/>\n");
    let bytes = padded_xlsx(&block, 6 * 1024);
    let p = write(dir.path(), "spaced-tags.xlsx", &bytes);
    refused(&p, "解压后", "decompressed");
}

#[test]
fn csv_of_100_mb_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_repeated(dir.path(), "line.csv", "", "a,", 50 * 1024 * 1024, "\n");
    refused(&p, "导入上限 64.0 MB", "import limit of 64.0 MB");
    // Under the file size bound, the columns bound refuses it.
    let p = write_repeated(dir.path(), "line60.csv", "", "a,", 30 * 1024 * 1024, "\n");
    refused(&p, "1000 列", "1000 columns");
}

#[test]
fn csv_with_a_100_mb_firm_name() {
    let dir = tempfile::tempdir().unwrap();
    let head = "统一社会信用代码,企业名称\n91370102MA3C5XK12B,";
    let p = write_repeated(dir.path(), "name.csv", head, "名", 35 * 1024 * 1024, "\n");
    refused(&p, "导入上限 64.0 MB", "import limit of 64.0 MB");
    // Under the file size bound (20 MB), the cell length bound refuses it, naming the cell.
    let p = write_repeated(dir.path(), "name20.csv", head, "名", 7 * 1024 * 1024, "\n");
    refused(&p, "第2行B列的单元格有 7340032 个字符", "32767");
}
