//! Pagination checked on the layout's page model (`Renderer::paginate`), without writing or
//! parsing PDFs: headings keep the start of what follows, a table header never ends a page
//! alone, justification stays within its limit.

mod common;

use std::sync::OnceLock;

use fudao_core::doc::*;
use fudao_pdf::{bad_page_ends, Placed, Renderer};

fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| Renderer::new().expect("embedded fonts parse"))
}

fn meta() -> DocMeta {
    DocMeta::new(
        "分页测试",
        "T-1",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
}

fn filler(doc: &mut Document, lines: usize) {
    for i in 0..lines {
        doc.push(Block::paragraph(format!("第{i}行：补充说明。")));
    }
}

fn table(rows: usize, tall_first: bool) -> Block {
    let mut body: Vec<Vec<String>> = (0..rows)
        .map(|i| {
            vec![
                format!("条件{i}"),
                "≥ 10%".to_string(),
                "12.5%".to_string(),
                "符合".to_string(),
            ]
        })
        .collect();
    if tall_first {
        body[0][0] =
            "科技人员占职工总数的比例（含兼职、临时聘用人员全年累计工作183天以上者）".repeat(3);
    }
    Block::Table(Table {
        columns: vec![
            Column::new("条件", 3.0, Align::Left),
            Column::new("要求", 1.0, Align::Center),
            Column::new("企业数据", 1.0, Align::Right),
            Column::new("结果", 1.0, Align::Center),
        ],
        rows: body,
        note: None,
    })
}

/// Which page (0-based) holds the first heading with `text`.
fn page_of(pages: &[Vec<Placed>], text: &str) -> usize {
    pages
        .iter()
        .position(|p| {
            p.iter()
                .any(|x| matches!(x, Placed::Heading { text: t, .. } if t == text))
        })
        .expect("heading placed")
}

/// Slides a heading and what follows it over the page end, one filler line at a time: the
/// heading never ends a page, and at some filler it moves to the next page with its content.
fn check_kept(what: &str, follow: impl Fn() -> Vec<Block>) {
    let mut moved = false;
    for n in 30..60 {
        let mut doc = Document::new(meta());
        filler(&mut doc, n);
        doc.push(Block::heading(2, "（四）科技属性评价"));
        for b in follow() {
            doc.push(b);
        }
        let pages = renderer().paginate(&doc).unwrap();
        assert_eq!(
            bad_page_ends(&pages),
            vec![],
            "{what}, {n} filler lines: {pages:?}"
        );
        let at = page_of(&pages, "（四）科技属性评价");
        if at > 0 {
            moved = true;
            // What follows starts on the heading's page.
            let page = &pages[at];
            let i = page
                .iter()
                .position(|x| matches!(x, Placed::Heading { .. }))
                .unwrap();
            assert!(i + 1 < page.len(), "{what}: content after the heading");
        }
    }
    assert!(
        moved,
        "{what}: the filler pushed the heading over a page end"
    );
}

#[test]
fn a_heading_keeps_its_table_header_and_first_row() {
    check_kept("table", || vec![table(6, false)]);
    check_kept("table with a tall first row", || vec![table(3, true)]);
}

#[test]
fn a_heading_keeps_its_paragraph_chart_grid_and_subheading() {
    check_kept("paragraph", || {
        vec![Block::paragraph(
            "企业近三年研发投入持续增长，科技人员占比稳定，知识产权储备较好，具备申报高新技术企业的基础条件，建议按年度计划推进。".repeat(2),
        )]
    });
    check_kept("chart", || {
        vec![Block::Chart(Chart::Radar {
            title: "雷达图".into(),
            axes: ["人力资本", "知识产权", "研发强度"]
                .iter()
                .map(|l| RadarAxis {
                    label: l.to_string(),
                    value: 5.0,
                    max: 10.0,
                })
                .collect(),
        })]
    });
    check_kept("key-value grid", || {
        vec![Block::KeyValueGrid {
            pairs: (0..6)
                .map(|i| KeyValue::new(format!("项目{i}"), "内容"))
                .collect(),
            columns: 2,
        }]
    });
    check_kept("sub-heading and table", || {
        vec![Block::heading(3, "1. 科技型中小企业"), table(4, false)]
    });
}

/// A table on its own (no heading) never leaves its header alone at a page end, also when
/// its first row is several lines tall.
#[test]
fn a_table_header_never_ends_a_page_alone() {
    for tall in [false, true] {
        for n in 30..60 {
            let mut doc = Document::new(meta());
            filler(&mut doc, n);
            doc.push(table(5, tall));
            let pages = renderer().paginate(&doc).unwrap();
            assert_eq!(bad_page_ends(&pages), vec![], "{n} lines, tall {tall}");
            for p in &pages {
                if let Some(i) = p.iter().position(|x| *x == Placed::TableHeader) {
                    assert_eq!(p.get(i + 1), Some(&Placed::Row), "a row under the header");
                }
            }
        }
    }
}

/// A line whose slack would need wide gaps (a long code pushed to the next line) stays
/// ragged; justified lines stay within the limit; last lines are never justified.
#[test]
fn justification_never_stretches_a_line_past_the_limit() {
    let mut doc = Document::new(meta());
    doc.push(Block::paragraph(
        "企业统一社会信用代码为91370100MA3C5G7X1K91370100MA3C5G7X1K，注册地址济南市高新区。"
            .repeat(4),
    ));
    doc.push(Block::paragraph(
        "企业近三年研发投入持续增长，科技人员占比稳定，知识产权储备较好。".repeat(5),
    ));
    let pages = renderer().paginate(&doc).unwrap();
    let tcs: Vec<f32> = pages[0]
        .iter()
        .filter_map(|p| match p {
            Placed::Line { tc } => Some(*tc),
            _ => None,
        })
        .collect();
    assert!(tcs.len() > 4, "{tcs:?}");
    let limit = 10.5 * 0.12 + 1e-4;
    assert!(tcs.iter().all(|t| *t <= limit), "within the limit: {tcs:?}");
    assert!(
        tcs.iter().any(|t| *t > 0.0),
        "ordinary lines are justified: {tcs:?}"
    );
    assert_eq!(*tcs.last().unwrap(), 0.0, "the last line is ragged");
}

/// The shared realistic plan paginates cleanly at every length of its needs register.
#[test]
fn the_sample_plan_paginates_cleanly_at_every_length() {
    for needs in 0..40 {
        let pages = renderer().paginate(&common::plan(needs)).unwrap();
        assert_eq!(bad_page_ends(&pages), vec![], "{needs} needs");
    }
}

/// A one-line paragraph that introduces a table ("科技型中小企业评价：不符合" before its
/// checklist) never ends a page apart from the table: sliding the pair over the page end, the
/// page that holds the lead-in line also holds the table's header and first row.
#[test]
fn a_one_line_lead_in_keeps_its_table_header_and_first_row() {
    let mut moved = false;
    for n in 30..60 {
        let mut doc = Document::new(meta());
        filler(&mut doc, n);
        doc.push(Block::heading(2, "（四）科技属性评价"));
        doc.push(Block::paragraph("科技型中小企业评价：不符合"));
        doc.push(table(6, false));
        let pages = renderer().paginate(&doc).unwrap();
        let at = page_of(&pages, "（四）科技属性评价");
        let page = &pages[at];
        let h = page
            .iter()
            .position(|x| matches!(x, Placed::Heading { .. }))
            .unwrap();
        assert_eq!(
            &page[h + 1..(h + 4).min(page.len())],
            &[Placed::Line { tc: 0.0 }, Placed::TableHeader, Placed::Row],
            "{n} filler lines: the heading, its lead-in line and the table start share a page"
        );
        moved |= at > 0;
    }
    assert!(moved, "the filler pushed the pair over a page end");
}
