//! Reading one cell into the row's patch, by the kind of its column.

use super::facts::{
    count_range, parse_quality_items, parse_rd_level, read_event_year, read_hitech_field,
};
use super::layout::Column;
use super::rows::Reader;
use super::values::{
    functional_zone, industry_code, parse_district, parse_fin_kind, parse_stage, read_amount,
    read_bool, read_count, read_date, read_qualification, read_srdi, read_term, QualState,
};
use crate::cells::{self, is_placeholder};
use crate::fields::{Field, Kind};
use crate::grid::Value;
use crate::limits::MAX_NAME_CHARS;
use chrono::Datelike;
use fudao_core::model::{QualificationKind, YearFinancials};
use fudao_core::money::Yuan;
use fudao_core::patch::{FirmPatch, NeedPatch};
use fudao_core::{uscc, Msg};
use std::collections::BTreeMap;

impl Reader<'_> {
    /// Parses one non-empty cell into the patch. Returns the normalised USCC for the USCC cell.
    pub(super) fn read_cell(
        &mut self,
        col: &Column,
        v: &Value,
        row: &mut RowParts,
    ) -> Result<Option<String>, Msg> {
        // Only text-reading branches need the cell as text (numbers are formatted lazily).
        let text = match col.field.kind() {
            Kind::Date | Kind::Amount | Kind::Count | Kind::Bool | Kind::Qual(_) | Kind::Srdi => {
                std::borrow::Cow::Borrowed("")
            }
            _ => v.text(),
        };
        let t = text.trim();
        match col.field.kind() {
            Kind::Ignore => {}
            Kind::Uscc => {
                let raw = t.trim_start_matches(['\'', '`', '‘']);
                // Already clean (the common case): skip normalising.
                let code = if raw.len() == 18
                    && raw
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                {
                    raw.to_string()
                } else {
                    uscc::normalize(raw)
                };
                uscc::validate(&code).map_err(|e| e.to_field_error("uscc").message)?;
                return Ok(Some(code));
            }
            Kind::Text | Kind::Phone => read_text_cell(col, t, row)?,
            Kind::District => self.read_district_cell(t, &mut row.p)?,
            Kind::Industry => self.read_industry_cell(t, &mut row.p)?,
            Kind::Date => read_date_cell(col, v, row)?,
            Kind::Amount => read_amount_cell(col, v, row)?,
            Kind::Count => read_count_cell(col, v, &mut row.p)?,
            Kind::Year => read_year_cell(v, t, &mut row.p)?,
            Kind::EventYear => read_event_year_cell(col, v, t, &mut row.p)?,
            Kind::RdLevel => read_rd_level_cell(t, &mut row.p)?,
            Kind::QualityItems => read_quality_cell(t, &mut row.p)?,
            Kind::Bool if col.field == Field::HitechField => {
                row.p.facts.hitech_field = read_hitech_field(v)?;
            }
            Kind::Bool => read_bool_cell(col, v, &mut row.p)?,
            Kind::Qual(kind) => read_qualification(v, kind, &mut row.quals)?,
            Kind::Srdi => read_srdi(v, &mut row.quals, &mut row.p)?,
            Kind::Stage => read_stage_cell(t, &mut row.p)?,
            Kind::Tags => read_tags_cell(t, &mut row.p)?,
            Kind::Term => read_term_cell(col, v, t, &mut row.need)?,
            Kind::Financing => read_financing_cell(t, &mut row.need)?,
        }
        Ok(None)
    }

    /// A district, or a functional zone kept as a tag (each distinct text parsed once).
    fn read_district_cell(&mut self, t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
        if is_placeholder(t) {
            return Ok(());
        }
        let parsed = match self.district_cache.get(t) {
            Some(r) => r.clone(),
            None => {
                let r = parse_district(t);
                self.district_cache.insert(t.to_string(), r.clone());
                r
            }
        };
        match parsed? {
            Some(code) => p.district = Some(code),
            None => {
                let zone = functional_zone(t).unwrap_or_default();
                self.zones.insert(zone.to_string());
                p.tags.push(zone.to_string());
            }
        }
        Ok(())
    }

    /// An industry code or section, or free text kept as a tag (each distinct text parsed once).
    fn read_industry_cell(&mut self, t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
        if is_placeholder(t) {
            return Ok(());
        }
        let code = match self.industry_cache.get(t) {
            Some(c) => c.clone(),
            None => {
                let c = industry_code(t);
                self.industry_cache.insert(t.to_string(), c.clone());
                c
            }
        };
        match code {
            Some(code) => p.industry = Some(code),
            None => {
                self.free_industries.insert(t.to_string());
                p.tags.push(t.to_string());
            }
        }
        Ok(())
    }
}

/// What one row builds while its cells are read.
#[derive(Default)]
pub(super) struct RowParts {
    pub(super) p: FirmPatch,
    /// Figures by the year their header names (`None`: the row's year).
    pub(super) years: BTreeMap<Option<i32>, YearFinancials>,
    pub(super) quals: BTreeMap<QualificationKind, QualState>,
    pub(super) need: NeedPatch,
    pub(super) need_amount: Option<Yuan>,
}

/// A text or phone cell: name, address, board, contact, notes, need purpose.
fn read_text_cell(col: &Column, t: &str, row: &mut RowParts) -> Result<(), Msg> {
    let RowParts { p, need, .. } = row;
    if is_placeholder(t) {
        return Ok(());
    }
    let s = match col.field {
        Field::ContactPhone => cells::expand_scientific(t).into_owned(),
        // A name wrapped inside its cell: the line break is not part of it.
        Field::Name => t.lines().map(str::trim).collect(),
        _ => t.to_string(),
    };
    if col.field == Field::Name {
        let n = s.chars().count();
        if n > MAX_NAME_CHARS {
            return Err(Msg::new(
                format!("企业名称有 {n} 个字，超过上限 {MAX_NAME_CHARS} 个字；请核对该单元格是否只填了企业名称"),
                format!("the firm name has {n} characters, over the limit of {MAX_NAME_CHARS}; check that the cell holds only the firm's name"),
            ));
        }
    }
    let slot = match col.field {
        Field::Name => &mut p.name,
        Field::Address => &mut p.address,
        Field::ListingBoard => &mut p.listing_board,
        Field::ContactName => &mut p.contact_name,
        Field::ContactPhone => &mut p.contact_phone,
        Field::Notes => &mut p.notes,
        Field::NeedPurpose => &mut need.purpose,
        _ => return Ok(()),
    };
    *slot = Some(s);
    Ok(())
}

/// A date: founded, first loan, need raised on.
fn read_date_cell(col: &Column, v: &Value, row: &mut RowParts) -> Result<(), Msg> {
    let RowParts { p, need, .. } = row;
    let Some(d) = read_date(v)? else {
        return Ok(());
    };
    match col.field {
        Field::Founded => p.founded = Some(d),
        Field::FirstLoanDate => p.first_loan_date = Some(d),
        Field::NeedRaisedOn => need.raised_on = Some(d),
        _ => {}
    }
    Ok(())
}

/// An amount: the need, registered capital, new equity, or a yearly figure.
fn read_amount_cell(col: &Column, v: &Value, row: &mut RowParts) -> Result<(), Msg> {
    let RowParts {
        p,
        years,
        need_amount,
        ..
    } = row;
    let Some(y) = read_amount(v, col.unit)? else {
        return Ok(());
    };
    if col.field == Field::NeedAmount {
        if y < 0 {
            let t = v.display();
            return Err(Msg::new(
                format!("融资需求金额“{t}”不能为负数"),
                format!("financing need '{t}' must not be negative"),
            ));
        }
        if y > 0 {
            *need_amount = Some(y);
        }
        return Ok(());
    }
    if col.field == Field::RegisteredCapital {
        p.registered_capital = Some(y);
        return Ok(());
    }
    if col.field == Field::NewEquity2y {
        if y < 0 {
            let t = v.display();
            return Err(Msg::new(
                format!("近两年新增股权融资“{t}”不能为负数"),
                format!("new equity financing '{t}' must not be negative"),
            ));
        }
        p.facts.new_equity_2y = Some(y);
        return Ok(());
    }
    let fy = years.entry(col.year).or_insert_with(|| YearFinancials {
        year: col.year.unwrap_or(0),
        ..Default::default()
    });
    if col.also_revenue {
        fy.revenue = Some(y);
    }
    if let Some((_, slot)) = FIGURE_SLOTS.iter().find(|(f, _)| *f == col.field) {
        *slot(fy) = Some(y);
    }
    Ok(())
}

/// A yearly figure's place in the year's financials.
type FigureSlot = fn(&mut YearFinancials) -> &mut Option<Yuan>;

/// The yearly figures a column can fill ([`Field::is_figure`]), and where each goes.
const FIGURE_SLOTS: [(Field, FigureSlot); 11] = [
    (Field::Revenue, |y| &mut y.revenue),
    (Field::MainBusinessRevenue, |y| &mut y.main_business_revenue),
    (Field::TotalIncome, |y| &mut y.total_income),
    (Field::RdExpense, |y| &mut y.rd_expense),
    (Field::RdExpenseDomestic, |y| &mut y.rd_expense_domestic),
    (Field::TotalCost, |y| &mut y.total_cost),
    (Field::TotalAssets, |y| &mut y.total_assets),
    (Field::Liabilities, |y| &mut y.liabilities),
    (Field::NetProfit, |y| &mut y.net_profit),
    (Field::HighTechRevenue, |y| &mut y.high_tech_revenue),
    (Field::BillsReceivable, |y| &mut y.bills_receivable),
];

/// A whole number, checked against the field's range where it has one.
fn read_count_cell(col: &Column, v: &Value, p: &mut FirmPatch) -> Result<(), Msg> {
    let Some(n) = read_count(v)? else {
        return Ok(());
    };
    if let Some((min, max, zh, en)) = count_range(col.field) {
        if !(min..=max).contains(&n) {
            return Err(Msg::new(
                format!("{zh}“{n}”超出范围（应为{min}–{max}）"),
                format!("{en} '{n}' is out of range ({min}–{max})"),
            ));
        }
    }
    let slot = match col.field {
        Field::Staff => &mut p.staff,
        Field::TechStaff => &mut p.tech_staff,
        Field::HighTalents => &mut p.high_talents,
        Field::InventionPatents => &mut p.invention_patents,
        Field::UtilityModels => &mut p.utility_models,
        Field::Designs => &mut p.designs,
        Field::SoftwareCopyrights => &mut p.software_copyrights,
        Field::OtherClass1Ip => &mut p.other_class1_ip,
        Field::NicheYears => &mut p.niche_years,
        Field::DigitalLevel => &mut p.digital_level,
        Field::SrdiFeaturePoints => &mut p.srdi_feature_points,
        Field::NationalAwardRank => &mut p.facts.national_award_rank,
        Field::ProvincialAwardRank => &mut p.facts.provincial_award_rank,
        Field::InnovationScore => &mut p.facts.innovation_score,
        _ => return Ok(()),
    };
    *slot = Some(n);
    Ok(())
}

/// The row's financial year.
fn read_year_cell(v: &Value, t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    let y = match v {
        Value::Date(d) => Some(d.year()),
        _ => cells::parse_year_text(t),
    };
    p.year = Some(y.ok_or_else(|| {
        Msg::new(
            format!("年度“{t}”无效，应为四位年份（如 2024）"),
            format!("year '{t}' is not a four-digit year such as 2024"),
        )
    })?);
    Ok(())
}

/// The year of an award, a standard led, an audit.
fn read_event_year_cell(col: &Column, v: &Value, t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    let y = read_event_year(v, t, col.field)?;
    let slot = match col.field {
        Field::NationalAwardYear => &mut p.facts.national_award_year,
        Field::ProvincialAwardYear => &mut p.facts.provincial_award_year,
        Field::MakerChinaTop500Year => &mut p.facts.maker_china_top500_year,
        Field::LedStandardYear => &mut p.facts.led_standard_year,
        Field::AuditedYear => &mut p.facts.audited_year,
        _ => return Ok(()),
    };
    *slot = Some(y);
    Ok(())
}

/// The R&D institution level.
fn read_rd_level_cell(t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    p.facts.rd_institution_level = Some(parse_rd_level(t)?);
    Ok(())
}

/// The quality-management items.
fn read_quality_cell(t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    p.facts.quality_items = Some(parse_quality_items(t)?);
    Ok(())
}

/// A yes/no field.
fn read_bool_cell(col: &Column, v: &Value, p: &mut FirmPatch) -> Result<(), Msg> {
    let Some(b) = read_bool(v)? else {
        return Ok(());
    };
    match col.field {
        Field::FirstLoanList => p.first_loan_list = Some(b),
        Field::EverBorrowed => p.ever_borrowed = Some(b),
        Field::Whitelist => p.whitelist = Some(b),
        Field::ListingReserve => p.listing_reserve = Some(b),
        Field::IndependentLegalPerson => p.independent_legal_person = Some(b),
        Field::KeyFieldProduct => p.key_field_product = Some(b),
        Field::HighValueClass1Ip => p.facts.high_value_class1_ip = Some(b),
        Field::OwnClass1Ip => p.facts.own_class1_ip = Some(b),
        Field::Resident => p.facts.resident = Some(b),
        Field::RestrictedCategory => p.facts.restricted_category = Some(b),
        Field::SeriousIncident => p.facts.serious_incident = Some(b),
        Field::DishonestListed => p.facts.dishonest_listed = Some(b),
        Field::RdSubLedger => p.facts.rd_sub_ledger = Some(b),
        _ => {}
    }
    Ok(())
}

/// The lifecycle stage.
fn read_stage_cell(t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    p.stage = Some(parse_stage(t).ok_or_else(|| {
        Msg::new(
            format!("发展阶段“{t}”无法识别（应为 种子期、初创期、成长期 或 成熟期）"),
            format!("stage '{t}' is not one of 种子期 (seed), 初创期 (start-up), 成长期 (growth), 成熟期 (mature)"),
        )
    })?);
    Ok(())
}

/// Tags, split at separators.
fn read_tags_cell(t: &str, p: &mut FirmPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    p.tags.extend(
        t.split([',', '，', '、', ';', '；', '/', '|', '\n', ' ', '　'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    Ok(())
}

/// The need's term in months.
fn read_term_cell(col: &Column, v: &Value, t: &str, need: &mut NeedPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    need.term_months = Some(read_term(v, col.unit)?);
    Ok(())
}

/// The need's financing kind.
fn read_financing_cell(t: &str, need: &mut NeedPatch) -> Result<(), Msg> {
    if is_placeholder(t) {
        return Ok(());
    }
    need.kind = Some(parse_fin_kind(t).ok_or_else(|| {
        Msg::new(
            format!("融资方式“{t}”无法识别（应为 贷款、股权融资、融资担保、保险 或 债券/票据）"),
            format!("financing kind '{t}' is not one of loan, equity, guarantee, insurance, bond"),
        )
    })?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_yearly_figure_has_a_slot_and_only_those() {
        for f in Field::all() {
            let slots = FIGURE_SLOTS.iter().filter(|(g, _)| *g == f).count();
            assert_eq!(slots, usize::from(f.is_figure()), "{f:?}");
        }
        // Each slot writes its own figure.
        let mut y = YearFinancials::default();
        for (i, (_, slot)) in FIGURE_SLOTS.iter().enumerate() {
            *slot(&mut y) = Some(i as Yuan + 1);
        }
        let mut seen: Vec<Yuan> = [
            y.revenue,
            y.main_business_revenue,
            y.total_income,
            y.rd_expense,
            y.rd_expense_domestic,
            y.total_cost,
            y.total_assets,
            y.liabilities,
            y.net_profit,
            y.high_tech_revenue,
            y.bills_receivable,
        ]
        .into_iter()
        .flatten()
        .collect();
        seen.sort();
        assert_eq!(seen, (1..=11).collect::<Vec<Yuan>>());
    }
}
