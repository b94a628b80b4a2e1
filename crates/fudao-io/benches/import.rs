//! Import benchmark: a 10,000-row firm list (.xlsx with realistic columns, plus the same as a
//! GBK .csv) read by `read_firms`. Prints the median of several runs; target ≤ 0.3 s for the
//! .xlsx end to end (the store insert is measured by the store's own benchmark).
//!
//! Run: `cargo bench -p fudao-io --bench import` (optionally `-- ROWS RUNS`).

use fudao_core::uscc;
use fudao_io::import::read_firms;
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;
use std::time::{Duration, Instant};

const DISTRICTS: &[&str] = &[
    "历下区",
    "市中区",
    "槐荫区",
    "天桥区",
    "历城区",
    "长清区",
    "章丘区",
    "高新区",
];
const INDUSTRIES: &[&str] = &[
    "制造业",
    "I65 软件和信息技术服务业",
    "M 科学研究和技术服务业",
    "批发和零售业",
];
const HEADERS: &[&str] = &[
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属区县",
    "所属行业",
    "成立日期",
    "注册资本（万元）",
    "从业人数",
    "科技人员",
    "营业收入（万元）",
    "研发费用（万元）",
    "资产总额（万元）",
    "负债总额（万元）",
    "发明专利",
    "实用新型",
    "软件著作权",
    "高新技术企业",
    "科技型中小企业",
    "专精特新",
    "是否首贷",
    "融资需求（万元）",
    "融资用途",
    "期限（月）",
    "联系人",
    "联系电话",
];

/// A small deterministic generator (no dependency needed for synthetic rows).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn org_body(i: usize) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut n = i + 1_000_000;
    let mut s = Vec::new();
    for _ in 0..6 {
        s.push(A[n % 31]);
        n /= 31;
    }
    format!("MA{}", String::from_utf8(s).unwrap())
}

fn rows(n: usize) -> Vec<Vec<String>> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let staff = 5 + rng.below(500);
            let code = uscc::compose("91", "370102", &org_body(i)).unwrap();
            vec![
                (i + 1).to_string(),
                format!("济南第{i}号科技有限公司"),
                code,
                DISTRICTS[rng.below(DISTRICTS.len() as u64) as usize].to_string(),
                INDUSTRIES[rng.below(INDUSTRIES.len() as u64) as usize].to_string(),
                format!(
                    "{}-{:02}-{:02}",
                    2000 + rng.below(25),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
                format!("{}", 100 + rng.below(5000)),
                staff.to_string(),
                (staff / 5).to_string(),
                format!("{}.{}", rng.below(100_000), rng.below(100)),
                format!("{}.{}", rng.below(5_000), rng.below(100)),
                format!("{}", rng.below(200_000)),
                format!("{}", rng.below(100_000)),
                rng.below(20).to_string(),
                rng.below(50).to_string(),
                rng.below(30).to_string(),
                ["是", "否", ""][rng.below(3) as usize].to_string(),
                ["202437010200001234", "否", ""][rng.below(3) as usize].to_string(),
                ["省级", "国家级", ""][rng.below(3) as usize].to_string(),
                ["是", "否"][rng.below(2) as usize].to_string(),
                if rng.below(3) == 0 {
                    String::new()
                } else {
                    format!("{}", 50 * (1 + rng.below(40)))
                },
                "流动资金".to_string(),
                "12".to_string(),
                "张经理".to_string(),
                format!("138{:08}", rng.below(100_000_000)),
            ]
        })
        .collect()
}

/// Writes the rows as an .xlsx the way offices fill them: numbers as numbers, dates as date
/// cells, a merged title row above the header.
fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.merge_range(
        0,
        0,
        0,
        HEADERS.len() as u16 - 1,
        "济南市科技企业融资需求统计表",
        &bold,
    )
    .unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_with_format(1, c as u16, *h, &bold).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, v) in row.iter().enumerate() {
            let c16 = c as u16;
            if v.is_empty() {
                continue;
            }
            if c == 5 {
                let p: Vec<u16> = v.split('-').map(|x| x.parse().unwrap()).collect();
                let dt =
                    rust_xlsxwriter::ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
                ws.write_datetime_with_format(r, c16, &dt, &date).unwrap();
            } else if c != 2 && c != 24 && c != 17 && v.parse::<f64>().is_ok() {
                ws.write_number(r, c16, v.parse::<f64>().unwrap()).unwrap();
            } else {
                ws.write_string(r, c16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn write_gbk_csv(path: &Path, rows: &[Vec<String>]) {
    let mut text = HEADERS.join(",");
    text.push_str("\r\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(path, bytes).unwrap();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time of this thread so far (Linux `/proc/thread-self/schedstat`, nanoseconds), so
/// that figures stay meaningful on a machine busy with other work.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Median wall time, min wall time and median CPU time of `runs` imports.
fn time(path: &Path, runs: usize, expect: usize) -> (Duration, Duration, Option<Duration>) {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..runs {
        let c0 = cpu_time();
        let t = Instant::now();
        let s = read_firms(path, None).unwrap();
        wall.push(t.elapsed());
        if let (Some(a), Some(b)) = (c0, cpu_time()) {
            cpu.push(b - a);
        }
        assert_eq!(s.rows.len(), expect, "{:?}", s.errors.first());
    }
    let min = *wall.iter().min().unwrap();
    let cpu = (!cpu.is_empty()).then(|| median(cpu));
    (median(wall), min, cpu)
}

fn cpu_text(cpu: Option<Duration>) -> String {
    cpu.map_or(String::new(), |c| {
        format!(", median CPU {:.3} s", c.as_secs_f64())
    })
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let dir = tempfile::tempdir().unwrap();
    let data = rows(n);

    let xlsx = dir.path().join("firms.xlsx");
    write_xlsx(&xlsx, &data);
    let size = std::fs::metadata(&xlsx).unwrap().len();
    let (med, min, cpu) = time(&xlsx, runs, n);
    println!(
        "import .xlsx  {n} rows × {} columns ({:.1} MB): median {:.3} s, min {:.3} s{} over {runs} runs (target ≤ 0.300 s)",
        HEADERS.len(),
        size as f64 / 1e6,
        med.as_secs_f64(),
        min.as_secs_f64(),
        cpu_text(cpu)
    );

    let csv = dir.path().join("firms.csv");
    write_gbk_csv(&csv, &data);
    let (med, min, cpu) = time(&csv, runs, n);
    println!(
        "import GBK .csv {n} rows: median {:.3} s, min {:.3} s{} over {runs} runs",
        med.as_secs_f64(),
        min.as_secs_f64(),
        cpu_text(cpu)
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "(load average while measuring: {})",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
