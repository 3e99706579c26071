//! The dataset model: a columnar store of posts, immutable after load.
//!
//! Every per-post column has one entry per loaded post, in input order. Strings that repeat
//! (authors, hashtags, languages, mentions, urls) are interned; texts live in a chunked arena.

pub mod columns;

use std::borrow::Cow;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use columns::{Interner, ListColumn, TextColumn};

/// Marks "no id" in an id column (a post that references nothing).
pub const ID_NONE: u64 = u64::MAX;
/// Ids that are not canonical decimal numbers below 2^63 are stored as strings; their code
/// has this bit set and the rest is the index into [`IdStrings`].
const STRING_ID_FLAG: u64 = 1 << 63;

/// Exact post ids: a `u64` where that is lossless, else the original string.
#[derive(Debug, Default, Clone)]
pub struct IdStrings {
    strings: TextColumn,
}

impl IdStrings {
    /// Encodes an id, keeping it exact. `None` for an empty id.
    pub fn encode(&mut self, raw: &str) -> u64 {
        if let Some(n) = canonical_u64(raw) {
            return n;
        }
        let raw = raw.trim();
        if raw.is_empty() {
            return ID_NONE;
        }
        if let Some(n) = canonical_u64(raw) {
            return n;
        }
        let i = self.strings.len() as u64;
        self.strings.push(raw);
        STRING_ID_FLAG | i
    }

    pub fn decode(&self, code: u64) -> Cow<'_, str> {
        if code == ID_NONE {
            Cow::Borrowed("")
        } else if code & STRING_ID_FLAG != 0 {
            Cow::Borrowed(self.strings.get((code & !STRING_ID_FLAG) as usize))
        } else {
            Cow::Owned(code.to_string())
        }
    }

    pub fn is_string(code: u64) -> bool {
        code != ID_NONE && code & STRING_ID_FLAG != 0
    }

    /// Appends `other`'s strings and returns the offset to add to its string indices.
    pub fn append(&mut self, other: IdStrings) -> u64 {
        let base = self.strings.len() as u64;
        self.strings.append(other.strings);
        base
    }

    pub fn rebase(code: u64, base: u64) -> u64 {
        if Self::is_string(code) {
            STRING_ID_FLAG | ((code & !STRING_ID_FLAG) + base)
        } else {
            code
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.strings.heap_bytes()
    }
}

/// A decimal string that round-trips exactly through `u64` (no sign, no leading zeros,
/// below 2^63). Anything else stays a string.
pub fn canonical_u64(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 19 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    // 19 digits fit in u64 without overflow; one pass, no checked arithmetic.
    let mut n: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as u64;
    }
    (n < STRING_ID_FLAG).then_some(n)
}

/// What kind of post a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum PostKind {
    #[default]
    Original = 0,
    Retweet = 1,
    Quote = 2,
    Reply = 3,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Retweet => "retweet",
            PostKind::Quote => "quote",
            PostKind::Reply => "reply",
        }
    }
}

/// Engagement counts; `u32::MAX` means "not in the data".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub reposts: u32,
    pub replies: u32,
    pub likes: u32,
    pub quotes: u32,
}

pub const METRIC_NONE: u32 = u32::MAX;

/// A count as a metric column holds it: above `u32`, the largest value that is not
/// [`METRIC_NONE`]; none, `METRIC_NONE`.
pub fn metric_count(v: Option<u64>) -> u32 {
    v.map(|n| n.min(u32::MAX as u64 - 1) as u32)
        .unwrap_or(METRIC_NONE)
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            reposts: METRIC_NONE,
            replies: METRIC_NONE,
            likes: METRIC_NONE,
            quotes: METRIC_NONE,
        }
    }
}

impl Metrics {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The input formats derail reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// twarc2 JSONL of API response pages (`data` + `includes`).
    Twarc2Pages,
    /// twarc2 flattened JSONL, one tweet per line with expansions inline.
    Twarc2Flat,
    /// Twitter API v1.1 tweets, one per line (or an array).
    TwitterV1,
    /// A Twitter API v1.1 search response (`statuses` array).
    TwitterV1Search,
    /// snscrape `--jsonl` output.
    Snscrape,
    /// Bluesky `app.bsky.feed.defs#postView` objects or feed items.
    Bluesky,
    /// Mastodon status JSON.
    Mastodon,
    /// Bluesky Jetstream events (`did`, `time_us`, `kind`, `commit`).
    BlueskyJetstream,
    /// Bluesky records from the "tap" collector (`type: record`, `record.action`).
    BlueskyTap,
    /// Zeeschuimer NDJSON captures (X, TikTok, Instagram, Threads, LinkedIn).
    Zeeschuimer,
    /// A Telegram Desktop export (one chat, or a whole account).
    TelegramDesktop,
    /// Telegram messages as Telethon writes them (`_: "Message"`).
    Telethon,
    /// Reddit submissions and comments (Pushshift / Arctic Shift dumps).
    Reddit,
    /// TikTok Research API videos and comments.
    TikTokResearch,
    /// YouTube Data API responses (comment threads, comments, videos, search results).
    YouTube,
    /// CrowdTangle API posts.
    CrowdTangleApi,
    /// Any other JSON: objects flattened to dotted paths and mapped like CSV columns.
    GenericJson,
    /// A folder (or list) of files, each read in its own format.
    Folder,
    /// Delimited text (CSV, TSV, ...).
    Csv,
    /// An Apache Parquet file, its columns mapped like a CSV header.
    Parquet,
}

impl Format {
    /// The readers of the platforms collected since Twitter's API closed (for fuzzing and
    /// tests that force each one).
    pub const PLATFORMS: [Format; 10] = [
        Format::BlueskyJetstream,
        Format::BlueskyTap,
        Format::Zeeschuimer,
        Format::TelegramDesktop,
        Format::Telethon,
        Format::Reddit,
        Format::TikTokResearch,
        Format::YouTube,
        Format::CrowdTangleApi,
        Format::GenericJson,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Twarc2Pages => "twarc2_pages",
            Format::Twarc2Flat => "twarc2_flat",
            Format::TwitterV1 => "twitter_v1",
            Format::TwitterV1Search => "twitter_v1_search",
            Format::Snscrape => "snscrape",
            Format::Bluesky => "bluesky",
            Format::Mastodon => "mastodon",
            Format::BlueskyJetstream => "bluesky_jetstream",
            Format::BlueskyTap => "bluesky_tap",
            Format::Zeeschuimer => "zeeschuimer",
            Format::TelegramDesktop => "telegram_desktop",
            Format::Telethon => "telethon",
            Format::Reddit => "reddit",
            Format::TikTokResearch => "tiktok_research",
            Format::YouTube => "youtube",
            Format::CrowdTangleApi => "crowdtangle_api",
            Format::GenericJson => "json",
            Format::Folder => "folder",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Format::Twarc2Pages => "twarc2 JSONL (Twitter API v2 response pages)",
            Format::Twarc2Flat => "twarc2 flattened JSONL (one tweet per line)",
            Format::TwitterV1 => "Twitter API v1.1 tweets",
            Format::TwitterV1Search => "Twitter API v1.1 search response",
            Format::Snscrape => "snscrape JSONL",
            Format::Bluesky => "Bluesky PostView JSON",
            Format::Mastodon => "Mastodon status JSON",
            Format::BlueskyJetstream => "Bluesky Jetstream events",
            Format::BlueskyTap => "Bluesky tap records",
            Format::Zeeschuimer => "Zeeschuimer NDJSON capture",
            Format::TelegramDesktop => "Telegram Desktop export",
            Format::Telethon => "Telegram messages (Telethon JSON)",
            Format::Reddit => "Reddit dump (Pushshift / Arctic Shift)",
            Format::TikTokResearch => "TikTok Research API",
            Format::YouTube => "YouTube Data API",
            Format::CrowdTangleApi => "CrowdTangle API posts",
            Format::GenericJson => "JSON mapped by paths",
            Format::Folder => "a folder of files",
            Format::Csv => "delimited text (CSV/TSV)",
            Format::Parquet => "Apache Parquet",
        }
    }

    /// The platform's own word for a kind of post: a tweet and a retweet on Twitter, a
    /// forward on Telegram, a crosspost on Reddit, a boost on Mastodon, a repost elsewhere.
    pub fn kind_word(self, kind: PostKind) -> &'static str {
        use Format as F;
        let twitter = matches!(
            self,
            F::Twarc2Pages | F::Twarc2Flat | F::TwitterV1 | F::TwitterV1Search | F::Snscrape
        );
        match kind {
            PostKind::Original if twitter => "tweet",
            PostKind::Original => "post",
            PostKind::Retweet if twitter => "retweet",
            PostKind::Retweet => match self {
                F::TelegramDesktop | F::Telethon => "forward",
                F::Reddit => "crosspost",
                F::Mastodon => "boost",
                F::CrowdTangleApi => "share",
                _ => "repost",
            },
            PostKind::Reply => match self {
                F::Reddit | F::YouTube | F::TikTokResearch => "comment",
                _ => "reply",
            },
            PostKind::Quote => "quote",
        }
    }

    /// Whether a repost in this format carries its original's content (a twarc2 retweet
    /// does; a Jetstream or tap repost record names only its subject).
    pub fn reposts_carry_content(self) -> bool {
        !matches!(self, Format::BlueskyJetstream | Format::BlueskyTap)
    }

    /// The platform's word for where a post was made (a subreddit, a channel), if any.
    pub fn community_word(self) -> &'static str {
        match self {
            Format::Reddit => "subreddit",
            Format::TelegramDesktop | Format::Telethon => "chat",
            Format::YouTube => "video",
            Format::CrowdTangleApi => "page",
            _ => "community",
        }
    }

    pub fn from_name(s: &str) -> Option<Format> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Some(match s.as_str() {
            "twarc2_pages" | "twarc2" | "twarc" => Format::Twarc2Pages,
            "twarc2_flat" | "twarc2_flattened" | "flat" => Format::Twarc2Flat,
            "twitter_v1" | "v1" | "v1.1" | "twitter_v1.1" => Format::TwitterV1,
            "twitter_v1_search" | "v1_search" => Format::TwitterV1Search,
            "snscrape" => Format::Snscrape,
            "bluesky" | "bsky" => Format::Bluesky,
            "mastodon" => Format::Mastodon,
            "bluesky_jetstream" | "jetstream" => Format::BlueskyJetstream,
            "bluesky_tap" | "tap" => Format::BlueskyTap,
            "zeeschuimer" | "4cat" => Format::Zeeschuimer,
            "telegram_desktop" | "telegram" => Format::TelegramDesktop,
            "telethon" => Format::Telethon,
            "reddit" | "pushshift" | "arctic_shift" => Format::Reddit,
            "tiktok_research" | "tiktok" => Format::TikTokResearch,
            "youtube" => Format::YouTube,
            "crowdtangle_api" | "crowdtangle" => Format::CrowdTangleApi,
            "json" | "generic_json" => Format::GenericJson,
            "csv" | "tsv" => Format::Csv,
            _ => return None,
        })
    }

    /// Whether the source has fixed fields flattened to the core columns (JSON formats and
    /// folders), rather than columns of its own (delimited text, Parquet).
    pub fn is_json(self) -> bool {
        !matches!(self, Format::Csv | Format::Parquet)
    }
}

/// Where the input columns of one post are in the source, for byte-exact export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawSpan {
    /// Byte offset in the decoded source stream (after gunzip and UTF-16 → UTF-8).
    pub start: u64,
    /// Length in bytes, without the line terminator.
    pub len: u32,
}

/// In [`Authors`]' numeric map: the author's handle is still unknown.
const NEEDS_HANDLE: u32 = 1 << 31;

/// One author: the stable key (platform id, else `@handle`) and the display handle.
#[derive(Debug, Default, Clone)]
pub struct Authors {
    /// Platform id where known, else `@handle`.
    pub keys: Interner,
    /// Per author: index into `handles`.
    pub handle_of: Vec<u32>,
    pub handles: Interner,
    /// Fast path for numeric ids: id → author index, with [`NEEDS_HANDLE`] set while the
    /// author's handle is unknown.
    numeric: rustc_hash::FxHashMap<u64, u32>,
}

impl Authors {
    pub fn intern(&mut self, id: &str, handle: &str) -> u32 {
        let num = canonical_u64(id);
        if let Some(n) = num
            && let Some(slot) = self.numeric.get_mut(&n)
        {
            // The flag spares a look at the handle (a cache miss) for authors whose
            // handle is already known, which is nearly all of them.
            let i = *slot & !NEEDS_HANDLE;
            if *slot & NEEDS_HANDLE != 0 && !handle.is_empty() {
                *slot = i;
                self.fill_handle(i, handle);
            }
            return i;
        }
        let key: Cow<str> = if !id.is_empty() {
            Cow::Borrowed(id)
        } else {
            Cow::Owned(format!("@{handle}"))
        };
        let before = self.keys.len();
        let i = self.keys.intern(&key);
        if self.keys.len() > before {
            let h = self.handles.intern(handle);
            self.handle_of.push(h);
        } else {
            self.fill_handle(i, handle);
        }
        if let Some(n) = num
            && i < NEEDS_HANDLE
        {
            let missing = self
                .handle_of
                .get(i as usize)
                .is_none_or(|&h| self.handles.get_len(h) == 0);
            self.numeric
                .insert(n, if missing { i | NEEDS_HANDLE } else { i });
        }
        i
    }

    /// A later row may know the handle that an earlier one lacked.
    fn fill_handle(&mut self, i: u32, handle: &str) {
        if handle.is_empty() {
            return;
        }
        if let Some(&slot) = self.handle_of.get(i as usize)
            && self.handles.get_len(slot) == 0
        {
            let h = self.handles.intern(handle);
            self.handle_of[i as usize] = h;
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn handle(&self, author: u32) -> &str {
        let h = self.handle_of.get(author as usize).copied().unwrap_or(0);
        let handle = self.handles.resolve(h);
        if handle.is_empty() {
            self.keys.resolve(author)
        } else {
            handle
        }
    }

    pub fn key(&self, author: u32) -> &str {
        self.keys.resolve(author)
    }
}

/// Facts about the file a dataset came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceInfo {
    pub path: PathBuf,
    pub format: Format,
    /// Byte size of the file on disk.
    pub file_bytes: u64,
    /// xxh3-64 of the decoded source stream, as 16 hex digits.
    pub fingerprint: String,
    /// Column names of the input, in order (for JSON: the flattened core fields).
    pub columns: Vec<String>,
    /// The delimiter of a delimited-text source.
    pub delimiter: Option<u8>,
    /// How the source is compressed ("" when it is not; "gzip", "zstd", "bzip2", "xz",
    /// "zip").
    pub compression: String,
    /// The text encoding that was decoded, e.g. "UTF-8", "UTF-16LE".
    pub encoding: String,
    /// The header line of a delimited-text source (absent when the file has none).
    pub header_span: Option<RawSpan>,
    /// The line ending of a delimited-text source ("\n" or "\r\n").
    pub line_ending: String,
}

/// A loaded dataset. Immutable after load: analysis reads it, labels refer to it by post id.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub source: SourceInfo,
    pub ids: Vec<u64>,
    pub ref_ids: Vec<u64>,
    pub id_strings: IdStrings,
    /// UTC milliseconds since the Unix epoch.
    pub created_at: Vec<i64>,
    pub author: Vec<u32>,
    pub authors: Authors,
    pub text: TextColumn,
    pub lang: Vec<u16>,
    pub langs: Interner,
    /// Where each post was made (subreddit, channel, video, page), as indices into
    /// `communities`; index 0 is "none".
    pub community: Vec<u32>,
    pub communities: Interner,
    pub kind: Vec<PostKind>,
    /// Normalised (NFKC, lowercase) hashtags, without '#', as indices into `hashtag_names`.
    pub hashtags: ListColumn,
    pub hashtag_names: Interner,
    /// The spelling each hashtag had in the post, parallel to `hashtags`.
    pub hashtag_spellings: ListColumn,
    pub hashtag_display: Interner,
    pub mentions: ListColumn,
    pub mention_names: Interner,
    pub urls: ListColumn,
    pub url_names: Interner,
    pub has_media: Vec<bool>,
    /// Empty when the source has no metrics at all.
    pub metrics: Vec<Metrics>,
    /// 1-based line where each post's record starts in the source (saturating at u32::MAX).
    pub lines: Vec<u32>,
    /// Byte offsets and lengths of the original rows (delimited text only; empty for JSON).
    pub raw_start: Vec<u64>,
    pub raw_len: Vec<u32>,
    /// For each post, how many earlier posts share its id (0 for the first occurrence).
    pub id_occurrence: Vec<u32>,
    /// For a dataset of several files: their paths, in load order (empty for one file).
    pub files: Vec<String>,
    /// For a dataset of several files: each post's file, as an index into `files`.
    pub file_of: Vec<u16>,
    /// Posts ordered by (time, index), made on first use by [`Dataset::time_order`].
    pub time_order: std::sync::OnceLock<Vec<u32>>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.created_at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.created_at.is_empty()
    }

    /// Every post, ordered by time (ties in input order). Sorted in parallel on first use
    /// and kept: the post table's default order, and a cheap way to keep any filter's rows
    /// in time order without sorting them.
    pub fn time_order(&self) -> &[u32] {
        self.time_order.get_or_init(|| {
            use rayon::prelude::*;
            let mut order: Vec<u32> = (0..self.len() as u32).collect();
            if !self.created_at.is_sorted() {
                order.par_sort_by_key(|&i| (self.created_at[i as usize], i));
            }
            order
        })
    }

    pub fn id(&self, i: usize) -> Cow<'_, str> {
        self.id_strings.decode(self.ids[i])
    }

    /// Posts `a` and `b` by time, then by id: an order that does not depend on the order
    /// of the file (posts with neither differ only by where they sit in it).
    pub fn cmp_time_id(&self, a: usize, b: usize) -> std::cmp::Ordering {
        self.created_at[a]
            .cmp(&self.created_at[b])
            .then_with(|| self.id(a).cmp(&self.id(b)))
            .then(a.cmp(&b))
    }

    /// The id that addresses this post uniquely: the post id, with `#N` appended for the
    /// N-th repeat of a duplicated id (the documented duplicate-id rule), or `line:N` for a
    /// post without an id.
    pub fn post_key(&self, i: usize) -> String {
        if self.ids[i] == ID_NONE {
            return crate::labels::agreement::row_key(self.source_file(i), self.lines[i] as u64);
        }
        let id = self.id(i);
        match self.id_occurrence.get(i).copied().unwrap_or(0) {
            0 => id.into_owned(),
            n => format!("{id}#{}", n + 1),
        }
    }

    /// Does the post have an id of its own (else its key is its row)?
    pub fn has_id(&self, i: usize) -> bool {
        self.ids[i] != ID_NONE
    }

    /// The file a post came from, for a dataset of several files ("" for one file).
    pub fn source_file(&self, i: usize) -> &str {
        self.file_of
            .get(i)
            .and_then(|&f| self.files.get(f as usize))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The 1-based source line of a post.
    pub fn line(&self, i: usize) -> u64 {
        self.lines[i] as u64
    }

    /// Where the original row of a post is in the decoded source.
    pub fn raw(&self, i: usize) -> RawSpan {
        RawSpan {
            start: self.raw_start[i],
            len: self.raw_len[i],
        }
    }

    pub fn ref_id(&self, i: usize) -> Cow<'_, str> {
        self.id_strings.decode(self.ref_ids[i])
    }

    pub fn text(&self, i: usize) -> &str {
        self.text.get(i)
    }

    pub fn handle(&self, i: usize) -> &str {
        self.authors.handle(self.author[i])
    }

    pub fn lang(&self, i: usize) -> &str {
        self.langs.resolve(self.lang[i] as u32)
    }

    /// The community a post was made in (a subreddit, a channel), or "".
    pub fn community(&self, i: usize) -> &str {
        self.community
            .get(i)
            .map(|&c| self.communities.resolve(c))
            .unwrap_or("")
    }

    /// Whether any post names a community.
    pub fn has_communities(&self) -> bool {
        self.communities.len() > 1
    }

    pub fn hashtags(&self, i: usize) -> impl Iterator<Item = &str> {
        self.hashtags
            .get(i)
            .iter()
            .map(|&h| self.hashtag_names.resolve(h))
    }

    pub fn hashtag_spellings(&self, i: usize) -> impl Iterator<Item = &str> {
        self.hashtag_spellings
            .get(i)
            .iter()
            .map(|&h| self.hashtag_display.resolve(h))
    }

    pub fn mentions(&self, i: usize) -> impl Iterator<Item = &str> {
        self.mentions
            .get(i)
            .iter()
            .map(|&h| self.mention_names.resolve(h))
    }

    pub fn urls(&self, i: usize) -> impl Iterator<Item = &str> {
        self.urls.get(i).iter().map(|&h| self.url_names.resolve(h))
    }

    pub fn metrics(&self, i: usize) -> Metrics {
        self.metrics.get(i).copied().unwrap_or_default()
    }

    /// (min, max) of `created_at`, or `None` for an empty dataset.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let min = self.created_at.iter().copied().min()?;
        let max = self.created_at.iter().copied().max()?;
        Some((min, max))
    }

    /// Approximate heap bytes held by the dataset.
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.ref_ids.capacity() * 8
            + self.id_strings.heap_bytes()
            + self.created_at.capacity() * 8
            + self.author.capacity() * 4
            + self.authors.keys.heap_bytes()
            + self.authors.handles.heap_bytes()
            + self.text.heap_bytes()
            + self.lang.capacity() * 2
            + self.community.capacity() * 4
            + self.communities.heap_bytes()
            + self.kind.capacity()
            + self.hashtags.heap_bytes()
            + self.hashtag_spellings.heap_bytes()
            + self.hashtag_names.heap_bytes()
            + self.mentions.heap_bytes()
            + self.urls.heap_bytes()
            + self.url_names.heap_bytes()
            + self.mention_names.heap_bytes()
            + self.has_media.capacity()
            + self.metrics.capacity() * 16
            + self.lines.capacity() * 4
            + self.raw_start.capacity() * 8
            + self.raw_len.capacity() * 4
            + self.id_occurrence.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_exact() {
        let mut ids = IdStrings::default();
        for raw in [
            "1574186989737459712",
            "570306133677761000",
            "0",
            "007",
            "18446744073709551615",
            "5.70306E+17",
            "at://did:plc:x/app.bsky.feed.post/3lk",
            "9223372036854775808",
        ] {
            let code = ids.encode(raw);
            assert_eq!(ids.decode(code), raw, "{raw}");
        }
        assert_eq!(ids.encode("  "), ID_NONE);
        assert_eq!(ids.decode(ID_NONE), "");
    }

    #[test]
    fn rebase_moves_string_ids_only() {
        let mut a = IdStrings::default();
        a.encode("x");
        let mut b = IdStrings::default();
        let code = b.encode("y");
        let num = b.encode("42");
        let base = a.append(b);
        assert_eq!(a.decode(IdStrings::rebase(code, base)), "y");
        assert_eq!(IdStrings::rebase(num, base), 42);
    }
}
