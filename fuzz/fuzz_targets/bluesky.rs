#![no_main]
//! The bluesky reader, forced, on arbitrary bytes.

use derail::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    derail_fuzz::check_load(data, Some(Format::Bluesky));
});
