//! Giving memory back after a heavy job.
//!
//! glibc keeps what a job freed in its arenas for later allocations, and after one large block
//! is freed it raises its mmap threshold, so the next large blocks come from (and stay in) the
//! heap. After the plan preview (a 3 MB pixel buffer a page, its PNG, base64 and JSON), the app
//! process kept ≈ 19 MB for good: 145.8 → 164.5 MB PSS after the tour when the preview moved
//! from pdf.js into Rust (`scripts/app-measure.sh`, 10k; docs/app.md "2026-12-05 (later)").
//! `malloc_trim(0)` returns the free pages of every arena to the system. The app calls it
//! after its heavy jobs: the first open (and 工作台's counts read with it), the preview, 团队's
//! KPIs, an import (and its dry run), a backup and a sync.
//!
//! This is the app's one `unsafe` block (the crate denies `unsafe_code` instead of forbidding
//! it, for this call only). A global allocator that returns memory by itself (mimalloc) was
//! measured instead and was worse: the app process held 230 MB after the same tour.

/// Returns the heap's free pages to the system (a no-op off glibc).
#[allow(unsafe_code)]
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer and only walks glibc's own arenas, each under its
    // lock; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`release_free_memory`] half a second from now, on the async runtime: after a command's
/// answer has been serialised and sent (its buffers are free by then).
pub fn release_free_memory_soon() {
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        release_free_memory();
    });
}
