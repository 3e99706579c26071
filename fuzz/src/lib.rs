//! Shared checks for derail's fuzz targets.

use derail::load::{LoadOptions, load_bytes};
use derail::model::Format;
use derail::progress::Progress;

/// The platform readers the `platforms` target forces onto each input.
pub const PLATFORM_FORMATS: [Format; 10] = Format::PLATFORMS;

/// Loads `data` as `format` (or detects it) and checks derail's promise about every
/// input: a clear error that names the file, or a load whose accounting balances.
pub fn check_load(data: &[u8], format: Option<Format>) {
    let opts = LoadOptions {
        format,
        // Keep a single fuzz input from asking for the machine's whole memory.
        memory_budget: Some(1 << 30),
        // Small blocks: fast to allocate per input, and every record boundary logic
        // (a record split across blocks, a block holding one huge record) gets exercised.
        block_bytes: 1024,
        ..LoadOptions::default()
    };
    match load_bytes(data, "fuzz-input", &opts, &Progress::new()) {
        Err(e) => assert!(
            e.to_string().contains("fuzz-input"),
            "error without the file name: {e}"
        ),
        Ok(ds) => {
            if let Err(e) = ds.report.check_accounting(ds.len()) {
                panic!("{e}");
            }
        }
    }
}
