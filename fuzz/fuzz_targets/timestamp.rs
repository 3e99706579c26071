#![no_main]
//! The timestamp parser: never panics, and what it reads survives a round trip through
//! derail's own ISO 8601 output.

use derail::time::{TimeParser, format_iso};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let p = TimeParser::default();
    if let Some(t) = p.parse(s) {
        let iso = format_iso(t.ms);
        assert_eq!(p.parse_ms(&iso), Some(t.ms), "{s:?} -> {} -> {iso}", t.ms);
    }
});
