//! Tests of reading grids.

use super::html::*;
use super::text::*;
use super::xlsx::*;
use super::*;

#[test]
fn decodes_bom_utf8_and_gbk() {
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice("企业名称".as_bytes());
    assert_eq!(decode_text(b), ("企业名称".into(), false));
    let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,统一社会信用代码");
    assert_eq!(
        decode_text(gbk.into_owned()),
        ("企业名称,统一社会信用代码".into(), false)
    );
    let mut u16 = vec![0xFF, 0xFE];
    for unit in "名称\t代码".encode_utf16() {
        u16.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(decode_text(u16), ("名称\t代码".into(), false));
}

#[test]
fn one_bad_byte_keeps_utf8_and_gbk_stays_gbk() {
    let mut b = "企业名称,统一社会信用代码\n济南甲".as_bytes().to_vec();
    b.push(0xFF);
    b.extend_from_slice("科技有限公司,91370100MA3C5XK12B\n".as_bytes());
    let (text, lossy) = decode_text(b);
    assert!(lossy);
    assert!(
        text.starts_with("企业名称,统一社会信用代码\n济南甲\u{FFFD}科技"),
        "{text}"
    );
    // A GBK list with many Chinese characters (some pairs of which are valid UTF-8 by
    // chance) is still read as GBK.
    let sample = "企业名称,所属区县,从业人数\n济南历下区软件科技有限公司,历下区,约五百人\n\
                  山东章丘鼓风机股份有限公司,章丘区,三千\n济南高新区信息产业园管理公司,高新区,七十\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(sample);
    assert!(std::str::from_utf8(&gbk).is_err());
    assert_eq!(decode_text(gbk.into_owned()), (sample.to_string(), false));
}

#[test]
fn detects_delimiters() {
    assert_eq!(detect_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    assert_eq!(detect_delimiter("a,b;c\n\"1,5\";2;3\n4;5;6\n"), b';');
    assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
}

#[test]
fn finds_xlsx_merges_without_calamine() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let f = rust_xlsxwriter::Format::new();
    wb.add_worksheet().set_name("说明").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("A&B 名单").unwrap();
    ws.merge_range(0, 0, 0, 3, "标题", &f).unwrap();
    ws.merge_range(4, 2, 6, 2, "历下区", &f).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let info = scan_zip(&bytes).unwrap();
    assert_eq!(
        xlsx_merges(&info, "A&B 名单"),
        Some(vec![
            Merge {
                r1: 0,
                c1: 0,
                r2: 0,
                c2: 3
            },
            Merge {
                r1: 4,
                c1: 2,
                r2: 6,
                c2: 2
            },
        ])
    );
    assert_eq!(xlsx_merges(&info, "说明"), Some(vec![]));
    assert_eq!(xlsx_merges(&info, "无此表"), None);
}

#[test]
fn cell_refs_and_attributes() {
    assert_eq!(cell_ref("A1"), Some((0, 0)));
    assert_eq!(cell_ref("$AB$12"), Some((11, 27)));
    assert_eq!(cell_ref("12"), None);
    assert_eq!(
        attr(r#"<sheet name="a&amp;b" sheetId="1" r:id="rId3""#, "r:id").as_deref(),
        Some("rId3")
    );
    assert_eq!(
        attr(r#"<x sheetId="1" Id="rId2""#, "Id").as_deref(),
        Some("rId2")
    );
}

#[test]
fn html_spans_are_clamped_and_cells_bounded() {
    // colspan 2e9 and rowspan 1e5 in a one-row table: clamped, nothing huge is built.
    let g = html_grid(
        "<table><tr><td colspan=\"2000000000\" rowspan=100000>企业名称</td><td>x</td></tr></table>",
        "x".into(),
    )
    .unwrap();
    assert_eq!(g.rows.len(), 1);
    assert_eq!(g.rows[0][2], Value::Text("x".into()));
    assert_eq!(
        g.merges,
        [Merge {
            r1: 0,
            c1: 0,
            r2: 0,
            c2: 1
        }]
    );
    // A value past the column limit is refused, naming where.
    let wide = format!("<table><tr>{}</tr></table>", "<td>a</td>".repeat(1001));
    let (limit, _, r, c) = html_grid(&wide, "x".into()).unwrap_err();
    assert_eq!((limit, r, c), (Limit::Columns, 0, MAX_COLUMNS));
    // <thead>/<tbody> are not cells.
    let g = html_grid(
        "<table><thead><tr><th>名称</th></tr></thead><tbody><tr><td>甲</td></tr></tbody></table>",
        "x".into(),
    )
    .unwrap();
    assert_eq!(g.rows[0], [Value::Text("名称".into())]);
    assert_eq!(g.rows[1], [Value::Text("甲".into())]);
    // A closing tag before the opening one does not upset the slicing.
    assert!(html_grid("</table><table><tr><td>a</td></tr>", "x".into()).is_ok());
}

#[test]
fn clamps_merges_to_the_grid() {
    let mut g = Grid {
        sheet_name: "s".into(),
        first_row: 0,
        rows: vec![vec![Value::Text("a".into()), Value::Text("b".into())]; 3],
        merges: vec![
            Merge {
                r1: 0,
                c1: 0,
                r2: 1_048_575,
                c2: 16_383,
            },
            Merge {
                r1: 5,
                c1: 0,
                r2: 9,
                c2: 0,
            },
        ],
        lossy: false,
    };
    clamp_merges(&mut g).unwrap();
    assert_eq!(
        g.merges,
        [Merge {
            r1: 0,
            c1: 0,
            r2: 2,
            c2: 1
        }]
    );
}

#[test]
fn zip_scan_refuses_long_runs_and_counts_merges() {
    let mut s = XmlScan::default();
    let chunk = vec![b' '; 600 * 1024];
    s.feed(b"<row>", true).unwrap();
    s.feed(&chunk, true).unwrap();
    assert_eq!(
        s.feed(&chunk, true).unwrap_err().0,
        Limit::XmlRun,
        "a run across chunks counts"
    );
    let mut s = XmlScan::default();
    s.feed(b"</sheetData><mergeCells count=\"1\"><merge", true)
        .unwrap();
    s.feed(b"Cell ref=\"B2:C4\"/></mergeCells>", true).unwrap();
    assert_eq!(
        s.merges,
        [Merge {
            r1: 1,
            c1: 1,
            r2: 3,
            c2: 2
        }]
    );
}

#[test]
fn reads_html_tables_with_spans() {
    let g = html_grid(
        "<html><table><tr><td colspan=2>标题</td></tr>\
         <tr><th>企业名称</th><th>区县</th></tr>\
         <tr><td>甲&amp;乙</td><td rowspan=\"2\">历下区</td></tr>\
         <tr><td>丙</td></tr></table></html>",
        "x".into(),
    )
    .unwrap();
    assert_eq!(g.rows.len(), 4);
    assert_eq!(g.rows[2][0], Value::Text("甲&乙".into()));
    assert_eq!(g.rows[3][0], Value::Text("丙".into()));
    assert_eq!(
        g.merges,
        [
            Merge {
                r1: 0,
                c1: 0,
                r2: 0,
                c2: 1
            },
            Merge {
                r1: 2,
                c1: 1,
                r2: 3,
                c2: 1
            }
        ]
    );
}
