#![no_main]
//! Format detection (encodings, gzip, JSON or CSV) and whatever reader it picks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    derail_fuzz::check_load(data, None);
});
