//! Section 三 (融资需求登记): the firm's needs as rows and the narrative over them.

use super::*;

pub(super) fn need_label(n: &Need) -> String {
    format!(
        "{} {} {}",
        n.raised_on,
        n.kind.label_zh(),
        fmt_wan_unit(n.amount)
    )
}

pub(super) fn need_row(n: &Need) -> NeedRow {
    let ruling = match &n.ruling {
        None => "待认定".to_string(),
        Some(r) if r.reasonable => "合理".to_string(),
        Some(r) => format!(
            "不合理（{}）",
            r.reason.map(|c| c.label_zh()).unwrap_or("未注明原因")
        ),
    };
    let outcome = if n.outcomes.is_empty() {
        match n.unmet_reason {
            Some(r) if n.status.is_closed() => format!("未满足：{}", r.label_zh()),
            _ => MISSING.to_string(),
        }
    } else {
        n.outcomes
            .iter()
            .map(|o| {
                let rate = o
                    .rate_bp
                    .map(|r| format!("，{}", fmt_bp_pct(r)))
                    .unwrap_or_default();
                format!("{} {}万元{rate}", o.institution, fmt_wan(o.amount))
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    NeedRow {
        need_id: n.id,
        raised_on: n.raised_on,
        amount: n.amount,
        kind: n.kind.label_zh().to_string(),
        purpose: if n.purpose.trim().is_empty() {
            MISSING.to_string()
        } else {
            n.purpose.clone()
        },
        term: opt(n.term_months.map(|t| format!("{t}个月"))),
        ruling,
        status: n.status.label_zh().to_string(),
        outcome,
    }
}

pub(super) fn needs_text(needs: &[&Need]) -> String {
    if needs.is_empty() {
        return "暂无融资需求记录。辅导员将在后续走访中了解企业资金需求，需求提出后及时登记并对接产品。".to_string();
    }
    let total: Yuan = needs.iter().map(|n| n.amount).sum();
    let disbursed: Yuan = needs.iter().map(|n| n.disbursed_amount()).sum();
    let open = needs.iter().filter(|n| !n.status.is_closed()).count();
    let reasonable = needs
        .iter()
        .filter(|n| n.is_reasonable() == Some(true))
        .count();
    let unreasonable = needs
        .iter()
        .filter(|n| n.is_reasonable() == Some(false))
        .count();
    format!(
        "企业累计登记融资需求{}笔，合计{}，已放款{}；其中认定合理{}笔、不合理{}笔，尚在推进{}笔。",
        needs.len(),
        fmt_wan_unit(total),
        fmt_wan_unit(disbursed),
        reasonable,
        unreasonable,
        open
    )
}
