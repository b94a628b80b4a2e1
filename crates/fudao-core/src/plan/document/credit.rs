//! Section 五 as printed: one package per open need with its products, or the products
//! available; then the near misses.

use super::*;

/// Section 五: one package per open need (its products and reasons), or the products available when no need is open; then the near misses.
pub(super) fn push_credit(doc: &mut Document, plan: &Plan, heading: &dyn Fn(SectionKey) -> String) {
    let c = &plan.content;
    doc.push(Block::heading(1, heading(SectionKey::Credit)));
    paragraphs(doc, c.text(SectionKey::Credit));
    let chosen = |it: &CreditItem| {
        c.chosen_products.is_empty() || c.chosen_products.contains(&it.product_id)
    };
    let product_cols: [(&str, f32, Align); 6] = [
        ("金融机构及受理网点", 2.8, Align::Left),
        ("产品", 1.8, Align::Left),
        ("建议金额", 1.2, Align::Right),
        ("期限", 0.9, Align::Center),
        ("价格", 2.0, Align::Left),
        ("担保方式", 1.8, Align::Left),
    ];
    // `dp`: the decimals of the table's amount column (one format down the column).
    let product_row = |it: &CreditItem, dp: usize| {
        vec![
            if it.branch.is_empty() {
                it.institution.clone()
            } else {
                format!("{}\n{}", it.institution, it.branch)
            },
            format!("{}（{}）", it.product_name, it.kind),
            it.amount_yuan
                .map(|a| format!("{}万元", fmt_wan_fixed(a, dp)))
                .unwrap_or_else(|| it.amount.clone()),
            it.term_months
                .map(|m| format!("{m}个月"))
                .unwrap_or_else(|| MISSING.to_string()),
            it.price.clone(),
            it.collateral.clone(),
        ]
    };
    let reasons = |doc: &mut Document, items: &[&CreditItem]| {
        for (i, it) in items.iter().enumerate() {
            let mut s = format!(
                "{}. {}“{}”：{}。",
                i + 1,
                it.institution,
                it.product_name,
                it.why.join("；")
            );
            if it.subsidy != MISSING {
                s.push_str(&format!("政策支持：{}。", it.subsidy));
            }
            if !it.contact.is_empty() {
                s.push_str(&format!("联系人：{}。", it.contact));
            }
            doc.push(Block::paragraph(s));
        }
    };
    if !c.credit.packages.is_empty() {
        for (i, pk) in c.credit.packages.iter().enumerate() {
            doc.push(Block::heading(
                2,
                format!("（{}）{}：{}", cn_index(i + 1), pk.need, pk.purpose),
            ));
            doc.push(kv(
                &[
                    row("需求状态", pk.status.clone()),
                    row("尚需融资", fmt_wan_unit(pk.remainder)),
                    row("建议期限", pk.term.clone()),
                    row("可提供的担保", pk.security.clone()),
                ],
                1,
            ));
            let items: Vec<&CreditItem> = pk.items.iter().filter(|it| chosen(it)).collect();
            if items.is_empty() {
                doc.push(Block::paragraph(if pk.no_fit.is_empty() {
                    "辅导员未选定该需求的产品。".to_string()
                } else {
                    pk.no_fit.clone()
                }));
            } else {
                let dp = wan_decimals(items.iter().filter_map(|it| it.amount_yuan));
                doc.push(table(
                    &product_cols,
                    items.iter().map(|it| product_row(it, dp)).collect(),
                    None,
                ));
                reasons(doc, &items);
            }
            doc.push(Block::paragraph(format!(
                "下一步：{}（{}前）。",
                pk.next_step, pk.next_due
            )));
        }
    } else {
        let rec = plan.recommended();
        if rec.is_empty() {
            doc.push(Block::paragraph("暂无可直接申请的产品。"));
        } else {
            doc.push(table(
                &[
                    ("金融机构及受理网点", 2.8, Align::Left),
                    ("产品", 1.8, Align::Left),
                    ("额度", 1.8, Align::Left),
                    ("价格", 2.0, Align::Left),
                    ("担保方式", 1.6, Align::Left),
                ],
                rec.iter()
                    .map(|it| {
                        let mut r = product_row(it, 0);
                        r[2] = it.amount.clone();
                        r.remove(3);
                        r
                    })
                    .collect(),
                None,
            ));
            doc.push(Block::heading(2, "推荐理由"));
            reasons(doc, &rec);
        }
    }
    push_near_misses(doc, c);
}
/// Section 五, last: products the firm can apply for once it meets the conditions named.
fn push_near_misses(doc: &mut Document, c: &PlanContent) {
    doc.push(Block::heading(2, "培育后可申请的产品"));
    if c.credit.near_misses.is_empty() {
        doc.push(Block::paragraph("暂无。"));
    } else {
        doc.push(table(
            &[
                ("金融机构 / 产品", 2.6, Align::Left),
                ("额度 / 价格", 2.2, Align::Left),
                ("尚需补充的条件", 5.2, Align::Left),
            ],
            c.credit
                .near_misses
                .iter()
                .map(|it| {
                    vec![
                        format!("{}\n{}（{}）", it.institution, it.product_name, it.kind),
                        format!("{}\n{}", it.amount, it.price),
                        it.missing.join("\n"),
                    ]
                })
                .collect(),
            None,
        ));
    }
}
