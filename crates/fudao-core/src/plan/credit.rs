//! Section 五 (信贷支持方案): one financing package per open need (products, amount, term,
//! security, lender, next step), then the firm-wide recommendations and near misses.

use super::*;

pub(super) fn credit_item(m: &ProductMatch, p: &Product, need: Option<&Need>) -> CreditItem {
    let amount = match m.suggested_amount {
        Some(a) => format!("建议申请{}（产品额度{}）", fmt_wan_unit(a), p.amount_text()),
        None => p.amount_text(),
    };
    let price = match (m.nominal_rate_bp, m.effective_rate_bp) {
        (Some(n), Some(e)) if e < n => format!(
            "{}{}，政策支持后约{}",
            p.kind.price_label().zh,
            p.rate_text(),
            fmt_bp_pct(e)
        ),
        (Some(_), _) => format!("{}{}", p.kind.price_label().zh, p.rate_text()),
        _ => p.kind.price_label().zh,
    };
    CreditItem {
        product_id: p.id,
        product_code: p.code.clone(),
        product_name: p.name.clone(),
        institution: p.institution.clone(),
        kind: p.kind.label_zh().to_string(),
        amount,
        price,
        collateral: p.collateral_text(),
        subsidy: p.subsidy_text(),
        why: m.reasons.iter().map(|r| r.zh.clone()).collect(),
        missing: m.missing.iter().map(|r| r.zh.clone()).collect(),
        for_need: need.map(need_label).unwrap_or_default(),
        score: m.score,
        branch: p.branch.clone(),
        contact: p.contact.clone(),
        term_months: m.term_months,
        amount_yuan: m.suggested_amount,
    }
}

/// Products a package offers for one need, at most (a readable table).
pub(super) const MAX_PER_NEED: usize = 4;
/// Days from the plan date to the first application; each further package a week later.
pub(super) const FIRST_APPLICATION_DAYS: u64 = 14;

/// Needs section 五 answers: reasonable (or not yet ruled) needs that are raised, being
/// matched, unmet or only partly met, with money still to raise. Needs already with a lender
/// (applied, approved) and closed ones are not re-matched.
pub(super) fn credit_needs<'a>(needs: &[&'a Need]) -> Vec<&'a Need> {
    needs
        .iter()
        .copied()
        .filter(|n| n.is_reasonable() != Some(false))
        .filter(|n| {
            matches!(
                n.status,
                NeedStatus::Raised
                    | NeedStatus::Matching
                    | NeedStatus::Unmet
                    | NeedStatus::PartlyMet
            )
        })
        .filter(|n| need_remainder(n) > 0)
        .collect()
}

/// What is still to raise for a need (元).
/// Needs already with a lender (applied for or approved) and not judged unreasonable: the
/// coach follows them up; no package is composed for them.
pub(super) fn in_process<'a>(needs: impl Iterator<Item = &'a Need>) -> Vec<&'a Need> {
    needs
        .filter(|n| matches!(n.status, NeedStatus::Applied | NeedStatus::Approved))
        .filter(|n| n.is_reasonable() != Some(false))
        .collect()
}

pub(super) fn need_remainder(n: &Need) -> Yuan {
    (n.amount - n.disbursed_amount()).max(0)
}

/// The security the firm can offer for one kind a product requires, naming what backs it;
/// `None` when the firm definitely lacks it.
pub(super) fn security_for(
    c: CollateralKind,
    p: &Product,
    firm: &Firm,
    need: &Need,
) -> Option<String> {
    let latest_bills = firm.latest_year().and_then(|y| y.bills_receivable);
    let text = match c {
        CollateralKind::IpPledge => {
            let ip = &firm.ip;
            let mut parts = vec![];
            if ip.class1() > 0 {
                parts.push(format!("Ⅰ类知识产权{}项", ip.class1()));
            }
            if ip.class2() > 0 {
                parts.push(format!("Ⅱ类知识产权{}项", ip.class2()));
            }
            format!("知识产权质押（{}）", parts.join("、"))
        }
        CollateralKind::Bills => match latest_bills {
            Some(b) => format!("商业汇票质押（应收票据{}）", fmt_wan_unit(b)),
            None => "商业汇票质押（需核实持票情况）".to_string(),
        },
        CollateralKind::Receivables => match firm.facts.receivables {
            Some(r) => format!("应收账款质押（{}）", fmt_wan_unit(r)),
            None => "应收账款质押（需确权）".to_string(),
        },
        CollateralKind::ThirdPartyGuarantee if p.institution_kind == InstitutionKind::Guarantor => {
            format!("{}担保", p.institution)
        }
        other => other.label_zh().to_string(),
    };
    match has_collateral(c, p, firm, Some(need)) {
        Some(false) => None,
        Some(true) => Some(text),
        None if text.contains("需") => Some(text),
        None => Some(format!("{text}（需核实）")),
    }
}

/// What the firm can pledge or offer, in words, for a need.
pub(super) fn firm_security(firm: &Firm, need: &Need) -> String {
    if need.kind == FinancingKind::Equity {
        return "股权融资无需抵质押或担保".to_string();
    }
    let mut have: Vec<String> = vec![];
    let ip = &firm.ip;
    if ip.class1() + ip.class2() > ip.pledged {
        let patents = ip.invention_patents + ip.utility_models + ip.designs;
        if patents > 0 {
            have.push(format!(
                "专利质押（发明专利{}项、实用新型和外观设计{}项）",
                ip.invention_patents,
                ip.utility_models + ip.designs
            ));
        } else {
            have.push(format!(
                "软件著作权等知识产权质押（{}项）",
                ip.class1() + ip.class2()
            ));
        }
    }
    if let Some(b) = firm
        .latest_year()
        .and_then(|y| y.bills_receivable)
        .filter(|b| *b > 0)
    {
        have.push(format!("应收票据质押（{}）", fmt_wan_unit(b)));
    }
    if let Some(r) = firm.facts.receivables.filter(|r| *r > 0) {
        have.push(format!("应收账款质押（{}）", fmt_wan_unit(r)));
    }
    if firm.facts.real_estate_collateral == Some(true) {
        have.push("房产抵押".to_string());
    }
    if firm.facts.gov_procurement == Some(true) {
        have.push("政府采购合同".to_string());
    }
    for c in &need.collateral {
        let c = c.trim();
        if !c.is_empty() && !have.iter().any(|h| h.contains(c) || c.contains(h.as_str())) {
            have.push(format!("企业提供：{c}"));
        }
    }
    if have.is_empty() {
        "企业暂无可用的抵质押物，建议由政府性融资担保机构提供担保，或选择信用类产品".to_string()
    } else {
        have.join("、")
    }
}

/// Orders a turned-down need's products to answer the reason it was turned down, and says how
/// the first one does (`None` when the reason is not one a product's terms answer).
fn answer_to_refusal(need: &Need, catalog: &Catalog, items: &mut [CreditItem]) -> Option<String> {
    if need.status != NeedStatus::Unmet {
        return None;
    }
    let reason = need.unmet_reason?;
    let product = |it: &CreditItem| catalog.product(it.product_id);
    match reason {
        crate::model::ReasonCode::InsufficientCollateral => {
            items.sort_by_key(|it| !product(it).is_some_and(|p| p.collateral.is_empty()));
            let first = items.first().and_then(product)?;
            first.collateral.is_empty().then(|| {
                format!(
                    "此前因“{}”未满足，该产品无需抵质押或担保",
                    reason.label_zh()
                )
            })
        }
        crate::model::ReasonCode::PriceNotAccepted => {
            // A premium is comparable with premiums only (it is paid on top of a loan's rate).
            let cost = |it: &CreditItem| {
                product(it)
                    .filter(|p| {
                        need.kind == FinancingKind::Insurance || !p.kind.premium_on_a_loan()
                    })
                    .and_then(|p| p.mid_rate_bp().map(|r| p.cost_after_subsidy_bp(r)))
                    .unwrap_or(u32::MAX)
            };
            items.sort_by_key(|it| cost(it));
            let c = items.first().map(cost).filter(|c| *c != u32::MAX)?;
            Some(format!(
                "此前因“{}”未满足，该产品政策支持后成本约{}，为所列产品中最低",
                reason.label_zh(),
                fmt_bp_pct(c)
            ))
        }
        _ => None,
    }
}

/// Whether the credit section offers `p` for `need` (or, with `None`, for a need to come):
/// anything that brings money; cover (专利执行险, 首台（套）险) only to an insurance need whose
/// purpose names what it covers.
fn offered(p: &Product, need: Option<&Need>) -> bool {
    p.kind.provides_funds()
        || need.is_some_and(|n| {
            n.kind == FinancingKind::Insurance && p.kind.serves_purpose(&n.purpose)
        })
}

/// The term a need's purpose calls for, with the reason. With no product to apply for yet, the
/// term is the one matching would propose (`matching::term_fit`): a long use's preferred term,
/// working capital within a year.
pub(super) fn package_term(need: &Need, items: &[CreditItem]) -> String {
    // Equity is not repaid: "人才引进属长期用途…企业提出的12个月偏短" spoke of it as a loan.
    if need.kind == FinancingKind::Equity {
        return "股权融资不设还款期限；投资期限和退出安排与投资机构协商".to_string();
    }
    let uses = FundUse::classify(&need.purpose);
    let long = uses.iter().copied().find(|u| u.is_long());
    let short = long.is_none() && uses.contains(&FundUse::WorkingCapital);
    let months = items.iter().find_map(|i| i.term_months).or(match long {
        Some(u) => Some(u.preferred_term_months()),
        None if short => Some(
            need.term_months
                .unwrap_or(SHORT_TERM_MAX_MONTHS)
                .min(SHORT_TERM_MAX_MONTHS),
        ),
        None => need.term_months,
    });
    let why = match long {
        Some(u) => format!(
            "{}属长期用途，安排中长期资金，不以短期贷款解决",
            u.label_zh()
        ),
        None if short && months.is_none_or(|m| m <= SHORT_TERM_MAX_MONTHS) => {
            "流动资金周转，安排一年以内短期资金".to_string()
        }
        // A product whose shortest term is over a year.
        None if short => "流动资金周转，按产品的最短期限安排".to_string(),
        None => "按企业提出的期限安排".to_string(),
    };
    let mut t = match months {
        Some(m) => format!("{m}个月（{why}）"),
        None => why,
    };
    match (need.term_months, long, months) {
        (Some(req), Some(_), _) if req < LONG_TERM_MIN_MONTHS => {
            t.push_str(&format!("；企业提出的{req}个月偏短，建议调整"));
        }
        (Some(req), None, Some(m)) if short && req > m => {
            t.push_str(&format!(
                "；企业提出的{req}个月偏长，流动资金贷款多为一年期、到期可申请续贷，建议调整"
            ));
        }
        _ => {}
    }
    t
}

/// What earlier packages of the same plan already propose to borrow from a product (their
/// first product, the one the next step applies for): the amount in total and those needs'
/// numbers (1-based).
pub(super) type Committed = BTreeMap<Uuid, (Yuan, Vec<usize>)>;

/// A product an earlier package of this plan applies for: what is left of its ceiling for
/// this need, or why nothing is. `Ok(None)` when no earlier package uses it.
fn headroom(p: &Product, committed: &Committed) -> Result<Option<(Yuan, String)>, String> {
    let Some((used, ks)) = committed.get(&p.id) else {
        return Ok(None);
    };
    let used = *used;
    let which = format!(
        "第{}笔需求已建议申请{}",
        ks.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        if ks.len() > 1 { "合计" } else { "" }
    );
    let left = (p.amount_max - used).max(0);
    if left < p.amount_min {
        return Err(format!(
            "{}{which}{}，达到产品额度上限{}",
            p.name,
            fmt_wan_unit(used),
            fmt_wan_unit(p.amount_max)
        ));
    }
    Ok(Some((
        left,
        format!(
            "{which}该产品{}，与本笔合计不超过产品额度上限{}，本笔至多{}",
            fmt_wan_unit(used),
            fmt_wan_unit(p.amount_max),
            fmt_wan_unit(left)
        ),
    )))
}

// Long (~170 lines) on purpose: the steps of one package in order (products that fit, amount,
// term, security, lender, next step, or why nothing fits), sharing the need's figures.
pub(super) fn compose_package(
    firm: &Firm,
    need: &Need,
    catalog: &Catalog,
    today: NaiveDate,
    ev: &FirmEvaluation,
    index: usize,
    committed: &Committed,
) -> (NeedPackage, MatchResult) {
    let remainder = need_remainder(need);
    // Match on what is still to raise.
    let mut rest = need.clone();
    rest.amount = remainder;
    let r = match_products_with(firm, Some(&rest), &catalog.products, today, ev);
    let mut items: Vec<CreditItem> = vec![];
    // Products an earlier package already applies for whose ceiling cannot carry this need in
    // full: offered after the others, with what is left of the ceiling.
    let mut shared: Vec<CreditItem> = vec![];
    let mut skipped: Vec<String> = vec![];
    for m in r.eligible.iter().filter(|m| m.fit.kind_matches) {
        let Some(p) = catalog.product(m.product_id) else {
            continue;
        };
        if !offered(p, Some(need)) {
            continue;
        }
        if remainder < p.amount_min {
            skipped.push(format!(
                "{}{}{}高于尚需融资额{}",
                p.name,
                p.kind.minimum_label().zh,
                fmt_wan_unit(p.amount_min),
                fmt_wan_unit(remainder)
            ));
            continue;
        }
        let security: Option<Vec<String>> = p
            .collateral
            .iter()
            .map(|c| security_for(*c, p, firm, need))
            .collect();
        let Some(security) = security else {
            let lacking: Vec<&str> = p
                .collateral
                .iter()
                .filter(|c| has_collateral(**c, p, firm, Some(need)) == Some(false))
                .map(|c| c.label_zh())
                .collect();
            skipped.push(format!("{}需{}，企业暂不具备", p.name, lacking.join("、")));
            continue;
        };
        let left = match headroom(p, committed) {
            Ok(left) => left,
            Err(why) => {
                skipped.push(why);
                continue;
            }
        };
        let mut m = m.clone();
        let mut capped = false;
        if let Some((left, why)) = &left {
            capped = m.suggested_amount.is_some_and(|a| a > *left);
            m.suggested_amount = m.suggested_amount.map(|a| a.min(*left));
            m.reasons.push(Msg::new(
                why.clone(),
                "an earlier need of this plan already applies for this product; together they stay within its ceiling",
            ));
        }
        let mut it = credit_item(&m, p, Some(need));
        if !security.is_empty() {
            it.collateral = security.join("、");
        }
        if capped {
            shared.push(it);
        } else {
            items.push(it);
        }
    }
    // A 融资担保 need is answered by a guarantor first (what the firm asked for); a loan's
    // guarantee insurance, which also backs the loan, follows as the alternative.
    if need.kind == FinancingKind::Guarantee {
        let guarantor = |it: &CreditItem| {
            catalog
                .product(it.product_id)
                .is_some_and(|p| p.institution_kind == InstitutionKind::Guarantor)
        };
        items.sort_by_key(|it| !guarantor(it));
    }
    // A need a lender already turned down for want of security, or that the firm gave up over
    // the price, is answered on that point first: the products without security, or the
    // cheapest after subsidies, lead, and the next step says why.
    let answer = answer_to_refusal(need, catalog, &mut items);
    items.extend(shared);
    items.truncate(MAX_PER_NEED);
    let next_due = today + Days::new(FIRST_APPLICATION_DAYS + 7 * index as u64);
    let (no_fit, next_step) = if let Some(first) = items.first() {
        let where_ = if first.branch.is_empty() {
            first.institution.clone()
        } else {
            first.branch.clone()
        };
        let contact = if first.contact.is_empty() {
            String::new()
        } else {
            format!("，联系{}", first.contact)
        };
        (
            String::new(),
            format!(
                "向{where_}提交“{}”申请材料{contact}，辅导员陪同对接{}",
                first.product_name,
                answer.map(|a| format!("（{a}）")).unwrap_or_default()
            ),
        )
    } else {
        // Why nothing fits, and what would make a product fit.
        let skipped_for_size = !skipped.is_empty();
        let mut why: Vec<String> = skipped;
        let short: Vec<&str> = catalog
            .products
            .iter()
            .filter(|p| p.active && serves(p, need.kind) && !term_fit(p, need).fits)
            .map(|p| p.name.as_str())
            .collect();
        if !short.is_empty() {
            why.push(format!(
                "{}等{}个产品期限在一年以内，属短期资金，不适用于该长期用途",
                short[0],
                short.len()
            ));
        }
        let near_misses: Vec<_> = r
            .near_misses
            .iter()
            .filter(|m| m.fit.kind_matches)
            .filter(|m| {
                catalog
                    .product(m.product_id)
                    .is_some_and(|p| p.kind.provides_funds() && remainder >= p.amount_min)
            })
            .take(2)
            .collect();
        let near: Vec<String> = near_misses
            .iter()
            .map(|m| {
                format!(
                    "{}“{}”：{}",
                    m.institution,
                    m.product_name,
                    m.missing
                        .iter()
                        .map(|x| x.zh.clone())
                        .collect::<Vec<_>>()
                        .join("；")
                )
            })
            .collect();
        let mut t = String::from("暂无可直接申请的产品");
        if why.is_empty() {
            t.push_str(&format!(
                "：目录中{}类产品的准入条件企业尚未满足",
                need.kind.label_zh()
            ));
        } else {
            t.push_str(&format!("：{}", why.join("；")));
        }
        t.push('。');
        let step = if near.is_empty() && need.kind == FinancingKind::Equity {
            // An equity raise is not made good by a guarantor and a bank, nor by "如股权融资".
            t.push_str(if skipped_for_size {
                "补足条件的途径：调整融资金额（达到基金的起投额度）或对接目录以外的创投机构、政府引导基金"
            } else {
                "补足条件的途径：对接目录以外的创投机构、政府引导基金"
            });
            if FundUse::classify(&need.purpose).contains(&FundUse::WorkingCapital) {
                t.push_str("；资金用于流动资金周转，也可改以流动资金贷款解决");
            }
            t.push_str("，辅导员将持续对接。");
            "辅导员向创投机构和政府引导基金推介企业融资项目，并与企业商定融资金额和方式".to_string()
        } else if near.is_empty() {
            t.push_str("补足条件的途径：由政府性融资担保机构提供担保后向合作银行申请，或调整融资金额、期限和方式（如股权融资），辅导员将持续对接。");
            "辅导员对接政府性融资担保机构和合作银行，商定担保方案".to_string()
        } else {
            t.push_str(&format!("补足以下条件后可申请——{}。", near.join("；")));
            // The coach's step: the conditions themselves (clearing an overdue loan, a year of
            // accounts) are the firm's and take their own time (section 四, the action plan).
            let m = near_misses[0];
            format!(
                "辅导员与{}确认“{}”的准入条件和申请材料",
                m.institution, m.product_name
            )
        };
        (t, step)
    };
    let pkg = NeedPackage {
        need_id: need.id,
        need: need_label(need),
        purpose: if need.purpose.trim().is_empty() {
            MISSING.to_string()
        } else {
            need.purpose.trim().to_string()
        },
        status: need.status.label_zh().to_string(),
        remainder,
        term: package_term(need, &items),
        security: firm_security(firm, need),
        items,
        no_fit,
        next_step,
        next_due,
    };
    (pkg, r)
}

pub(super) fn compose_credit(
    firm: &Firm,
    needs: &[&Need],
    catalog: &Catalog,
    today: NaiveDate,
    ev: &FirmEvaluation,
) -> CreditSection {
    let open = credit_needs(needs);
    let mut packages: Vec<NeedPackage> = vec![];
    let mut runs: Vec<(Option<&Need>, MatchResult)> = vec![];
    let mut committed = Committed::new();
    for (i, n) in open.iter().enumerate() {
        let (pkg, r) = compose_package(firm, n, catalog, today, ev, i, &committed);
        if let Some(first) = pkg.items.first() {
            let e = committed.entry(first.product_id).or_default();
            e.0 += first.amount_yuan.unwrap_or(0);
            e.1.push(i + 1);
        }
        packages.push(pkg);
        runs.push((Some(*n), r));
    }
    let mut items: Vec<CreditItem> = vec![];
    for it in packages.iter().flat_map(|p| &p.items) {
        if !items.iter().any(|i| i.product_id == it.product_id) {
            items.push(it.clone());
        }
    }
    if open.is_empty() {
        // No need to answer: what the firm could apply for when one arises ("供企业新增资金需求
        // 时选择"), so only products that bring money; 专利执行险 ranked second there.
        let r = match_products_with(firm, None, &catalog.products, today, ev);
        for m in &r.eligible {
            if items.len() >= MAX_ITEMS {
                break;
            }
            if let Some(p) = catalog.product(m.product_id).filter(|p| offered(p, None)) {
                items.push(credit_item(m, p, None));
            }
        }
        runs.push((None, r));
    }
    let mut near_misses: Vec<CreditItem> = vec![];
    for (need, r) in &runs {
        for m in &r.near_misses {
            if near_misses.len() >= MAX_NEAR {
                break;
            }
            if near_misses.iter().any(|i| i.product_id == m.product_id)
                || items.iter().any(|i| i.product_id == m.product_id)
            {
                continue;
            }
            // As in a package: a product whose minimum is above what is left to raise is no
            // step for this need ("建议申请100万元" of a 66万 remainder).
            if let Some(p) = catalog
                .product(m.product_id)
                .filter(|p| offered(p, *need))
                .filter(|p| need.is_none_or(|n| p.amount_min <= need_remainder(n)))
            {
                near_misses.push(credit_item(m, p, *need));
            }
        }
    }
    let in_process: Vec<&Need> = in_process(needs.iter().copied());
    let in_process_text = if in_process.is_empty() {
        String::new()
    } else {
        format!(
            "另有{}笔需求（合计{}）已向金融机构提交申请，辅导员跟进审批进度。",
            in_process.len(),
            fmt_wan_unit(in_process.iter().map(|n| n.amount).sum())
        )
    };
    let text = if !packages.is_empty() {
        let total: Yuan = packages.iter().map(|p| p.remainder).sum();
        let served = packages.iter().filter(|p| !p.items.is_empty()).count();
        let mut t = format!(
            "企业有{}笔待满足的融资需求，尚需融资合计{}，逐笔提出融资方案如下。",
            packages.len(),
            fmt_wan_unit(total)
        );
        if served == packages.len() {
            t.push_str("每笔需求均已匹配到可直接申请的产品。");
        } else if served == 0 {
            t.push_str("目前均暂无可直接申请的产品，各笔需求下写明了原因和补足条件。");
        } else {
            t.push_str(&format!(
                "其中{}笔已匹配到可直接申请的产品，{}笔暂无合适产品，已写明原因和补足条件。",
                served,
                packages.len() - served
            ));
        }
        t.push_str(&in_process_text);
        t
    } else if !in_process.is_empty() {
        format!(
            "企业的融资需求均已向金融机构提交申请（{}笔，合计{}），辅导员跟进审批进度。以下产品供企业后续按需选择。",
            in_process.len(),
            fmt_wan_unit(in_process.iter().map(|n| n.amount).sum())
        )
    } else if items.is_empty() {
        "企业当前无待满足的融资需求。根据企业现有资料，暂未匹配到可直接申请的金融产品；建议按“培育后可申请的产品”所列事项补充资料、完善条件。".to_string()
    } else {
        format!(
            "企业当前无待满足的融资需求。根据企业条件匹配到{}个可申请的金融产品，供企业新增资金需求时选择。",
            items.len()
        )
    };
    CreditSection {
        packages,
        items,
        near_misses,
        text,
    }
}
