#![no_main]
//! The twarc2 readers (API pages and flattened tweets), forced, on arbitrary bytes.

use derail::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    derail_fuzz::check_load(data, Some(Format::Twarc2Pages));
    derail_fuzz::check_load(data, Some(Format::Twarc2Flat));
});
