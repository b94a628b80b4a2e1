//! The importable fields, their header synonyms, and reading a header cell: which field it
//! names, in which unit, for which year.

use fudao_core::model::QualificationKind;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 序号: recognised and ignored.
    Seq,
    Uscc,
    Name,
    District,
    Address,
    Industry,
    Founded,
    RegisteredCapital,
    Staff,
    TechStaff,
    HighTalents,
    Year,
    Revenue,
    /// 主营业务收入 (yearly). Also fills revenue when the sheet has no revenue column.
    MainBusinessRevenue,
    /// 总收入 = 收入总额 − 不征税收入 (yearly), the 高企 high-tech share's denominator.
    TotalIncome,
    RdExpense,
    /// 境内研发费用 (yearly), for the 高企 60 % test.
    RdExpenseDomestic,
    TotalCost,
    TotalAssets,
    Liabilities,
    NetProfit,
    HighTechRevenue,
    /// 应收票据 (bills receivable held), for bill-pledge products.
    BillsReceivable,
    InventionPatents,
    UtilityModels,
    Designs,
    SoftwareCopyrights,
    /// Other Class-I IP (new plant varieties, IC layouts, new drugs …).
    OtherClass1Ip,
    HighTech,
    TechSme,
    /// 专精特新: the cell says the level (省级 / 国家级 / 小巨人).
    Srdi,
    LittleGiant,
    Gazelle,
    Unicorn,
    SingleChampion,
    FirstLoanList,
    FirstLoanDate,
    EverBorrowed,
    Whitelist,
    ListingReserve,
    ListingBoard,
    Stage,
    /// 专精特新 score inputs (工信部企业〔2022〕63号 附件2).
    NicheYears,
    DigitalLevel,
    SrdiFeaturePoints,
    IndependentLegalPerson,
    KeyFieldProduct,
    /// 研发机构级别: 国家级 / 省级 / 市级 / 市级以下 / 无.
    RdInstitutionLevel,
    /// 质量管理: a list of quality-management items.
    QualityItems,
    HighValueClass1Ip,
    OwnClass1Ip,
    NewEquity2y,
    NationalAwardYear,
    NationalAwardRank,
    ProvincialAwardYear,
    ProvincialAwardRank,
    MakerChinaTop500Year,
    LedStandardYear,
    /// 高企 inputs: key supported field, innovation score, basic conditions.
    HitechField,
    InnovationScore,
    Resident,
    RestrictedCategory,
    SeriousIncident,
    DishonestListed,
    RdSubLedger,
    AuditedYear,
    ContactName,
    ContactPhone,
    Tags,
    Notes,
    NeedAmount,
    NeedPurpose,
    NeedTerm,
    NeedKind,
    NeedRaisedOn,
}

/// How a field's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ignore,
    Uscc,
    Text,
    District,
    Industry,
    Date,
    Amount,
    Count,
    Year,
    /// A year the firm did something (an award, a standard, an audit).
    EventYear,
    Bool,
    Qual(QualificationKind),
    RdLevel,
    QualityItems,
    Srdi,
    Stage,
    Tags,
    Phone,
    Term,
    Financing,
}

struct Spec {
    field: Field,
    key: &'static str,
    label: &'static str,
    kind: Kind,
    /// Normalised header texts. A leading `=` means "only as the whole header".
    synonyms: &'static [&'static str],
}

use Kind as K;
use QualificationKind as Q;

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec { field: Field::Seq, key: "seq", label: "序号", kind: K::Ignore,
        synonyms: &["=序号", "=序", "=no", "=no.", "=行号", "=排序", "=编号", "=id"] },
    Spec { field: Field::Uscc, key: "uscc", label: "统一社会信用代码", kind: K::Uscc,
        synonyms: &["统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "社会统一信用代码",
            "统一社会信用证代码", "统一代码", "uscc", "纳税人识别号", "=税号", "=代码",
            "企业代码"] },
    Spec { field: Field::Name, key: "name", label: "企业名称", kind: K::Text,
        synonyms: &["企业名称", "单位名称", "公司名称", "企业全称", "单位全称", "公司全称", "=名称",
            "=企业", "=单位", "=公司", "客户名称", "市场主体名称", "主体名称", "企业名",
            "=name", "申报单位", "申请单位", "纳税人名称", "=企业单位名称"] },
    Spec { field: Field::District, key: "district", label: "所属区县", kind: K::District,
        synonyms: &["所属区县", "所在区县", "=区县", "=县区", "所属区域", "所在区域", "=区域",
            "所在地区", "所属地区", "所属县区", "=属地", "=地区", "=区", "所属区", "所在区",
            "区县名称", "辖区", "所属辖区", "所属区市", "区县市"] },
    Spec { field: Field::Address, key: "address", label: "地址", kind: K::Text,
        synonyms: &["注册地址", "企业地址", "经营地址", "通讯地址", "办公地址", "详细地址", "通信地址",
            "联系地址", "生产经营地址", "=住所", "=地址", "公司地址", "单位地址"] },
    Spec { field: Field::Industry, key: "industry", label: "所属行业", kind: K::Industry,
        synonyms: &["所属行业", "=行业", "行业类别", "行业门类", "国民经济行业分类", "国民经济行业",
            "行业代码", "行业分类", "所属产业", "=产业", "行业领域", "所属领域", "=领域",
            "所在行业"] },
    Spec { field: Field::Founded, key: "founded", label: "成立日期", kind: K::Date,
        synonyms: &["成立日期", "注册日期", "成立时间", "注册时间", "设立日期", "设立时间", "成立年月",
            "成立年份", "创立时间", "成立年限"] },
    Spec { field: Field::RegisteredCapital, key: "registered_capital", label: "注册资本", kind: K::Amount,
        synonyms: &["注册资本", "注册资金", "注册资本金"] },
    Spec { field: Field::Staff, key: "staff", label: "从业人数", kind: K::Count,
        synonyms: &["从业人数", "职工总数", "员工人数", "职工人数", "从业人员", "员工总数", "在职员工",
            "在职人数", "从业人员数", "员工数", "职工数", "=人数", "参保人数", "社保人数",
            "用工人数", "企业人数", "员工数量", "年末从业人员", "从业人员总数", "职工人员", "企业员工"] },
    Spec { field: Field::TechStaff, key: "tech_staff", label: "科技人员", kind: K::Count,
        synonyms: &["科技人员", "研发人员", "科技人员数", "研发人员数", "研发人数", "科技人员总数", "技术人员",
            "研发技术人员", "科研人员"] },
    Spec { field: Field::HighTalents, key: "high_talents", label: "高层次人才", kind: K::Count,
        synonyms: &["高层次人才", "高端人才", "高层次人才数", "=博士", "博士人数"] },
    Spec { field: Field::Year, key: "year", label: "年度", kind: K::Year,
        synonyms: &["=年度", "=年份", "数据年度", "统计年度", "所属年度", "报表年度", "财务年度",
            "数据年份", "=年", "=财务数据年度"] },
    Spec { field: Field::Revenue, key: "revenue", label: "营业收入", kind: K::Amount,
        synonyms: &["营业收入", "销售收入", "=营收", "营业总收入", "=销售额", "年营业收入",
            "年销售收入", "年营收", "营业额", "年销售额", "=收入", "销售总额", "销售总收入"] },
    Spec { field: Field::MainBusinessRevenue, key: "main_business_revenue", label: "主营业务收入", kind: K::Amount,
        synonyms: &["主营业务收入", "主营收入", "主营业务营业收入", "主营业务销售收入", "主营产品收入"] },
    Spec { field: Field::TotalIncome, key: "total_income", label: "总收入", kind: K::Amount,
        synonyms: &["总收入", "企业总收入", "收入总额减不征税收入", "高企总收入"] },
    Spec { field: Field::RdExpense, key: "rd_expense", label: "研发费用", kind: K::Amount,
        synonyms: &["研发费用", "研发投入", "研发经费", "研发支出", "r&d经费", "r&d投入", "研究开发费用",
            "研发费用总额", "研发费", "科研投入"] },
    Spec { field: Field::RdExpenseDomestic, key: "rd_expense_domestic", label: "境内研发费用", kind: K::Amount,
        synonyms: &["境内研发费用", "境内研究开发费用", "境内研发投入", "境内发生的研发费用", "中国境内研发费用"] },
    Spec { field: Field::TotalCost, key: "total_cost", label: "成本费用总额", kind: K::Amount,
        synonyms: &["成本费用总额", "成本费用", "=总成本", "成本费用合计"] },
    Spec { field: Field::TotalAssets, key: "total_assets", label: "资产总额", kind: K::Amount,
        synonyms: &["资产总额", "总资产", "资产总计", "资产合计", "资产规模"] },
    Spec { field: Field::Liabilities, key: "liabilities", label: "负债总额", kind: K::Amount,
        synonyms: &["负债总额", "总负债", "负债合计", "负债总计", "=负债"] },
    Spec { field: Field::NetProfit, key: "net_profit", label: "净利润", kind: K::Amount,
        synonyms: &["净利润", "=利润", "净利润额", "税后利润"] },
    Spec { field: Field::HighTechRevenue, key: "high_tech_revenue", label: "高新技术产品（服务）收入", kind: K::Amount,
        synonyms: &["高新技术产品收入", "高新技术产品服务收入", "高新收入", "高品收入"] },
    Spec { field: Field::BillsReceivable, key: "bills_receivable", label: "应收票据", kind: K::Amount,
        synonyms: &["应收票据", "持有票据", "承兑汇票", "银行承兑汇票", "商业承兑汇票", "应收票据余额",
            "持有承兑汇票"] },
    Spec { field: Field::InventionPatents, key: "invention_patents", label: "发明专利", kind: K::Count,
        synonyms: &["发明专利", "发明专利数", "授权发明专利", "有效发明专利", "发明专利授权数", "=发明",
            "发明专利数量"] },
    Spec { field: Field::UtilityModels, key: "utility_models", label: "实用新型", kind: K::Count,
        synonyms: &["实用新型", "实用新型专利", "=实用新型数"] },
    Spec { field: Field::Designs, key: "designs", label: "外观设计", kind: K::Count,
        synonyms: &["外观设计", "外观设计专利", "外观专利", "=外观"] },
    Spec { field: Field::SoftwareCopyrights, key: "software_copyrights", label: "软件著作权", kind: K::Count,
        synonyms: &["软件著作权", "=软著", "软著数", "软件著作", "计算机软件著作权", "=著作权", "软著数量"] },
    Spec { field: Field::OtherClass1Ip, key: "other_class1_ip", label: "其他Ⅰ类知识产权", kind: K::Count,
        synonyms: &["其他ⅰ类知识产权", "其他i类知识产权", "其他一类知识产权", "其它ⅰ类知识产权", "其它一类知识产权"] },
    Spec { field: Field::HighTech, key: "q.high_tech", label: "高新技术企业", kind: K::Qual(Q::HighTech),
        synonyms: &["高新技术企业", "高企", "国家高新技术企业", "高企认定", "高新技术企业认定", "高企证书编号",
            "高新技术企业证书编号", "高企认定时间", "高企认定日期", "高新技术企业认定时间",
            "高新技术企业认定日期"] },
    Spec { field: Field::TechSme, key: "q.tech_sme", label: "科技型中小企业", kind: K::Qual(Q::TechSme),
        synonyms: &["科技型中小企业", "=科小", "科技型中小企业入库编号", "入库编号", "科技型中小企业编号",
            "科技型企业", "科技型中小企业评价", "科技型中小企业登记编号", "科小入库"] },
    Spec { field: Field::Srdi, key: "q.srdi", label: "专精特新", kind: K::Srdi,
        synonyms: &["专精特新", "专精特新企业", "专精特新中小企业", "专精特新级别", "专精特新等级", "专精特新认定"] },
    Spec { field: Field::LittleGiant, key: "q.srdi_little_giant", label: "专精特新“小巨人”", kind: K::Qual(Q::SrdiLittleGiant),
        synonyms: &["小巨人", "专精特新小巨人", "国家级专精特新小巨人", "小巨人企业"] },
    Spec { field: Field::Gazelle, key: "q.gazelle", label: "瞪羚企业", kind: K::Qual(Q::Gazelle),
        synonyms: &["瞪羚", "瞪羚企业"] },
    Spec { field: Field::Unicorn, key: "q.unicorn", label: "独角兽企业", kind: K::Qual(Q::Unicorn),
        synonyms: &["独角兽", "独角兽企业"] },
    Spec { field: Field::SingleChampion, key: "q.single_champion", label: "制造业单项冠军", kind: K::Qual(Q::SingleChampion),
        synonyms: &["单项冠军", "制造业单项冠军"] },
    Spec { field: Field::FirstLoanList, key: "first_loan_list", label: "首贷培植名单", kind: K::Bool,
        synonyms: &["首贷培植", "首贷培植名单", "=首贷", "首贷户", "首贷企业", "首贷培育", "首贷名单",
            "首贷培植企业"] },
    Spec { field: Field::FirstLoanDate, key: "first_loan_date", label: "首贷日期", kind: K::Date,
        synonyms: &["首贷日期", "首贷时间", "首次贷款日期", "首贷放款日期", "首贷获得日期"] },
    Spec { field: Field::EverBorrowed, key: "ever_borrowed", label: "是否有贷款记录", kind: K::Bool,
        synonyms: &["=贷款", "贷款记录", "有贷款记录", "银行贷款", "=有贷款", "信贷记录", "=曾获贷款",
            "贷款经历", "银行贷款记录"] },
    Spec { field: Field::Whitelist, key: "whitelist", label: "白名单", kind: K::Bool,
        synonyms: &["白名单", "白名单企业", "预授信"] },
    Spec { field: Field::ListingReserve, key: "listing_reserve", label: "上市后备企业", kind: K::Bool,
        synonyms: &["上市后备", "上市后备企业", "上市后备库", "=后备企业", "拟上市企业", "上市后备资源"] },
    Spec { field: Field::ListingBoard, key: "listing_board", label: "拟上市板块", kind: K::Text,
        synonyms: &["拟上市板块", "上市板块", "拟上市地", "目标板块", "上市计划板块", "拟上市市场"] },
    Spec { field: Field::Stage, key: "stage", label: "发展阶段", kind: K::Stage,
        synonyms: &["发展阶段", "企业阶段", "=阶段", "所处阶段", "生命周期", "企业发展阶段"] },
    Spec { field: Field::NicheYears, key: "niche_years", label: "从事细分市场年限", kind: K::Count,
        synonyms: &["细分市场年限", "从事细分市场年限", "从事特定细分市场时间", "细分市场时间", "深耕细分市场年限"] },
    Spec { field: Field::DigitalLevel, key: "digital_level", label: "数字化水平等级", kind: K::Count,
        synonyms: &["数字化水平", "数字化水平等级", "数字化等级", "数字化转型等级", "数字化转型水平"] },
    Spec { field: Field::SrdiFeaturePoints, key: "srdi_feature_points", label: "特色化指标得分", kind: K::Count,
        synonyms: &["特色化指标", "特色化指标得分", "特色化得分", "特色化分值"] },
    Spec { field: Field::IndependentLegalPerson, key: "independent_legal_person", label: "具有独立法人资格", kind: K::Bool,
        synonyms: &["独立法人资格", "独立法人", "是否独立法人"] },
    Spec { field: Field::KeyFieldProduct, key: "key_field_product", label: "主导产品属于关键领域", kind: K::Bool,
        synonyms: &["关键领域", "主导产品所属领域", "补短板", "工业六基", "产业链关键"] },
    Spec { field: Field::RdInstitutionLevel, key: "rd_institution_level", label: "研发机构级别", kind: K::RdLevel,
        synonyms: &["研发机构级别", "研发机构等级", "=研发机构", "研发平台级别", "=研发平台", "研发中心级别",
            "技术中心级别", "研发机构层级"] },
    Spec { field: Field::QualityItems, key: "quality_items", label: "质量管理", kind: K::QualityItems,
        synonyms: &["=质量管理", "质量管理水平", "质量管理项目", "质量管理情况", "质量管理事项", "质量管理体系及品牌"] },
    Spec { field: Field::HighValueClass1Ip, key: "high_value_class1_ip", label: "拥有高价值Ⅰ类知识产权", kind: K::Bool,
        synonyms: &["高价值ⅰ类知识产权", "高价值i类知识产权", "高价值一类知识产权", "高价值知识产权", "高价值发明专利"] },
    Spec { field: Field::OwnClass1Ip, key: "own_class1_ip", label: "拥有自主研发Ⅰ类知识产权", kind: K::Bool,
        synonyms: &["自主研发ⅰ类知识产权", "自主研发i类知识产权", "自主研发一类知识产权", "自主研发的ⅰ类知识产权",
            "自主研发的一类知识产权"] },
    Spec { field: Field::NewEquity2y, key: "new_equity_2y", label: "近两年新增股权融资", kind: K::Amount,
        synonyms: &["近两年新增股权融资", "近2年新增股权融资", "新增股权融资", "新增股权融资额", "近两年股权融资额",
            "近两年股权融资"] },
    Spec { field: Field::NationalAwardYear, key: "national_award_year", label: "国家科技奖获奖年度", kind: K::EventYear,
        synonyms: &["国家科技奖获奖年度", "国家级科技奖获奖年度", "国家科技奖年度", "国家科学技术奖获奖年度",
            "国家科技奖获奖年份", "国家科技奖获奖时间"] },
    Spec { field: Field::NationalAwardRank, key: "national_award_rank", label: "国家科技奖排名", kind: K::Count,
        synonyms: &["国家科技奖排名", "国家科技奖获奖排名", "国家科技奖单位排名", "国家科学技术奖排名"] },
    Spec { field: Field::ProvincialAwardYear, key: "provincial_award_year", label: "省级科技奖获奖年度", kind: K::EventYear,
        synonyms: &["省级科技奖获奖年度", "省科技奖获奖年度", "省级科技奖年度", "省科学技术奖获奖年度",
            "省级科技奖获奖年份", "省级科技奖获奖时间"] },
    Spec { field: Field::ProvincialAwardRank, key: "provincial_award_rank", label: "省级科技奖排名", kind: K::Count,
        synonyms: &["省级科技奖排名", "省科技奖排名", "省级科技奖获奖排名", "省级科技奖单位排名", "省科学技术奖排名"] },
    Spec { field: Field::MakerChinaTop500Year, key: "maker_china_top500_year", label: "创客中国500强年度", kind: K::EventYear,
        synonyms: &["创客中国500强年度", "创客中国五百强年度", "创客中国500强", "创客中国全国500强",
            "创客中国大赛500强", "创客中国500强获奖年度"] },
    Spec { field: Field::LedStandardYear, key: "led_standard_year", label: "主导制定标准年度", kind: K::EventYear,
        synonyms: &["主导制定标准年度", "主导制定标准年份", "主导制修订标准年度", "牵头制定标准年度", "主导制定标准时间"] },
    Spec { field: Field::HitechField, key: "hitech_field", label: "属于国家重点支持的高新技术领域", kind: K::Bool,
        synonyms: &["国家重点支持的高新技术领域", "重点支持的高新技术领域", "属于高新技术领域", "=高新技术领域",
            "所属高新技术领域", "高新技术领域类别"] },
    Spec { field: Field::InnovationScore, key: "innovation_score", label: "高企创新能力评价得分", kind: K::Count,
        synonyms: &["创新能力评价得分", "高企创新能力评价得分", "创新能力评价", "创新能力得分", "高企自评得分",
            "高企评价得分"] },
    Spec { field: Field::Resident, key: "resident", label: "居民企业", kind: K::Bool,
        synonyms: &["居民企业", "境内注册居民企业"] },
    Spec { field: Field::RestrictedCategory, key: "restricted_category", label: "属于限制类或淘汰类", kind: K::Bool,
        synonyms: &["限制类或淘汰类", "限制类淘汰类", "属于限制类或淘汰类", "限制类", "淘汰类"] },
    Spec { field: Field::SeriousIncident, key: "serious_incident", label: "发生重大安全、质量、环境事故", kind: K::Bool,
        synonyms: &["重大安全质量环境事故", "发生重大安全质量环境事故", "重大事故", "重大安全事故",
            "重大安全质量事故"] },
    Spec { field: Field::DishonestListed, key: "dishonest_listed", label: "列入经营异常名录或严重失信名单", kind: K::Bool,
        synonyms: &["列入经营异常名录或严重失信名单", "经营异常名录或严重失信", "严重失信", "失信被执行人",
            "经营异常名录", "失信名单"] },
    Spec { field: Field::RdSubLedger, key: "rd_sub_ledger", label: "研发费用辅助账", kind: K::Bool,
        synonyms: &["研发费用辅助账", "研发辅助账", "建立研发费用辅助账", "研发费用辅助核算"] },
    Spec { field: Field::AuditedYear, key: "audited_year", label: "最近审计年度", kind: K::EventYear,
        synonyms: &["最近审计年度", "审计年度", "财务审计年度", "最近审计报告年度", "审计报告年度"] },
    Spec { field: Field::ContactName, key: "contact_name", label: "联系人", kind: K::Text,
        synonyms: &["=联系人", "联系人姓名", "企业联系人", "联系人员", "=对接人", "=负责人", "企业负责人",
            "法定代表人", "法人代表", "=法人", "法人姓名"] },
    Spec { field: Field::ContactPhone, key: "contact_phone", label: "联系电话", kind: K::Phone,
        synonyms: &["联系电话", "联系方式", "=手机", "=电话", "手机号", "手机号码", "联系人电话",
            "联系人手机", "联系手机", "固定电话", "办公电话", "电话号码", "负责人电话", "法人电话",
            "法定代表人电话", "联系人联系方式", "联系人手机号", "联系人及电话"] },
    Spec { field: Field::Tags, key: "tags", label: "标签", kind: K::Tags,
        synonyms: &["=标签", "企业标签", "特色标签", "=标记"] },
    Spec { field: Field::Notes, key: "notes", label: "备注", kind: K::Text,
        synonyms: &["=备注", "=说明", "备注说明", "其他说明", "=情况说明", "其他情况"] },
    Spec { field: Field::NeedAmount, key: "need_amount", label: "融资需求", kind: K::Amount,
        synonyms: &["融资需求", "融资金额", "融资需求金额", "需求金额", "拟融资金额", "资金需求",
            "融资需求额度", "融资额度", "融资规模", "资金缺口", "融资需求额", "意向融资金额",
            "贷款需求", "贷款需求金额", "需求额度", "计划融资金额", "申请金额", "拟贷款金额",
            "预计融资金额", "拟融资额", "融资需求规模"] },
    Spec { field: Field::NeedPurpose, key: "need_purpose", label: "融资用途", kind: K::Text,
        synonyms: &["融资用途", "资金用途", "用途", "借款用途", "贷款用途", "需求用途", "融资需求用途",
            "资金使用用途", "用途说明"] },
    Spec { field: Field::NeedTerm, key: "need_term_months", label: "融资期限", kind: K::Term,
        synonyms: &["融资期限", "期限", "借款期限", "贷款期限", "需求期限", "融资需求期限", "使用期限",
            "资金使用期限"] },
    Spec { field: Field::NeedKind, key: "need_kind", label: "融资方式", kind: K::Financing,
        synonyms: &["融资方式", "融资类型", "融资需求类型", "融资需求方式", "融资品种", "融资渠道", "需求类型",
            "融资产品类型", "融资形式"] },
    Spec { field: Field::NeedRaisedOn, key: "need_raised_on", label: "需求提出日期", kind: K::Date,
        synonyms: &["需求提出日期", "提出日期", "需求日期", "需求登记日期", "提出时间", "需求提出时间"] },
];

impl Field {
    fn spec(self) -> &'static Spec {
        // SPECS lists the fields in declaration order (checked by a test).
        &SPECS[self as usize]
    }
    /// The key used in [`fudao_core::patch::ImportRow::headers`].
    pub fn key(self) -> &'static str {
        self.spec().key
    }
    /// The canonical Chinese header, as used by the export.
    pub fn label_zh(self) -> &'static str {
        self.spec().label
    }
    /// The field by its [`key`](Field::key) (`staff`, `q.high_tech`, `need_term_months`);
    /// surrounding spaces and case are ignored.
    pub fn from_key(key: &str) -> Option<Field> {
        let key = key.trim();
        SPECS
            .iter()
            .find(|s| s.key.eq_ignore_ascii_case(key))
            .map(|s| s.field)
    }
    /// Every field, in declaration order.
    pub fn all() -> impl Iterator<Item = Field> {
        SPECS.iter().map(|s| s.field)
    }
    /// The fields a user may assign to a column (every field but 序号), in declaration
    /// order: the choices of a column mapping.
    pub fn mappable() -> impl Iterator<Item = Field> {
        Field::all().filter(|f| *f != Field::Seq)
    }
    /// The field's name in English, for the UI and messages.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::Seq => "Row number",
            Field::Uscc => "Unified social credit code (USCC)",
            Field::Name => "Firm name",
            Field::District => "District",
            Field::Address => "Address",
            Field::Industry => "Industry",
            Field::Founded => "Founded",
            Field::RegisteredCapital => "Registered capital",
            Field::Staff => "Staff",
            Field::TechStaff => "Tech staff",
            Field::HighTalents => "High-level talents",
            Field::Year => "Financial year",
            Field::Revenue => "Revenue",
            Field::MainBusinessRevenue => "Main-business revenue",
            Field::TotalIncome => "Total income (收入总额 − 不征税收入)",
            Field::RdExpense => "R&D expense",
            Field::RdExpenseDomestic => "R&D expense in China",
            Field::TotalCost => "Total cost",
            Field::TotalAssets => "Total assets",
            Field::Liabilities => "Liabilities",
            Field::NetProfit => "Net profit",
            Field::HighTechRevenue => "High-tech product revenue",
            Field::BillsReceivable => "Bills receivable",
            Field::InventionPatents => "Invention patents",
            Field::UtilityModels => "Utility models",
            Field::Designs => "Design patents",
            Field::SoftwareCopyrights => "Software copyrights",
            Field::OtherClass1Ip => "Other Class-I IP",
            Field::HighTech => "High-tech enterprise",
            Field::TechSme => "Tech-based SME",
            Field::Srdi => "SRDI (专精特新) level",
            Field::LittleGiant => "SRDI \"little giant\"",
            Field::Gazelle => "Gazelle enterprise",
            Field::Unicorn => "Unicorn",
            Field::SingleChampion => "Single-product champion",
            Field::FirstLoanList => "First-loan cultivation list",
            Field::FirstLoanDate => "First loan date",
            Field::EverBorrowed => "Has borrowed before",
            Field::Whitelist => "Whitelist",
            Field::ListingReserve => "Listing reserve",
            Field::ListingBoard => "Target listing board",
            Field::Stage => "Lifecycle stage",
            Field::NicheYears => "Years in the niche market",
            Field::DigitalLevel => "Digital-transformation level (1–4)",
            Field::SrdiFeaturePoints => "专精特新 特色化 points (0–15)",
            Field::IndependentLegalPerson => "Independent legal person",
            Field::KeyFieldProduct => "Main product in a key field",
            Field::RdInstitutionLevel => "R&D institution level",
            Field::QualityItems => "Quality-management items",
            Field::HighValueClass1Ip => "Holds high-value Class-I IP",
            Field::OwnClass1Ip => "Holds self-developed Class-I IP",
            Field::NewEquity2y => "New equity financing, last two years",
            Field::NationalAwardYear => "National S&T award year",
            Field::NationalAwardRank => "National S&T award rank",
            Field::ProvincialAwardYear => "Provincial S&T award year",
            Field::ProvincialAwardRank => "Provincial S&T award rank",
            Field::MakerChinaTop500Year => "创客中国 top-500 year",
            Field::LedStandardYear => "Year it led a standard",
            Field::HitechField => "In a state-supported high-tech field",
            Field::InnovationScore => "高企 innovation score (0–100)",
            Field::Resident => "Resident enterprise",
            Field::RestrictedCategory => "Restricted or phase-out category",
            Field::SeriousIncident => "Serious safety, quality or environmental incident",
            Field::DishonestListed => "On the abnormal-operation or dishonesty list",
            Field::RdSubLedger => "Keeps an R&D sub-ledger",
            Field::AuditedYear => "Latest audited year",
            Field::ContactName => "Contact",
            Field::ContactPhone => "Contact phone",
            Field::Tags => "Tags",
            Field::Notes => "Notes",
            Field::NeedAmount => "Financing need amount",
            Field::NeedPurpose => "Financing purpose",
            Field::NeedTerm => "Financing term",
            Field::NeedKind => "Financing kind",
            Field::NeedRaisedOn => "Need raised on",
        }
    }
    pub(crate) fn kind(self) -> Kind {
        self.spec().kind
    }
    /// Cells of this field may be filled down from a vertically merged cell. Identity,
    /// amounts and counts never are (a merged amount is a group total, not each row's).
    pub(crate) fn fills_down(self) -> bool {
        !matches!(
            self.kind(),
            K::Uscc | K::Amount | K::Count | K::Ignore | K::Phone
        ) && self != Field::Name
    }
    pub(crate) fn is_figure(self) -> bool {
        matches!(
            self,
            Field::Revenue
                | Field::MainBusinessRevenue
                | Field::TotalIncome
                | Field::RdExpense
                | Field::RdExpenseDomestic
                | Field::TotalCost
                | Field::TotalAssets
                | Field::Liabilities
                | Field::NetProfit
                | Field::HighTechRevenue
                | Field::BillsReceivable
        )
    }
    fn is_need(self) -> bool {
        matches!(
            self,
            Field::NeedAmount
                | Field::NeedPurpose
                | Field::NeedTerm
                | Field::NeedKind
                | Field::NeedRaisedOn
        )
    }
}

/// The unit a header states for its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Yuan,
    Thousand,
    Wan,
    Yi,
    Months,
    Years,
}

impl Unit {
    pub fn label_zh(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Thousand => "千元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
            Unit::Months => "月",
            Unit::Years => "年",
        }
    }
}

/// Finds a unit named in text: `万元`, `(元)`, `单位：亿元`, `（月）`.
pub(crate) fn unit_in(text: &str, brackets_only: bool) -> Option<Unit> {
    let money = |s: &str| {
        if s.contains("亿元") || s == "亿" {
            Some(Unit::Yi)
        } else if s.contains("千元") {
            Some(Unit::Thousand)
        } else if s.contains("万元") || s == "万" || s.contains("万人民币") {
            Some(Unit::Wan)
        } else if s.contains("元") {
            Some(Unit::Yuan)
        } else if s == "月" || s == "个月" || s.ends_with("个月") || s == "月数" {
            Some(Unit::Months)
        } else if s == "年" || s == "年限" {
            Some(Unit::Years)
        } else {
            None
        }
    };
    for inner in bracketed(text) {
        let inner = inner
            .trim_start_matches("单位")
            .trim_start_matches([':', '：'])
            .trim();
        if let Some(u) = money(inner) {
            return Some(u);
        }
    }
    if brackets_only {
        return None;
    }
    if let Some(i) = text.find("单位") {
        let rest = text[i + "单位".len()..].trim_start_matches([':', '：', ' ', '为']);
        let word: String = rest.chars().take(4).collect();
        for (w, u) in [
            ("亿元", Unit::Yi),
            ("千元", Unit::Thousand),
            ("万元", Unit::Wan),
            ("元", Unit::Yuan),
        ] {
            if word.starts_with(w) {
                return Some(u);
            }
        }
    }
    None
}

/// The contents of (…) brackets of any kind.
fn bracketed(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' | '[' | '【' | '〔' | '［' | '<' | '《' => {
                start = Some(i + c.len_utf8())
            }
            ')' | '）' | ']' | '】' | '〕' | '］' | '>' | '》' => {
                if let Some(s) = start.take() {
                    out.push(text[s..i].trim());
                }
            }
            _ => {}
        }
    }
    out
}

/// A header cell reduced for matching: half-width, no spaces or markers, no bracketed parts,
/// no year, no leading 是否/有无 or numbering, no trailing unit words.
pub(crate) fn normalize_header(h: &str) -> String {
    let hw = fudao_core::text::to_half_width(h);
    let hw = strip_numbering(&hw);
    let mut s = String::with_capacity(hw.len());
    let mut depth = 0usize;
    for c in hw.chars() {
        match c {
            '(' | '（' | '[' | '【' | '〔' | '［' | '《' | '<' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' | '］' | '》' | '>' => {
                depth = depth.saturating_sub(1)
            }
            _ if depth > 0 => {}
            c if c.is_whitespace() => {}
            '*' | '★' | '☆' | '※' | '"' | '“' | '”' | '\'' | '‘' | '’' | ':' | '：' | '_'
            | '、' => {}
            c => s.extend(c.to_lowercase()),
        }
    }
    let s = strip_year(&s);
    let mut s = s.as_str();
    for p in ["是否为", "是否属于", "是否", "有无", "是不是"] {
        if let Some(rest) = s.strip_prefix(p) {
            if !rest.is_empty() {
                s = rest;
                break;
            }
        }
    }
    for suffix in ["亿元", "千元", "万元", "单位万元"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            if !rest.is_empty() {
                s = rest;
            }
        }
    }
    if let Some(rest) = s.strip_suffix('元') {
        if rest.chars().count() >= 2 {
            s = rest;
        }
    }
    for suffix in ["情况", "(万元)"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            if rest.chars().count() >= 2 {
                s = rest;
            }
        }
    }
    s.to_string()
}

/// Removes leading numbering: `1.`, `12、`, `(3)`, `一、`, `十二.`.
fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start();
    let t2 = t.trim_start_matches(['(', '（']);
    let digits = t2
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .count();
    if digits == 0 || digits > 3 {
        return t;
    }
    let rest: &str = &t2[t2.char_indices().nth(digits).map_or(t2.len(), |(i, _)| i)..];
    match rest.chars().next() {
        Some(c @ ('.' | '、' | ')' | '）' | '．')) => &rest[c.len_utf8()..],
        _ => t,
    }
}

/// Removes a 4-digit year and its 年/年度/年末 suffix (`2024年营业收入` → `营业收入`).
fn strip_year(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let is_year = i + 4 <= chars.len()
            && chars[i..i + 4].iter().all(char::is_ascii_digit)
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            && matches!(chars[i], '1' | '2');
        if is_year {
            i += 4;
            for suffix in ["年度", "年末", "年底", "年"] {
                let sc: Vec<char> = suffix.chars().collect();
                if chars.len() >= i + sc.len() && chars[i..i + sc.len()] == sc[..] {
                    i += sc.len();
                    break;
                }
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

const RATIO_WORDS: &[&str] = &[
    "率", "占比", "比例", "比重", "增长", "增速", "增幅", "同比", "环比", "人均",
];
const FORECAST_WORDS: &[&str] = &["预计", "预测", "目标", "计划"];

struct Index {
    exact: HashMap<&'static str, (Field, usize)>,
    partial: Vec<(&'static str, Field, usize)>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact = HashMap::new();
        let mut partial = Vec::new();
        for spec in SPECS {
            for (i, syn) in spec.synonyms.iter().enumerate() {
                let bare = syn.trim_start_matches('=');
                exact.entry(bare).or_insert((spec.field, i));
                if !syn.starts_with('=') {
                    partial.push((bare, spec.field, i));
                }
            }
        }
        Index { exact, partial }
    })
}

/// How well a header names a field: exact synonym, synonym as suffix, synonym inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Quality {
    Contains = 1,
    Suffix = 2,
    Exact = 3,
}

/// The field a normalised header names, with the match quality and a rank for tie-breaking
/// between columns naming the same field (higher is better).
pub(crate) fn match_header(norm: &str) -> Option<(Field, Quality, usize)> {
    if norm.is_empty() {
        return None;
    }
    let idx = index();
    if let Some(&(f, i)) = idx.exact.get(norm) {
        return Some((f, Quality::Exact, 1000 - i));
    }
    let ratio = RATIO_WORDS.iter().any(|w| norm.contains(w));
    let forecast = FORECAST_WORDS.iter().any(|w| norm.contains(w));
    let mut best: Option<(Field, Quality, usize)> = None;
    let mut best_key = (Quality::Contains, 0usize);
    for &(syn, field, i) in &idx.partial {
        if !norm.contains(syn) {
            continue;
        }
        if ratio || (forecast && !field.is_need()) {
            continue;
        }
        let q = if norm.ends_with(syn) {
            Quality::Suffix
        } else {
            Quality::Contains
        };
        let key = (q, syn.chars().count());
        if best.is_none() || key > best_key {
            best_key = key;
            best = Some((field, q, syn.chars().count() * 10 + (100 - i.min(99)) / 10));
        }
    }
    best
}

/// The field a column header names, as the importer reads it (`注册资本（万元）` → registered capital).
pub fn field_of_header(text: &str) -> Option<Field> {
    match_header(&normalize_header(text)).map(|(f, _, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_in_field_order() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.field as usize, i, "{:?}", s.field);
        }
        assert_eq!(Field::NeedRaisedOn as usize + 1, SPECS.len());
    }

    #[test]
    fn keys_parse_back_and_labels_exist() {
        for f in Field::all() {
            assert_eq!(Field::from_key(f.key()), Some(f), "{}", f.key());
            assert!(!f.label_en().is_empty() && !f.label_zh().is_empty());
        }
        assert_eq!(Field::from_key(" Staff "), Some(Field::Staff));
        assert_eq!(Field::from_key("q.high_tech"), Some(Field::HighTech));
        assert_eq!(Field::from_key("staf"), None);
        assert_eq!(Field::from_key(""), None);
        let m: Vec<Field> = Field::mappable().collect();
        assert!(!m.contains(&Field::Seq));
        assert_eq!(m.len(), SPECS.len() - 1);
        // Keys are unique (a key names one field).
        let keys: std::collections::BTreeSet<&str> = Field::all().map(Field::key).collect();
        assert_eq!(keys.len(), SPECS.len());
    }

    #[test]
    fn synonyms_and_units() {
        let cases = [
            ("企业名称", Field::Name),
            ("单位名称（盖章）", Field::Name),
            ("* 统一社会信用代码", Field::Uscc),
            ("社会信用代码", Field::Uscc),
            ("USCC", Field::Uscc),
            ("注册资本（万元）", Field::RegisteredCapital),
            ("注册资本(元)", Field::RegisteredCapital),
            ("从业人数\n（人）", Field::Staff),
            ("研发人员数", Field::TechStaff),
            ("主营业务收入", Field::MainBusinessRevenue),
            ("2024年主营业务收入（万元）", Field::MainBusinessRevenue),
            ("主营收入", Field::MainBusinessRevenue),
            ("营业总收入", Field::Revenue),
            ("总收入（收入总额-不征税收入）", Field::TotalIncome),
            ("境内研发费用（万元）", Field::RdExpenseDomestic),
            ("研发机构级别", Field::RdInstitutionLevel),
            ("质量管理水平", Field::QualityItems),
            ("是否拥有高价值Ⅰ类知识产权", Field::HighValueClass1Ip),
            ("自主研发Ⅰ类知识产权", Field::OwnClass1Ip),
            ("其他Ⅰ类知识产权", Field::OtherClass1Ip),
            ("近两年新增股权融资（万元）", Field::NewEquity2y),
            ("国家科技奖获奖年度", Field::NationalAwardYear),
            ("省级科技奖排名", Field::ProvincialAwardRank),
            ("创客中国500强年度", Field::MakerChinaTop500Year),
            ("是否属于国家重点支持的高新技术领域", Field::HitechField),
            ("是否建立研发费用辅助账", Field::RdSubLedger),
            ("最近审计年度", Field::AuditedYear),
            ("2023年营业收入（万元）", Field::Revenue),
            ("研发投入", Field::RdExpense),
            ("总资产", Field::TotalAssets),
            ("是否高新技术企业", Field::HighTech),
            ("高企认定时间", Field::HighTech),
            ("科技型中小企业入库编号", Field::TechSme),
            ("专精特新", Field::Srdi),
            ("专精特新“小巨人”", Field::LittleGiant),
            ("是否首贷", Field::FirstLoanList),
            ("融资需求（万元）", Field::NeedAmount),
            ("融资需求用途", Field::NeedPurpose),
            ("融资期限（月）", Field::NeedTerm),
            ("联系人电话", Field::ContactPhone),
            ("企业联系人", Field::ContactName),
            ("所在区域", Field::District),
            ("区（县）", Field::District),
            ("年度", Field::Year),
            ("序号", Field::Seq),
            ("一、企业名称", Field::Name),
            ("3.注册资本(万元)", Field::RegisteredCapital),
            ("（12）研发投入", Field::RdExpense),
            ("应收票据（万元）", Field::BillsReceivable),
            ("2025年末持有银行承兑汇票", Field::BillsReceivable),
        ];
        for (h, f) in cases {
            assert_eq!(field_of_header(h), Some(f), "{h}");
        }
        for h in [
            "2023年",
            "营业收入增长率",
            "资产负债率",
            "研发费用占比",
            "产品名称",
            "预计营业收入",
            "净资产",
        ] {
            assert_eq!(field_of_header(h), None, "{h}");
        }
        assert_eq!(unit_in("注册资本（万元）", false), Some(Unit::Wan));
        assert_eq!(unit_in("注册资本(元)", false), Some(Unit::Yuan));
        assert_eq!(unit_in("营业收入【亿元】", false), Some(Unit::Yi));
        assert_eq!(unit_in("期限（月）", false), Some(Unit::Months));
        assert_eq!(unit_in("期限(年)", false), Some(Unit::Years));
        assert_eq!(unit_in("金额单位：万元", false), Some(Unit::Wan));
        assert_eq!(unit_in("（单位：元）", true), Some(Unit::Yuan));
        assert_eq!(unit_in("企业名称（盖章）", false), None);
    }
}
