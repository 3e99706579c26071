#![no_main]
//! Every platform reader forced onto the input (Jetstream, tap, Zeeschuimer, Telegram,
//! Telethon, Reddit, TikTok Research, YouTube, CrowdTangle, JSON by paths).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in derail_fuzz::PLATFORM_FORMATS {
        derail_fuzz::check_load(data, Some(format));
    }
});
