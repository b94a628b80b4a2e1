//! Issue 10, over the whole demo batch (200 firms × 2 fixed seeds): every checklist row of
//! every composed plan carries a clause, prints its requirement, the firm's figure and a
//! result once; no roadmap proposes a route the firm cannot take or says "尽快".

use chrono::NaiveDate;
use fudao_core::model::{Firm, Need, Visit};
use fudao_core::plan::{compose_plan, to_document, Plan, PlanInput};
use fudao_core::product::builtin_catalog;
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use std::collections::HashMap;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn plans(seed: u64) -> Vec<(Firm, Plan)> {
    let mut s = Store::open_in_memory().unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 200,
            seed,
            today: today(),
        },
    )
    .unwrap();
    let firms: Vec<Firm> = s.list().unwrap();
    assert_eq!(firms.len(), 200);
    let mut needs: HashMap<Uuid, Vec<Need>> = HashMap::new();
    for n in s.list::<Need>().unwrap() {
        needs.entry(n.firm_id).or_default().push(n);
    }
    let mut visits: HashMap<Uuid, Vec<Visit>> = HashMap::new();
    for v in s.list::<Visit>().unwrap() {
        visits.entry(v.firm_id).or_default().push(v);
    }
    let cat = builtin_catalog();
    firms
        .into_iter()
        .map(|f| {
            let p = compose_plan(&PlanInput {
                firm: &f,
                needs: needs.get(&f.id).map(Vec::as_slice).unwrap_or(&[]),
                visits: visits.get(&f.id).map(Vec::as_slice).unwrap_or(&[]),
                team_name: "辅导队",
                coach_name: "辅导员",
                catalog: &cat,
                today: today(),
                previous: None,
            });
            (f, p)
        })
        .collect()
}

#[test]
fn every_checklist_row_of_every_demo_plan_carries_a_clause() {
    for seed in [1, 2] {
        let mut rows = 0;
        for (f, p) in plans(seed) {
            let dg = &p.content.diagnosis;
            for s in [&dg.tech_sme, &dg.high_tech, &dg.srdi] {
                assert!(!s.lines.is_empty(), "{}: {} has no rows", f.name, s.name);
                for l in &s.lines {
                    rows += 1;
                    let ctx = format!("seed {seed}, {}: {} / {}", f.name, s.name, l.label);
                    assert!(
                        l.cite.contains('〔') && l.cite.contains('号'),
                        "{ctx}: clause {:?}",
                        l.cite
                    );
                    assert!(!l.required.is_empty(), "{ctx}: no requirement");
                    assert!(!l.figure.is_empty(), "{ctx}: no figure");
                    assert!(
                        ["符合", "不符合", "无法判断"].contains(&l.result.as_str())
                            || l.result.contains('/'),
                        "{ctx}: result {:?}",
                        l.result
                    );
                    assert!(!l.figure.contains("需 "), "{ctx}: {:?}", l.figure);
                }
            }
            // The rendered checklist: five columns, the clause column never empty.
            let doc = to_document(&p);
            let mut n_tables = 0;
            for b in &doc.blocks {
                if let fudao_core::doc::Block::Table(t) = b {
                    if t.columns.last().is_some_and(|c| c.header == "依据") {
                        n_tables += 1;
                        for r in &t.rows {
                            assert!(!r[4].is_empty(), "seed {seed}, {}: {r:?}", f.name);
                        }
                    }
                }
            }
            assert_eq!(n_tables, 3, "seed {seed}, {}", f.name);
            // The roadmap gives dates, never "尽快", and never sends an oversized firm to 科小.
            for m in &p.content.measures {
                assert!(
                    !m.text.contains("尽快"),
                    "seed {seed}, {}: {}",
                    f.name,
                    m.text
                );
                if m.title == "资质培育路线" {
                    for step in m.text.lines().filter(|l| l.starts_with("科技型中小企业")) {
                        if step.contains("规模上限") {
                            assert!(!step.contains("新招聘") && !step.contains("可得"), "{step}");
                        }
                    }
                }
            }
        }
        assert!(rows > 200 * 20, "seed {seed}: only {rows} rows");
    }
}
