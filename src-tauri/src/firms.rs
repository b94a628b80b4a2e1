//! The 企业 list: every firm matching a query and filters, a page at a time.
//!
//! The first page of a new filter asks the store for the ordered ids of the first matching
//! firms and the total (`Store::firm_id_page`: a broad query is ranked only as far as the page
//! needs) and keeps them; later pages load their rows (`Store::firm_rows`), ranking further
//! (twice as far each time) only when a page reaches past the ids kept, so scrolling through
//! 100,000 firms never moves more than a page over IPC. The ids are refreshed whenever the
//! database changed since (a write through this app or another process).

use crate::dto;
use crate::error::AppResult;
use crate::state::AppState;
use fudao_store::list::FirmFilter as CoreFilter;
use fudao_store::Store;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use tauri::State;
use uuid::Uuid;

crate::dto::mirror_struct!(
    /// What the firm list shows: every given criterion must hold.
    FirmFilter = fudao_store::list::FirmFilter {
        #[serde(default)]
        query: String,
        district: Option<String>,
        industry: Option<String>,
        qualification: Option<String>,
        first_loan_list: Option<bool>,
        need_status: Option<String>,
        tag: Option<String>,
        coach_id: Option<Uuid>,
    }
);

crate::dto::mirror_struct!(
    /// One row of the firm list.
    FirmRow = fudao_store::list::FirmRow {
        id: Uuid,
        uscc: String,
        name: String,
        district: Option<String>,
        industry: Option<String>,
        coach_id: Option<Uuid>,
        coach_name: Option<String>,
        first_loan_list: bool,
        qualifications: Vec<String>,
        tags: Vec<String>,
    }
);

/// One page of the firm list.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FirmPage {
    /// How many firms match in all.
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<FirmRow>,
}

/// A tag in use and how many firms carry it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct TagCount {
    pub tag: String,
    pub firms: u32,
}

/// A filter, the database stamp it was computed at, the first ids it matched in list order,
/// and how many it matched in all.
type CachedIds = (CoreFilter, (i64, i64), Vec<Uuid>, usize);

/// How many ids the first page of a filter ranks at least.
const FIRST_RANKED: usize = 200;

/// The ids of the last filter, valid while the database is unchanged.
#[derive(Default)]
pub struct ListCache(Mutex<Option<CachedIds>>);

impl ListCache {
    /// Forgets the ids (the database file was replaced).
    pub fn clear(&self) {
        if let Ok(mut g) = self.0.lock() {
            *g = None;
        }
    }
}

/// The matching ids for `filter`, from the cache when the database has not changed.
pub fn page(
    s: &Store,
    cache: &ListCache,
    filter: CoreFilter,
    offset: usize,
    limit: usize,
) -> AppResult<FirmPage> {
    let stamp = s.data_stamp()?;
    let mut guard = cache
        .0
        .lock()
        .map_err(|_| crate::error::AppError::internal("list cache poisoned"))?;
    let need = offset.saturating_add(limit);
    let kept = match &*guard {
        Some((f, st, ids, total)) if *f == filter && *st == stamp => {
            (ids.len() >= need.min(*total)).then_some(ids.len())
        }
        _ => None,
    };
    if kept.is_none() {
        let known = match &*guard {
            Some((f, st, ids, _)) if *f == filter && *st == stamp => ids.len(),
            _ => 0,
        };
        let n = need.max(FIRST_RANKED).max(known.saturating_mul(2));
        let p = s.firm_id_page(&filter, 0, n)?;
        *guard = Some((filter, stamp, p.ids, p.total));
    }
    let (ids, total) = guard
        .as_ref()
        .map(|(_, _, ids, total)| (ids.as_slice(), *total))
        .unwrap_or((&[], 0));
    let start = offset.min(ids.len());
    let end = (start + limit).min(ids.len());
    Ok(FirmPage {
        total: total as u32,
        offset: start as u32,
        rows: dto::to_dtos(&s.firm_rows(&ids[start..end])?)?,
    })
}

/// One page of the firms matching `filter`, in pinyin order.
#[tauri::command]
#[specta::specta]
pub async fn list_firms(
    state: State<'_, AppState>,
    filter: FirmFilter,
    offset: u32,
    limit: u32,
) -> AppResult<FirmPage> {
    let filter: CoreFilter = dto::to_dto(&filter)?;
    let cache = state.list_cache.clone();
    state
        .with_store(move |s| page(s, &cache, filter, offset as usize, limit.min(1000) as usize))
        .await
}

/// Every tag in use, most used first (for the tag filter).
#[tauri::command]
#[specta::specta]
pub async fn firm_tags(state: State<'_, AppState>) -> AppResult<Vec<TagCount>> {
    state
        .with_store(|s| {
            Ok(s.firm_tags()?
                .into_iter()
                .map(|(tag, firms)| TagCount { tag, firms })
                .collect())
        })
        .await
}
