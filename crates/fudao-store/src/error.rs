use fudao_core::model::EntityKind;
use fudao_core::ValidationErrors;
use std::path::PathBuf;

/// Errors from the local store. Messages are bilingual and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据校验未通过 (validation failed): {0}")]
    Validation(ValidationErrors),
    #[error("未找到{}“{key}” (no {} matches '{key}')", kind.label_zh(), kind.as_str())]
    NotFound { kind: EntityKind, key: String },
    #[error("“{key}”匹配到多家企业，请使用统一社会信用代码 ('{key}' matches several firms; use the USCC): {}", candidates.join("; "))]
    Ambiguous {
        key: String,
        candidates: Vec<String>,
    },
    #[error("统一社会信用代码 {uscc} 已被“{existing}”使用 (USCC already used by another firm)")]
    DuplicateUscc { uscc: String, existing: String },
    #[error("数据库版本（{found}）比本程序支持的版本（{supported}）新，请升级软件 (database schema {found} is newer than this program supports ({supported}); upgrade Fudao)")]
    NewerSchema { found: u32, supported: u32 },
    #[error("数据库中的记录已损坏 (corrupt {kind} row {id}): {detail}")]
    Corrupt {
        kind: &'static str,
        id: String,
        detail: String,
    },
    #[error("无法访问 {path}（{source}） (cannot access the path)")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("这是演示数据库（fudao demo 生成的虚构企业），不能登录或同步，以免演示数据进入真实服务器；请另用一个数据库（--db） (this is a demo database of invented firms from `fudao demo`: it cannot log in or sync, so demo data never reaches a real server; use another database, --db)")]
    DemoDatabase,
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据序列化错误 (serialisation error): {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable code for UIs and scripts to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Validation(_) => "validation",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Ambiguous { .. } => "ambiguous",
            StoreError::DuplicateUscc { .. } => "duplicate_uscc",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::Io { .. } => "io",
            StoreError::DemoDatabase => "demo_database",
            StoreError::Sqlite(_) => "database",
            StoreError::Json(_) => "serialisation",
        }
    }
}
