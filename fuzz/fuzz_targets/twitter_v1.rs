#![no_main]
//! The Twitter v1.1 readers (tweets, and search responses), forced, on arbitrary bytes.

use derail::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    derail_fuzz::check_load(data, Some(Format::TwitterV1));
    derail_fuzz::check_load(data, Some(Format::TwitterV1Search));
});
