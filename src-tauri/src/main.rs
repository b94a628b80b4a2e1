// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's accelerated compositing costs ≈170 MB in the web process on machines without
    // a GPU (software GL) and brings nothing to a forms-and-tables app; keep it off unless the
    // user asks otherwise.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    // JavaScriptCore sizes its heap from the machine's RAM and lets it grow towards a share of
    // it before collecting in full. The web process inherits this variable and sees 384 MiB
    // (a JSC option, not a cap: it collects sooner, it does not fail): after visiting every
    // screen at 10,000 firms its PSS was 295–297 MB instead of 408 with the same timings
    // (docs/app.md, "2026-12-05"). A user's own setting wins.
    #[cfg(target_os = "linux")]
    if std::env::var_os("JSC_forceRAMSize").is_none() {
        std::env::set_var("JSC_forceRAMSize", (384u64 << 20).to_string());
    }
    fudao_app::run();
}
