//! A firm's rating of the coaching and the follow-up a poor rating asks for.

use super::*;

labelled_enum!(
    /// How a firm's rating reached the programme. Rows stored before the source was recorded
    /// read as `Unrecorded`.
    FeedbackSource {
        Qr = "qr", "扫码评价", "QR code";
        Paper = "paper", "纸质评价", "Paper";
        Phone = "phone", "电话评价", "Phone";
        Visit = "visit", "走访面评", "In person";
        Unrecorded = "unrecorded", "未注明来源", "Not recorded";
    }
);

#[allow(clippy::derivable_impls)]
impl Default for FeedbackSource {
    fn default() -> Self {
        FeedbackSource::Unrecorded
    }
}

/// Longest feedback comment, in characters.
pub const FEEDBACK_COMMENT_MAX_CHARS: usize = 500;

/// Days the coach has to call back a firm that rated the coaching 不满意.
pub const FEEDBACK_FOLLOW_UP_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub date: NaiveDate,
    pub rating: Satisfaction,
    #[serde(default)]
    pub comment: String,
    /// Where the rating came from (QR page, paper form, phone, in person).
    #[serde(default)]
    pub source: FeedbackSource,
    /// The firm's answer to "was your financing need met?"; `None` when not asked or not
    /// answered. It moves no need's status by itself.
    #[serde(default)]
    pub need_met: Option<bool>,
    /// The plan (and its version) the rating refers to, when known.
    #[serde(default)]
    pub plan_id: Option<Uuid>,
    #[serde(default)]
    pub plan_version: Option<u32>,
}

impl Feedback {
    /// The id of the 回访 visit a 不满意 rating asks for: derived from the feedback's id, so
    /// every device that creates the follow-up of one rating (the recording device, or the
    /// coach's device when a QR rating is pulled, again on a re-pull) names the same row.
    pub fn follow_up_id(&self) -> Uuid {
        // A fixed mask keeps it distinct from the feedback's own id; version 8 (custom).
        const MASK: u128 = 0x5f0a_11c0_b7e4_4d3a_9c6e_2b81_7f35_d0c9;
        uuid::Builder::from_custom_bytes((self.id.as_u128() ^ MASK).to_be_bytes()).into_uuid()
    }

    /// The follow-up a 不满意 rating asks of the firm's coach: a 回访 visit record dated the
    /// day of the feedback, holding one open task due [`FEEDBACK_FOLLOW_UP_DAYS`] later and
    /// owned by `coach_name`. `None` for any other rating.
    pub fn follow_up(
        &self,
        visit_id: Uuid,
        coach_id: Option<Uuid>,
        coach_name: &str,
    ) -> Option<Visit> {
        if self.rating != Satisfaction::Unsatisfied {
            return None;
        }
        let mut notes = format!(
            "回访：企业满意度评价为“不满意”（{}）",
            self.source.label_zh()
        );
        if !self.comment.trim().is_empty() {
            notes.push_str(&format!("，意见：{}", self.comment.trim()));
        }
        Some(Visit {
            id: visit_id,
            firm_id: self.firm_id,
            team_id: self.team_id,
            date: self.date,
            coach_ids: coach_id.into_iter().collect(),
            mode: VisitMode::Phone,
            notes,
            findings: String::new(),
            tasks: vec![FollowUpTask {
                title: "回访不满意评价企业，了解原因并改进辅导".to_string(),
                owner: coach_name.to_string(),
                due: self.date + chrono::Duration::days(FEEDBACK_FOLLOW_UP_DAYS),
                done: false,
            }],
        })
    }
}

impl Entity for Feedback {
    const KIND: EntityKind = EntityKind::Feedback;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        check_date_sane(&mut e, "date", "评价日期", Some(self.date));
        let n = self.comment.chars().count();
        if n > FEEDBACK_COMMENT_MAX_CHARS {
            e.push(FieldError::new(
                "comment",
                "too_long",
                format!("评价意见共{n}字，超过{FEEDBACK_COMMENT_MAX_CHARS}字上限"),
                format!("comment has {n} characters, more than the {FEEDBACK_COMMENT_MAX_CHARS} allowed"),
            ));
        }
        e.into_result()
    }
}

#[cfg(test)]
mod feedback_tests {
    use super::*;

    fn fb(rating: Satisfaction, comment: &str) -> Feedback {
        Feedback {
            id: Uuid::from_u128(1),
            firm_id: Uuid::from_u128(2),
            team_id: Some(Uuid::from_u128(3)),
            date: NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
            rating,
            comment: comment.into(),
            source: FeedbackSource::Paper,
            need_met: Some(false),
            plan_id: None,
            plan_version: None,
        }
    }

    #[test]
    fn old_rows_read_with_defaults() {
        let j = r#"{"id":"00000000-0000-0000-0000-000000000001","firm_id":"00000000-0000-0000-0000-000000000002",
            "team_id":null,"date":"2026-05-04","rating":"basic","comment":"好"}"#;
        let f: Feedback = serde_json::from_str(j).unwrap();
        assert_eq!(f.source, FeedbackSource::Unrecorded);
        assert_eq!(f.need_met, None);
        assert_eq!(f.plan_id, None);
        assert_eq!(f.plan_version, None);
        let back = serde_json::to_value(fb(Satisfaction::Basic, "")).unwrap();
        assert_eq!(back["source"], "paper");
        assert_eq!(back["need_met"], false);
    }

    #[test]
    fn source_parses_keys_and_labels() {
        assert_eq!(FeedbackSource::parse("phone"), Some(FeedbackSource::Phone));
        assert_eq!(
            FeedbackSource::parse("纸质评价"),
            Some(FeedbackSource::Paper)
        );
        assert_eq!(FeedbackSource::parse("QR code"), Some(FeedbackSource::Qr));
        assert_eq!(FeedbackSource::parse("fax"), None);
    }

    #[test]
    fn comment_length_is_bounded_in_characters() {
        // 500 Chinese characters (1 500 bytes) pass; 501 do not.
        assert_eq!(
            fb(Satisfaction::Satisfied, &"好".repeat(500)).validate(),
            Ok(())
        );
        let e = fb(Satisfaction::Satisfied, &"好".repeat(501))
            .validate()
            .unwrap_err();
        assert_eq!(e.fields().collect::<Vec<_>>(), ["comment"]);
        assert!(e.0[0].message.zh.contains("501字"), "{:?}", e.0[0].message);
        assert!(e.0[0].message.en.contains("501 characters"));
    }

    #[test]
    fn the_follow_up_id_is_derived_from_the_feedback_id() {
        let a = fb(Satisfaction::Unsatisfied, "");
        let mut b = a.clone();
        b.id = Uuid::from_u128(a.id.as_u128() + 1);
        assert_eq!(a.follow_up_id(), a.clone().follow_up_id());
        assert_ne!(a.follow_up_id(), a.id);
        assert_ne!(a.follow_up_id(), b.follow_up_id());
        assert_eq!(a.follow_up_id().get_version_num(), 8);
    }

    #[test]
    fn unsatisfied_asks_for_a_follow_up_visit() {
        assert_eq!(
            fb(Satisfaction::Basic, "").follow_up(Uuid::from_u128(9), None, "王"),
            None
        );
        let v = fb(Satisfaction::Unsatisfied, " 放款太慢 ")
            .follow_up(Uuid::from_u128(9), Some(Uuid::from_u128(7)), "王辅导")
            .unwrap();
        assert_eq!(v.id, Uuid::from_u128(9));
        assert_eq!(v.firm_id, Uuid::from_u128(2));
        assert_eq!(v.team_id, Some(Uuid::from_u128(3)));
        assert_eq!(v.coach_ids, [Uuid::from_u128(7)]);
        assert_eq!(
            v.notes,
            "回访：企业满意度评价为“不满意”（纸质评价），意见：放款太慢"
        );
        assert_eq!(v.tasks.len(), 1);
        assert_eq!(v.tasks[0].owner, "王辅导");
        // 2026-05-04 + 7 days.
        assert_eq!(
            v.tasks[0].due,
            NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
        );
        assert!(!v.tasks[0].done);
        assert_eq!(v.validate(), Ok(()));
    }
}
