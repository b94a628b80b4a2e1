//! [`ErrorCode`]: the one vocabulary of the `code` of the error shape
//! `{ code, message: { zh, en }, details }`, shared by the server's API errors
//! ([`crate::ApiError`]) and the desktop app's IPC errors (exported to TypeScript as a union,
//! feature `specta`). The UI and the sync client branch on it, never on message text.
//!
//! The wire text of every code is fixed (`serde` renames below): changing one breaks clients in
//! the field. A code this build does not know (a newer server's) reads as [`ErrorCode::Unknown`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares the enum and its wire text once, so `as_str` and serde cannot disagree.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable machine-readable error code (see the module documentation).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorCode {
            $( $(#[$doc])* #[serde(rename = $text)] $variant, )*
            /// A code this build does not know (sent by a newer server or app part).
            #[serde(rename = "unknown", other)]
            Unknown,
        }

        impl ErrorCode {
            /// Every known code (all but [`ErrorCode::Unknown`]).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code's wire text (`"upgrade_required"`, `"import.mapping_field"`, …).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                    ErrorCode::Unknown => "unknown",
                }
            }
        }
    };
}

error_codes! {
    // --- HTTP API (server) -------------------------------------------------------------
    /// The client's protocol or schema version is too old for the server: update the app.
    UpgradeRequired = "upgrade_required",
    /// No valid session: log in again.
    Unauthorized = "unauthorized",
    /// Wrong user name or password.
    BadCredentials = "bad_credentials",
    /// Too many attempts; wait and try again.
    RateLimited = "rate_limited",
    /// The user may not do this (also a mutation-level rejection).
    Forbidden = "forbidden",
    /// The request could not be read.
    BadRequest = "bad_request",
    /// The request body is over the size limit.
    TooLarge = "too_large",
    /// Nothing matches the key or path.
    NotFound = "not_found",
    /// A fault of the program; the message says what to try.
    Internal = "internal",
    /// The server (or its database) cannot serve now; try again later.
    Unavailable = "unavailable",
    /// The push names another device than the session's, or the device is another user's.
    DeviceMismatch = "device_mismatch",
    // --- Mutation-level rejections of a push ----------------------------------------------
    /// The same mutation id was pushed before with a different payload.
    PayloadMismatch = "payload_mismatch",
    /// The row's team may not be changed by a push.
    TeamChange = "team_change",
    /// Teams, users and products are managed on the server only.
    ReadOnlyKind = "read_only_kind",
    /// The merged row does not have the entity's shape.
    InvalidRow = "invalid_row",
    /// The team does not exist.
    UnknownTeam = "unknown_team",
    /// `device_seq` is further ahead of the device's highest accepted one than one push carries.
    DeviceSeqJump = "device_seq_jump",
    /// `base_version` is above the row's current server version.
    BaseVersionAhead = "base_version_ahead",
    /// The mutation id was used by someone outside the caller's team.
    MutationIdTaken = "mutation_id_taken",
    /// A field or the row is larger than the limits.
    RowTooLarge = "row_too_large",
    /// The change collides with another user's edit of the same field: the UI opens the
    /// conflicts view of 同步.
    Conflict = "conflict",
    // --- Local data (the store) -----------------------------------------------------------
    /// Field-level problems; `details` holds one entry per field.
    Validation = "validation",
    /// A name or number matches several records.
    Ambiguous = "ambiguous",
    /// The USCC is already another firm's.
    DuplicateUscc = "duplicate_uscc",
    /// The database was written by a newer version of the program.
    NewerSchema = "newer_schema",
    /// The database file is damaged.
    Corrupt = "corrupt",
    /// A file or folder could not be read or written.
    Io = "io",
    /// A demo database may not log in or sync.
    DemoDatabase = "demo_database",
    /// `FUDAO_DB_KEY` is not 64 hex digits.
    BadKey = "bad_key",
    /// A new database needs a key (a passphrase to wrap it).
    KeyNeededNew = "key_needed_new",
    /// The database is encrypted and its key was not found.
    KeyNeeded = "key_needed",
    /// The database is locked until its passphrase is typed.
    Locked = "locked",
    /// The key does not open the database.
    WrongKey = "wrong_key",
    /// The passphrase is wrong.
    WrongPassphrase = "wrong_passphrase",
    /// The passphrase is too short.
    WeakPassphrase = "weak_passphrase",
    /// The `.key` file beside the database is unreadable.
    KeyFile = "key_file",
    /// The OS keystore failed.
    Keystore = "keystore",
    /// Encrypting a plain database failed.
    EncryptMigration = "encrypt_migration",
    /// Another database failure.
    Database = "database",
    /// A stored value could not be (de)serialised.
    Serialisation = "serialisation",
    // --- Sync client ----------------------------------------------------------------------
    /// The sync server cannot be reached.
    Offline = "offline",
    /// The server address is not an http(s) URL.
    BadUrl = "bad_url",
    /// `http://` to another machine needs the user's confirmation.
    CleartextHttp = "cleartext_http",
    /// No session: log in under 同步 first.
    NotLoggedIn = "not_logged_in",
    /// The sync did not finish (local data kept).
    Sync = "sync",
    /// The user cancelled a running sync (what was exchanged is kept).
    SyncCancelled = "sync.cancelled",
    /// The local database failed during a sync.
    LocalDb = "local_db",
    // --- App commands ---------------------------------------------------------------------
    /// A command argument is invalid (stale UI state).
    InvalidArgument = "invalid_argument",
    /// The UI could not reach the app's backend (made by the UI itself).
    Ipc = "ipc",
    /// A PDF could not be rendered.
    Pdf = "pdf",
    /// A workbook could not be written.
    Export = "export",
    /// A KPI period is not a valid date range.
    InvalidPeriod = "invalid_period",
    /// A column mapping names an unknown field.
    ImportMappingField = "import.mapping_field",
    /// A mapped column header is not in the file.
    ImportMappingHeader = "import.mapping_header",
    /// Two columns map to the same field.
    ImportMappingConflict = "import.mapping_conflict",
    /// The import file could not be read.
    ImportRead = "import.read",
    /// The plan is not a draft.
    PlanNotDraft = "plan.not_draft",
    /// The plan names a product that is not in the catalogue.
    PlanUnknownProduct = "plan.unknown_product",
    /// The plan must be confirmed before it is delivered.
    PlanNotConfirmed = "plan.not_confirmed",
    /// The product catalogue's `catalog_version` is not one this build reads.
    CatalogVersion = "catalog_version",
    /// A backup to restore is not a Fudao database.
    RestoreNotADatabase = "restore.not_a_database",
    /// A backup to restore is encrypted with another key.
    RestoreWrongKey = "restore.wrong_key",
}

impl ErrorCode {
    /// The code of a wire text; [`ErrorCode::Unknown`] for a text this build does not know.
    pub fn parse(text: &str) -> ErrorCode {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == text)
            .unwrap_or(ErrorCode::Unknown)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The wire text, so a code reads as text where text is expected (`code.is_empty()`,
/// `&*code`).
impl std::ops::Deref for ErrorCode {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
impl PartialEq<String> for ErrorCode {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<ErrorCode> for str {
    fn eq(&self, other: &ErrorCode) -> bool {
        self == other.as_str()
    }
}
impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.as_str()
    }
}
impl PartialEq<ErrorCode> for String {
    fn eq(&self, other: &ErrorCode) -> bool {
        self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_as_its_text_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for &c in ErrorCode::ALL {
            let v = serde_json::to_value(c).unwrap();
            assert_eq!(v, serde_json::Value::String(c.as_str().to_string()));
            assert_eq!(serde_json::from_value::<ErrorCode>(v).unwrap(), c);
            assert_eq!(ErrorCode::parse(c.as_str()), c);
            assert!(seen.insert(c.as_str()), "{c} twice");
        }
    }

    #[test]
    fn wire_texts_of_existing_clients_are_unchanged() {
        // The texts clients in the field already branch on (docs/sync.md, the app's UI).
        for (c, t) in [
            (ErrorCode::UpgradeRequired, "upgrade_required"),
            (ErrorCode::Unauthorized, "unauthorized"),
            (ErrorCode::DeviceSeqJump, "device_seq_jump"),
            (ErrorCode::BaseVersionAhead, "base_version_ahead"),
            (ErrorCode::Validation, "validation"),
            (ErrorCode::ImportMappingField, "import.mapping_field"),
            (ErrorCode::RestoreWrongKey, "restore.wrong_key"),
        ] {
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{t}\""));
        }
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        let c: ErrorCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(c, ErrorCode::Unknown);
        assert_eq!(ErrorCode::parse("quota_exceeded"), ErrorCode::Unknown);
    }
}
