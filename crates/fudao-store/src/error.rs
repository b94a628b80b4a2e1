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
    #[error("FUDAO_DB_KEY 应为 64 位十六进制数字（32 字节密钥） (FUDAO_DB_KEY must be 64 hex digits: a 32-byte key)")]
    BadKeyHex,
    #[error("{}", key_needed_message(path, *new_database))]
    KeyNeeded { path: PathBuf, new_database: bool },
    #[error("数据库 {} 已加锁，请输入口令解锁 (the database is locked: type its passphrase to unlock it; the wrapped key is in {}.key)", path.display(), path.display())]
    Locked { path: PathBuf },
    #[error("密钥无法打开数据库 {}：密钥错误，或文件不是金融辅导工作台的数据库 (the key does not open {}: wrong key, or not a Fudao database)", path.display(), path.display())]
    WrongKey { path: PathBuf },
    #[error(
        "口令错误，无法解开数据库密钥 (wrong passphrase: it does not unwrap the database key)"
    )]
    WrongPassphrase,
    #[error("口令至少需要 8 个字符 (the passphrase needs at least 8 characters)")]
    WeakPassphrase,
    #[error("密钥文件无法读取 (unreadable key file): {0}")]
    KeyFile(String),
    #[error("{0}")]
    Keystore(crate::keys::KeyStoreError),
    #[error("加密迁移未通过校验，原文件保持不变 (encrypting the database failed verification; the original file is unchanged): {0}")]
    Migration(String),
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据序列化错误 (serialisation error): {0}")]
    Json(#[from] serde_json::Error),
}

use fudao_sync::ErrorCode;

impl StoreError {
    /// A stable code for UIs and scripts to branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Validation(_) => ErrorCode::Validation,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Ambiguous { .. } => ErrorCode::Ambiguous,
            StoreError::DuplicateUscc { .. } => ErrorCode::DuplicateUscc,
            StoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
            StoreError::Corrupt { .. } => ErrorCode::Corrupt,
            StoreError::Io { .. } => ErrorCode::Io,
            StoreError::DemoDatabase => ErrorCode::DemoDatabase,
            StoreError::BadKeyHex => ErrorCode::BadKey,
            StoreError::KeyNeeded {
                new_database: true, ..
            } => ErrorCode::KeyNeededNew,
            StoreError::KeyNeeded { .. } => ErrorCode::KeyNeeded,
            StoreError::Locked { .. } => ErrorCode::Locked,
            StoreError::WrongKey { .. } => ErrorCode::WrongKey,
            StoreError::WrongPassphrase => ErrorCode::WrongPassphrase,
            StoreError::WeakPassphrase => ErrorCode::WeakPassphrase,
            StoreError::KeyFile(_) => ErrorCode::KeyFile,
            StoreError::Keystore(_) => ErrorCode::Keystore,
            StoreError::Migration(_) => ErrorCode::EncryptMigration,
            StoreError::Sqlite(_) => ErrorCode::Database,
            StoreError::Json(_) => ErrorCode::Serialisation,
        }
    }
}

impl StoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// No key anywhere: name the three ways to give one.
fn key_needed_message(path: &std::path::Path, new_database: bool) -> String {
    let what_zh = if new_database {
        "要加密保存数据库"
    } else {
        "数据库已加密"
    };
    let what_en = if new_database {
        "to keep the database encrypted, Fudao needs a key"
    } else {
        "the database is encrypted and its key was not found"
    };
    format!(
        "{what_zh} {}，但找不到数据库密钥。请任选其一：\
         ① 在有系统密钥库（Secret Service/GNOME 密钥环、macOS 钥匙串、Windows 凭据管理器）的桌面会话中运行；\
         ② 输入口令（命令行在终端中会提示输入，应用会显示解锁界面；密钥经口令加密后保存在 {}.key）；\
         ③ 无界面运行时设置环境变量 FUDAO_DB_KEY=<64 位十六进制密钥>。 \
         ({what_en} ({}): run in a desktop session with an OS keystore (Secret Service, Keychain, \
         Windows Credential Manager); or type a passphrase (the CLI prompts on a terminal, the app \
         shows an unlock screen; the key is kept wrapped in {}.key); or, for headless runs, set \
         FUDAO_DB_KEY to the 64-hex-digit key.)",
        path.display(),
        path.display(),
        path.display(),
        path.display()
    )
}
