//! Values of the 专精特新 and 高企 inputs: ranges of scores and ranks, event years, the R&D
//! institution level, quality-management items.

use super::values::read_bool;
use crate::cells;
use crate::fields::Field;
use crate::grid::Value;
use chrono::Datelike;
use fudao_core::model::{QualityItem, RdInstitutionLevel};
use fudao_core::Msg;

/// The range of a count field that has one: (min, max, Chinese name, English name).
pub(super) fn count_range(field: Field) -> Option<(u32, u32, &'static str, &'static str)> {
    Some(match field {
        Field::DigitalLevel => (1, 4, "数字化水平等级", "digital level"),
        Field::SrdiFeaturePoints => (0, 15, "特色化指标得分", "特色化 points"),
        Field::InnovationScore => (0, 100, "创新能力评价得分", "innovation score"),
        Field::NationalAwardRank | Field::ProvincialAwardRank => {
            (1, 99, "获奖单位排名", "award rank")
        }
        _ => return None,
    })
}

/// The year of an event (an award, a standard led, an audit): `2023`, `2023年`, `2023年度`,
/// or a date in that year.
pub(super) fn read_event_year(v: &Value, t: &str, field: Field) -> Result<i32, Msg> {
    let y = match v {
        Value::Date(d) => Some(d.year()),
        _ => cells::parse_year_text(t).or_else(|| cells::parse_date_text(t).map(|d| d.year())),
    };
    y.ok_or_else(|| {
        Msg::new(
            format!("{}“{t}”无效，应为四位年份（如 2023）", field.label_zh()),
            format!(
                "{} '{t}' is not a four-digit year such as 2023",
                field.label_en()
            ),
        )
    })
}

/// Separators of a list written in one cell: `省级、市级`, `ISO9001；自主品牌`.
const LIST_SEPARATORS: [char; 9] = [',', '，', '、', ';', '；', '/', '|', '\n', '+'];

/// Words meaning "none" in a level or list cell.
fn says_none(s: &str) -> bool {
    matches!(
        s,
        "无" | "否" | "没有" | "暂无" | "未建立" | "未建" | "none" | "no"
    )
}

/// An R&D institution level: `国家级`, `省级`, `市级`, `市级以下` (区级, 县级, 其他), `无`;
/// also a named institution (`省级工程技术研究中心`), and several of them (the highest counts).
pub(super) fn parse_rd_level(t: &str) -> Result<RdInstitutionLevel, Msg> {
    use RdInstitutionLevel as L;
    let bad = || {
        Msg::new(
            format!("研发机构级别“{t}”无法识别（应为 国家级、省级、市级、市级以下 或 无）"),
            format!("R&D institution level '{t}' is not one of 国家级 (national), 省级 (provincial), 市级 (municipal), 市级以下 (below municipal), 无 (none)"),
        )
    };
    if let Some(l) = L::parse(t) {
        return Ok(l);
    }
    let hw = cells::half_width(t).to_lowercase();
    let word = |w: &str| -> Option<L> {
        Some(if w.contains("国家") || w == "national" {
            L::National
        } else if [
            "市级以下",
            "区级",
            "县级",
            "区县级",
            "其他",
            "其它",
            "other",
        ]
        .iter()
        .any(|x| w.contains(x))
        {
            L::Other
        } else if w.contains('省') || w == "provincial" {
            L::Provincial
        } else if w.contains('市') || w == "municipal" {
            L::Municipal
        } else if says_none(w) {
            L::NoInstitution
        } else {
            return None;
        })
    };
    let mut best: Option<L> = None;
    for w in hw
        .split(LIST_SEPARATORS)
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let l = word(w).ok_or_else(bad)?;
        best = Some(best.map_or(l, |b| b.min(l)));
    }
    best.ok_or_else(bad)
}

/// Quality-management items, one or several in a cell (`ISO9001认证、自主品牌`): 质量奖,
/// 质量管理体系认证 (ISO 9001, IATF 16949 …), 自主品牌, 参与制修订标准; `无` for none.
pub(super) fn parse_quality_items(t: &str) -> Result<Vec<QualityItem>, Msg> {
    let hw = cells::half_width(t).to_lowercase();
    if says_none(hw.trim()) {
        return Ok(Vec::new());
    }
    let item = |w: &str| -> Option<QualityItem> {
        if let Some(q) = QualityItem::parse(w) {
            return Some(q);
        }
        Some(if w.contains("质量奖") {
            QualityItem::QualityAward
        } else if ["iso", "9001", "16949", "体系", "认证", "qms"]
            .iter()
            .any(|x| w.contains(x))
        {
            QualityItem::CertifiedQms
        } else if w.contains("品牌") || w.contains("商标") {
            QualityItem::OwnBrand
        } else if w.contains("标准") {
            QualityItem::Standards
        } else {
            return None;
        })
    };
    let mut items = Vec::new();
    for w in hw
        .split(LIST_SEPARATORS)
        .flat_map(str::split_whitespace)
        .filter(|w| !w.is_empty())
    {
        let Some(q) = item(w) else {
            return Err(Msg::new(
                format!("质量管理“{w}”无法识别（应为 质量奖、质量管理体系认证、自主品牌、参与制修订标准 中的一项或几项，以“、”分隔；没有则写“无”）"),
                format!("quality-management item '{w}' is not understood (use one or more of 质量奖 (quality award), 质量管理体系认证 (certified QMS), 自主品牌 (own brand), 参与制修订标准 (standards), separated by 、; 无 for none)"),
            ));
        };
        items.push(q);
    }
    if items.is_empty() {
        return Err(Msg::new(
            format!("质量管理“{t}”无法识别"),
            format!("quality-management items '{t}' are not understood"),
        ));
    }
    items.sort();
    items.dedup();
    Ok(items)
}

/// The eight fields of 《国家重点支持的高新技术领域》 (国科发火〔2016〕32号 附件).
const HITECH_FIELDS: [&str; 8] = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
];

/// Whether the main products' technology is in a state-supported high-tech field: yes/no,
/// or the field's name (`电子信息`, `先进制造与自动化（智能装备）`), which means yes.
pub(super) fn read_hitech_field(v: &Value) -> Result<Option<bool>, Msg> {
    let yes_no = read_bool(v);
    if yes_no.is_ok() {
        return yes_no;
    }
    let t = v.display();
    if HITECH_FIELDS.iter().any(|f| t.contains(f)) {
        return Ok(Some(true));
    }
    Err(Msg::new(
        format!(
            "“{t}”应为“是”或“否”，或国家重点支持的高新技术领域之一（{}）",
            HITECH_FIELDS.join("、")
        ),
        format!(
            "'{t}' should be 是 (yes), 否 (no) or one of the state-supported high-tech fields ({})",
            HITECH_FIELDS.join(", ")
        ),
    ))
}
