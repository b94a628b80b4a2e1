//! Policy support attached to a product (interest and guarantee-fee subsidies, …).

use super::*;

/// Policy support attached to a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subsidy {
    /// Interest subsidy (贴息) of a fixed number of basis points of the rate.
    InterestBp {
        bp: u32,
        #[serde(default)]
        source: String,
    },
    /// Interest subsidy (贴息) of a share of the interest paid.
    InterestPercent {
        percent: u32,
        #[serde(default)]
        source: String,
    },
    /// Risk compensation (风险补偿): the fund bears this share of a loss.
    RiskCompensation {
        percent: u32,
        #[serde(default)]
        source: String,
    },
    /// Guarantee-fee subsidy (担保费补贴), in basis points of the amount guaranteed.
    GuaranteeFeeBp {
        bp: u32,
        #[serde(default)]
        source: String,
    },
    /// Premium subsidy (保费补贴): a share of the premium.
    PremiumPercent {
        percent: u32,
        #[serde(default)]
        source: String,
    },
}

impl Subsidy {
    pub fn source(&self) -> &str {
        match self {
            Subsidy::InterestBp { source, .. }
            | Subsidy::InterestPercent { source, .. }
            | Subsidy::RiskCompensation { source, .. }
            | Subsidy::GuaranteeFeeBp { source, .. }
            | Subsidy::PremiumPercent { source, .. } => source,
        }
    }

    pub fn describe(&self) -> Msg {
        let m = match self {
            Subsidy::InterestBp { bp, .. } => Msg::new(
                format!("贴息{}个百分点", fmt_bp_points(*bp)),
                format!(
                    "interest subsidy of {} percentage points",
                    fmt_bp_points(*bp)
                ),
            ),
            Subsidy::InterestPercent { percent, .. } => Msg::new(
                format!("按实付利息的{percent}%贴息"),
                format!("{percent}% of interest paid is subsidised"),
            ),
            Subsidy::RiskCompensation { percent, .. } => Msg::new(
                format!("风险补偿（损失的{percent}%）"),
                format!("risk compensation covering {percent}% of losses"),
            ),
            Subsidy::GuaranteeFeeBp { bp, .. } => Msg::new(
                format!("担保费补贴{}个百分点", fmt_bp_points(*bp)),
                format!(
                    "guarantee-fee subsidy of {} percentage points",
                    fmt_bp_points(*bp)
                ),
            ),
            Subsidy::PremiumPercent { percent, .. } => Msg::new(
                format!("保费补贴{percent}%"),
                format!("{percent}% premium subsidy"),
            ),
        };
        let src = self.source();
        if src.is_empty() {
            m
        } else {
            Msg::new(format!("{}（{src}）", m.zh), format!("{} ({src})", m.en))
        }
    }

    /// The reduction this subsidy makes to the firm's annual cost, in bp, given the product's
    /// nominal price in bp.
    pub fn cost_reduction_bp(&self, price_bp: u32) -> u32 {
        match self {
            Subsidy::InterestBp { bp, .. } | Subsidy::GuaranteeFeeBp { bp, .. } => *bp,
            Subsidy::InterestPercent { percent, .. } | Subsidy::PremiumPercent { percent, .. } => {
                price_bp * (*percent).min(100) / 100
            }
            Subsidy::RiskCompensation { .. } => 0,
        }
    }

    pub(super) fn percent(&self) -> Option<u32> {
        match self {
            Subsidy::InterestPercent { percent, .. }
            | Subsidy::RiskCompensation { percent, .. }
            | Subsidy::PremiumPercent { percent, .. } => Some(*percent),
            _ => None,
        }
    }
}
