//! `fudao feedback add|list`: a firm's satisfaction rating given on paper, by phone or in
//! person, recorded by the coach (offline; it syncs like any other row).

use crate::out::{self, Ctx};
use crate::Outcome;
use anyhow::anyhow;
use chrono::NaiveDate;
use clap::Subcommand;
use fudao_core::model::{Feedback, FeedbackSource, Satisfaction, Visit};
use fudao_ops::feedback::{FeedbackForm, HAND_SOURCES};
use serde::Serialize;

#[derive(Subcommand)]
pub enum FeedbackCmd {
    /// 登记企业满意度评价 (record a firm's rating given on paper, by phone or in person)
    Add {
        /// 企业 (USCC, id or unique name)
        firm: String,
        /// 满意 | 基本满意 | 不满意 (or satisfied | basic | unsatisfied)
        #[arg(long)]
        rating: String,
        /// 融资需求是否得到满足 (was the financing need met?): yes | no (是 | 否)
        #[arg(long)]
        need_met: Option<String>,
        /// 企业意见 (the firm's comment, at most 500 characters)
        #[arg(long, default_value = "")]
        comment: String,
        /// 评价来源 (source): paper | phone | visit (纸质评价 | 电话评价 | 走访面评)
        #[arg(long)]
        source: String,
        /// 评价日期 (YYYY-MM-DD; default today)
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// 列出满意度评价 (list feedback, of one firm or of all firms, newest first)
    List {
        /// 企业 (USCC, id or unique name); all firms when omitted
        firm: Option<String>,
    },
}

#[derive(Serialize)]
struct Added<'a> {
    feedback: &'a Feedback,
    follow_up: &'a Option<Visit>,
}

fn parse_need_met(s: &str) -> anyhow::Result<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "是" | "满足" | "已满足" => Ok(true),
        "no" | "n" | "false" | "否" | "未满足" => Ok(false),
        _ => Err(anyhow!(
            "--need-met“{s}”无效，可选 yes | no（是 | 否） (invalid --need-met; one of yes, no)"
        )),
    }
}

pub fn feedback(ctx: &Ctx, cmd: FeedbackCmd) -> anyhow::Result<Outcome> {
    let mut s = ctx.open()?;
    match cmd {
        FeedbackCmd::Add {
            firm,
            rating,
            need_met,
            comment,
            source,
            date,
        } => {
            let f = s.find_firm(&firm)?;
            let rating = Satisfaction::parse(&rating).ok_or_else(|| {
                anyhow!(
                    "评价“{rating}”无效，可选 满意 | 基本满意 | 不满意 (invalid --rating; one of satisfied, basic, unsatisfied)"
                )
            })?;
            let source = FeedbackSource::parse(&source)
                .filter(|x| HAND_SOURCES.contains(x))
                .ok_or_else(|| {
                    anyhow!(
                        "评价来源“{source}”无效，可选 paper | phone | visit（纸质评价 | 电话评价 | 走访面评） (invalid --source; one of paper, phone, visit)"
                    )
                })?;
            let need_met = need_met.as_deref().map(parse_need_met).transpose()?;
            let r = fudao_ops::feedback::record(
                &mut s,
                FeedbackForm {
                    firm_id: f.id,
                    date: date.unwrap_or_else(crate::cmd_data::today),
                    rating,
                    need_met,
                    comment,
                    source,
                },
            )?;
            if ctx.json {
                out::print_json(&Added {
                    feedback: &r.feedback,
                    follow_up: &r.follow_up,
                })?;
            } else {
                println!(
                    "已登记评价 (feedback recorded): {} {} {}（{}） id={}",
                    f.name,
                    r.feedback.date,
                    r.feedback.rating.label_zh(),
                    r.feedback.source.label_zh(),
                    r.feedback.id
                );
                if let Some(v) = &r.follow_up {
                    for t in &v.tasks {
                        println!(
                            "已生成回访任务 (follow-up created): {}，负责人 owner {}，截止 due {}",
                            t.title,
                            if t.owner.is_empty() {
                                "—"
                            } else {
                                t.owner.as_str()
                            },
                            t.due
                        );
                    }
                }
            }
        }
        FeedbackCmd::List { firm } => {
            let firm_id = match firm {
                Some(k) => Some(s.find_firm(&k)?.id),
                None => None,
            };
            let rows = s.feedback_list(firm_id)?;
            if ctx.json {
                out::print_json(&rows)?;
            } else if rows.is_empty() {
                println!("满意度评价：暂无 (no feedback)");
            } else {
                let names = fudao_ops::records::firm_names(&s)?;
                let mut t = out::table(&[
                    "日期 date",
                    "企业 firm",
                    "评价 rating",
                    "来源 source",
                    "需求满足 need met",
                    "意见 comment",
                ]);
                for x in &rows {
                    t.add_row(vec![
                        x.date.to_string(),
                        names.get(&x.firm_id).cloned().unwrap_or_default(),
                        x.rating.label_zh().to_string(),
                        x.source.label_zh().to_string(),
                        match x.need_met {
                            Some(true) => "是".into(),
                            Some(false) => "否".into(),
                            None => "—".into(),
                        },
                        x.comment.clone(),
                    ]);
                }
                println!("{t}");
            }
        }
    }
    Ok(Outcome::Ok)
}
