//! The error of a use case: the library errors it passes on, and what it refuses itself.

use fudao_core::Msg;
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
        }
    }

    /// The message in both UI languages.
    pub fn message(&self) -> Msg {
        match self {
            OpsError::Invalid(m) => m.clone(),
            other => {
                let t = other.to_string();
                Msg::new(t.clone(), t)
            }
        }
    }
}

pub type Result<T, E = OpsError> = std::result::Result<T, E>;
