//! The direct routes to 专精特新 (awards, R&D spend, new equity, 创客中国) that stand in for
//! the indicator score.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn award_route(
    key: &str,
    label: Msg,
    cite: String,
    year: Option<i32>,
    rank: Option<u32>,
    within: i32,
    max_rank: Option<u32>,
    today: NaiveDate,
) -> CheckItem {
    let first = crate::eval::tech_sme::first_year_within(today, within);
    let required = match max_rank {
        Some(m) => format!("{first}年及以后，获奖单位前{m}名"),
        None => format!("{first}年及以后"),
    };
    let mut it = CheckItem::new(key, label, cite, required);
    match year {
        None => {
            it.status = Status::NotMet;
            it.figure = Some("未登记".into());
        }
        Some(y) => {
            let in_time = crate::eval::tech_sme::within_years(y, today, within);
            let rank_ok = match (max_rank, rank) {
                (Some(m), Some(r)) => Some(r <= m),
                (Some(_), None) => None,
                (None, _) => Some(true),
            };
            it.figure = Some(match rank {
                Some(r) => format!("{y}年，第{r}名"),
                None => format!("{y}年，名次未登记"),
            });
            it.status = match (in_time, rank_ok) {
                (false, _) | (_, Some(false)) => Status::NotMet,
                (true, Some(true)) => Status::Met,
                (true, None) => Status::Unknown,
            };
            if it.status == Status::Unknown {
                it.missing = vec![Msg::new(
                    format!("{}的获奖单位排名", it.label.zh),
                    format!("rank among the winners of: {}", it.label.en),
                )];
            }
        }
    }
    let f = it.figure.clone().unwrap_or_default();
    it.text = Msg::new(
        format!(
            "{}：{f}，需 {}，{}",
            it.label.zh,
            it.required,
            it.status.label_zh()
        ),
        format!(
            "{}: {f}, requires {}, {}",
            it.label.en,
            it.required,
            it.status.label_en()
        ),
    );
    it
}

/// The four direct routes of 附件2 一（四）.
pub(super) fn direct_items(firm: &Firm, today: NaiveDate, r: &SrdiRules) -> Vec<CheckItem> {
    let d = &r.direct;
    let cite = r.meta.cite(&d.clause);
    let f = &firm.facts;
    let mut out = vec![
        award_route(
            "provincial_award",
            Msg::new(
                "近三年获省级科技奖励并在获奖单位中排名前三",
                "Provincial S&T award in 3 years, top-3 unit",
            ),
            cite.clone(),
            f.provincial_award_year,
            f.provincial_award_rank,
            d.provincial_award.within_years,
            Some(d.provincial_award.max_rank),
            today,
        ),
        award_route(
            "national_award",
            Msg::new(
                "近三年获国家级科技奖励并在获奖单位中排名前五",
                "National S&T award in 3 years, top-5 unit",
            ),
            cite.clone(),
            f.national_award_year,
            f.national_award_rank,
            d.national_award.within_years,
            Some(d.national_award.max_rank),
            today,
        ),
    ];
    // Average R&D over the latest two consecutive years: average ≥ X ⇔ a + b ≥ 2X.
    let yd = firm.years_desc();
    let mut rd = CheckItem::new(
        "rd_avg_2y",
        Msg::new("近两年研发费用总额均值", "Two-year average R&D expense"),
        cite.clone(),
        format!("≥ {}", crate::eval::wan(d.rd_avg_2y_yuan)),
    );
    let pair = (yd.len() >= 2 && yd[0].year == yd[1].year + 1)
        .then(|| Some((yd[0].rd_expense?, yd[1].rd_expense?)))
        .flatten();
    rd = match pair {
        Some((a, b)) => {
            let ok = a + b >= 2 * d.rd_avg_2y_yuan;
            let gap = (!ok).then(|| {
                let g = crate::eval::wan(d.rd_avg_2y_yuan - (a + b) / 2);
                Msg::new(format!("差 {g}"), format!("short by {g}"))
            });
            rd.decided(crate::eval::wan((a + b) / 2), ok, gap)
        }
        None => {
            rd.status = Status::NotMet;
            rd.figure = Some("缺连续两年研发费用".into());
            rd.text = Msg::new(
                format!("{}：缺连续两年研发费用，按未满足计", rd.label.zh),
                format!(
                    "{}: two consecutive years of R&D not recorded, counted as not met",
                    rd.label.en
                ),
            );
            rd
        }
    };
    out.push(rd);
    let eq = CheckItem::new(
        "new_equity_2y",
        Msg::new(
            "近两年新增股权融资总额（合格机构投资者实缴）",
            "New equity in two years (qualified investors)",
        ),
        cite.clone(),
        format!("≥ {}", crate::eval::wan(d.new_equity_2y_yuan)),
    );
    out.push(match f.new_equity_2y {
        Some(e) => {
            let ok = e >= d.new_equity_2y_yuan;
            let gap = (!ok).then(|| {
                let g = crate::eval::wan(d.new_equity_2y_yuan - e);
                Msg::new(format!("差 {g}"), format!("short by {g}"))
            });
            eq.decided(crate::eval::wan(e), ok, gap)
        }
        None => {
            let mut eq = eq;
            eq.status = Status::NotMet;
            eq.figure = Some("未登记".into());
            eq.text = Msg::new(
                format!("{}：未登记", eq.label.zh),
                format!("{}: none recorded", eq.label.en),
            );
            eq
        }
    });
    out.push(award_route(
        "maker_china",
        Msg::new(
            "近三年进入“创客中国”中小企业创新创业大赛全国500强企业组名单",
            "创客中国 contest national top 500 in 3 years",
        ),
        cite,
        f.maker_china_top500_year,
        None,
        d.maker_china_within_years,
        None,
        today,
    ));
    // A route whose only gap is an unrecorded rank does not decide anything: count it absent.
    for it in &mut out {
        if it.status == Status::Unknown {
            it.status = Status::NotMet;
        }
    }
    out
}
