//! The firm-facing feedback page of printed plans: `GET /f/{token}` shows the form,
//! `POST /f/{token}` records the rating as an ordinary feedback row of the firm's team
//! (source 扫码评价), which every replica of the team pulls.
//!
//! Plain server-rendered HTML (every interpolated text goes through [`escape`]), no script,
//! no external asset, no cookie. A token that is unknown, expired, deleted or closed (the
//! coach visited the firm after the rating) answers the same bare `404`. Requests are limited
//! per address and submissions per token, with the login limiter's table.

use crate::http::AppState;
use crate::logic::check_row;
use crate::storage::{
    scope_of, AuditEntry, FieldStamp, LimitRecord, Result as StoreResult, RowState, Tx,
};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fudao_core::feedback_link::{is_token, FeedbackLink};
use fudao_core::model::{
    EntityKind, Feedback, FeedbackSource, Firm, Satisfaction, Visit, FEEDBACK_COMMENT_MAX_CHARS,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use uuid::Uuid;

/// Largest form body accepted, in bytes (a 500-character comment is at most 2 KB as UTF-8,
/// about 6 KB percent-encoded).
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The audit actor of rows written by the page.
pub const PAGE_ACTOR: &str = "feedback-page";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Validates `--public-url`: an absolute `http(s)` URL with a host and no query, fragment or
/// user info; returned without a trailing slash.
pub fn parse_public_url(s: &str) -> std::result::Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    let bad = |why_zh: &str, why_en: &str| {
        Err(format!(
            "公开地址“{s}”无效：{why_zh} / invalid public URL `{s}`: {why_en}"
        ))
    };
    if t.len() > 200 {
        return bad("超过200个字符", "longer than 200 characters");
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("含空白字符", "contains white space");
    }
    let uri: axum::http::Uri = match t.parse() {
        Ok(u) => u,
        Err(_) => return bad("不是网址", "not a URL"),
    };
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => {
            return bad(
                "须以 http:// 或 https:// 开头",
                "must start with http:// or https://",
            )
        }
    }
    let Some(auth) = uri.authority() else {
        return bad("缺少主机名", "has no host");
    };
    if auth.host().is_empty() || auth.as_str().contains('@') {
        return bad("主机名无效或含用户信息", "bad host or contains user info");
    }
    if uri.query().is_some() || t.contains('#') {
        return bad("不能含查询参数或锚点", "must not have a query or fragment");
    }
    Ok(t.to_string())
}

/// What the page shows about a link.
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    pub link: FeedbackLink,
    pub firm_name: String,
    pub coach_name: String,
    pub team_name: String,
    /// The rating given through this link before, if any (it may still be replaced).
    pub current: Option<Feedback>,
}

/// China Standard Time "today" of `now`.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    now.with_timezone(&cst).date_naive()
}

fn live<T: serde::de::DeserializeOwned>(r: Option<RowState>) -> Option<T> {
    r.filter(|r| !r.deleted)
        .and_then(|r| serde_json::from_value(Value::Object(r.data)).ok())
}

/// The open link of `token` on `today` with what the page shows, or `None` when the token is
/// unknown, deleted, expired, its firm gone or moved to another team, or closed: a rating was
/// given and the coach visited the firm after it.
pub fn open_link(tx: &mut dyn Tx, token: &str, today: NaiveDate) -> StoreResult<Option<PageInfo>> {
    if !is_token(token) {
        return Ok(None);
    }
    let Some(link) =
        live::<FeedbackLink>(tx.get_row(EntityKind::FeedbackLink, FeedbackLink::id_for(token))?)
    else {
        return Ok(None);
    };
    if link.token != token || !link.is_open_on(today) {
        return Ok(None);
    }
    let firm_row = tx.get_row(EntityKind::Firm, link.firm_id)?;
    if firm_row.as_ref().map(|r| r.team_id) != Some(link.team_id) {
        return Ok(None);
    }
    let Some(firm) = live::<Firm>(firm_row) else {
        return Ok(None);
    };
    let fb_row = tx.get_row(EntityKind::Feedback, FeedbackLink::feedback_id_for(token))?;
    if fb_row.as_ref().is_some_and(|r| r.deleted) {
        // The coach deleted the page's rating: the link is spent.
        return Ok(None);
    }
    let current = live::<Feedback>(fb_row);
    if let Some(fb) = &current {
        let visited_after = tx
            .rows_of_firm(EntityKind::Visit, link.firm_id)?
            .into_iter()
            .filter_map(|r| live::<Visit>(Some(r)))
            .any(|v| v.date > fb.date);
        if visited_after {
            return Ok(None);
        }
    }
    let coach_name = match firm.coach_id {
        Some(id) => tx.user_by_id(id)?.map(|u| u.user.name).unwrap_or_default(),
        None => String::new(),
    };
    let team_name = match link.team_id {
        Some(t) => tx
            .find_team(&t.to_string())?
            .map(|t| t.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Some(PageInfo {
        link,
        firm_name: firm.name,
        coach_name,
        team_name,
        current,
    }))
}

/// The form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub need_met: String,
    #[serde(default)]
    pub comment: String,
}

/// A form the page refuses, with the message shown above the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormError(pub &'static str);

/// Checks a posted form: a rating is required, the need answer is yes/no/unsure, the comment
/// at most [`FEEDBACK_COMMENT_MAX_CHARS`] characters.
pub fn parse_form(
    f: &FeedbackForm,
) -> std::result::Result<(Satisfaction, Option<bool>, String), FormError> {
    let rating = match f.rating.as_str() {
        "satisfied" => Satisfaction::Satisfied,
        "basic" => Satisfaction::Basic,
        "unsatisfied" => Satisfaction::Unsatisfied,
        _ => return Err(FormError("请选择总体满意度。")),
    };
    let need_met = match f.need_met.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        "" | "unsure" => None,
        _ => return Err(FormError("“融资需求是否得到满足”的回答无效。")),
    };
    let comment = f.comment.replace("\r\n", "\n").trim().to_string();
    if comment.chars().count() > FEEDBACK_COMMENT_MAX_CHARS {
        return Err(FormError("意见和建议请控制在500字以内。"));
    }
    if comment
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FormError("意见和建议含有无法识别的字符。"));
    }
    Ok((rating, need_met, comment))
}

/// Records (or replaces) the rating of an open link as the feedback row of the firm's team:
/// a new version with a new change sequence number, audited as [`PAGE_ACTOR`]. `None` when
/// the link is not open.
pub fn submit(
    tx: &mut dyn Tx,
    token: &str,
    rating: Satisfaction,
    need_met: Option<bool>,
    comment: String,
    now: DateTime<Utc>,
) -> StoreResult<Option<Feedback>> {
    let today = china_today(now);
    let Some(info) = open_link(tx, token, today)? else {
        return Ok(None);
    };
    let link = info.link;
    let scope = scope_of(link.team_id);
    tx.lock_scopes(std::slice::from_ref(&scope))?;
    let fb = Feedback {
        id: FeedbackLink::feedback_id_for(token),
        firm_id: link.firm_id,
        team_id: link.team_id,
        date: today,
        rating,
        comment,
        source: FeedbackSource::Qr,
        need_met,
        plan_id: Some(link.plan_id),
        plan_version: Some(link.plan_version),
    };
    let Ok(Value::Object(data)) = serde_json::to_value(&fb) else {
        return Ok(None);
    };
    if check_row(EntityKind::Feedback, fb.id, &data).is_err() {
        return Ok(None);
    }
    let current = tx.get_row(EntityKind::Feedback, fb.id)?;
    let version = current.as_ref().map_or(1, |c| c.version + 1);
    let stamp = FieldStamp {
        v: version,
        d: Uuid::nil(),
        s: 0,
    };
    let mut stamps: BTreeMap<String, FieldStamp> = current
        .as_ref()
        .map(|c| c.stamps.clone())
        .unwrap_or_default();
    for (k, v) in &data {
        let old = current
            .as_ref()
            .and_then(|c| c.data.get(k).cloned())
            .unwrap_or(Value::Null);
        if &old == v {
            continue;
        }
        stamps.insert(k.clone(), stamp);
        tx.insert_audit(&AuditEntry {
            at: now,
            user_id: None,
            device_id: None,
            mutation_id: None,
            kind: EntityKind::Feedback,
            row_id: fb.id,
            version,
            field: k.clone(),
            old,
            new: v.clone(),
            actor: Some(PAGE_ACTOR.to_string()),
        })?;
    }
    let row = RowState {
        kind: EntityKind::Feedback,
        row_id: fb.id,
        team_id: link.team_id,
        seq: tx.next_seq(&scope)?,
        version,
        deleted: false,
        data,
        stamps,
        updated_at: now,
        updated_by: None,
    };
    tx.put_row(&row)?;
    Ok(Some(fb))
}

/// Counts one request against `key`'s budget of `budget` per `window`; `Some(wait)` when the
/// budget is spent.
pub fn take_budget(
    tx: &mut dyn Tx,
    key: &str,
    budget: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> StoreResult<Option<Duration>> {
    let w = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let rec = tx
        .get_limit(key)?
        .filter(|r| now - r.window_start < w)
        .unwrap_or(LimitRecord {
            count: 0,
            window_start: now,
            next_at: now,
        });
    if rec.count >= i64::from(budget) {
        let wait = (rec.window_start + w - now).to_std().unwrap_or_default();
        return Ok(Some(wait.max(Duration::from_secs(1))));
    }
    tx.put_limit(
        key,
        &LimitRecord {
            count: rec.count + 1,
            ..rec
        },
    )?;
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// HTTP

/// The page's routes (outside `/v1`: no protocol headers, no token).
pub const PAGE_ROUTES: &[(&str, &str)] = &[("get", "/f/{token}"), ("post", "/f/{token}")];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/f/{token}", get(show).post(record))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    r
}

const STYLE: &str = "body{margin:0;font:16px/1.6 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;background:#f4f6f8;color:#1f2933}\
main{max-width:34rem;margin:0 auto;padding:1rem}\
h1{font-size:1.3rem;margin:.5rem 0 1rem;color:#0b4f8a}\
.card{background:#fff;border-radius:.6rem;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{color:#52606d}dd{margin:0;font-weight:600}\
fieldset{border:0;margin:0 0 1rem;padding:0}legend{font-weight:600;margin-bottom:.4rem}\
label.opt{display:block;border:1px solid #cbd2d9;border-radius:.5rem;padding:.7rem .8rem;margin:.4rem 0}\
label.opt input{margin-right:.6rem;transform:scale(1.3)}\
textarea{box-sizing:border-box;width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #cbd2d9;border-radius:.5rem}\
button{width:100%;font:inherit;font-size:1.1rem;padding:.8rem;border:0;border-radius:.5rem;background:#0b4f8a;color:#fff}\
.err{background:#fde8e8;color:#9b1c1c;padding:.6rem .8rem;border-radius:.5rem}\
.note{font-size:.85rem;color:#52606d}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">\
<title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        page(
            "页面不存在",
            "<h1>页面不存在</h1><p>该评价链接无效或已过期。</p><p class=\"note\">Not found.</p>",
        ),
    )
}

fn limited(wait: Duration) -> Response {
    let mut r = html(
        StatusCode::TOO_MANY_REQUESTS,
        page(
            "请稍后再试",
            "<h1>请稍后再试</h1><p>提交过于频繁，请稍后再试。</p><p class=\"note\">Too many requests.</p>",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn unavailable() -> Response {
    html(
        StatusCode::SERVICE_UNAVAILABLE,
        page("服务暂不可用", "<h1>服务暂不可用</h1><p>请稍后再试。</p>"),
    )
}

fn radio(name: &str, value: &str, label: &str, checked: bool) -> String {
    format!(
        "<label class=\"opt\"><input type=\"radio\" name=\"{name}\" value=\"{value}\"{}{}>{}</label>",
        if checked { " checked" } else { "" },
        if name == "rating" { " required" } else { "" },
        escape(label)
    )
}

/// The form page of an open link (`error`: why the last post was refused).
pub fn render_form(info: &PageInfo, error: Option<&str>, form: Option<&FeedbackForm>) -> String {
    let cur = info.current.as_ref();
    let rating = form
        .map(|f| f.rating.clone())
        .or_else(|| cur.map(|c| c.rating.key().to_string()))
        .unwrap_or_default();
    let need =
        form.map(|f| f.need_met.clone())
            .unwrap_or_else(|| match cur.and_then(|c| c.need_met) {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None if cur.is_some() => "unsure".into(),
                None => String::new(),
            });
    let comment: String = form
        .map(|f| f.comment.chars().take(FEEDBACK_COMMENT_MAX_CHARS).collect())
        .or_else(|| cur.map(|c| c.comment.clone()))
        .unwrap_or_default();
    let coach = match (info.coach_name.is_empty(), info.team_name.is_empty()) {
        (false, false) => format!("{}（{}）", info.coach_name, info.team_name),
        (false, true) => info.coach_name.clone(),
        (true, _) => info.team_name.clone(),
    };
    let mut b = String::with_capacity(6 * 1024);
    b.push_str("<h1>金融辅导满意度评价</h1><section class=\"card\"><dl>");
    b.push_str(&format!(
        "<dt>企业</dt><dd>{}</dd><dt>辅导员</dt><dd>{}</dd><dt>方案日期</dt><dd>{}</dd>",
        escape(&info.firm_name),
        escape(&coach),
        info.link.plan_date.format("%Y年%-m月%-d日")
    ));
    b.push_str("</dl></section>");
    if let Some(e) = error {
        b.push_str(&format!(
            "<p class=\"err\" role=\"alert\">{}</p>",
            escape(e)
        ));
    } else if cur.is_some() {
        b.push_str("<p class=\"note\">您已提交过评价，可修改后重新提交（辅导员下次走访后不再接受修改）。</p>");
    }
    b.push_str("<form method=\"post\" class=\"card\" accept-charset=\"utf-8\">");
    b.push_str("<fieldset><legend>对本次金融辅导的总体评价</legend>");
    for (v, l) in [
        ("satisfied", "满意"),
        ("basic", "基本满意"),
        ("unsatisfied", "不满意"),
    ] {
        b.push_str(&radio("rating", v, l, rating == v));
    }
    b.push_str("</fieldset><fieldset><legend>您的融资需求是否得到满足？</legend>");
    for (v, l) in [("yes", "是"), ("no", "否"), ("unsure", "暂不确定")] {
        b.push_str(&radio("need_met", v, l, need == v));
    }
    b.push_str(&format!(
        "</fieldset><label for=\"comment\"><b>意见和建议</b>（选填，{FEEDBACK_COMMENT_MAX_CHARS}字以内）</label>\
<textarea id=\"comment\" name=\"comment\" maxlength=\"{FEEDBACK_COMMENT_MAX_CHARS}\">{}</textarea>\
<p><button type=\"submit\">提交评价</button></p></form>",
        escape(&comment)
    ));
    b.push_str(
        "<p class=\"note\">本页面不使用 Cookie，不收集个人信息；评价仅用于改进金融辅导服务。</p>",
    );
    page("金融辅导满意度评价", &b)
}

/// The page after a rating was recorded.
pub fn render_thanks(info: &PageInfo, fb: &Feedback) -> String {
    let need = match fb.need_met {
        Some(true) => "是",
        Some(false) => "否",
        None => "暂不确定",
    };
    let mut b = String::new();
    b.push_str("<h1>感谢您的评价</h1><section class=\"card\"><dl>");
    b.push_str(&format!(
        "<dt>企业</dt><dd>{}</dd><dt>总体评价</dt><dd>{}</dd><dt>融资需求满足</dt><dd>{}</dd>",
        escape(&info.firm_name),
        escape(fb.rating.label_zh()),
        need
    ));
    if !fb.comment.is_empty() {
        b.push_str(&format!(
            "<dt>意见和建议</dt><dd>{}</dd>",
            escape(&fb.comment)
        ));
    }
    b.push_str("</dl></section><p class=\"note\">您的评价已送达辅导队。如需修改，可再次扫描方案上的二维码重新提交。</p>");
    page("感谢您的评价", &b)
}

fn client_ip(ConnectInfo(addr): ConnectInfo<SocketAddr>) -> String {
    addr.ip().to_string()
}

async fn show(
    State(st): State<AppState>,
    addr: ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Response {
    let ip = client_ip(addr);
    let cfg = st.cfg.clone();
    let now = Utc::now();
    let r = st
        .storage
        .run(move |tx| {
            if let Some(w) = take_budget(
                tx,
                &format!("fb-ip:{ip}"),
                cfg.feedback_per_address,
                cfg.feedback_window,
                now,
            )? {
                return Ok(Err(w));
            }
            Ok(Ok(open_link(tx, &token, china_today(now))?))
        })
        .await;
    match r {
        Ok(Err(wait)) => limited(wait),
        Ok(Ok(None)) => not_found(),
        Ok(Ok(Some(info))) => html(StatusCode::OK, render_form(&info, None, None)),
        Err(e) => {
            tracing::error!(error = %e, "feedback page: storage error");
            unavailable()
        }
    }
}

enum Posted {
    Limited(Duration),
    Gone,
    Invalid(PageInfo, FormError),
    Done(PageInfo, Feedback),
}

async fn record(
    State(st): State<AppState>,
    addr: ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let form: Option<FeedbackForm> = if is_form {
        serde_urlencoded_form(&body)
    } else {
        None
    };
    let ip = client_ip(addr);
    let cfg = st.cfg.clone();
    let now = Utc::now();
    let f2 = form.clone();
    let r = st
        .storage
        .run(move |tx| {
            if let Some(w) = take_budget(
                tx,
                &format!("fb-ip:{ip}"),
                cfg.feedback_per_address,
                cfg.feedback_window,
                now,
            )? {
                return Ok(Posted::Limited(w));
            }
            let Some(info) = open_link(tx, &token, china_today(now))? else {
                return Ok(Posted::Gone);
            };
            if let Some(w) = take_budget(
                tx,
                &format!("fb-token:{}", info.link.id),
                cfg.feedback_per_token,
                cfg.feedback_window,
                now,
            )? {
                return Ok(Posted::Limited(w));
            }
            let parsed = match &f2 {
                Some(f) => parse_form(f),
                None => Err(FormError("表单格式无效，请重新填写。")),
            };
            let (rating, need_met, comment) = match parsed {
                Ok(x) => x,
                Err(e) => return Ok(Posted::Invalid(info, e)),
            };
            Ok(match submit(tx, &token, rating, need_met, comment, now)? {
                Some(fb) => Posted::Done(info, fb),
                None => Posted::Gone,
            })
        })
        .await;
    match r {
        Ok(Posted::Limited(w)) => limited(w),
        Ok(Posted::Gone) => not_found(),
        Ok(Posted::Invalid(info, e)) => html(
            StatusCode::BAD_REQUEST,
            render_form(&info, Some(e.0), form.as_ref()),
        ),
        Ok(Posted::Done(info, fb)) => {
            tracing::info!(firm = %fb.firm_id, rating = fb.rating.key(), "feedback page: rating recorded");
            html(StatusCode::OK, render_thanks(&info, &fb))
        }
        Err(e) => {
            tracing::error!(error = %e, "feedback page: storage error");
            unavailable()
        }
    }
}

/// Parses an `application/x-www-form-urlencoded` body.
fn serde_urlencoded_form(body: &[u8]) -> Option<FeedbackForm> {
    serde_urlencoded::from_bytes(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'q'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(escape("济南量子科技"), "济南量子科技");
    }

    #[test]
    fn public_urls_are_validated() {
        assert_eq!(
            parse_public_url("https://fk.example.cn/").unwrap(),
            "https://fk.example.cn"
        );
        assert_eq!(
            parse_public_url("http://10.0.0.5:8470/fudao").unwrap(),
            "http://10.0.0.5:8470/fudao"
        );
        for bad in [
            "fk.example.cn",
            "ftp://fk.example.cn",
            "https://",
            "https://a b.cn",
            "https://u:p@fk.example.cn",
            "https://fk.example.cn/?x=1",
            "https://fk.example.cn/#top",
        ] {
            let e = parse_public_url(bad).unwrap_err();
            assert!(
                e.contains("公开地址") && e.contains("invalid public URL"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn forms_are_checked() {
        let f = |r: &str, n: &str, c: &str| FeedbackForm {
            rating: r.into(),
            need_met: n.into(),
            comment: c.into(),
        };
        assert_eq!(
            parse_form(&f("basic", "yes", " 好\r\n")).unwrap(),
            (Satisfaction::Basic, Some(true), "好".to_string())
        );
        assert_eq!(
            parse_form(&f("unsatisfied", "unsure", "")).unwrap(),
            (Satisfaction::Unsatisfied, None, String::new())
        );
        assert!(parse_form(&f("", "yes", "")).is_err());
        assert!(parse_form(&f("great", "yes", "")).is_err());
        assert!(parse_form(&f("basic", "maybe", "")).is_err());
        assert!(parse_form(&f("basic", "no", &"慢".repeat(501))).is_err());
        assert!(parse_form(&f("basic", "no", &"慢".repeat(500))).is_ok());
        assert!(parse_form(&f("basic", "no", "a\u{0}b")).is_err());
    }

    #[test]
    fn urlencoded_bodies_parse() {
        let f =
            serde_urlencoded_form(b"rating=basic&need_met=no&comment=%3Cb%3E%E6%85%A2+x").unwrap();
        assert_eq!(f.rating, "basic");
        assert_eq!(f.need_met, "no");
        assert_eq!(f.comment, "<b>慢 x");
    }
}
