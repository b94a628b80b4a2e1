//! The one error shape that crosses IPC: `{ code, message: { zh, en }, details }`.
//!
//! The UI branches on `code` (stable, machine-readable) and shows `message` in the user's
//! language; `details` carries field-level validation errors so forms can show each message
//! beside its field. Library errors are mapped here and nowhere else.

use crate::dto::{FieldError, Msg};
use fudao_store::StoreError;
pub use fudao_sync::ErrorCode;
use serde::Serialize;

/// An error returned by any command.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, thiserror::Error)]
#[error("{code}: {}", message.zh)]
pub struct AppError {
    /// Stable code (`validation`, `not_found`, `unauthorized`, …): the UI branches on it.
    pub code: ErrorCode,
    /// What went wrong and what to do next, in both UI languages.
    pub message: Msg,
    /// Field-level problems (only for `validation`, `duplicate_uscc`).
    pub details: Vec<FieldError>,
}

impl AppError {
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            message: Msg {
                zh: zh.into(),
                en: en.into(),
            },
            details: vec![],
        }
    }

    pub fn invalid_argument(what: &str, value: &str) -> Self {
        Self::new(
            ErrorCode::InvalidArgument,
            format!("参数“{what}”的值“{value}”无效，请刷新后重试"),
            format!("invalid value '{value}' for {what}; reload and try again"),
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::Internal,
            format!("程序内部错误，请重试；如仍出现请联系管理员（{detail}）"),
            format!("internal error; try again and contact your administrator if it persists ({detail})"),
        )
    }
}

impl From<fudao_core::ValidationErrors> for AppError {
    fn from(v: fudao_core::ValidationErrors) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: Msg {
                zh: "有字段未通过校验，请按提示修改后再保存".into(),
                en: "Some fields are invalid; correct them as indicated and save again".into(),
            },
            details: v.0.into_iter().map(FieldError::from).collect(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Validation(v) => v.into(),
            StoreError::DuplicateUscc { uscc, existing } => {
                let msg = Msg {
                    zh: format!("统一社会信用代码 {uscc} 已被“{existing}”使用，请核对后修改"),
                    en: format!("USCC {uscc} is already used by '{existing}'; check and correct it"),
                };
                Self {
                    code: ErrorCode::DuplicateUscc,
                    message: msg.clone(),
                    details: vec![FieldError {
                        field: "uscc".into(),
                        code: "duplicate".into(),
                        message: msg,
                    }],
                }
            }
            StoreError::NotFound { kind, key } => Self::new(
                ErrorCode::NotFound,
                format!("未找到{}“{key}”，它可能已被删除，请刷新列表", kind.label_zh()),
                format!("no {} matches '{key}'; it may have been deleted — reload the list", kind.as_str()),
            ),
            StoreError::NewerSchema { found, supported } => Self::new(
                ErrorCode::NewerSchema,
                format!("数据库版本（{found}）比本程序支持的版本（{supported}）新，请升级软件"),
                format!("the database (schema {found}) is newer than this program supports ({supported}); upgrade Fudao"),
            ),
            StoreError::DemoDatabase => Self::new(
                ErrorCode::DemoDatabase,
                "这是演示数据库（虚构企业），不能登录或同步，以免演示数据进入真实服务器；请在设置中新建或打开一个工作数据库",
                "this is a demo database of invented firms: it cannot log in or sync, so demo data never reaches a real server — create or open a working database in Settings",
            ),
            StoreError::Io { path, source } => Self::new(
                ErrorCode::Io,
                format!("无法访问 {}（{source}），请检查文件夹权限和磁盘空间", path.display()),
                format!("cannot access {} ({source}); check folder permissions and disk space", path.display()),
            ),
            StoreError::Locked { .. } => Self::new(
                ErrorCode::Locked,
                "数据库已加锁，请输入口令解锁",
                "the database is locked: type its passphrase to unlock it",
            ),
            StoreError::KeyNeeded { path, new_database } => {
                let code = if new_database { ErrorCode::KeyNeededNew } else { ErrorCode::KeyNeeded };
                Self::new(
                    code,
                    format!("找不到数据库 {} 的密钥。请任选其一：在有系统密钥库的桌面会话中打开；输入口令（密钥经口令加密后保存在数据库旁的 .key 文件）；或设置环境变量 FUDAO_DB_KEY=<64 位十六进制密钥>", path.display()),
                    format!("no key for the database {}: open it in a desktop session with an OS keystore; or type a passphrase (the key is kept wrapped in the .key file beside the database); or set FUDAO_DB_KEY to the 64-hex-digit key", path.display()),
                )
            }
            StoreError::WrongKey { path } => Self::new(
                ErrorCode::WrongKey,
                format!("密钥无法打开数据库 {}：密钥错误，或文件不是金融辅导工作台的数据库", path.display()),
                format!("the key does not open {}: wrong key, or not a Fudao database", path.display()),
            ),
            StoreError::WrongPassphrase => Self::new(
                ErrorCode::WrongPassphrase,
                "口令错误，请重新输入",
                "wrong passphrase; type it again",
            ),
            StoreError::WeakPassphrase => Self::new(
                ErrorCode::WeakPassphrase,
                "口令至少需要 8 个字符",
                "the passphrase needs at least 8 characters",
            ),
            StoreError::BadKeyHex => Self::new(
                ErrorCode::BadKey,
                "环境变量 FUDAO_DB_KEY 应为 64 位十六进制数字，请改正或删除后重启程序",
                "FUDAO_DB_KEY must be 64 hex digits; correct or unset it and restart the app",
            ),
            other => {
                let code = other.code();
                Self::new(
                    code,
                    format!("数据库操作失败，请重试；如仍出现请备份数据并联系管理员（{other}）"),
                    format!("the database operation failed; try again, and if it persists back up your data and contact your administrator ({other})"),
                )
            }
        }
    }
}

impl From<fudao_ops::OpsError> for AppError {
    fn from(e: fudao_ops::OpsError) -> Self {
        match e {
            fudao_ops::OpsError::Store(e) => e.into(),
            other => {
                let m = other.message();
                Self::new(other.code(), m.zh, m.en)
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
