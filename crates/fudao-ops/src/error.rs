//! The error of a use case: the library errors it passes on, and what it refuses itself.

use fudao_core::Msg;
use fudao_io::IoError;
use fudao_store::StoreError;
use fudao_sync::ErrorCode;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The user's input cannot be used (a date range, a name matching nothing, …).
    #[error("{0}")]
    Invalid(Msg),
    /// A value stored in the database's metadata is not what this build reads.
    #[error("数据库中的 {key} 无效（“{value}”），请重新导入产品目录 (the database's {key} is invalid: '{value}'; import the product catalogue again)")]
    BadMeta { key: &'static str, value: String },
    /// A workbook could not be built.
    #[error("写入工作簿失败 (cannot write the workbook): {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A file could not be written.
    #[error("写入 {} 失败 (cannot write the file): {detail}", path.display())]
    Write { path: PathBuf, detail: String },
    /// A plan, or the firm's plan to confirm, does not exist.
    #[error("{firm} 暂无方案，请先生成 (no plan yet for {uscc}: draft one first)")]
    NoPlan { firm: String, uscc: String },
    /// A plan cannot be changed as asked (not a draft, …).
    #[error(transparent)]
    Plan(#[from] fudao_core::plan::PlanError),
    /// A plan could not be rendered.
    #[error("无法生成PDF {plan}：{detail} (could not produce the PDF)")]
    Pdf { plan: String, detail: String },
    /// A firm list cannot be read, or the user's column mapping does not fit it.
    #[error(transparent)]
    File(#[from] fudao_io::IoError),
    /// The catalogue has no product of this id (the list shown was older than the catalogue).
    #[error("产品目录中没有该产品，请刷新产品库 (the catalogue has no such product; reload the product list)")]
    UnknownProduct,
    /// Talking to the sync server, or applying what it sent, failed.
    #[error(transparent)]
    Sync(#[from] fudao_sync::engine::SyncError),
    /// A login as another user on a database that holds one user's replica.
    #[error("此数据库已用于用户 {holder} 的同步，请为 {user} 另用一个数据库（--db）/ this database is {holder}'s replica; use another database (--db) for {user}")]
    OtherReplica { holder: String, user: String },
    /// A period whose start is after its end.
    #[error("开始日期晚于结束日期，请重新选择期间 (the start date is after the end date; choose the period again)")]
    InvalidPeriod,
    /// The file chosen to restore is no Fudao database backup.
    #[error("{} 不是金融辅导工作台的数据备份，请选择以 .db 结尾的备份文件 (not a Fudao database backup; choose a .db backup file)", path.display())]
    NotABackup { path: PathBuf },
    /// The backup chosen to restore is not this database's, or has another key.
    #[error("{} 不是本数据库的备份，或是用另一把密钥或口令加密的，无法恢复 (not a backup of this database, or encrypted with another key or passphrase; it cannot be restored)", path.display())]
    BackupWrongKey { path: PathBuf },
    /// A file or folder the user chose cannot be written or read.
    #[error("无法访问 {}（{detail}），请换一个文件夹或检查磁盘空间 (cannot access the path; choose another folder or check disk space)", path.display())]
    Io { path: PathBuf, detail: String },
}

impl OpsError {
    pub(crate) fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Self {
        OpsError::Invalid(Msg::new(zh, en))
    }

    /// The stable code of the one error shape.
    pub fn code(&self) -> ErrorCode {
        match self {
            OpsError::Store(e) => e.code(),
            OpsError::Invalid(_) => ErrorCode::InvalidArgument,
            OpsError::BadMeta { key, .. } if key.starts_with("catalog_") => {
                ErrorCode::CatalogVersion
            }
            OpsError::BadMeta { .. } => ErrorCode::Corrupt,
            OpsError::Write { .. } | OpsError::Xlsx(_) => ErrorCode::Export,
            OpsError::NoPlan { .. } => ErrorCode::NotFound,
            OpsError::Plan(e) => match e {
                fudao_core::plan::PlanError::NotDraft { .. } => ErrorCode::PlanNotDraft,
                fudao_core::plan::PlanError::UnknownProduct(_) => ErrorCode::PlanUnknownProduct,
                fudao_core::plan::PlanError::NotConfirmed(_) => ErrorCode::PlanNotConfirmed,
            },
            OpsError::Pdf { .. } => ErrorCode::Pdf,
            OpsError::InvalidPeriod => ErrorCode::InvalidPeriod,
            OpsError::UnknownProduct => ErrorCode::NotFound,
            OpsError::Sync(e) => e.code(),
            OpsError::OtherReplica { .. } => ErrorCode::DeviceMismatch,
            OpsError::NotABackup { .. } => ErrorCode::RestoreNotADatabase,
            OpsError::BackupWrongKey { .. } => ErrorCode::RestoreWrongKey,
            OpsError::File(e) => match e {
                IoError::UnknownField { .. } | IoError::BadMapping { .. } => {
                    ErrorCode::ImportMappingField
                }
                IoError::MappedHeaderMissing { .. } => ErrorCode::ImportMappingHeader,
                IoError::MappingConflict { .. } => ErrorCode::ImportMappingConflict,
                _ => ErrorCode::ImportRead,
            },
            OpsError::Io { .. } => ErrorCode::Io,
        }
    }

    /// The message in both UI languages.
    pub fn message(&self) -> Msg {
        match self {
            OpsError::Invalid(m) => m.clone(),
            OpsError::File(e) => e.message(),
            OpsError::OtherReplica { holder, user } => Msg::new(
                format!("此数据库已用于用户 {holder} 的同步，不能以 {user} 登录；请为 {user} 另用一个数据库"),
                format!("this database is {holder}'s replica and cannot log in as {user}; use another database for {user}"),
            ),
            OpsError::UnknownProduct => Msg::new(
                "产品目录中没有该产品，请刷新产品库",
                "the catalogue has no such product; reload the product list",
            ),
            OpsError::InvalidPeriod => Msg::new(
                "开始日期晚于结束日期，请重新选择期间",
                "the start date is after the end date; choose the period again",
            ),
            OpsError::NotABackup { path } => Msg::new(
                format!(
                    "{} 不是金融辅导工作台的数据备份，请选择以 .db 结尾的备份文件",
                    path.display()
                ),
                format!(
                    "{} is not a Fudao database backup; choose a .db backup file",
                    path.display()
                ),
            ),
            OpsError::BackupWrongKey { path } => Msg::new(
                format!(
                    "{} 不是本数据库的备份，或是用另一把密钥或口令加密的，无法恢复",
                    path.display()
                ),
                format!(
                    "{} is not a backup of this database, or was encrypted with another key or passphrase; it cannot be restored",
                    path.display()
                ),
            ),
            OpsError::Pdf { detail, .. } => Msg::new(
                format!("无法生成PDF：{detail}"),
                format!("could not produce the PDF: {detail}"),
            ),
            OpsError::Io { path, detail } => Msg::new(
                format!(
                    "无法访问 {}（{detail}），请换一个文件夹或检查磁盘空间",
                    path.display()
                ),
                format!(
                    "cannot access {} ({detail}); choose another folder or check disk space",
                    path.display()
                ),
            ),
            other => {
                let t = other.to_string();
                Msg::new(t.clone(), t)
            }
        }
    }
}

pub type Result<T, E = OpsError> = std::result::Result<T, E>;
