use crate::dto::{self, merge_into, to_dto};
use fudao_core::model::{self as core, Entity};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use std::path::PathBuf;

fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// The committed TypeScript bindings must match what the Rust commands export.
/// `FUDAO_UPDATE_BINDINGS=1 cargo test -p fudao-app --lib bindings` rewrites them.
#[test]
fn bindings_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    crate::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    if std::env::var_os("FUDAO_UPDATE_BINDINGS").is_some() {
        std::fs::write(bindings_path(), &fresh).unwrap();
    }
    assert!(fresh.contains("saveFirm"), "bindings lack saveFirm");
    assert!(
        fresh.contains("export type AppError"),
        "bindings lack AppError"
    );
    let committed = std::fs::read_to_string(bindings_path()).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is out of date: run `FUDAO_UPDATE_BINDINGS=1 cargo test -p fudao-app --lib bindings`"
    );
}

fn demo_store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 60,
            seed: 7,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        },
    )
    .unwrap();
    s
}

/// Every demo row survives library → mirror → library unchanged, so editing in the app
/// never drops data the mirror does not show.
#[test]
fn demo_rows_round_trip() {
    let s = demo_store();
    let firms = s.list::<core::Firm>().unwrap();
    assert!(firms.len() >= 60);
    for f in &firms {
        let d: dto::Firm = to_dto(f).unwrap();
        let back: core::Firm = merge_into(f, &d).unwrap();
        assert_eq!(&back, f);
        // A brand-new row built from the mirror alone equals the original too.
        let fresh: core::Firm = merge_into(&core::Firm::new(f.id, "", ""), &d).unwrap();
        assert_eq!(&fresh, f);
    }
    let needs = s.list::<core::Need>().unwrap();
    assert!(!needs.is_empty());
    for n in &needs {
        let d: dto::Need = to_dto(n).unwrap();
        assert_eq!(&to_dto::<_, core::Need>(&d).unwrap(), n);
    }
    let visits = s.list::<core::Visit>().unwrap();
    assert!(!visits.is_empty());
    for v in &visits {
        let d: dto::Visit = to_dto(v).unwrap();
        assert_eq!(&to_dto::<_, core::Visit>(&d).unwrap(), v);
    }
}

#[test]
fn merge_keeps_unknown_keys_and_applies_nulls() {
    let mut f = core::Firm::new(
        uuid::Uuid::nil(),
        "91350100M000100Y43",
        "济南量子科技有限公司",
    );
    f.facts.srdi_score = Some(80);
    f.staff = Some(12);
    let mut d: dto::Firm = to_dto(&f).unwrap();
    d.staff = None;
    d.facts = serde_json::json!({});
    let back: core::Firm = merge_into(&f, &d).unwrap();
    assert_eq!(back.staff, None, "a cleared field is cleared");
    assert_eq!(
        back.facts.srdi_score,
        Some(80),
        "facts the UI did not send are kept"
    );
}

#[test]
fn validation_errors_map_to_field_details() {
    let mut f = core::Firm::new(uuid::Uuid::nil(), "91350100M000100Y44", "");
    f.staff = Some(1);
    f.tech_staff = Some(2);
    let err: crate::error::AppError =
        fudao_store::StoreError::Validation(f.validate().unwrap_err()).into();
    assert_eq!(err.code, "validation");
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["name", "uscc", "tech_staff"]);
    assert!(err.details[2].message.zh.contains("科技人员数"));
}

#[test]
fn vocabulary_has_bilingual_labels() {
    let v = crate::commands::vocabulary();
    let disbursed = v.need_status.iter().find(|o| o.key == "disbursed").unwrap();
    assert_eq!(
        (disbursed.zh.as_str(), disbursed.en.as_str()),
        ("已放款", "Disbursed")
    );
    assert!(v
        .district
        .iter()
        .any(|o| o.key == "370102" && o.zh == "历下区"));
}
