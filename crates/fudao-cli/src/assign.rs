//! Command-line values for records: an enum key checked against its choices, and
//! `FIELD=VALUE` assignments (`firm set`, `need set`) applied to any entity through its JSON
//! form, each value read by the type of the value it replaces.

use anyhow::{anyhow, bail, Context};
use fudao_core::model::Entity;
use fudao_core::money::{parse_amount, DefaultUnit};
use serde_json::{Map, Value};

pub fn parse_enum<T>(
    label: &str,
    s: &str,
    parse: fn(&str) -> Option<T>,
    keys: &[&str],
) -> anyhow::Result<T> {
    parse(s).ok_or_else(|| {
        anyhow!(
            "{label}“{s}”无效，可选 (invalid {label}; one of): {}",
            keys.join(", ")
        )
    })
}

pub fn keys<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| key(*v)).collect()
}

// ---------------------------------------------------------------------------------------------
// FIELD=VALUE assignments, generic over entities.

/// Parses the text of an assignment given the value currently at that place.
fn parse_value(raw: &str, current: Option<&Value>) -> Value {
    let t = raw.trim();
    if t.is_empty() || t == "null" {
        return Value::Null;
    }
    match current {
        Some(Value::String(_)) => Value::String(t.to_string()),
        Some(Value::Number(_)) => parse_amount(t, DefaultUnit::Yuan)
            .map(Value::from)
            .unwrap_or_else(|| serde_json::from_str(t).unwrap_or(Value::String(t.to_string()))),
        _ => serde_json::from_str(t).unwrap_or_else(|_| {
            if t.ends_with('万') || t.ends_with("万元") || t.ends_with('亿') || t.ends_with('元')
            {
                parse_amount(t, DefaultUnit::Yuan)
                    .map(Value::from)
                    .unwrap_or(Value::String(t.to_string()))
            } else {
                Value::String(t.to_string())
            }
        }),
    }
}

/// Sets `path` (dot-separated; an array of `{year: …}` objects is indexed by year) in `root`.
fn set_path(
    root: &mut Map<String, Value>,
    path: &str,
    raw: &str,
    as_text: bool,
) -> anyhow::Result<()> {
    let parts: Vec<&str> = path.split('.').collect();
    if !root.contains_key(parts[0]) {
        let mut known: Vec<&String> = root.keys().collect();
        known.sort();
        bail!(
            "未知字段“{}” (unknown field); 可用字段 (known fields): {}",
            parts[0],
            known
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut node: &mut Value = root
        .get_mut(parts[0])
        .ok_or_else(|| anyhow!("unknown field {}", parts[0]))?;
    for part in &parts[1..] {
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
        node = match node {
            Value::Object(m) => m.entry(part.to_string()).or_insert(Value::Null),
            Value::Array(items) => {
                let year: i64 = part
                    .parse()
                    .with_context(|| format!("“{part}”不是年份 (not a year) in {path}"))?;
                let pos = items
                    .iter()
                    .position(|it| it.get("year").and_then(Value::as_i64) == Some(year));
                let i = match pos {
                    Some(i) => i,
                    None => {
                        items.push(serde_json::json!({ "year": year }));
                        items.len() - 1
                    }
                };
                &mut items[i]
            }
            _ => bail!("字段 {path} 不能再细分 (cannot index into {path})"),
        };
    }
    let v = if as_text && !matches!(raw.trim(), "" | "null") {
        Value::String(raw.trim().to_string())
    } else {
        parse_value(raw, Some(&*node).filter(|v| !v.is_null()))
    };
    *node = v;
    Ok(())
}

/// Applies FIELD=VALUE assignments to an entity; errors name the field and reason.
pub fn apply_assignments<E: Entity>(e: &E, assignments: &[String]) -> anyhow::Result<E> {
    let Value::Object(original) = serde_json::to_value(e)? else {
        bail!("internal: entity is not an object")
    };
    // Values are read as JSON (numbers, booleans, lists). If the entity then fails to
    // deserialise, one value at a time is read as plain text instead (e.g. `district=370102`
    // into an empty text field).
    let attempt = |as_text: Option<usize>| -> anyhow::Result<(Map<String, Value>, Result<E, serde_json::Error>)> {
        let mut map = original.clone();
        for (i, a) in assignments.iter().enumerate() {
            let (k, v) = a.split_once('=').ok_or_else(|| anyhow!("“{a}”应为 字段=值 的形式 (expected FIELD=VALUE)"))?;
            set_path(&mut map, k.trim(), v, as_text == Some(i)).with_context(|| format!("字段 {} (field)", k.trim()))?;
        }
        let parsed = serde_json::from_value(Value::Object(map.clone()));
        Ok((map, parsed))
    };
    let (mut map, mut parsed) = attempt(None)?;
    for i in 0..assignments.len() {
        if parsed.is_ok() {
            break;
        }
        let (m2, p2) = attempt(Some(i))?;
        if p2.is_ok() {
            (map, parsed) = (m2, p2);
        }
    }
    let updated: E =
        parsed.map_err(|err| anyhow!("字段值类型不正确 (a value has the wrong type): {err}"))?;
    // serde ignores unknown nested keys: make sure every assignment took effect.
    let Value::Object(after) = serde_json::to_value(&updated)? else {
        bail!("internal")
    };
    for a in assignments {
        let k = a.split_once('=').map(|(k, _)| k.trim()).unwrap_or_default();
        let lookup = |m: &Map<String, Value>| -> Option<Value> {
            let mut cur = Value::Object(m.clone());
            for p in k.split('.') {
                cur = match cur {
                    Value::Object(mut o) => o.remove(p)?,
                    Value::Array(items) => items.into_iter().find(|it| {
                        it.get("year")
                            .and_then(Value::as_i64)
                            .map(|y| y.to_string())
                            .as_deref()
                            == Some(p)
                    })?,
                    _ => return None,
                };
            }
            Some(cur)
        };
        let wanted = lookup(&map).unwrap_or(Value::Null);
        let got = lookup(&after).unwrap_or(Value::Null);
        if wanted != got {
            bail!("字段 {k} 无法设置（未知的子字段或无效值） (field {k} cannot be set: unknown sub-field or invalid value)");
        }
    }
    Ok(updated)
}
