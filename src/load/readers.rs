//! The JSON format readers, and the registry that detection walks in order.
//!
//! Every format is one module with one [`JsonReader`]; adding a format is that file, a
//! [`Format`] variant, one line in [`READERS`] and a test on a real sample. Formats that
//! wrap or resemble others come first (a Zeeschuimer line holds an X or TikTok item; a
//! twarc2 page also has `data`).

use serde_json::{Map, Value};

use crate::load::builder::ChunkBuilder;
use crate::load::json::JsonContext;
use crate::load::{
    bluesky, crowdtangle, jetstream, json_paths, mastodon, reddit, snscrape, telegram, telethon,
    tiktok_research, twitter_v1, twitter_v2, youtube, zeeschuimer,
};
use crate::model::Format;

/// One JSON format: how to recognise one of its values, and how to turn it into posts.
pub trait JsonReader: Sync {
    fn format(&self) -> Format;

    /// Whether this top-level JSON object is a value of this format.
    fn recognises(&self, o: &Map<String, Value>) -> bool;

    /// Text that, near the start of a file, points to this format when the first value is
    /// too long to parse from the sniffed head (a 100 MB Telegram export).
    fn head_probes(&self) -> &'static [&'static str] {
        &[]
    }

    /// Converts one value (`bytes`, starting on `line`) into posts, counting every record
    /// it holds in `out` (`rows_in`). `Err` when the value does not fit the format's
    /// schema at all; nothing must have been counted then.
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error>;
}

/// Every JSON reader, in the order detection tries them.
pub static READERS: &[&dyn JsonReader] = &[
    &zeeschuimer::Reader,
    &jetstream::JetstreamReader,
    &jetstream::TapReader,
    &telegram::Reader,
    &telethon::Reader,
    &tiktok_research::Reader,
    &youtube::Reader,
    &crowdtangle::Reader,
    &reddit::Reader,
    &twitter_v2::PagesReader,
    &twitter_v1::SearchReader,
    &snscrape::Reader,
    &bluesky::Reader,
    &mastodon::Reader,
    &twitter_v1::StatusReader,
    &twitter_v2::FlatReader,
];

/// The reader of a format (`None` for delimited text).
pub fn reader_for(format: Format) -> Option<&'static dyn JsonReader> {
    if format == Format::GenericJson {
        return Some(&json_paths::Reader);
    }
    READERS.iter().copied().find(|r| r.format() == format)
}

/// Recognises the format of one JSON value.
pub fn classify(v: &Value) -> Option<Format> {
    let o = v.as_object()?;
    READERS.iter().find(|r| r.recognises(o)).map(|r| r.format())
}

/// The format a head of text points to, from the readers' probes.
pub fn probe_head(text: &str) -> Option<Format> {
    READERS
        .iter()
        .find(|r| r.head_probes().iter().any(|p| text.contains(p)))
        .map(|r| r.format())
}

/// Parses a value that `reader` must recognise; `Err` (nothing counted) when it does not,
/// so the caller falls back to detecting the value's format.
pub fn parse_recognised(reader: &dyn JsonReader, bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let v: Value = serde_json::from_slice(bytes)?;
    if v.as_object().is_some_and(|o| reader.recognises(o)) {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "not {}",
            reader.format().description()
        )))
    }
}

/// A string member of an object, or "".
pub fn str_of<'o>(o: &'o Map<String, Value>, key: &str) -> &'o str {
    o.get(key).and_then(Value::as_str).unwrap_or("")
}
