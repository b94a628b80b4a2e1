//! Section 一 (企业概况): the firm's record as rows and a short narrative.

use super::*;

pub(super) fn compose_profile(firm: &Firm, today: NaiveDate) -> ProfileSection {
    let industry = firm
        .industry
        .as_deref()
        .map(|c| match crate::region::industry_name(c) {
            Some(n) => format!("{n}（{c}）"),
            None => c.to_string(),
        });
    let district = firm
        .district
        .as_deref()
        .map(|d| format!("济南市{}", firm.district_name().unwrap_or(d)));
    let quals: Vec<String> = firm
        .qualifications
        .iter()
        .map(|q| {
            let state = if q.is_valid_on(today) {
                ""
            } else {
                "，已过期"
            };
            match q.expires {
                Some(e) => format!("{}（有效期至{e}{state}）", q.kind.label_zh()),
                None => q.kind.label_zh().to_string(),
            }
        })
        .collect();
    let staff = match (firm.staff, firm.tech_staff) {
        (Some(s), Some(t)) => format!(
            "{s}人，其中科技人员{t}人（{}）",
            pct(t as Yuan, s as Yuan).unwrap_or_else(|| MISSING.into())
        ),
        (Some(s), None) => format!("{s}人"),
        _ => MISSING.to_string(),
    };
    let contact = firm
        .contacts
        .first()
        .map(|c| {
            let t = if c.title.is_empty() {
                String::new()
            } else {
                format!("（{}）", c.title)
            };
            format!("{}{t} {}", c.name, c.phone).trim().to_string()
        })
        .filter(|s| !s.is_empty());
    let lists = format!(
        "首贷培植名单：{}；白名单+预授信：{}；上市后备企业库：{}",
        yes_no(firm.first_loan_list),
        yes_no(firm.whitelist),
        yes_no(firm.listing_reserve)
    );
    let rows = vec![
        row("企业名称", firm.name.clone()),
        row("统一社会信用代码", firm.uscc.clone()),
        row("所属行业", opt(industry.clone())),
        row("注册地", opt(district.clone())),
        row("成立日期", opt(firm.founded)),
        row("注册资本", wan_unit_opt(firm.registered_capital)),
        row("职工人数", staff),
        row(
            "高层次人才",
            opt(firm.high_talents.map(|h| format!("{h}人"))),
        ),
        row("发展阶段", opt(firm.stage.map(|s| s.label_zh()))),
        row(
            "资质认定",
            if quals.is_empty() {
                "暂无".to_string()
            } else {
                quals.join("、")
            },
        ),
        row("名单情况", lists),
        row("联系人", opt(contact)),
    ];
    let mut text = firm.name.clone();
    match (firm.founded, &district) {
        (Some(f), Some(d)) => {
            text.push_str(&format!("成立于{}年{}月，注册于{d}", f.year(), f.month()))
        }
        (Some(f), None) => text.push_str(&format!("成立于{}年{}月", f.year(), f.month())),
        (None, Some(d)) => text.push_str(&format!("注册于{d}")),
        (None, None) => text.push_str("的成立时间和注册地尚未登记"),
    }
    if let Some(i) = &industry {
        text.push_str(&format!("，属{i}"));
    }
    if let Some(s) = firm.stage {
        text.push_str(&format!("，目前处于{}", s.label_zh()));
    }
    text.push('。');
    if quals.is_empty() {
        text.push_str("企业尚未取得科技型中小企业、高新技术企业等资质认定。");
    } else {
        text.push_str(&format!("企业已取得{}。", quals.join("、")));
    }
    if let Some(d) = firm.first_loan_date {
        text.push_str(&format!("企业已于{d}获得首笔银行贷款。"));
    } else if firm.first_loan_list {
        text.push_str("企业已列入首贷培植名单，是本期首贷培育的重点对象。");
    } else if firm.is_first_loan_candidate() {
        text.push_str("企业尚无银行贷款记录，属首贷培育对象。");
    }
    ProfileSection { rows, text }
}
