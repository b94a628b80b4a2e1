//! `fudao`: every core job of the Fudao workbench, headless — for scripts, batch runs, tests
//! and benchmarks. A thin shell: parse arguments, call one library function, print.
//!
//! Exit codes: 0 success; 1 usage or validation error; 2 partial success (some rows rejected).

mod assign;
mod cmd_data;
mod cmd_db;
mod cmd_eval;
mod cmd_feedback;
mod cmd_firm;
mod cmd_plan;
mod cmd_sync;
#[cfg(test)]
mod fuzz_set;
mod out;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fudao",
    version,
    about = "金融辅导工作台命令行 (Fudao financial-coaching workbench CLI)"
)]
pub struct Cli {
    /// 数据库文件 (database file); default: the platform data dir
    #[arg(long, global = true, env = "FUDAO_DB")]
    pub db: Option<PathBuf>,
    /// 以 JSON 输出 (print JSON)
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 初始化数据库 (create the encrypted database, or migrate and encrypt an existing one)
    Init,
    /// 数据库加密：状态、更换密钥 (encryption at rest: `db status`, `db rekey`)
    #[command(subcommand)]
    Db(cmd_db::DbCmd),
    /// 生成演示数据 (generate deterministic synthetic demo data)
    Demo(cmd_data::DemoArgs),
    /// 导入企业名单 (import firm lists from .xlsx/.xls/.csv)
    #[command(subcommand)]
    Import(cmd_data::ImportCmd),
    /// 导出 (export firms or needs to .xlsx/.csv)
    #[command(subcommand)]
    Export(cmd_data::ExportCmd),
    /// 企业 (firms)
    #[command(subcommand)]
    Firm(cmd_firm::FirmCmd),
    /// 融资需求 (financing needs)
    #[command(subcommand)]
    Need(cmd_firm::NeedCmd),
    /// 走访记录 (visits)
    #[command(subcommand)]
    Visit(cmd_firm::VisitCmd),
    /// 满意度评价 (a firm's satisfaction feedback: add paper/phone ratings, list)
    #[command(subcommand)]
    Feedback(cmd_feedback::FeedbackCmd),
    /// 金融产品目录 (product catalogue)
    #[command(subcommand)]
    Catalog(cmd_plan::CatalogCmd),
    /// 一企一策方案 (draft, store and print plans: `plan FIRM --out F.pdf`, `plan --all --out-dir D`)
    Plan(cmd_plan::PlanArgs),
    /// 认定评估与风险评分 (科小, 高企, 专精特新 and risk grade: `eval FIRM`, `eval --all`)
    Eval(cmd_eval::EvalArgs),
    /// 工作指标 (programme KPIs for the city, a team or a coach over a period)
    Kpi(cmd_eval::KpiArgs),
    /// 登录同步服务器 (log in to the sync server; password from FUDAO_PASSWORD or a prompt)
    Login(cmd_sync::LoginArgs),
    /// 退出登录：在服务器上注销令牌并从本机删除（离线时下次连接再注销） (log out: revoke the token on the server and forget it here)
    Logout,
    /// 同步：上传本地修改，下载团队数据 (push local changes, pull the team's data)
    Sync(cmd_sync::SyncArgs),
    /// 同步冲突 (sync conflicts: list, resolve --keep mine|theirs|VALUE)
    #[command(subcommand)]
    Conflicts(cmd_sync::ConflictsCmd),
}

/// A command's result: how the process should exit.
pub enum Outcome {
    Ok,
    /// Some items failed, the rest succeeded (exit 2).
    Partial,
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ctx = out::Ctx {
        db: cli.db.clone(),
        json: cli.json,
    };
    match cli.command {
        Command::Init => cmd_data::init(&ctx),
        Command::Db(c) => cmd_db::db(&ctx, c),
        Command::Demo(a) => cmd_data::demo(&ctx, a),
        Command::Import(c) => cmd_data::import(&ctx, c),
        Command::Export(c) => cmd_data::export(&ctx, c),
        Command::Firm(c) => cmd_firm::firm(&ctx, c),
        Command::Need(c) => cmd_firm::need(&ctx, c),
        Command::Visit(c) => cmd_firm::visit(&ctx, c),
        Command::Feedback(c) => cmd_feedback::feedback(&ctx, c),
        Command::Catalog(c) => cmd_plan::catalog(&ctx, c),
        Command::Plan(a) => cmd_plan::plan(&ctx, a),
        Command::Eval(a) => cmd_eval::eval_cmd(&ctx, a),
        Command::Kpi(a) => cmd_eval::kpi_cmd(&ctx, a),
        Command::Login(a) => cmd_sync::login(&ctx, a),
        Command::Logout => cmd_sync::logout(&ctx),
        Command::Sync(a) => cmd_sync::sync(&ctx, a),
        Command::Conflicts(c) => cmd_sync::conflicts(&ctx, c),
    }
}

fn main() -> ExitCode {
    quiet_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(2),
        Err(e) => {
            out::print_error(&e);
            ExitCode::from(1)
        }
    }
}

/// `fudao firm list | head` closes our stdout early; `println!` then panics with "Broken
/// pipe". Like other Unix tools, end quietly instead (status 141 = 128 + SIGPIPE), without a
/// panic message. Every other panic keeps the default report.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
