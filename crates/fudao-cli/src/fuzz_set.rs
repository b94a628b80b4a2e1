//! Fuzzing the `firm set` / `need set` value parser ([`apply_assignments`]): arbitrary
//! `FIELD=VALUE` assignments (real field paths, mutated paths, hostile values) must give a
//! valid entity or an error naming the field, never a panic. Cases:
//! `FUDAO_FUZZ_CASES` (default 64 × 4; `make fuzz` runs many more in release mode).

use crate::assign::apply_assignments;
use fudao_core::model::{Entity, Firm, Need, YearFinancials};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use uuid::Uuid;

fn cases() -> u32 {
    std::env::var("FUDAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn firm() -> Firm {
    let code = fudao_core::uscc::compose("91", "370102", "MA3C0001").unwrap();
    let mut f = Firm::new(Uuid::now_v7(), &code, "济南量子科技有限公司");
    f.financials.push(YearFinancials {
        year: 2024,
        revenue: Some(12_000_000),
        ..Default::default()
    });
    f.tags.push("高新区".into());
    f
}

const PATHS: &[&str] = &[
    "name",
    "uscc",
    "district",
    "industry",
    "founded",
    "staff",
    "tech_staff",
    "registered_capital",
    "tags",
    "notes",
    "financials",
    "financials.2024",
    "financials.2024.revenue",
    "financials.2023.rd_expense",
    "financials.x.revenue",
    "financials.99999999999999999999.revenue",
    "financials.-1.revenue",
    "qualifications",
    "contacts",
    "facts",
    "facts.x",
    "name.x",
    "staff.y.z",
    "",
    ".",
    "..",
    "id",
    "team_id",
    "amount",
    "status",
    "term_months",
];

const VALUES: &[&str] = &[
    "",
    "null",
    "0",
    "-1",
    "1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "500万",
    "5百万",
    "约500人",
    "1.5亿元",
    "-0.0001万",
    "99999999999999999999亿",
    "￥１，０００",
    "true",
    "[]",
    "{}",
    "[1,2,3]",
    "{\"year\":2024}",
    "[{\"year\":2024,\"revenue\":-5}]",
    "\"\\ud800\"",
    "2024-02-30",
    "2024-02-29",
    "=1+1",
    "\u{0}",
    "=",
    "==",
    "济南",
];

fn assignment() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            proptest::sample::select(PATHS),
            proptest::sample::select(VALUES)
        )
            .prop_map(|(p, v)| format!("{p}={v}")),
        (proptest::sample::select(PATHS), "\\PC{0,24}").prop_map(|(p, v)| format!("{p}={v}")),
        "\\PC{0,40}",
    ]
}

fn check<E: Entity>(e: &E, assignments: &[String]) -> Result<(), TestCaseError> {
    // A panic fails the case; an error is fine; a result must be the entity still.
    if let Ok(updated) = apply_assignments(e, assignments) {
        prop_assert_eq!(updated.id(), e.id(), "the id is kept unless assigned");
    }
    Ok(())
}

#[test]
fn firm_and_need_set_never_panic() {
    let mut runner = TestRunner::new(Config {
        cases: cases() * 4,
        failure_persistence: None,
        ..Config::default()
    });
    let f = firm();
    let need: Need = fudao_core::patch::NeedPatch {
        amount: 5_000_000,
        ..Default::default()
    }
    .new_need(
        Uuid::now_v7(),
        &f,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
    );
    runner
        .run(
            &(any::<bool>(), proptest::collection::vec(assignment(), 1..4)),
            |(on_firm, a)| {
                // Assigning the id itself is allowed; the check below is about the others.
                if a.iter()
                    .any(|s| s.split_once('=').is_some_and(|(k, _)| k.trim() == "id"))
                {
                    return Ok(());
                }
                if on_firm {
                    check(&f, &a)
                } else {
                    check(&need, &a)
                }
            },
        )
        .unwrap();
}
