//! init, demo, import, export.

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::bail;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use fudao_core::model::{EntityKind, Firm, Team};
use fudao_store::demo::{self, DemoOptions};
use std::path::{Path, PathBuf};

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn init(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let s = ctx.open()?;
    let path = ctx.db_path();
    if ctx.json {
        out::print_json(&serde_json::json!({
            "db": path,
            "schema_version": fudao_store::SCHEMA_VERSION,
            "device_id": s.device_id(),
            "encrypted": s.is_encrypted(),
            "key_origin": s.key_origin(),
        }))?;
    } else {
        println!(
            "数据库已就绪（已加密，{}） (database ready, encrypted; key from {}): {}",
            crate::cmd_db::origin_zh(s.key_origin()),
            crate::cmd_db::origin_en(s.key_origin()),
            path.display()
        );
    }
    Ok(Outcome::Ok)
}

#[derive(Args)]
pub struct DemoArgs {
    /// 企业数量 (number of firms)
    #[arg(long, default_value_t = 200)]
    pub firms: usize,
    /// 随机种子 (seed; same seed, same data)
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// 以此日期为“今天” (treat this date as today, YYYY-MM-DD)
    #[arg(long)]
    pub today: Option<NaiveDate>,
}

pub fn demo(ctx: &Ctx, a: DemoArgs) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    if s.count(EntityKind::Firm)? > 0 {
        bail!("数据库中已有企业数据，演示数据只能写入空数据库 (the database already holds firms; demo data goes into an empty database): {}", ctx.db_path().display());
    }
    let pb = out::progress(1, "生成演示数据 (generating)");
    let started = std::time::Instant::now();
    let sum = demo::generate(
        &mut s,
        &DemoOptions {
            firms: a.firms,
            seed: a.seed,
            today: a.today.unwrap_or_else(today),
        },
    )?;
    pb.finish_and_clear();
    if ctx.json {
        out::print_json(&sum)?;
    } else {
        println!(
            "已生成演示数据 (demo data generated) in {:.2}s: {} 个辅导队, {} 名用户, {} 家企业, {} 条融资需求, {} 条走访记录, {} 条评价, {} 个金融产品",
            started.elapsed().as_secs_f64(),
            sum.teams,
            sum.users,
            sum.firms,
            sum.needs,
            sum.visits,
            sum.feedback,
            sum.products
        );
    }
    Ok(Outcome::Ok)
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// 导入企业名单 (import a firm list)
    Firms {
        file: PathBuf,
        /// 工作表名称 (sheet name; default: the first sheet)
        #[arg(long)]
        sheet: Option<String>,
        /// 有任何错误行则全部不导入 (import nothing if any row is bad)
        #[arg(long)]
        strict: bool,
        /// 只检查不写入 (report without writing)
        #[arg(long)]
        dry_run: bool,
        /// 新企业归属的辅导队 (team for new firms: name or id)
        #[arg(long)]
        team: Option<String>,
        /// 指定列对应的字段，可重复 (read the column headed HEADER as FIELD, e.g.
        /// `--map 员工规模=staff`; FIELD `ignore` skips a column; repeatable)
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
    },
}

pub fn resolve_team(s: &fudao_store::Store, key: &str) -> anyhow::Result<Team> {
    Ok(fudao_ops::records::find_team(s, key)?)
}

/// An error reading the import file, naming the file unless it is a problem with `--map`.
fn read_error(e: fudao_ops::OpsError, file: &std::path::Path) -> anyhow::Error {
    match e {
        // A mapping problem is the user's argument, not an unreadable file.
        fudao_ops::OpsError::File(
            fudao_io::IoError::MappedHeaderMissing { .. }
            | fudao_io::IoError::MappingConflict { .. },
        ) => anyhow::Error::new(e),
        fudao_ops::OpsError::File(e) => {
            anyhow::Error::new(e).context(format!("无法读取文件 (cannot read) {}", file.display()))
        }
        e => anyhow::Error::new(e),
    }
}

pub fn import(ctx: &Ctx, cmd: ImportCmd) -> anyhow::Result<Outcome> {
    let ImportCmd::Firms {
        file,
        sheet,
        strict,
        dry_run,
        team,
        map,
    } = cmd;
    let mut columns = fudao_io::import::ColumnMap::new();
    for m in &map {
        columns.add_arg(m)?;
    }
    let mut req = fudao_ops::import::ImportRequest {
        file: &file,
        sheet: sheet.as_deref(),
        columns: &columns,
        strict,
        dry_run,
        team_id: None,
        today: today(),
    };
    // The file is read before the database is opened: a file that cannot be read never touches it.
    let sheet_read = fudao_ops::import::read(&req).map_err(|e| read_error(e, &file))?;
    let mut s = ctx.open()?;
    req.team_id = team
        .as_deref()
        .map(|t| resolve_team(&s, t))
        .transpose()?
        .map(|t| t.id);
    let imported = fudao_ops::import::import_sheet(&mut s, sheet_read, &req, &mut |_, _| true)?;
    let bad_rows = imported.bad_rows();
    let (sheet_data, report) = (&imported.sheet, &imported.report);
    let rejected: Vec<(u32, &String, &String, &String)> = imported
        .problems
        .iter()
        .map(|p| (p.row, &p.column, &p.message.zh, &p.message.en))
        .collect();
    if ctx.json {
        out::print_json(&serde_json::json!({
            "file": file,
            "sheet": sheet_data.sheet_name,
            "rows": sheet_data.total_rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "needs_created": report.needs_created,
            "needs_updated": report.needs_updated,
            "rejected_rows": bad_rows.len(),
            "errors": rejected.iter().map(|(row, col, zh, en)| serde_json::json!({"row": row, "column": col, "message": zh, "message_en": en})).collect::<Vec<_>>(),
            "columns": sheet_data.columns.iter().map(|c| serde_json::json!({"letter": c.letter, "header": c.header, "field": c.field.key(), "mapped": c.mapped})).collect::<Vec<_>>(),
            "unknown_columns": sheet_data.unknown_columns,
            "notes": sheet_data.notes,
            // Values read leniently (约500人) and records that contradict themselves, by row.
            "warnings": sheet_data.warnings.iter().map(|w| serde_json::json!({"kind": "approximate_value", "row": w.row, "letter": w.letter, "column": w.column, "field": w.field, "value": w.value, "message": w.message.zh, "message_en": w.message.en}))
                .chain(report.warnings.iter().map(|w| serde_json::json!({"kind": "consistency", "row": w.row, "column": w.column, "field": w.field, "code": w.code, "message": w.message.zh, "message_en": w.message.en})))
                .collect::<Vec<_>>(),
            "committed": report.committed,
            "dry_run": dry_run,
        }))?;
    } else {
        for (row, col, zh, en) in &rejected {
            eprintln!("第{row}行 [{col}]: {zh} (row {row}, column '{col}': {en})");
        }
        for w in &sheet_data.warnings {
            eprintln!("警告 (warning): {} ({})", w.message.zh, w.message.en);
        }
        for note in &sheet_data.notes {
            eprintln!("提示 (note): {} ({})", note.zh, note.en);
        }
        for w in &report.warnings {
            eprintln!(
                "警告 第{}行 [{}]: {} (warning, row {}, column '{}': {})",
                w.row, w.column, w.message.zh, w.row, w.column, w.message.en
            );
        }
        if !sheet_data.unknown_columns.is_empty() {
            eprintln!(
                "已忽略未识别的列 (ignored unknown columns): {}；可用 --map 表头=字段 指定 (map one with --map HEADER=FIELD)",
                sheet_data.unknown_columns.join("、")
            );
        }
        let verb = if report.committed {
            "已导入"
        } else {
            "未写入"
        };
        println!(
            "{verb} (imported={}) 工作表“{}”: 新增 {} 家, 更新 {} 家, 无变化 {} 家, 新增融资需求 {} 条, 更新 {} 条, 错误行 {} 行",
            report.committed, sheet_data.sheet_name, report.created, report.updated, report.unchanged, report.needs_created, report.needs_updated, bad_rows.len()
        );
        if dry_run {
            println!("试运行，未写入任何数据 (dry run: nothing written)");
        } else if strict && !bad_rows.is_empty() {
            println!("严格模式：存在错误行，未导入任何数据 (strict: nothing imported because some rows are bad)");
        }
    }
    if bad_rows.is_empty() {
        Ok(Outcome::Ok)
    } else if (report.committed && (report.created + report.updated + report.unchanged) > 0)
        || (dry_run && !strict)
    {
        Ok(Outcome::Partial)
    } else {
        bail!(
            "导入失败：{} 行有错误 (import failed: {} bad rows)",
            bad_rows.len(),
            bad_rows.len()
        )
    }
}

#[derive(Subcommand)]
pub enum ExportCmd {
    /// 导出企业 (export firms to .xlsx or .csv)
    Firms { file: PathBuf },
    /// 导出融资需求 (export financing needs to .xlsx or .csv)
    Needs { file: PathBuf },
    /// 导出工作指标 (export the KPI tables to .xlsx)
    Kpi(crate::cmd_eval::ExportKpiArgs),
}

fn is_csv(p: &Path) -> anyhow::Result<bool> {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(true),
        Some("xlsx") => Ok(false),
        _ => bail!(
            "导出文件须以 .xlsx 或 .csv 结尾 (the export file must end in .xlsx or .csv): {}",
            p.display()
        ),
    }
}

pub fn export(ctx: &Ctx, cmd: ExportCmd) -> anyhow::Result<Outcome> {
    let s = ctx.open()?;
    let (file, n) = match cmd {
        ExportCmd::Firms { file } => {
            let csv = is_csv(&file)?;
            let firms: Vec<Firm> = s.list()?;
            if csv {
                fudao_io::export::firms_csv(&file, &firms)?;
            } else {
                fudao_io::export::firms_xlsx(&file, &firms)?;
            }
            (file, firms.len())
        }
        ExportCmd::Needs { file } => {
            let csv = is_csv(&file)?;
            let needs = fudao_ops::records::needs_with_firm_names(&s)?;
            if csv {
                fudao_io::export::needs_csv(&file, &needs)?;
            } else {
                fudao_io::export::needs_xlsx(&file, &needs)?;
            }
            (file, needs.len())
        }
        ExportCmd::Kpi(a) => {
            let n = crate::cmd_eval::export_kpi(&s, &a.file, &a.kpi)?;
            (a.file, n)
        }
    };
    // Exports hold personal data: owner-only, like the database.
    fudao_store::fsperm::restrict_file(&file)?;
    if ctx.json {
        out::print_json(&serde_json::json!({ "file": file, "rows": n }))?;
    } else {
        println!("已导出 {n} 行到 {} (exported {n} rows)", file.display());
    }
    Ok(Outcome::Ok)
}
