//! Reference tables: Jinan's districts (GB/T 2260) and the sections of GB/T 4754-2017.

/// Jinan's county-level divisions: (GB/T 2260 code, name).
pub const JINAN_DISTRICTS: &[(&str, &str)] = &[
    ("370102", "历下区"),
    ("370103", "市中区"),
    ("370104", "槐荫区"),
    ("370105", "天桥区"),
    ("370112", "历城区"),
    ("370113", "长清区"),
    ("370114", "章丘区"),
    ("370115", "济阳区"),
    ("370116", "莱芜区"),
    ("370117", "钢城区"),
    ("370124", "平阴县"),
    ("370126", "商河县"),
];

pub fn district_name(code: &str) -> Option<&'static str> {
    JINAN_DISTRICTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// Finds a district by code, full name or short name (`历下`, `历下区`, `370102`).
pub fn district_code(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    JINAN_DISTRICTS
        .iter()
        .find(|(c, n)| {
            *c == t || *n == t || n.trim_end_matches(['区', '县']) == t || t.ends_with(n)
        })
        .map(|(c, _)| *c)
}

/// GB/T 4754-2017 sections: (letter, Chinese name, English name).
pub const INDUSTRY_SECTIONS: &[(&str, &str, &str)] = &[
    (
        "A",
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
    ),
    ("B", "采矿业", "Mining"),
    ("C", "制造业", "Manufacturing"),
    (
        "D",
        "电力、热力、燃气及水生产和供应业",
        "Electricity, heat, gas and water",
    ),
    ("E", "建筑业", "Construction"),
    ("F", "批发和零售业", "Wholesale and retail"),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and post"),
    ("H", "住宿和餐饮业", "Accommodation and catering"),
    (
        "I",
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and IT services",
    ),
    ("J", "金融业", "Finance"),
    ("K", "房地产业", "Real estate"),
    ("L", "租赁和商务服务业", "Leasing and business services"),
    (
        "M",
        "科学研究和技术服务业",
        "Scientific research and technical services",
    ),
    (
        "N",
        "水利、环境和公共设施管理业",
        "Water, environment and public facilities",
    ),
    (
        "O",
        "居民服务、修理和其他服务业",
        "Resident, repair and other services",
    ),
    ("P", "教育", "Education"),
    ("Q", "卫生和社会工作", "Health and social work"),
    (
        "R",
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
    ),
    (
        "S",
        "公共管理、社会保障和社会组织",
        "Public administration and social organisations",
    ),
    ("T", "国际组织", "International organisations"),
];

/// The section letter of an industry code such as `C3911`, `I65` or `M`.
pub fn industry_section(code: &str) -> Option<&'static str> {
    let first = code.trim().chars().next()?.to_ascii_uppercase();
    INDUSTRY_SECTIONS
        .iter()
        .find(|(l, _, _)| l.starts_with(first))
        .map(|(l, _, _)| *l)
}

/// Finds a section by letter, code or Chinese name (`制造业`, `C`, `C3911`).
pub fn industry_from_text(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return industry_section(t);
    }
    INDUSTRY_SECTIONS
        .iter()
        .find(|(_, zh, _)| {
            *zh == t || zh.replace('、', "") == t.replace('、', "") || t.contains(zh)
        })
        .map(|(l, _, _)| *l)
}

pub fn industry_name(code: &str) -> Option<&'static str> {
    let s = industry_section(code)?;
    INDUSTRY_SECTIONS
        .iter()
        .find(|(l, _, _)| *l == s)
        .map(|(_, zh, _)| *zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts() {
        assert_eq!(district_code("历下"), Some("370102"));
        assert_eq!(district_code("济南市历城区"), Some("370112"));
        assert_eq!(district_name("370126"), Some("商河县"));
        assert_eq!(district_code("海淀区"), None);
    }

    #[test]
    fn industries() {
        assert_eq!(industry_section("c3911"), Some("C"));
        assert_eq!(industry_from_text("科学研究和技术服务业"), Some("M"));
        assert_eq!(industry_name("I65"), Some("信息传输、软件和信息技术服务业"));
        assert_eq!(industry_section("Z1"), None);
    }
}
