//! The batch check of the "Done when": over plans composed from `fudao demo` data
//! (200 firms × 2 fixed seeds), no page ends with a heading or a lone table header. Checked
//! on the layout's page model, so no PDF is written or parsed.

use std::collections::HashMap;

use chrono::NaiveDate;
use fudao_core::model::{Firm, Need, Team, User, Visit};
use fudao_core::plan::{compose_plan, to_document, PlanInput};
use fudao_core::product::builtin_catalog;
use fudao_pdf::{bad_page_ends, Renderer, COMMON_CHARS};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use uuid::Uuid;

const SEEDS: [u64; 2] = [42, 7];
const FIRMS: usize = 200;

#[test]
fn no_demo_plan_page_ends_with_a_heading_or_a_lone_table_header() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let renderer = Renderer::new().unwrap();
    let catalog = builtin_catalog();
    let mut bad = Vec::new();
    let (mut plans, mut pages_total) = (0, 0);
    // In how many plans each character is shown.
    let mut shown: HashMap<char, usize> = HashMap::new();
    for seed in SEEDS {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: FIRMS,
                seed,
                today,
            },
        )
        .unwrap();
        let mut needs: HashMap<Uuid, Vec<Need>> = HashMap::new();
        for n in s.list::<Need>().unwrap() {
            needs.entry(n.firm_id).or_default().push(n);
        }
        let mut visits: HashMap<Uuid, Vec<Visit>> = HashMap::new();
        for v in s.list::<Visit>().unwrap() {
            visits.entry(v.firm_id).or_default().push(v);
        }
        let teams: HashMap<Uuid, Team> = s
            .list::<Team>()
            .unwrap()
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let users: HashMap<Uuid, User> = s
            .list::<User>()
            .unwrap()
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let firms: Vec<Firm> = s.list().unwrap();
        assert_eq!(firms.len(), FIRMS);
        for firm in &firms {
            let team = firm
                .team_id
                .and_then(|t| teams.get(&t))
                .map_or(String::new(), |t| t.name.clone());
            let coach = firm
                .coach_id
                .and_then(|u| users.get(&u))
                .map_or(String::new(), |u| u.name.clone());
            let plan = compose_plan(&PlanInput {
                firm,
                needs: needs.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
                visits: visits.get(&firm.id).map(Vec::as_slice).unwrap_or(&[]),
                team_name: &team,
                coach_name: &coach,
                catalog: &catalog,
                today,
                previous: None,
            });
            let doc = to_document(&plan);
            let (pages, chars) = renderer.paginate_with_chars(&doc).unwrap();
            for c in chars {
                *shown.entry(c).or_default() += 1;
            }
            // For looking at pages: FUDAO_PLAN_PDF_DIR=dir writes the plans of seed 42 whose
            // firm has the longest name, three open needs, or an at-risk 高企 certificate.
            if let Ok(dir) = std::env::var("FUDAO_PLAN_PDF_DIR") {
                let open = needs
                    .get(&firm.id)
                    .map_or(0, |v| v.iter().filter(|n| !n.status.is_closed()).count());
                let at_risk = firm
                    .tags
                    .iter()
                    .any(|t| t == fudao_store::demo::AT_RISK_TAG);
                if seed == 42 && (firm.name.chars().count() >= 20 || open >= 2 || at_risk) {
                    let bytes = renderer.render(&doc).unwrap();
                    std::fs::write(
                        std::path::Path::new(&dir).join(format!("{}.pdf", firm.name)),
                        bytes,
                    )
                    .unwrap();
                }
            }
            plans += 1;
            pages_total += pages.len();
            for (page, what) in bad_page_ends(&pages) {
                bad.push(format!(
                    "seed {seed} {}: page {page} ends with {what}",
                    firm.name
                ));
            }
        }
    }
    assert_eq!(plans, FIRMS * SEEDS.len());
    assert!(
        pages_total > plans * 3,
        "plans of several pages: {pages_total}"
    );
    assert!(
        bad.is_empty(),
        "{} bad page ends:\n{}",
        bad.len(),
        bad.join("\n")
    );
    check_common_chars(&shown, plans);
}

/// `fudao_pdf::COMMON_CHARS` (the glyphs every font subset starts with, deflated once per
/// process) are the characters at least 90 % of these plans show. Each may drift a little as
/// the plan text changes, but a listed character shown by fewer than 80 % of the plans, or an
/// unlisted one shown by more than 97 %, means the list should be derived again:
/// `FUDAO_COMMON_CHARS=print cargo test -p fudao-pdf --test demo_plans -- --nocapture`
/// prints it.
fn check_common_chars(shown: &HashMap<char, usize>, plans: usize) {
    let share = |c: char| shown.get(&c).copied().unwrap_or(0) as f64 / plans as f64;
    let mut derived: Vec<char> = shown.keys().copied().filter(|c| share(*c) >= 0.9).collect();
    derived.sort_unstable();
    if std::env::var("FUDAO_COMMON_CHARS").as_deref() == Ok("print") {
        println!(
            "{} characters shown by ≥ 90 % of {plans} plans:",
            derived.len()
        );
        for line in derived.chunks(40) {
            let line: String = line.iter().collect();
            println!("    {:?},", line);
        }
    }
    let rare: Vec<String> = COMMON_CHARS
        .chars()
        .filter(|c| share(*c) < 0.8)
        .map(|c| format!("{c:?} {:.0} %", 100.0 * share(c)))
        .collect();
    let missing: Vec<String> = derived
        .iter()
        .filter(|c| share(**c) > 0.97 && !COMMON_CHARS.contains(**c))
        .map(|c| format!("{c:?} {:.0} %", 100.0 * share(*c)))
        .collect();
    assert!(
        rare.is_empty() && missing.is_empty(),
        "COMMON_CHARS no longer fits the plans (derive it again, see check_common_chars): \
         listed but rare: {rare:?}; common but not listed: {missing:?}"
    );
}
