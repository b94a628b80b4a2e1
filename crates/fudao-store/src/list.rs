//! The firm list of the desktop app: every firm matching a text query and filters, in pinyin
//! order, fetched a page at a time so that 100,000 firms never travel at once.
//!
//! [`Store::firm_ids`] returns the ordered ids of the matching firms (cheap: 16 bytes a firm);
//! [`Store::firm_rows`] loads the display rows of one page of them. The text query matches like
//! [`Store::search_firms`]: Chinese name substring, pinyin initials, or USCC prefix.

use crate::search::{self, rank_top, Candidate, TextQuery};
use crate::{Result, Store};
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the firm list shows: every field is optional; all given ones must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FirmFilter {
    /// Chinese name fragment, pinyin initials or USCC prefix.
    #[serde(default)]
    pub query: String,
    /// GB/T 2260 district code.
    pub district: Option<String>,
    /// GB/T 4754 section letter (matches codes starting with it).
    pub industry: Option<String>,
    /// A qualification kind key the firm holds, e.g. `tech_sme`.
    pub qualification: Option<String>,
    /// On (true) or off (false) the first-loan cultivation list.
    pub first_loan_list: Option<bool>,
    /// The firm has a financing need in this status, e.g. `raised`.
    pub need_status: Option<String>,
    /// The firm carries this tag.
    pub tag: Option<String>,
    /// The firm is assigned to this coach.
    pub coach_id: Option<Uuid>,
}

/// One row of the firm list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmRow {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub first_loan_list: bool,
    /// Keys of the qualifications held.
    pub qualifications: Vec<String>,
    pub tags: Vec<String>,
}

/// One page of the firm list's ids, and how many firms match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmIdPage {
    pub total: usize,
    /// The ids of the page, in list order.
    pub ids: Vec<Uuid>,
}

impl Store {
    /// The ids of the firms matching `f`: with a text query, every match ranked as
    /// [`Store::search_firms`] ranks them (the same implementation); without, in pinyin order
    /// (initials, then name).
    pub fn firm_ids(&self, f: &FirmFilter) -> Result<Vec<Uuid>> {
        Ok(self.firm_id_page(f, 0, usize::MAX)?.ids)
    }

    /// The ids of the firms matching `f` from the `offset`-th, at most `limit` of them, in the
    /// order of [`Store::firm_ids`], and how many match in all. Only what the page needs is
    /// ranked: a one- or two-character query without other filters is served by the search
    /// index alone, however many firms it matches.
    pub fn firm_id_page(&self, f: &FirmFilter, offset: usize, limit: usize) -> Result<FirmIdPage> {
        let n = offset.saturating_add(limit);
        let text = TextQuery::parse(&f.query);
        let only_text = *f
            == FirmFilter {
                query: f.query.clone(),
                ..Default::default()
            };
        let page = |total: usize, ids: Vec<Uuid>| FirmIdPage {
            total,
            ids: ids.into_iter().skip(offset).collect(),
        };
        if let (Some(q), true) = (text.as_ref().and_then(TextQuery::index_only), only_text) {
            let (total, top) = search::top_names(self.connection(), q, n)?;
            let ids = top
                .into_iter()
                .map(|c| Uuid::parse_str(&c.id).unwrap_or_default())
                .collect();
            return Ok(page(total, ids));
        }
        let (sql, mut args) = firm_filter_sql(f, text.as_ref());
        if let Some(TextQuery::Name(q)) = &text {
            // Every match, ranked by the search's one ranking; only the text: the candidates
            // are verified from the search's covering index, never the firms' documents.
            let select = if only_text {
                sql.replacen("FROM firm f WHERE f.deleted = 0", search::LIST_SELECT, 1)
            } else {
                format!("SELECT f.id, f.name, f.initials {sql}")
            };
            let mut stmt = self.connection().prepare(&select)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    initials: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    extra: (),
                })
            })?;
            let cands = rows.collect::<Result<Vec<_>, _>>()?;
            let total = cands.len();
            let ids = rank_top(q, cands, n)
                .into_iter()
                .map(|c| Uuid::parse_str(&c.id).unwrap_or_default())
                .collect();
            return Ok(page(total, ids));
        }
        let total: i64 = self.connection().query_row(
            &format!("SELECT count(*) {sql}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let order = text
            .as_ref()
            .and_then(TextQuery::sql_order)
            .unwrap_or("f.initials, f.name, f.key");
        args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(-1)));
        args.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let mut stmt = self.connection().prepare(&format!(
            "SELECT f.id {sql} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
            args.len() - 1,
            args.len()
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(0))?;
        let mut ids = vec![];
        for id in rows {
            ids.push(Uuid::parse_str(&id?).unwrap_or_default());
        }
        Ok(FirmIdPage {
            total: total as usize,
            ids,
        })
    }

    /// Every live firm's name by id (for labelling visits, tasks and needs with their firm).
    pub fn firm_names(&self) -> Result<std::collections::HashMap<Uuid, String>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT id, name FROM firm WHERE deleted = 0")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, name) = row?;
            if let Ok(id) = Uuid::parse_str(&id) {
                out.insert(id, name.unwrap_or_default());
            }
        }
        Ok(out)
    }

    /// The list rows of the given firms, in the order given (unknown ids are skipped).
    pub fn firm_rows(&self, ids: &[Uuid]) -> Result<Vec<FirmRow>> {
        // From the covering index `firm_list` (migration 12): no firm document is read.
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT f.uscc, f.name, f.district, f.industry, f.coach_id, f.first_loan_list, \
             f.quals, f.tags, u.name FROM firm f INDEXED BY firm_list \
             LEFT JOIN user u ON u.id = f.coach_id WHERE f.id = ?1 AND f.deleted = 0",
        )?;
        let corrupt = |id: &Uuid, e: &dyn std::fmt::Display| crate::StoreError::Corrupt {
            kind: "firm",
            id: id.to_string(),
            detail: e.to_string(),
        };
        let list = |id: &Uuid, t: Option<String>| -> Result<Vec<String>> {
            match t {
                None => Ok(vec![]),
                Some(t) => serde_json::from_str(&t).map_err(|e| corrupt(id, &e)),
            }
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            type Cells = (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<bool>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let row: Option<Cells> = stmt
                .query_map([id.to_string()], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                })?
                .next()
                .transpose()?;
            let Some((uscc, name, district, industry, coach, listed, quals, tags, coach_name)) =
                row
            else {
                continue;
            };
            out.push(FirmRow {
                id: *id,
                uscc: uscc.unwrap_or_default(),
                name: name.unwrap_or_default(),
                district,
                industry,
                coach_id: coach
                    .map(|c| Uuid::parse_str(&c).map_err(|e| corrupt(id, &e)))
                    .transpose()?,
                coach_name,
                first_loan_list: listed.unwrap_or(false),
                qualifications: list(id, quals)?,
                tags: list(id, tags)?,
            });
        }
        Ok(out)
    }

    /// Every tag in use with the number of firms carrying it, most used first: from the tags
    /// column of the list's covering index (migration 12), not the firms' documents (at 100,000
    /// firms the documents took 1.6 s, holding the store while the 企业 list asked for pages).
    pub fn firm_tags(&self) -> Result<Vec<(String, u32)>> {
        let mut stmt = self.connection().prepare(FIRM_TAGS_SQL)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

const FIRM_TAGS_SQL: &str = "SELECT t.value, count(*) FROM firm f INDEXED BY firm_list, \
     json_each(f.tags) t WHERE f.deleted = 0 GROUP BY t.value ORDER BY count(*) DESC, t.value";

/// The `FROM … WHERE …` of the firms matching `f` (text query included) and its arguments.
fn firm_filter_sql(f: &FirmFilter, text: Option<&TextQuery>) -> (String, Vec<SqlValue>) {
    let mut sql = String::from("FROM firm f WHERE f.deleted = 0");
    let mut args: Vec<SqlValue> = vec![];
    if let Some(t) = text {
        t.push_where(&mut sql, &mut args);
    }
    let mut arg = |sql: &mut String, clause: &str, v: SqlValue| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(d) = &f.district {
        arg(&mut sql, " AND f.district = ?", SqlValue::Text(d.clone()));
    }
    if let Some(i) = &f.industry {
        arg(
            &mut sql,
            " AND substr(f.industry, 1, 1) = ?",
            SqlValue::Text(i.chars().take(1).collect()),
        );
    }
    if let Some(b) = f.first_loan_list {
        arg(
            &mut sql,
            " AND f.first_loan_list = ?",
            SqlValue::Integer(b as i64),
        );
    }
    if let Some(c) = f.coach_id {
        arg(
            &mut sql,
            " AND f.coach_id = ?",
            SqlValue::Text(c.to_string()),
        );
    }
    if let Some(s) = &f.need_status {
        arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM need n WHERE n.firm_id = f.id AND n.deleted = 0 AND n.status = ?)",
            SqlValue::Text(s.clone()),
        );
    }
    if let Some(k) = &f.qualification {
        arg(
            &mut sql,
            // The kinds held (a small JSON array written by the row writer), not the document.
            " AND EXISTS (SELECT 1 FROM json_each(f.quals) q WHERE q.value = ?)",
            SqlValue::Text(k.clone()),
        );
    }
    if let Some(t) = &f.tag {
        arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM json_each(f.tags) t WHERE t.value = ?)",
            SqlValue::Text(t.clone()),
        );
    }
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoOptions};
    use fudao_core::model::Firm;

    fn demo() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 200,
                seed: 3,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        s
    }

    #[test]
    fn filters_agree_with_the_firms_themselves() {
        let s = demo();
        let firms: Vec<Firm> = s.list().unwrap();
        let all = s.firm_ids(&FirmFilter::default()).unwrap();
        assert_eq!(all.len(), firms.len());

        let district = firms.iter().find_map(|f| f.district.clone()).unwrap();
        let ids = s
            .firm_ids(&FirmFilter {
                district: Some(district.clone()),
                ..Default::default()
            })
            .unwrap();
        let expected = firms
            .iter()
            .filter(|f| f.district.as_deref() == Some(&district))
            .count();
        assert_eq!(ids.len(), expected);
        assert!(expected > 0 && expected < firms.len());

        let with_q = firms.iter().find(|f| !f.qualifications.is_empty()).unwrap();
        let kind = with_q.qualifications[0].kind;
        let ids = s
            .firm_ids(&FirmFilter {
                qualification: Some(kind.key().to_string()),
                ..Default::default()
            })
            .unwrap();
        let expected = firms
            .iter()
            .filter(|f| f.qualifications.iter().any(|q| q.kind == kind))
            .count();
        assert_eq!(ids.len(), expected);
        assert!(ids.contains(&with_q.id));

        let on_list = s
            .firm_ids(&FirmFilter {
                first_loan_list: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            on_list.len(),
            firms.iter().filter(|f| f.first_loan_list).count()
        );

        let tags = s.firm_tags().unwrap();
        let (tag, n) = tags.first().cloned().expect("demo firms carry tags");
        let ids = s
            .firm_ids(&FirmFilter {
                tag: Some(tag.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ids.len() as u32, n);
        assert_eq!(
            n as usize,
            firms.iter().filter(|f| f.tags.contains(&tag)).count()
        );
        // Every tag's count is what the documents say, and the counts read no document.
        let mut from_docs: std::collections::BTreeMap<&str, u32> = Default::default();
        for f in &firms {
            for t in &f.tags {
                *from_docs.entry(t.as_str()).or_default() += 1;
            }
        }
        assert!(tags.len() > 1);
        assert_eq!(
            tags.iter()
                .map(|(t, n)| (t.as_str(), *n))
                .collect::<std::collections::BTreeMap<_, _>>(),
            from_docs
        );
        assert!(tags.windows(2).all(|w| w[0].1 >= w[1].1));
        let plan = s.query_plan(FIRM_TAGS_SQL).unwrap();
        assert!(
            plan.iter()
                .any(|l| l.contains("USING COVERING INDEX firm_list")),
            "{plan:?}"
        );
    }

    #[test]
    fn query_matches_name_initials_and_uscc_and_combines_with_filters() {
        let s = demo();
        let firms: Vec<Firm> = s.list().unwrap();
        let f = &firms[5];
        let by_uscc = s
            .firm_ids(&FirmFilter {
                query: f.uscc[..12].to_string(),
                ..Default::default()
            })
            .unwrap();
        assert!(by_uscc.contains(&f.id));
        let frag: String = f.name.chars().skip(2).take(2).collect();
        let by_name = s
            .firm_ids(&FirmFilter {
                query: frag.clone(),
                ..Default::default()
            })
            .unwrap();
        assert!(by_name.contains(&f.id));
        for id in &by_name {
            let x: Firm = s.get(*id).unwrap().unwrap();
            let lower = frag.to_lowercase();
            assert!(
                x.name.to_lowercase().contains(&lower)
                    || fudao_core::text::pinyin_initials(&x.name).contains(&lower),
                "{} does not match {frag}",
                x.name
            );
        }
        assert_eq!(
            by_name.len(),
            firms
                .iter()
                .filter(|x| x.name.contains(&frag)
                    || fudao_core::text::pinyin_initials(&x.name).contains(&frag.to_lowercase()))
                .count()
        );
        let initials: String = fudao_core::text::pinyin_initials(&f.name)
            .chars()
            .take(4)
            .collect();
        assert!(s
            .firm_ids(&FirmFilter {
                query: initials,
                ..Default::default()
            })
            .unwrap()
            .contains(&f.id));
        // A filter the firm fails removes it.
        let other = fudao_core::region::JINAN_DISTRICTS
            .iter()
            .map(|(c, _)| c.to_string())
            .find(|c| Some(c) != f.district.as_ref())
            .unwrap();
        assert!(!s
            .firm_ids(&FirmFilter {
                query: frag,
                district: Some(other),
                ..Default::default()
            })
            .unwrap()
            .contains(&f.id));
    }

    #[test]
    fn rows_come_in_the_order_asked_with_their_fields() {
        let s = demo();
        let ids = s.firm_ids(&FirmFilter::default()).unwrap();
        let page: Vec<Uuid> = ids[10..20].iter().rev().copied().collect();
        let rows = s.firm_rows(&page).unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), page);
        for r in &rows {
            let f: Firm = s.get(r.id).unwrap().unwrap();
            assert_eq!(r.name, f.name);
            assert_eq!(r.tags, f.tags);
            assert_eq!(r.qualifications.len(), f.qualifications.len());
        }
        // Pinyin order: initials never decrease along the list.
        let all = s.firm_rows(&ids).unwrap();
        let initials: Vec<String> = all
            .iter()
            .map(|r| fudao_core::text::pinyin_initials(&r.name))
            .collect();
        assert!(initials.windows(2).all(|w| w[0] <= w[1]));
    }
}
