//! A firm's financing need, the coach's ruling on it and its outcome.

use super::*;

/// The coach's ruling on whether a need is reasonable (合理化融资需求).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruling {
    pub reasonable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonCode>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Money that reached the firm against a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub institution: String,
    #[serde(default)]
    pub product: String,
    pub amount: Yuan,
    /// Annual rate in basis points (1 bp = 0.01%), e.g. 365 = 3.65%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_bp: Option<u32>,
    pub date: NaiveDate,
    /// Unsecured credit loan (信用贷款).
    #[serde(default)]
    pub credit: bool,
    /// Product kind label, e.g. 知识产权质押贷.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product_kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    pub id: Uuid,
    pub firm_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub amount: Yuan,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub term_months: Option<u32>,
    pub kind: FinancingKind,
    /// Collateral the firm has on hand (free text items: 房产, 设备, 应收账款, 专利 …).
    #[serde(default)]
    pub collateral: Vec<String>,
    pub raised_on: NaiveDate,
    #[serde(default)]
    pub ruling: Option<Ruling>,
    pub status: NeedStatus,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// The coach marked the need as met although no disbursement is recorded (e.g. equity).
    #[serde(default)]
    pub met_by_coach: bool,
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    /// Why a closed need was not (fully) met.
    #[serde(default)]
    pub unmet_reason: Option<ReasonCode>,
}

impl Need {
    pub fn disbursed_amount(&self) -> Yuan {
        self.outcomes.iter().map(|o| o.amount).sum()
    }
    pub fn is_met(&self) -> bool {
        self.status == NeedStatus::Disbursed || self.met_by_coach
    }
    pub fn is_reasonable(&self) -> Option<bool> {
        self.ruling.as_ref().map(|r| r.reasonable)
    }
}

impl Entity for Need {
    const KIND: EntityKind = EntityKind::Need;
    fn id(&self) -> Uuid {
        self.id
    }
    fn team_id(&self) -> Option<Uuid> {
        self.team_id
    }
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.amount <= 0 {
            e.push(FieldError::new(
                "amount",
                "positive",
                "融资需求金额必须大于0",
                "amount must be greater than 0",
            ));
        }
        check_date_sane(&mut e, "raised_on", "提出日期", Some(self.raised_on));
        if let Some(c) = self.closed_on {
            if c < self.raised_on {
                e.push(FieldError::new(
                    "closed_on",
                    "before_raised",
                    "办结日期不能早于提出日期",
                    "closed_on cannot be before raised_on",
                ));
            }
        }
        if let Some(r) = &self.ruling {
            if !r.reasonable && r.reason.is_none() {
                e.push(FieldError::new(
                    "ruling",
                    "reason_required",
                    "认定为不合理需求时必须选择原因",
                    "an unreasonable ruling needs a reason code",
                ));
            }
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            if o.amount <= 0 {
                e.push(FieldError::new(
                    "outcomes",
                    "positive",
                    format!("第{}笔放款金额必须大于0", i + 1),
                    format!("outcome {} amount must be positive", i + 1),
                ));
            }
            if o.institution.trim().is_empty() {
                e.push(FieldError::new(
                    "outcomes",
                    "required",
                    format!("第{}笔放款须填写金融机构", i + 1),
                    format!("outcome {} needs an institution", i + 1),
                ));
            }
        }
        if self.status == NeedStatus::Disbursed && self.outcomes.is_empty() {
            e.push(FieldError::new(
                "outcomes",
                "required",
                "状态为“已放款”时须登记放款结果",
                "a disbursed need must record its outcome",
            ));
        }
        e.into_result()
    }
}
