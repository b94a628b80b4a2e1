//! Versioned rule sets, kept as data in `assets/rules/*.json` and embedded at build time.
//!
//! Each file carries its year, the source document and, for every item, the clause. A new
//! year's thresholds are a new JSON file added to [`RuleBook::builtin`] (or loaded with
//! [`RuleBook::add_json`]); the evaluation code does not change. For a given `today`, the
//! rule set in force is the one with the latest `effective_from` not after `today`.

use super::num::Pct;
use crate::money::Yuan;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Identity of a rule set, shown with every result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetMeta {
    /// `tech_sme`, `high_tech`, `srdi` or `risk`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub year: i32,
    pub version: String,
    pub effective_from: NaiveDate,
    /// Document number, e.g. `国科发政〔2017〕115号`.
    pub document: String,
    /// Full title of the document.
    pub title: String,
}

impl RuleSetMeta {
    /// `国科发政〔2017〕115号 第七条（二）`.
    pub fn cite(&self, clause: &str) -> String {
        format!("{} {}", self.document, clause)
    }
}

/// A clause reference without a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseOnly {
    pub clause: String,
}

/// A numeric limit with its clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit<T> {
    pub value: T,
    pub clause: String,
}

/// One scoring band over a ratio: applies when the ratio is ≥ `min_pct`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PctBand {
    pub min_pct: Pct,
    pub points: u32,
}

/// One scoring band over a count: applies when the count is ≥ `min`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountBand {
    pub min: u32,
    pub points: u32,
}

// ---------------------------------------------------------------------------------------------
// 科技型中小企业

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechSmePass {
    pub min_total: u32,
    pub tech_staff_nonzero: bool,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechStaffIndicator {
    pub max_points: u32,
    pub clause: String,
    pub bands: Vec<PctBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdIndicator {
    pub max_points: u32,
    pub clause: String,
    pub sales_bands: Vec<PctBand>,
    pub cost_bands: Vec<PctBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpIndicator {
    pub max_points: u32,
    pub clause: String,
    pub class1_min: u32,
    pub class1_points: u32,
    pub class2_bands: Vec<CountBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithinYears {
    /// "近N年": the current calendar year and the N − 1 before it.
    pub within_years: i32,
    /// Rank among the winning units the route requires (e.g. 前三名), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rank: Option<u32>,
    pub clause: String,
}

/// How long a 科小 registration lasts: through `valid_until` (`MM-DD`) of its year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub valid_until: String,
    pub note: String,
}

/// A yearly application window `from`–`to` (`MM-DD`), with how it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationWindow {
    pub from: String,
    pub to: String,
    pub note: String,
}

/// `MM-DD` of `year` as a date (29 February falls back to 28 February).
pub fn month_day(md: &str, year: i32) -> Option<NaiveDate> {
    let (m, d) = md.trim().split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(year, m, d)
        .or_else(|| NaiveDate::from_ymd_opt(year, m, d.saturating_sub(1)))
}

impl ApplicationWindow {
    /// The first window that has not closed on `today`: `(from, to)`.
    pub fn next(&self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        use chrono::Datelike;
        let y = today.year();
        let this = (month_day(&self.from, y)?, month_day(&self.to, y)?);
        if today <= this.1 {
            Some(this)
        } else {
            Some((month_day(&self.from, y + 1)?, month_day(&self.to, y + 1)?))
        }
    }

    /// The next window as the plan prints it: "2027-04-01至2027-06-30（note）", or "即日起至…"
    /// while it is open on `after`.
    pub fn text_after(&self, after: NaiveDate) -> String {
        match self.next(after) {
            Some(_) => format!("{}（{}）", self.dates_after(after), self.note),
            None => self.note.clone(),
        }
    }

    /// The next window's dates only: "2027-04-01至2027-06-30", "即日起至2026-12-31" while open,
    /// or the note when the window has no dates.
    pub fn dates_after(&self, after: NaiveDate) -> String {
        match self.next(after) {
            Some((from, to)) if from <= after => format!("即日起至{to}"),
            Some((from, to)) => format!("{from}至{to}"),
            None => self.note.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechSmeDirect {
    pub clause: String,
    pub high_tech_certificate: ClauseOnly,
    pub national_award: WithinYears,
    pub provincial_rd_institution: ClauseOnly,
    pub led_standard: WithinYears,
}

/// 科技型中小企业评价办法.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechSmeRules {
    pub meta: RuleSetMeta,
    pub registration: Registration,
    pub resident: ClauseOnly,
    pub max_staff: Limit<u32>,
    pub max_sales: Limit<Yuan>,
    pub max_assets: Limit<Yuan>,
    pub not_restricted: ClauseOnly,
    pub no_serious_incident: ClauseOnly,
    pub not_listed: ClauseOnly,
    pub pass: TechSmePass,
    pub tech_staff: TechStaffIndicator,
    pub rd: RdIndicator,
    pub ip: IpIndicator,
    pub direct: TechSmeDirect,
}

// ---------------------------------------------------------------------------------------------
// 高新技术企业

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinYears {
    pub min_years: u32,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinItems {
    pub min_items: u32,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinPct {
    pub min_pct: Pct,
    pub clause: String,
}

/// R&D-ratio threshold for firms whose latest-year sales are ≤ `max_sales` (`None`: above
/// every other band).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesBand {
    pub max_sales: Option<Yuan>,
    pub min_pct: Pct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighTechRd {
    /// Number of financial years summed (3: the last three accounting years).
    pub years: u32,
    pub clause: String,
    pub bands: Vec<SalesBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreAbove {
    /// The score must be strictly greater than this.
    pub above: u32,
    pub clause: String,
}

/// 高新技术企业认定管理办法 art. 11.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighTechRules {
    pub meta: RuleSetMeta,
    pub registered: MinYears,
    pub core_ip: MinItems,
    pub tech_field: ClauseOnly,
    pub tech_staff: MinPct,
    pub rd_ratio: HighTechRd,
    pub rd_domestic: MinPct,
    pub high_tech_revenue: MinPct,
    pub innovation_score: ScoreAbove,
    pub no_serious_incident: ClauseOnly,
    /// Review of a certified firm found not to meet the conditions (取消资格、追缴税收优惠).
    pub review: ClauseOnly,
    pub application_window: ApplicationWindow,
}

impl HighTechRules {
    /// The R&D-ratio threshold for latest-year sales `sales`.
    pub fn rd_threshold(&self, sales: Yuan) -> Pct {
        self.rd_ratio
            .bands
            .iter()
            .find(|b| b.max_sales.is_none_or(|m| sales <= m))
            .or(self.rd_ratio.bands.last())
            .map(|b| b.min_pct)
            .unwrap_or(Pct(0))
    }
}

// ---------------------------------------------------------------------------------------------
// 专精特新

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinYuan {
    pub min_yuan: Yuan,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiRevenue {
    pub min_yuan: Yuan,
    /// Alternative: new equity financing in the last two years at least this much.
    pub alt_new_equity_2y_yuan: Yuan,
    pub clause: String,
}

/// One scoring band over an amount: applies when the amount is ≥ `min_yuan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YuanBand {
    pub min_yuan: Yuan,
    pub points: u32,
}

/// One scoring band over a ratio that must stay strictly below `below_pct`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BelowBand {
    pub below_pct: Pct,
    pub points: u32,
}

/// A ratio indicator scored on bands (highest threshold first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PctIndicator {
    pub max_points: u32,
    pub clause: String,
    pub bands: Vec<PctBand>,
}

/// 专业化 (三): one point per full `every_years` in the niche market, at most `max_points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicheIndicator {
    pub max_points: u32,
    pub clause: String,
    pub every_years: u32,
}

/// A yes/no indicator worth `points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagIndicator {
    pub max_points: u32,
    pub clause: String,
}

/// 精细化 (一): digital level → points (highest level first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelIndicator {
    pub max_points: u32,
    pub clause: String,
    pub bands: Vec<CountBand>,
}

/// 精细化 (二): `per_item` points per quality-management item, at most `max_points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerItemIndicator {
    pub max_points: u32,
    pub clause: String,
    pub per_item: u32,
}

/// 精细化 (四): debt ratio, lower is better.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BelowIndicator {
    pub max_points: u32,
    pub clause: String,
    pub bands: Vec<BelowBand>,
}

/// 创新能力 (一): IP tied to the main product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiIpIndicator {
    pub max_points: u32,
    pub clause: String,
    pub high_value_class1: u32,
    pub own_class1: u32,
    pub class1: u32,
    pub class2: u32,
}

/// 创新能力 (二): last year's R&D, the better of the amount and the ratio to revenue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiRdIndicator {
    pub max_points: u32,
    pub clause: String,
    pub amount_bands: Vec<YuanBand>,
    pub ratio_bands: Vec<PctBand>,
}

/// 创新能力 (四): R&D institution level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionIndicator {
    pub max_points: u32,
    pub clause: String,
    pub national: u32,
    pub provincial: u32,
    pub municipal: u32,
    pub other: u32,
}

/// The indicator score (附件2 评价指标): four groups, 100 points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiScore {
    pub min_score: u32,
    pub clause: String,
    // 专业化 25
    pub main_share: PctIndicator,
    pub main_growth: PctIndicator,
    pub niche: NicheIndicator,
    pub key_field: FlagIndicator,
    // 精细化 25
    pub digital: LevelIndicator,
    pub quality: PerItemIndicator,
    pub net_margin: PctIndicator,
    pub debt_ratio: BelowIndicator,
    // 特色化 15
    pub feature: FlagIndicator,
    // 创新能力 35
    pub ip: SrdiIpIndicator,
    pub rd: SrdiRdIndicator,
    pub rd_staff: PctIndicator,
    pub institution: InstitutionIndicator,
}

/// An award route: within `within_years` (counting the current year), ranked ≤ `max_rank`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardRoute {
    pub within_years: i32,
    pub max_rank: u32,
}

/// The alternatives to a score of 60 (附件2 一（四） 1–4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiDirect {
    pub clause: String,
    pub provincial_award: AwardRoute,
    pub national_award: AwardRoute,
    pub rd_avg_2y_yuan: Yuan,
    pub new_equity_2y_yuan: Yuan,
    pub maker_china_within_years: i32,
}

/// 专精特新中小企业认定标准 (优质中小企业梯度培育管理暂行办法, annex 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrdiRules {
    pub meta: RuleSetMeta,
    pub general: ClauseOnly,
    pub niche_years: MinYears,
    pub rd_amount: MinYuan,
    pub rd_ratio: MinPct,
    pub revenue: SrdiRevenue,
    pub score: SrdiScore,
    pub direct: SrdiDirect,
    pub application_window: ApplicationWindow,
}

impl SrdiScore {
    /// Every indicator's maximum, summed (100 in the 2022 rules).
    pub fn max_total(&self) -> u32 {
        [
            self.main_share.max_points,
            self.main_growth.max_points,
            self.niche.max_points,
            self.key_field.max_points,
            self.digital.max_points,
            self.quality.max_points,
            self.net_margin.max_points,
            self.debt_ratio.max_points,
            self.feature.max_points,
            self.ip.max_points,
            self.rd.max_points,
            self.rd_staff.max_points,
            self.institution.max_points,
        ]
        .iter()
        .sum()
    }
}

// ---------------------------------------------------------------------------------------------
// Risk scorecard

/// One grade and the lowest score that earns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeCut {
    pub grade: String,
    pub min_score: u32,
    pub label_zh: String,
    pub label_en: String,
}

/// One band of a risk factor. Exactly one condition is set; a band with none is the
/// fallback ("otherwise").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskBand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pct: Option<Pct>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pct: Option<Pct>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<String>,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFactorRule {
    /// One of [`super::risk::FACTOR_KEYS`].
    pub key: String,
    pub group: String,
    pub clause: String,
    pub label_zh: String,
    pub label_en: String,
    pub bands: Vec<RiskBand>,
}

impl RiskFactorRule {
    pub fn max_points(&self) -> u32 {
        self.bands.iter().map(|b| b.points).max().unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRules {
    pub meta: RuleSetMeta,
    /// Highest first.
    pub grades: Vec<GradeCut>,
    pub factors: Vec<RiskFactorRule>,
}

impl RiskRules {
    pub fn max_total(&self) -> u32 {
        self.factors.iter().map(|f| f.max_points()).sum()
    }
    /// The grade for a score (the first cut-off, highest first, that the score reaches).
    pub fn grade_for(&self, score: u32) -> Option<&GradeCut> {
        self.grades.iter().find(|g| score >= g.min_score)
    }
}

// ---------------------------------------------------------------------------------------------
// Rule book

/// A rule file that does not load.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("规则文件格式错误 (rule file does not parse): {0}")]
    Parse(#[from] serde_json::Error),
    #[error("规则文件内容无效 (rule file is invalid): {0}")]
    Invalid(String),
}

/// All versions of every rule set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleBook {
    pub tech_sme: Vec<TechSmeRules>,
    pub high_tech: Vec<HighTechRules>,
    pub srdi: Vec<SrdiRules>,
    pub risk: Vec<RiskRules>,
}

const TECH_SME_2017: &str = include_str!("../../../../assets/rules/tech_sme-2017.json");
const TECH_SME_2022: &str = include_str!("../../../../assets/rules/tech_sme-2022.json");
const HIGH_TECH_2016: &str = include_str!("../../../../assets/rules/high_tech-2016.json");
const SRDI_2022: &str = include_str!("../../../../assets/rules/srdi-2022.json");
const RISK_2026: &str = include_str!("../../../../assets/rules/risk-2026.json");

/// The embedded rule files, by name.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("tech_sme-2017.json", TECH_SME_2017),
    ("tech_sme-2022.json", TECH_SME_2022),
    ("high_tech-2016.json", HIGH_TECH_2016),
    ("srdi-2022.json", SRDI_2022),
    ("risk-2026.json", RISK_2026),
];

fn latest_in_force<T>(sets: &[T], meta: impl Fn(&T) -> &RuleSetMeta, today: NaiveDate) -> &T {
    sets.iter()
        .filter(|s| meta(s).effective_from <= today)
        .max_by_key(|s| meta(s).effective_from)
        // Before the first version took effect, use the earliest one.
        .or_else(|| sets.iter().min_by_key(|s| meta(s).effective_from))
        .expect("a rule book holds at least one version of every rule set")
}

impl RuleBook {
    /// The rule sets shipped with Fudao (parsed once).
    pub fn builtin() -> &'static RuleBook {
        static BOOK: OnceLock<RuleBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            let mut b = RuleBook::default();
            for (name, text) in BUILTIN_FILES {
                if let Err(e) = b.add_json(text) {
                    panic!("embedded rule file {name} is invalid: {e}");
                }
            }
            b
        })
    }

    /// Adds one rule file; its `meta.id` says which rule set it versions.
    pub fn add_json(&mut self, text: &str) -> Result<(), RulesError> {
        #[derive(Deserialize)]
        struct Head {
            meta: RuleSetMeta,
        }
        let head: Head = serde_json::from_str(text)?;
        match head.meta.id.as_str() {
            "tech_sme" => {
                let r: TechSmeRules = serde_json::from_str(text)?;
                check_desc_pct(&r.tech_staff.bands, "tech_staff")?;
                check_desc_pct(&r.rd.sales_bands, "rd.sales_bands")?;
                check_desc_pct(&r.rd.cost_bands, "rd.cost_bands")?;
                check_desc_count(&r.ip.class2_bands, "ip.class2_bands")?;
                self.tech_sme.push(r);
            }
            "high_tech" => {
                let r: HighTechRules = serde_json::from_str(text)?;
                if r.rd_ratio.bands.is_empty()
                    || r.rd_ratio.bands.last().and_then(|b| b.max_sales).is_some()
                {
                    return Err(RulesError::Invalid(
                        "rd_ratio.bands must end with an open band (max_sales: null)".into(),
                    ));
                }
                self.high_tech.push(r);
            }
            "srdi" => {
                let r: SrdiRules = serde_json::from_str(text)?;
                let sc = &r.score;
                check_desc_pct(&sc.main_share.bands, "score.main_share")?;
                check_desc_pct(&sc.main_growth.bands, "score.main_growth")?;
                check_desc_pct(&sc.net_margin.bands, "score.net_margin")?;
                check_desc_pct(&sc.rd_staff.bands, "score.rd_staff")?;
                check_desc_pct(&sc.rd.ratio_bands, "score.rd.ratio_bands")?;
                check_desc_count(&sc.digital.bands, "score.digital")?;
                let asc_below = sc
                    .debt_ratio
                    .bands
                    .windows(2)
                    .all(|w| w[0].below_pct < w[1].below_pct && w[0].points >= w[1].points);
                let desc_yuan = sc
                    .rd
                    .amount_bands
                    .windows(2)
                    .all(|w| w[0].min_yuan > w[1].min_yuan && w[0].points >= w[1].points);
                if !asc_below || !desc_yuan {
                    return Err(RulesError::Invalid(
                        "score.debt_ratio bands must rise, score.rd.amount_bands must fall".into(),
                    ));
                }
                self.srdi.push(r);
            }
            "risk" => {
                let r: RiskRules = serde_json::from_str(text)?;
                super::risk::check_rules(&r).map_err(RulesError::Invalid)?;
                self.risk.push(r);
            }
            other => {
                return Err(RulesError::Invalid(format!(
                    "unknown rule set id '{other}'"
                )))
            }
        }
        Ok(())
    }

    pub fn tech_sme_for(&self, today: NaiveDate) -> &TechSmeRules {
        latest_in_force(&self.tech_sme, |r| &r.meta, today)
    }
    pub fn high_tech_for(&self, today: NaiveDate) -> &HighTechRules {
        latest_in_force(&self.high_tech, |r| &r.meta, today)
    }
    pub fn srdi_for(&self, today: NaiveDate) -> &SrdiRules {
        latest_in_force(&self.srdi, |r| &r.meta, today)
    }
    pub fn risk_for(&self, today: NaiveDate) -> &RiskRules {
        latest_in_force(&self.risk, |r| &r.meta, today)
    }
}

fn check_desc_pct(bands: &[PctBand], name: &str) -> Result<(), RulesError> {
    let ok = !bands.is_empty()
        && bands
            .windows(2)
            .all(|w| w[0].min_pct > w[1].min_pct && w[0].points >= w[1].points);
    if ok {
        Ok(())
    } else {
        Err(RulesError::Invalid(format!(
            "{name}: bands must be listed from the highest threshold down, points not increasing"
        )))
    }
}

fn check_desc_count(bands: &[CountBand], name: &str) -> Result<(), RulesError> {
    let ok = !bands.is_empty()
        && bands
            .windows(2)
            .all(|w| w[0].min > w[1].min && w[0].points >= w[1].points);
    if ok {
        Ok(())
    } else {
        Err(RulesError::Invalid(format!(
            "{name}: bands must be listed from the highest threshold down, points not increasing"
        )))
    }
}

/// Points of the first band (highest first) whose threshold the ratio reaches; 0 if none.
pub fn pct_band(bands: &[PctBand], num: i64, den: i64) -> (u32, Option<&PctBand>) {
    match bands
        .iter()
        .find(|b| super::num::ratio_ge(num, den, b.min_pct))
    {
        Some(b) => (b.points, Some(b)),
        None => (0, None),
    }
}

/// Points of the first band (highest first) whose minimum the count reaches; 0 if none.
pub fn count_band(bands: &[CountBand], n: u32) -> (u32, Option<&CountBand>) {
    match bands.iter().find(|b| n >= b.min) {
        Some(b) => (b.points, Some(b)),
        None => (0, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_rules_load_with_their_sources() {
        let b = RuleBook::builtin();
        let t = b.tech_sme_for(d(2026, 6, 1));
        assert_eq!(t.meta.document, "国科发政〔2022〕43号");
        assert_eq!(t.meta.year, 2022);
        // Before 43号 took effect, 115号 applies.
        assert_eq!(
            b.tech_sme_for(d(2022, 1, 1)).meta.document,
            "国科发政〔2017〕115号"
        );
        assert_eq!(t.tech_staff.bands[0].min_pct, Pct(3000));
        assert_eq!(t.rd.sales_bands[0].min_pct, Pct(600));
        assert_eq!(
            b.high_tech_for(d(2026, 6, 1)).meta.document,
            "国科发火〔2016〕32号"
        );
        assert_eq!(b.srdi_for(d(2026, 6, 1)).meta.year, 2022);
        assert_eq!(b.srdi_for(d(2026, 6, 1)).score.max_total(), 100);
        assert_eq!(b.risk_for(d(2026, 6, 1)).max_total(), 100);
    }

    #[test]
    fn a_new_year_is_data_and_is_picked_by_date() {
        let mut b = RuleBook::builtin().clone();
        let next = TECH_SME_2022
            .replace("\"year\": 2022", "\"year\": 2027")
            .replace(
                "\"effective_from\": \"2022-06-01\"",
                "\"effective_from\": \"2027-01-01\"",
            )
            .replace(
                "{ \"min_pct\": 6, \"points\": 50 }",
                "{ \"min_pct\": 6.5, \"points\": 50 }",
            );
        b.add_json(&next).unwrap();
        assert_eq!(b.tech_sme_for(d(2026, 12, 31)).meta.year, 2022);
        let r = b.tech_sme_for(d(2027, 1, 1));
        assert_eq!(r.meta.year, 2027);
        assert_eq!(r.rd.sales_bands[0].min_pct, Pct(650));
        // Before any version took effect the earliest applies.
        assert_eq!(b.tech_sme_for(d(2000, 1, 1)).meta.year, 2017);
    }

    #[test]
    fn application_windows_are_dates() {
        let w = &RuleBook::builtin()
            .high_tech_for(d(2026, 1, 1))
            .application_window;
        assert_eq!(w.next(d(2026, 3, 1)), Some((d(2026, 5, 1), d(2026, 8, 31))));
        assert_eq!(
            w.next(d(2026, 8, 31)),
            Some((d(2026, 5, 1), d(2026, 8, 31)))
        );
        assert_eq!(w.next(d(2026, 9, 1)), Some((d(2027, 5, 1), d(2027, 8, 31))));
        assert_eq!(month_day("02-29", 2027), Some(d(2027, 2, 28)));
    }

    #[test]
    fn rejects_bad_rule_files() {
        let mut b = RuleBook::default();
        assert!(matches!(b.add_json("{"), Err(RulesError::Parse(_))));
        let unsorted = TECH_SME_2017.replace(
            "{ \"min_pct\": 25, \"points\": 16 }",
            "{ \"min_pct\": 35, \"points\": 16 }",
        );
        assert!(matches!(b.add_json(&unsorted), Err(RulesError::Invalid(_))));
        let unknown = SRDI_2022.replace("\"id\": \"srdi\"", "\"id\": \"zzz\"");
        assert!(matches!(b.add_json(&unknown), Err(RulesError::Invalid(_))));
    }

    #[test]
    fn high_tech_threshold_follows_latest_sales_band() {
        let r = RuleBook::builtin().high_tech_for(d(2026, 1, 1));
        assert_eq!(r.rd_threshold(50_000_000), Pct(500));
        assert_eq!(r.rd_threshold(50_000_001), Pct(400));
        assert_eq!(r.rd_threshold(200_000_000), Pct(400));
        assert_eq!(r.rd_threshold(200_000_001), Pct(300));
    }
}
