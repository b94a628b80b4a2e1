//! The indicators of 附件2, one function per group, each indicator a block with its band
//! table.

use super::*;

/// 专业化 (specialisation): main-business share, its growth, niche years, key-field product.
// Long on purpose: one block per indicator of the group, in the annex's order, each its band
// table.
pub(super) fn specialised(firm: &Firm, r: &SrdiRules, out: &mut Vec<Indicator>) {
    let s = &r.score;
    let m = &r.meta;
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year);
    let f = &firm.facts;
    let year_fig = |g: fn(i32) -> Msg| y.map(g).unwrap_or_else(figure::financial_year);
    let revenue = fy.and_then(|f| f.revenue);
    let b = B {
        key: "main_share",
        group: "specialised",
        label: Msg::new(
            "主营业务收入占营业收入比重",
            "Main-business share of revenue",
        ),
        max: s.main_share.max_points,
        cite: m.cite(&s.main_share.clause),
    };
    let main = fy.and_then(|f| f.main_business_revenue);
    out.push(match (main, revenue) {
        (Some(a), Some(v)) if v > 0 => b.decided(
            num::fmt_ratio(a, v),
            pct_points(&s.main_share.bands, a, v),
            "",
        ),
        (Some(_), Some(_)) => b.decided("营业收入为0".into(), 0, ""),
        (a, v) => {
            let mut miss = vec![];
            if a.is_none() {
                miss.push(year_fig(figure::main_business_revenue));
            }
            if v.is_none() {
                miss.push(year_fig(figure::revenue));
            }
            let max = b.max;
            b.partial(None, 0, max, miss)
        }
    });

    let b = B {
        key: "main_growth",
        group: "specialised",
        label: Msg::new(
            "近2年主营业务收入平均增长率",
            "Average main-business growth, 2 years",
        ),
        max: s.main_growth.max_points,
        cite: m.cite(&s.main_growth.clause),
    };
    out.push(match y {
        None => {
            let max = b.max;
            b.partial(None, 0, max, vec![figure::financial_year()])
        }
        Some(y) => {
            let get = |yr: i32| firm.year(yr).and_then(|f| f.main_business_revenue);
            let (r0, r1, r2) = (get(y - 2), get(y - 1), get(y));
            match (r0, r1, r2) {
                (Some(r0), Some(r1), Some(r2)) if r0 > 0 && r1 > 0 => {
                    // avg = ((r1 − r0)/r0 + (r2 − r1)/r1) / 2 = num / den, exactly.
                    let num_ = (r1 - r0) as i128 * r1 as i128 + (r2 - r1) as i128 * r0 as i128;
                    let den = 2 * r0 as i128 * r1 as i128;
                    let pts = s
                        .main_growth
                        .bands
                        .iter()
                        .find(|band| num_ * 10_000 >= band.min_pct.bp() as i128 * den)
                        .map(|band| band.points)
                        .unwrap_or(0);
                    let bp = (num_ * 10_000).div_euclid(den) as i64;
                    b.decided(format!("{}（{}–{}年）", num::fmt_bp(bp), y - 2, y), pts, "")
                }
                (Some(_), Some(_), Some(_)) => {
                    b.decided("基期主营业务收入为0，无法计算增长率".into(), 0, "")
                }
                // A base year before founding cannot be supplied: 0 points, not missing.
                _ if firm
                    .founded
                    .is_some_and(|d| chrono::Datelike::year(&d) > y - 2) =>
                {
                    b.decided(
                        format!(
                            "企业成立于{}，无{}年主营业务收入，近2年增长率待满三个会计年度后计算",
                            firm.founded.map(|d| d.to_string()).unwrap_or_default(),
                            y - 2
                        ),
                        0,
                        "",
                    )
                }
                _ => {
                    let miss = [(y - 2, r0), (y - 1, r1), (y, r2)]
                        .iter()
                        .filter(|(_, v)| v.is_none())
                        .map(|(yr, _)| figure::main_business_revenue(*yr))
                        .collect();
                    let max = b.max;
                    b.partial(None, 0, max, miss)
                }
            }
        }
    });

    let b = B {
        key: "niche_years",
        group: "specialised",
        label: Msg::new("从事特定细分市场年限", "Years in the niche market"),
        max: s.niche.max_points,
        cite: m.cite(&s.niche.clause),
    };
    out.push(match f.niche_years {
        Some(n) => {
            let p = (n / s.niche.every_years.max(1)).min(s.niche.max_points);
            b.decided(
                format!("{n}年"),
                p,
                &format!("每满{}年得1分", s.niche.every_years),
            )
        }
        None => {
            let max = b.max;
            b.partial(None, 0, max, vec![figure::niche_years()])
        }
    });

    let b = B {
        key: "key_field",
        group: "specialised",
        label: Msg::new(
            "主导产品所属领域（关键领域、工业“六基”等）",
            "Main product in a key field",
        ),
        max: s.key_field.max_points,
        cite: m.cite(&s.key_field.clause),
    };
    out.push(match f.key_field_product {
        Some(true) => {
            let max = b.max;
            b.decided("属于".into(), max, "")
        }
        Some(false) => b.decided("不属于".into(), 0, ""),
        None => {
            let max = b.max;
            b.partial(
                None,
                0,
                max,
                vec![Msg::new(
                    "主导产品是否属关键领域",
                    "whether the main product is in a key field",
                )],
            )
        }
    });
}

/// 精细化 (refinement): digital level, quality management, net margin, debt ratio.
// Long on purpose: one block per indicator of the group, in the annex's order, each its band
// table.
pub(super) fn refined(firm: &Firm, r: &SrdiRules, out: &mut Vec<Indicator>) {
    let s = &r.score;
    let m = &r.meta;
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year);
    let f = &firm.facts;
    let year_fig = |g: fn(i32) -> Msg| y.map(g).unwrap_or_else(figure::financial_year);
    let revenue = fy.and_then(|f| f.revenue);
    let b = B {
        key: "digital",
        group: "refined",
        label: Msg::new("数字化水平", "Digital level"),
        max: s.digital.max_points,
        cite: m.cite(&s.digital.clause),
    };
    out.push(match f.digital_level {
        Some(l) => b.decided(
            format!("{l}级"),
            crate::eval::rules::count_band(&s.digital.bands, l).0,
            "",
        ),
        None => {
            let max = b.max;
            b.partial(
                None,
                0,
                max,
                vec![Msg::new("数字化水平等级", "digital level")],
            )
        }
    });

    let b = B {
        key: "quality",
        group: "refined",
        label: Msg::new("质量管理水平", "Quality management"),
        max: s.quality.max_points,
        cite: m.cite(&s.quality.clause),
    };
    out.push(match &f.quality_items {
        Some(items) => {
            let mut uniq = items.clone();
            uniq.sort();
            uniq.dedup();
            let p = (uniq.len() as u32 * s.quality.per_item).min(s.quality.max_points);
            let fig = if uniq.is_empty() {
                "无".to_string()
            } else {
                uniq.iter()
                    .map(|q| q.label_zh())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            b.decided(fig, p, &format!("每项{}分", s.quality.per_item))
        }
        None => {
            let max = b.max;
            b.partial(
                None,
                0,
                max,
                vec![Msg::new(
                    "质量管理情况（质量奖、体系认证、自主品牌、参与标准）",
                    "quality-management items",
                )],
            )
        }
    });

    let b = B {
        key: "net_margin",
        group: "refined",
        label: Msg::new("上年度净利润率", "Last year's net margin"),
        max: s.net_margin.max_points,
        cite: m.cite(&s.net_margin.clause),
    };
    let np = fy.and_then(|f| f.net_profit);
    out.push(match (np, revenue) {
        (Some(p), Some(v)) if v > 0 => b.decided(
            num::fmt_ratio(p, v),
            pct_points(&s.net_margin.bands, p, v),
            "",
        ),
        (Some(_), Some(_)) => b.decided("营业收入为0".into(), 0, ""),
        (p, v) => {
            let mut miss = vec![];
            if p.is_none() {
                miss.push(year_fig(figure::net_profit));
            }
            if v.is_none() {
                miss.push(year_fig(figure::revenue));
            }
            let max = b.max;
            b.partial(None, 0, max, miss)
        }
    });

    let b = B {
        key: "debt_ratio",
        group: "refined",
        label: Msg::new("上年度资产负债率", "Last year's debt ratio"),
        max: s.debt_ratio.max_points,
        cite: m.cite(&s.debt_ratio.clause),
    };
    let (l, a) = (
        fy.and_then(|f| f.liabilities),
        fy.and_then(|f| f.total_assets),
    );
    out.push(match (l, a) {
        (Some(l), Some(a)) if a > 0 => {
            let p = s
                .debt_ratio
                .bands
                .iter()
                .find(|band| !num::ratio_ge(l, a, band.below_pct))
                .map(|band| band.points)
                .unwrap_or(0);
            b.decided(num::fmt_ratio(l, a), p, "")
        }
        (Some(_), Some(_)) => b.decided("资产总额为0".into(), 0, ""),
        (l, a) => {
            let mut miss = vec![];
            if l.is_none() {
                miss.push(year_fig(figure::liabilities));
            }
            if a.is_none() {
                miss.push(year_fig(figure::total_assets));
            }
            let max = b.max;
            b.partial(None, 0, max, miss)
        }
    });
}

/// 特色化 (distinctiveness): the points the province sets, as recorded.
pub(super) fn featured(firm: &Firm, r: &SrdiRules, out: &mut Vec<Indicator>) {
    let s = &r.score;
    let m = &r.meta;
    let f = &firm.facts;
    let b = B {
        key: "feature",
        group: "featured",
        label: Msg::new(
            "特色化指标（省级主管部门评定）",
            "Distinctiveness (set by the province)",
        ),
        max: s.feature.max_points,
        cite: m.cite(&s.feature.clause),
    };
    out.push(match f.srdi_feature_points {
        Some(p) => {
            let p = p.min(b.max);
            b.decided(format!("{p}分"), p, "按登记的省级评定")
        }
        None => {
            let max = b.max;
            b.partial(
                None,
                0,
                max,
                vec![Msg::new(
                    "特色化指标得分（省级评定）",
                    "distinctiveness points (provincial)",
                )],
            )
        }
    });
}

/// 创新能力 (innovation): Class-I IP, R&D spend, R&D staff, R&D institution.
// Long on purpose: one block per indicator of the group, in the annex's order, each its band
// table (as in `specialised` and `refined`); a function per indicator would add nothing.
pub(super) fn innovation(firm: &Firm, r: &SrdiRules, out: &mut Vec<Indicator>) {
    let s = &r.score;
    let m = &r.meta;
    let fy = firm.latest_year();
    let y = fy.map(|f| f.year);
    let f = &firm.facts;
    let year_fig = |g: fn(i32) -> Msg| y.map(g).unwrap_or_else(figure::financial_year);
    let revenue = fy.and_then(|f| f.revenue);
    let ipr = &s.ip;
    let b = B {
        key: "ip",
        group: "innovative",
        label: Msg::new(
            "与主导产品相关的有效知识产权",
            "Valid IP tied to the main product",
        ),
        max: ipr.max_points,
        cite: m.cite(&ipr.clause),
    };
    let (c1, c2) = (firm.ip.class1(), firm.ip.class2());
    let fig = format!("Ⅰ类 {c1} 项，Ⅱ类 {c2} 项");
    out.push(if c1 == 0 {
        let p = if c2 > 0 { ipr.class2 } else { 0 };
        b.decided(fig, p, "")
    } else {
        let hv = f.high_value_class1_ip;
        let own = f.own_class1_ip;
        let (pts, why) = match (hv, own) {
            (Some(true), _) => (ipr.high_value_class1, "含高价值Ⅰ类"),
            (_, Some(true)) => (ipr.own_class1, "自主研发Ⅰ类"),
            _ => (ipr.class1, "Ⅰ类"),
        };
        let mut possible = pts;
        let mut miss = vec![];
        if hv.is_none() && pts < ipr.high_value_class1 {
            possible = ipr.high_value_class1;
            miss.push(Msg::new(
                "Ⅰ类知识产权是否属高价值",
                "whether the Class-I IP is high-value",
            ));
        }
        if own.is_none() && pts < ipr.own_class1 {
            possible = possible.max(ipr.own_class1);
            miss.push(Msg::new(
                "Ⅰ类知识产权是否自主研发",
                "whether the Class-I IP was developed in-house",
            ));
        }
        if miss.is_empty() {
            b.decided(fig, pts, why)
        } else {
            b.partial(Some(fig), pts, possible, miss)
        }
    });

    let b = B {
        key: "rd",
        group: "innovative",
        label: Msg::new(
            "上年度研发费用投入（金额与占比取高者）",
            "Last year's R&D (better of amount and share)",
        ),
        max: s.rd.max_points,
        cite: m.cite(&s.rd.clause),
    };
    let rd = fy.and_then(|f| f.rd_expense);
    out.push(match rd {
        None => {
            let max = b.max;
            b.partial(None, 0, max, vec![year_fig(figure::rd)])
        }
        Some(rd) => {
            let by_amount =
                s.rd.amount_bands
                    .iter()
                    .find(|band| rd >= band.min_yuan)
                    .map(|band| band.points)
                    .unwrap_or(0);
            match revenue {
                Some(v) if v > 0 => {
                    let by_ratio = pct_points(&s.rd.ratio_bands, rd, v);
                    let (p, why) = if by_ratio > by_amount {
                        (by_ratio, "按占比")
                    } else {
                        (by_amount, "按金额")
                    };
                    b.decided(
                        format!(
                            "{}，占营业收入{}",
                            crate::eval::wan(rd),
                            num::fmt_ratio(rd, v)
                        ),
                        p,
                        why,
                    )
                }
                Some(_) => b.decided(
                    format!("{}，营业收入为0", crate::eval::wan(rd)),
                    by_amount,
                    "按金额",
                ),
                None if by_amount == b.max => {
                    let max = b.max;
                    b.decided(crate::eval::wan(rd), max, "按金额")
                }
                None => {
                    let max = b.max;
                    b.partial(
                        Some(crate::eval::wan(rd)),
                        by_amount,
                        max,
                        vec![year_fig(figure::revenue)],
                    )
                }
            }
        }
    });

    let b = B {
        key: "rd_staff",
        group: "innovative",
        label: Msg::new(
            "研发人员占职工总数比重（按科技人员计）",
            "R&D (tech) staff share",
        ),
        max: s.rd_staff.max_points,
        cite: m.cite(&s.rd_staff.clause),
    };
    out.push(match (firm.tech_staff, firm.staff) {
        (Some(t), Some(st)) if st > 0 => b.decided(
            format!(
                "{t}/{st}人 = {}",
                num::fmt_ratio(i64::from(t), i64::from(st))
            ),
            pct_points(&s.rd_staff.bands, i64::from(t), i64::from(st)),
            "",
        ),
        (t, st) => {
            let mut miss = vec![];
            if t.is_none() {
                miss.push(figure::tech_staff());
            }
            if st.is_none_or(|v| v == 0) {
                miss.push(figure::staff());
            }
            let max = b.max;
            b.partial(None, 0, max, miss)
        }
    });

    let inst = &s.institution;
    let b = B {
        key: "rd_institution",
        group: "innovative",
        label: Msg::new("研发机构级别", "R&D institution level"),
        max: inst.max_points,
        cite: m.cite(&inst.clause),
    };
    use RdInstitutionLevel as L;
    let level_missing = || {
        Msg::new(
            "研发机构级别（国家级/省级/市级/市级以下/未建立）",
            "R&D institution level",
        )
    };
    out.push(
        match (f.rd_institution_level, f.provincial_rd_institution) {
            (Some(l), _) => {
                let p = match l {
                    L::National => inst.national,
                    L::Provincial => inst.provincial,
                    L::Municipal => inst.municipal,
                    L::Other => inst.other,
                    L::NoInstitution => 0,
                };
                b.decided(l.label_zh().to_string(), p, "")
            }
            // Only "provincial or higher: yes" is recorded: at least provincial.
            (None, Some(true)) => b.partial(
                Some("省级以上".into()),
                inst.provincial,
                inst.national,
                vec![level_missing()],
            ),
            (None, Some(false)) => b.partial(
                Some("无省级以上".into()),
                0,
                inst.municipal,
                vec![level_missing()],
            ),
            (None, None) => {
                let max = b.max;
                b.partial(None, 0, max, vec![level_missing()])
            }
        },
    );
}
