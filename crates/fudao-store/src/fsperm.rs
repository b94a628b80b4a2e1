//! File modes for personal data: files 0600, folders 0700 (Unix; elsewhere the platform's
//! per-user folders already restrict access), and overwriting a file before removing it.

use crate::StoreError;
use std::io::Write;
use std::path::Path;

/// Makes `path` readable and writable by its owner only (0600). A missing file is not an
/// error.
pub fn restrict_file(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes the folder `dir` accessible to its owner only (0700).
pub fn restrict_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| StoreError::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `dir` (and its parents) if missing; the folders created here get mode 0700.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_dir(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => restrict_dir(dir),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::io(dir, e)),
    }
}

/// Creates `path` empty with mode 0600 unless it exists (so SQLite, which gives the WAL and
/// shared-memory files the database's mode, never makes a world-readable file). An existing
/// file is not opened at all (`O_CREAT|O_EXCL` fails before any descriptor exists): closing a
/// descriptor of a database file would drop the POSIX locks of this process's SQLite
/// connections to it (see [`crate::keys::file_kind`]).
pub fn touch_private(path: &Path) -> Result<(), StoreError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

/// Writes `bytes` to a new file `path` with mode 0600 (replacing it).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let _ = std::fs::remove_file(path);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).map_err(|e| StoreError::io(path, e))?;
    f.write_all(bytes).map_err(|e| StoreError::io(path, e))?;
    f.sync_all().map_err(|e| StoreError::io(path, e))?;
    Ok(())
}

/// Overwrites `path` with zeros (synced to disk), then removes it. On copy-on-write file
/// systems and SSDs old blocks may survive; the overwrite still keeps the plaintext out of the
/// file system's view. A missing file is not an error.
pub fn shred_and_remove(path: &Path) -> Result<(), StoreError> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| StoreError::io(path, e))?;
        let zeros = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])
                .map_err(|e| StoreError::io(path, e))?;
            left -= n as u64;
        }
        f.sync_all().map_err(|e| StoreError::io(path, e))?;
    }
    std::fs::remove_file(path).map_err(|e| StoreError::io(path, e))
}

/// The mode bits of `path` (Unix), for status reports and tests.
pub fn mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
