//! Tests of the demo generator.

use super::*;
use chrono::Datelike;
use fudao_core::model::*;
use uuid::Uuid;

fn rows(s: &Store) -> Vec<(EntityKind, Uuid, serde_json::Value)> {
    EntityKind::ALL
        .iter()
        .flat_map(|&k| {
            s.raw_rows(k)
                .unwrap()
                .into_iter()
                .map(move |(id, _, _, data)| (k, id, data))
        })
        .collect()
}

/// Committing firms in chunks changes nothing in what is generated.
#[test]
fn chunked_generation_writes_the_same_data() {
    let opts = DemoOptions {
        firms: 25,
        seed: 5,
        today: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    let mut whole = Store::open_in_memory().unwrap();
    let mut chunked = Store::open_in_memory().unwrap();
    let a = generate_in_chunks(&mut whole, &opts, 1_000).unwrap();
    let b = generate_in_chunks(&mut chunked, &opts, 7).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.firms, 25);
    let (ra, rb) = (rows(&whole), rows(&chunked));
    assert!(ra.len() > 25, "firms and their children: {}", ra.len());
    assert_eq!(ra, rb);
}

/// Demo data passes the consistency checks of the firm and its history (needs, visits,
/// feedback), except the deliberate at-risk 高企 holders (tagged), whose only warning is the
/// certificate-holder one; it stays out of the outbox and marks the database as demo. Over
/// several seeds, sizes and "today"s (early and late in the year: the founding year is
/// partial, the youngest firms are weeks old).
#[test]
fn demo_data_is_coherent_local_and_marked() {
    use fudao_core::consistency::{check_firm_and_history, code};
    let mut at_risk = 0;
    let mut cases: Vec<(u64, usize, NaiveDate)> = vec![];
    for seed in [42, 1, 7, 2026, 2024] {
        for today in [
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        ] {
            cases.push((seed, 200, today));
        }
    }
    cases.push((42, 2000, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()));
    cases.push((7, 2000, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()));
    for (seed, n, today) in cases {
        let mut s = Store::open_in_memory().unwrap();
        assert!(!s.is_demo().unwrap());
        let opts = DemoOptions {
            firms: n,
            seed,
            today,
        };
        generate(&mut s, &opts).unwrap();
        assert!(s.is_demo().unwrap());
        assert!(matches!(
            s.refuse_if_demo(),
            Err(crate::StoreError::DemoDatabase)
        ));
        assert_eq!(s.outbox_len().unwrap(), 0, "seed {seed}: nothing queued");
        let firms: Vec<Firm> = s.list().unwrap();
        assert_eq!(firms.len(), n);
        let mut needs: std::collections::HashMap<Uuid, Vec<Need>> = Default::default();
        for x in s.list::<Need>().unwrap() {
            needs.entry(x.firm_id).or_default().push(x);
        }
        let mut visits: std::collections::HashMap<Uuid, Vec<Visit>> = Default::default();
        for x in s.list::<Visit>().unwrap() {
            visits.entry(x.firm_id).or_default().push(x);
        }
        let mut feedback: std::collections::HashMap<Uuid, Vec<Feedback>> = Default::default();
        for x in s.list::<Feedback>().unwrap() {
            feedback.entry(x.firm_id).or_default().push(x);
        }
        let mut holders = 0;
        let mut seed_at_risk = 0;
        let case = format!("seed {seed}, {n} firms, today {today}");
        for f in &firms {
            let warnings = check_firm_and_history(
                f,
                needs.get(&f.id).map(Vec::as_slice).unwrap_or(&[]),
                visits.get(&f.id).map(Vec::as_slice).unwrap_or(&[]),
                feedback.get(&f.id).map(Vec::as_slice).unwrap_or(&[]),
                today,
            );
            let codes: Vec<&str> = warnings.iter().map(|w| w.code.as_str()).collect();
            if f.holds(QualificationKind::HighTech, today) {
                holders += 1;
            }
            if f.tags.iter().any(|t| t == AT_RISK_TAG) {
                seed_at_risk += 1;
                assert_eq!(
                    codes,
                    vec![code::HIGH_TECH_AT_RISK],
                    "{case} {}: at-risk holder",
                    f.name
                );
            } else {
                assert!(warnings.is_empty(), "{case} {}: {warnings:?}", f.name);
            }
            // Credible shapes the issue lists.
            let founded = f.founded.unwrap();
            assert!(f.financials.iter().all(|y| y.year >= founded.year()));
            assert!(f
                .qualifications
                .iter()
                .all(|q| q.obtained.is_none_or(|d| (founded..=today).contains(&d))));
        }
        assert!(holders * 10 >= n, "{case}: {holders} 高企 holders");
        assert!(
            seed_at_risk >= 1 && seed_at_risk * 4 <= holders,
            "{case}: a few at-risk holders ({seed_at_risk} of {holders})"
        );
        at_risk += seed_at_risk;
    }
    assert!(at_risk >= 4, "{at_risk}");
}

/// Local edits of a demo database are still audited; demo writes never reach the outbox
/// while user edits do (login and sync refuse the database anyway).
#[test]
fn demo_writes_skip_the_outbox_and_local_edits_do_not() {
    let mut s = Store::open_in_memory().unwrap();
    let opts = DemoOptions {
        firms: 3,
        seed: 9,
        today: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    generate(&mut s, &opts).unwrap();
    assert_eq!(s.outbox_len().unwrap(), 0);
    let mut f: Firm = s.list::<Firm>().unwrap().remove(0);
    f.notes = "重点走访".into();
    s.put(&f).unwrap();
    assert_eq!(s.outbox_len().unwrap(), 1);
    assert!(!s.audit_of(EntityKind::Firm, f.id).unwrap().is_empty());
}
