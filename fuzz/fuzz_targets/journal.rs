#![no_main]
//! The label-journal reader on arbitrary bytes: never panics, and its valid prefix is a
//! prefix of the input.

use std::path::Path;

use derail::labels::journal::read_journal_from;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let replay = read_journal_from(data, Path::new("fuzz.journal")).expect("reading from memory");
    assert!(replay.valid_len as usize <= data.len());
    assert!(replay.valid_len == 0 || data[replay.valid_len as usize - 1] == b'\n');
});
