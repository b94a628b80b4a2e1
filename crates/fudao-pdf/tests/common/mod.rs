//! A realistic 一企一策 plan document, shared by the tests and the benchmark.
#![allow(dead_code)]

use chrono::NaiveDate;
use fudao_core::doc::*;

pub const FIRM: &str = "济南华睿智能装备科技股份有限公司";
pub const USCC: &str = "91370100MA3C5G7X1K";

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

/// A plan with `needs` rows in the needs register (8 gives ≈ 4 pages; 35 tests page splits).
pub fn plan(needs: usize) -> Document {
    let mut meta = DocMeta::new(
        format!("一企一策融资服务方案 — {FIRM}"),
        "JN-2026-0815 v2",
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    );
    meta.author = "历下区科技金融辅导第三队".into();
    meta.subject = "金融辅导 一企一策".into();
    meta.header_right = FIRM.into();
    let mut d = Document::new(meta);

    d.push(Block::Title(TitleBlock {
        title: "一企一策融资服务方案".into(),
        subtitle: Some("济南市科创金融改革试验区 · 金融辅导员制度".into()),
        lines: vec![
            KeyValue::new("企业名称", FIRM),
            KeyValue::new("统一社会信用代码", USCC),
            KeyValue::new("辅导队 / 辅导员", "历下区科技金融辅导第三队 / 王晓明、李婷"),
            KeyValue::new("方案版本", "第 2 版（已确认）"),
            KeyValue::new("编制日期", "2026年11月26日"),
        ],
    }));

    d.push(Block::heading(1, "一、企业概况"));
    d.push(Block::KeyValueGrid {
        columns: 2,
        pairs: vec![
            KeyValue::new("所属行业", "C3411 金属切削机床制造"),
            KeyValue::new("所在区县", "历下区（370102）"),
            KeyValue::new("成立日期", "2015-06-18"),
            KeyValue::new("注册资本", "3,000 万元"),
            KeyValue::new("职工人数", "186 人（科技人员 72 人）"),
            KeyValue::new("高层次人才", "4 人"),
            KeyValue::new(
                "企业资质",
                "科技型中小企业（2026）、高新技术企业（有效期至2027-12）、省级专精特新",
            ),
            KeyValue::new("名单情况", "首贷培植名单、白名单、上市后备企业库"),
            KeyValue::new("发展阶段", "成长期"),
            KeyValue::new("上市意向", "北京证券交易所"),
        ],
    });
    d.push(Block::paragraph(
        "企业专注于五轴联动数控加工中心及智能产线集成，产品应用于航空航天结构件、新能源汽车电驱壳体等领域。\
         2025年实现营业收入2,000万元以上的单品订单三项，研发投入占营业收入比重连续三年超过6%，\
         拥有发明专利8项、实用新型专利23项、软件著作权11项。企业现有融资以股东借款和供应链账期为主，\
         尚未取得银行贷款（属首贷户），流动资金周转压力随订单增长而加大。",
    ));

    d.push(Block::heading(1, "二、诊断分析"));
    d.push(Block::heading(2, "（一）近三年主要财务指标"));
    d.push(Block::Table(Table {
        columns: vec![
            Column::new("指标（万元）", 2.2, Align::Left),
            Column::new("2023年", 1.0, Align::Right),
            Column::new("2024年", 1.0, Align::Right),
            Column::new("2025年", 1.0, Align::Right),
            Column::new("变动说明", 2.4, Align::Left),
        ],
        rows: vec![
            row(&["营业收入", "5,820", "7,460", "9,315", "年均增长26.5%"]),
            row(&["研发费用", "412", "503", "618", "占收入6.6%"]),
            row(&["净利润", "-35.5", "286", "541", "2024年扭亏为盈"]),
            row(&["资产总额", "8,930", "10,245", "12,780", "—"]),
            row(&["负债总额", "4,105", "4,812", "5,890", "资产负债率46.1%"]),
            row(&["经营活动现金流", "—", "-120", "365", "2023年数据缺失"]),
        ],
        note: Some(
            "注：数据来源于企业提供的年度财务报表（2025年为未审数），“—”表示暂无数据。".into(),
        ),
    }));
    d.push(Block::Chart(Chart::Bars {
        title: "近三年营业收入、研发费用与净利润".into(),
        categories: vec!["2023年".into(), "2024年".into(), "2025年".into()],
        series: vec![
            BarSeries {
                name: "营业收入".into(),
                values: vec![Some(5820.0), Some(7460.0), Some(9315.0)],
            },
            BarSeries {
                name: "研发费用".into(),
                values: vec![Some(412.0), Some(503.0), Some(618.0)],
            },
            BarSeries {
                name: "净利润".into(),
                values: vec![Some(-35.5), None, Some(541.0)],
            },
        ],
        unit: "万元".into(),
    }));
    d.push(Block::heading(2, "（二）科技属性与风险评价"));
    d.push(Block::Chart(Chart::Radar {
        title: "科技型企业风险评价雷达图".into(),
        axes: vec![
            RadarAxis {
                label: "人力资本".into(),
                value: 16.0,
                max: 20.0,
            },
            RadarAxis {
                label: "知识产权".into(),
                value: 27.0,
                max: 30.0,
            },
            RadarAxis {
                label: "研发强度".into(),
                value: 18.0,
                max: 20.0,
            },
            RadarAxis {
                label: "成长性".into(),
                value: 12.0,
                max: 15.0,
            },
            RadarAxis {
                label: "财务健康".into(),
                value: 6.5,
                max: 10.0,
            },
            RadarAxis {
                label: "信用记录".into(),
                value: 3.0,
                max: 5.0,
            },
        ],
    }));
    d.push(Block::paragraph(
        "综合评价等级为A（82.5分）。企业在知识产权和研发强度方面表现突出：科技人员占比38.7%（得20分），\
         研发投入占销售收入比重6.6%（得50分），拥有Ⅰ类知识产权（得30分），科技型中小企业评价总分100分。\
         主要短板在于财务健康和信用记录：2023年经营性现金流数据缺失，且企业尚无银行信贷记录，\
         建议通过规范财务核算、建立研发费用辅助账和申请首笔信用贷款逐步积累信用。\n\
         高新技术企业认定条件均已满足；距国家级专精特新“小巨人”的主要差距为：主营业务收入占比需达到70%以上（现为64%），\
         近两年研发投入合计需达到1,000万元以上（现为1,121万元，已满足）。",
    ));

    d.push(Block::heading(1, "三、融资需求登记"));
    let purposes = [
        "购置五轴加工中心2台",
        "补充流动资金",
        "研发中试线建设",
        "支付原材料采购款（铝合金锻件、伺服电机及数控系统）",
        "厂房装修",
    ];
    let kinds = ["贷款", "股权", "担保", "保险", "债券"];
    let statuses = ["匹配中", "已申请", "已获批", "已放款", "部分满足", "未满足"];
    let rows: Vec<Vec<String>> = (0..needs)
        .map(|i| {
            vec![
                format!("{}", i + 1),
                format!("2026-{:02}-{:02}", 1 + i % 11, 1 + (i * 7) % 27),
                purposes[i % purposes.len()].to_string(),
                if i % 9 == 4 {
                    "—".into()
                } else {
                    format!("{}", 100 * (1 + i % 20))
                },
                kinds[i % kinds.len()].to_string(),
                if i % 7 == 6 {
                    "不合理（超出经营规模）".into()
                } else {
                    "合理".into()
                },
                statuses[i % statuses.len()].to_string(),
            ]
        })
        .collect();
    d.push(Block::Table(Table {
        columns: vec![
            Column::new("序号", 0.6, Align::Center),
            Column::new("提出日期", 1.3, Align::Center),
            Column::new("用途", 2.6, Align::Left),
            Column::new("金额（万元）", 1.2, Align::Right),
            Column::new("方式", 0.8, Align::Center),
            Column::new("合理性认定", 1.5, Align::Left),
            Column::new("状态", 1.0, Align::Center),
        ],
        rows,
        note: Some("合理性认定依据《济南市金融辅导合理化融资需求认定指引》。".into()),
    }));

    d.push(Block::heading(1, "四、金融支持方案"));
    d.push(Block::Table(Table {
        columns: vec![
            Column::new("产品", 1.6, Align::Left),
            Column::new("机构", 1.5, Align::Left),
            Column::new("额度（万元）", 1.0, Align::Right),
            Column::new("利率/费率", 1.0, Align::Center),
            Column::new("匹配理由 / 尚缺条件", 3.2, Align::Left),
        ],
        rows: vec![
            row(&[
                "知识产权质押贷",
                "齐鲁银行济南分行",
                "1,000",
                "3.45%",
                "拥有发明专利8项，可质押评估；享受贴息50%。",
            ]),
            row(&[
                "科技成果转化贷",
                "济南农商银行",
                "500",
                "3.60%",
                "高企资质有效，纳入风险补偿资金池。",
            ]),
            row(&[
                "专精特新贷",
                "中国建设银行济南分行",
                "2,000",
                "3.30%",
                "省级专精特新企业，信用方式，审批约10个工作日。",
            ]),
            row(&[
                "贷款保证保险",
                "人保财险山东分公司",
                "800",
                "1.2%",
                "需补充应收账款确权材料后可申请。",
            ]),
        ],
        note: None,
    }));
    d.push(Block::bullets([
        "建立研发费用辅助账，2026年12月底前完成2025年度研发费用归集与加计扣除申报。",
        "聘请会计师事务所对2025年财务报表进行审计，为首笔贷款和北交所辅导备案做准备。",
        "申请知识产权质押登记，同步办理贷款保证保险，争取在2027年一季度前实现首贷。",
    ]));
    d.push(Block::heading(1, "五、行动计划与监测目标"));
    d.push(Block::Table(Table {
        columns: vec![
            Column::new("任务", 3.0, Align::Left),
            Column::new("责任人", 1.0, Align::Center),
            Column::new("完成时限", 1.2, Align::Center),
        ],
        rows: vec![
            row(&["完成知识产权价值评估", "李婷", "2026-12-15"]),
            row(&["提交专精特新贷申请材料", "企业财务部", "2026-12-31"]),
            row(&["首笔贷款放款跟踪", "王晓明", "2027-03-31"]),
        ],
        note: None,
    }));
    d.push(Block::heading(1, "六、签署确认"));
    d.push(Block::paragraph(
        "本方案经企业与辅导队共同确认，双方按行动计划推进落实。",
    ));
    d.push(Block::SignOff {
        parties: vec![
            SignParty::new("企业（盖章）", FIRM),
            SignParty::new("金融辅导队", "历下区科技金融辅导第三队"),
        ],
    });
    d
}
