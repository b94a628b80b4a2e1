//! Fuzzing the spreadsheet reader: byte-mutated .csv (UTF-8 and GBK), HTML tables saved as
//! .xls, .xls (BIFF) and .xlsx files — the .xlsx both as mutated archive bytes and as mutated
//! sheet XML re-packed into a valid archive — must each read as a sheet or fail with an
//! error, never panic. Cases per target: `FUDAO_FUZZ_CASES` (default 64, a few seconds;
//! `make fuzz` runs many more in release mode). To triage an abort (which no test harness can
//! catch), run one target alone with `FUDAO_FUZZ_KEEP=/tmp/case`: each case is written there
//! before it is read.

use fudao_io::import::read_firms;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::io::{Read, Write};
use std::path::Path;

fn cases() -> u32 {
    std::env::var("FUDAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

const CSV: &str =
    "济南市企业名单\n单位：万元\n序号,企业名称,统一社会信用代码,所属区县,成立日期,从业人数,\
营业收入,研发费用,高新技术企业,融资需求（万元）,期限\n\
1,济南甲科技有限公司,91370102MA3C00011F,历下区,2019/3/5,约50人,1200,80,是,500,1年\n\
2,\"济南\"\"乙\"\"有限公司\",91370103MA3C00021Q,市中区,43529,12,\"1,234.5\",-,GR202237000123,,\n\
3,丙,91370104MA3C00031B,高新区,2019年3月,120人左右,三百万,,否,近300万,半年\n\
合计,,,,,,1200,,,,\n注：数据来源于区统计局\n";

const HTML: &str = "<html><head><meta charset=\"utf-8\"></head><body><table border=1>\
<tr><td colspan=\"4\">商河县企业名单</td></tr>\
<tr><th rowspan=2>企业名称</th><th rowspan=2>统一社会信用代码</th><th colspan=2>2024年</th></tr>\
<tr><th>营业收入</th><th>从业人数</th></tr>\
<tr><td>商河甲&amp;乙有限公司</td><td>91370126MA3C0E01X1</td><td>12.5</td><td>15</td></tr>\
<tr><td rowspan=\"2\">丁</td><td>91370126MA3C0E02X2</td><td>&nbsp;</td><td>3</td></tr>\
</table></body></html>";

/// Byte-level edits: overwrite, insert, delete, and splices of fragments that reach edge
/// cases (spans, huge numbers, quotes, markup, bad UTF-8).
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Splice(usize, usize, &'static str),
}

const FRAGMENTS: &[&str] = &[
    " colspan=2000000000",
    " rowspan=99999",
    " colspan=0",
    "<td>",
    "<tr>",
    "</table>",
    "<table>",
    "<th",
    "\"",
    "\"\"",
    ",",
    "\t",
    "\n",
    "\r\n",
    "1e308",
    "-",
    "9999999999999999999999",
    "=1+1",
    "约",
    "左右",
    "\u{FFFD}",
    "\u{0}",
    "\u{FEFF}",
    "r=\"XFD1048576\"",
    "r=\"A0\"",
    "ref=\"A1:XFD1048576\"",
    "<mergeCell ref=\"A1:C3\"/>",
    "<c r=\"B2\" t=\"s\"><v>99999</v></c>",
    "<c r=\"C2\" t=\"inlineStr\"><is><t>x</t></is></c>",
    "<row r=\"4294967295\">",
    "t=\"d\"><v>not a date</v>",
    "&amp;",
    "&#xD800;",
    "<![CDATA[",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1usize..32).prop_map(|(i, n)| Edit::Delete(i, n)),
        (
            any::<usize>(),
            0usize..8,
            proptest::sample::select(FRAGMENTS)
        )
            .prop_map(|(i, n, f)| Edit::Splice(i, n, f)),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..8)
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        match e {
            Edit::Set(i, v) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    b[i] = *v;
                }
            }
            Edit::Insert(i, v) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, v.iter().copied());
            }
            Edit::Delete(i, n) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    let end = (i + n).min(b.len());
                    b.drain(i..end);
                }
            }
            Edit::Splice(i, n, f) => {
                let i = i % (b.len() + 1);
                let end = (i + n).min(b.len());
                b.splice(i..end, f.bytes());
            }
        }
    }
    b
}

/// Reads the bytes as a file with this name: any outcome but a panic is fine.
fn read(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    if let Ok(keep) = std::env::var("FUDAO_FUZZ_KEEP") {
        std::fs::write(keep, bytes).unwrap();
    }
    let _ = read_firms(&p, None);
    let _ = read_firms(&p, Some("2"));
}

fn xlsx_seed() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let f = rust_xlsxwriter::Format::new();
    let ws = wb.add_worksheet();
    ws.set_name("企业名单").unwrap();
    ws.merge_range(0, 0, 0, 4, "济南市企业名单", &f).unwrap();
    for (c, h) in [
        "企业名称",
        "统一社会信用代码",
        "成立日期",
        "从业人数",
        "营业收入（万元）",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_string(2, 0, "济南甲科技有限公司").unwrap();
    ws.write_string(2, 1, "91370102MA3C00011F").unwrap();
    ws.write_datetime(
        2,
        2,
        rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 3, 5).unwrap(),
    )
    .unwrap();
    ws.write_string(2, 3, "约50人").unwrap();
    ws.write_number(2, 4, 1234.5).unwrap();
    ws.merge_range(3, 0, 4, 0, "乙", &f).unwrap();
    ws.write_formula(3, 4, "=E3*2").unwrap();
    wb.add_worksheet().set_name("说明").unwrap();
    wb.save_to_buffer().unwrap()
}

/// The parts of an .xlsx, to mutate one and pack them again (stored, valid CRCs).
fn parts(xlsx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn pack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn csv_and_text_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    let seeds = [CSV.as_bytes().to_vec(), gbk.into_owned()];
    runner()
        .run(&(0usize..2, edits()), |(s, e)| {
            read(dir.path(), "f.csv", &mutate(&seeds[s], &e));
            Ok(())
        })
        .unwrap();
}

#[test]
fn html_xls_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    runner()
        .run(&edits(), |e| {
            read(dir.path(), "f.xls", &mutate(HTML.as_bytes(), &e));
            Ok(())
        })
        .unwrap();
}

#[test]
fn xls_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/firms_legacy.xls"),
    )
    .unwrap();
    runner()
        .run(&edits(), |e| {
            read(dir.path(), "f.xls", &mutate(&seed, &e));
            Ok(())
        })
        .unwrap();
}

#[test]
fn xlsx_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let seed = xlsx_seed();
    runner()
        .run(&edits(), |e| {
            read(dir.path(), "f.xlsx", &mutate(&seed, &e));
            Ok(())
        })
        .unwrap();
}

#[test]
fn xlsx_xml_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let seed = parts(&xlsx_seed());
    let xml: Vec<usize> = (0..seed.len())
        .filter(|&i| seed[i].0.ends_with(".xml") || seed[i].0.ends_with(".rels"))
        .collect();
    runner()
        .run(&(proptest::sample::select(xml), edits()), |(i, e)| {
            let mut p = seed.clone();
            p[i].1 = mutate(&p[i].1, &e);
            read(dir.path(), "f.xlsx", &pack(&p));
            Ok(())
        })
        .unwrap();
}
