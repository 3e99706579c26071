//! Unicode-aware tokens: words (unicode-segmentation), hashtags, emoji, and character
//! bigrams for scripts written without spaces (Han, kana). URLs, mentions and the
//! `RT @user:` prefix are dropped. Tokens are case-folded and hashed to `u32`.
//!
//! 32-bit token hashes keep per-post token lists small; with a few hundred thousand
//! distinct tokens, the handful of collisions does not change any analysis result.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// Hash of a token string.
pub fn token_hash(s: &str) -> u32 {
    xxh3_64(s.as_bytes()) as u32
}

/// Is `c` an emoji or pictograph (approximately Extended_Pictographic)?
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139)
}

/// Han ideographs and kana: scripts written without spaces between words.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// One token, with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Stop,
    Hashtag,
    Emoji,
    Bigram,
}

fn stop_set() -> &'static FxHashSet<&'static str> {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        STOP_WORDS
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect()
    })
}

pub fn is_stop_word(w: &str) -> bool {
    stop_set().contains(w)
}

/// Hashes of all stop words (for filtering token hashes).
pub fn stop_hashes() -> &'static FxHashSet<u32> {
    static SET: OnceLock<FxHashSet<u32>> = OnceLock::new();
    SET.get_or_init(|| stop_set().iter().map(|w| token_hash(w)).collect())
}

/// Removes the `RT @user: ` prefix of a retweet.
pub fn strip_rt_prefix(text: &str) -> &str {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix("RT @")
        && let Some(colon) = rest.find(':')
        && colon <= 60
        && !rest[..colon].contains(char::is_whitespace)
    {
        return rest[colon + 1..].trim_start();
    }
    text
}

/// Splits ASCII text into words: runs of letters and digits, keeping an apostrophe between
/// letters ("don't") and a dot between digits ("3.5"). Used instead of UAX #29 segmentation
/// when a text is pure ASCII, where both agree on everything that matters and this is much
/// faster.
fn ascii_words(s: &str, mut f: impl FnMut(&str)) {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < n {
            let c = b[i];
            if c.is_ascii_alphanumeric() || c == b'_' {
                i += 1;
            } else if (c == b'\'' || c == b'.')
                && i + 1 < n
                && b[i + 1].is_ascii_alphanumeric()
                && b[i - 1].is_ascii_alphanumeric()
            {
                let digits = c == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
                if c == b'\'' || digits {
                    i += 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        f(&s[start..i]);
    }
}

/// A text as the tokenizer sees its letters: NFKC-normalised and lower-cased.
pub fn normalized_lower(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// The whitespace-separated pieces of a text that are its words: the retweet prefix, links
/// and mentions left out. Texts that differ only in those read the same.
pub fn content_pieces(text: &str) -> impl Iterator<Item = &str> {
    strip_rt_prefix(text)
        .split_whitespace()
        .map(|piece| glued_link(piece).map_or(piece, |at| &piece[..at]))
        .filter(|piece| !piece.is_empty() && !is_link(piece) && !piece.starts_with(['@', '＠']))
}

/// The links of a text, in order: the whitespace-separated pieces [`content_pieces`] leaves
/// out as links (with a scheme, `www.`, or a bare address with a path), and a link glued to
/// what stands before it.
pub fn link_pieces(text: &str) -> impl Iterator<Item = &str> {
    strip_rt_prefix(text)
        .split_whitespace()
        .map(|piece| glued_link(piece).map_or(piece, |at| &piece[at..]))
        .filter(|piece| is_link(piece))
}

/// Where a link with a scheme starts inside a piece that does not start with it, after a
/// character that is no letter or digit: "➡️https://t.co/x", "(https://example.com)",
/// "here:https://…". The piece before it is the text's; "xhttps://" is a word.
fn glued_link(piece: &str) -> Option<usize> {
    let at = piece.find("http").filter(|&at| at > 0)?;
    let rest = &piece[at..];
    let scheme = rest.starts_with("https://") || rest.starts_with("http://");
    let glued = piece[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_alphanumeric());
    (scheme && glued).then_some(at)
}

fn is_link(piece: &str) -> bool {
    piece.starts_with("http://")
        || piece.starts_with("https://")
        || piece.starts_with("www.")
        || is_bare_address(piece)
}

/// A web address written without its scheme, as Bluesky's clients show a link in the text
/// ("nytimes.com/2024/11/2...", the full address in the post's link facet) and people type
/// them ("youtu.be/dQw4w9"): a host of dotted labels whose last is two letters or more, then
/// a path. Without a path, "game.love" could be two words run together, so it stays words.
fn is_bare_address(piece: &str) -> bool {
    let Some(slash) = piece.find('/') else {
        return false;
    };
    let host = &piece[..slash];
    let Some((labels, tld)) = host.rsplit_once('.') else {
        return false;
    };
    let label_ok =
        |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.split('.').all(label_ok)
        && !labels.starts_with('-')
}

/// Calls `f(kind, token)` for each token of `text`, in order.
pub fn for_each_token(text: &str, mut f: impl FnMut(TokenKind, &str)) {
    walk_tokens(text, |step| {
        if let Step::Token(kind, token) = step {
            f(kind, token);
        }
    });
}

/// What the tokenizer walks past, in order: its tokens, and the marks that only template
/// features read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'a> {
    Token(TokenKind, &'a str),
    /// A number of one or two digits, which is no token.
    ShortNumber,
    /// The number just walked (short or not) is followed, with no space between, by a
    /// character of a script written without spaces: "7話", "2024年".
    NumberGlued,
    /// The unspaced run whose bigrams just came has ended (a number, a word or the text's
    /// end stood after it).
    RunEnds,
}

/// Calls `f` for each step of the tokenizer's walk over `text` (see [`Step`]).
fn walk_tokens(text: &str, mut f: impl FnMut(Step)) {
    let lower = lower_content(text);
    let words_src = hashtags_out(&lower, &mut |kind, token| f(Step::Token(kind, token)));
    if words_src.is_ascii() {
        ascii_words(&words_src, |w| emit_word(w, &mut f));
        return;
    }
    for c in words_src.chars().filter(|c| is_emoji(*c)) {
        let mut b = [0u8; 4];
        f(Step::Token(TokenKind::Emoji, c.encode_utf8(&mut b)));
    }
    unicode_words(&words_src, &mut f);
}

/// The text's content pieces (links and mentions dropped), lower-cased, and NFKC-normalised
/// where not ASCII, joined by single spaces.
#[inline]
fn lower_content(text: &str) -> String {
    let mut lower = String::with_capacity(text.len());
    for piece in content_pieces(text) {
        if !lower.is_empty() {
            lower.push(' ');
        }
        if piece.is_ascii() {
            let at = lower.len();
            lower.push_str(piece);
            lower[at..].make_ascii_lowercase();
        } else {
            // NFKC first: half-width katakana, full-width Latin and ligatures become the
            // characters readers see as the same word.
            use unicode_normalization::UnicodeNormalization;
            for c in piece.nfkc() {
                lower.extend(c.to_lowercase());
            }
        }
    }
    lower
}

/// Calls `f` for each hashtag of `lower` and returns the text without them, for words and
/// emoji.
#[inline]
fn hashtags_out(lower: &str, f: &mut impl FnMut(TokenKind, &str)) -> String {
    let mut words_src = String::with_capacity(lower.len());
    let mut copied = 0;
    let mut tag_buf = String::new();
    crate::text::for_each_hashtag(lower, |t| {
        tag_buf.clear();
        tag_buf.push('#');
        tag_buf.push_str(&crate::text::normalize_hashtag(t));
        f(TokenKind::Hashtag, &tag_buf);
        // `t` is a slice of `lower`: blank out "#tag".
        let start = t.as_ptr() as usize - lower.as_ptr() as usize;
        let hash_at = lower[..start]
            .char_indices()
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(start);
        if hash_at >= copied {
            words_src.push_str(&lower[copied..hash_at]);
            words_src.push(' ');
            copied = start + t.len();
        }
    });
    words_src.push_str(&lower[copied..]);
    words_src
}

/// A word, or a stop word; numbers of one or two digits are no tokens.
fn emit_word(w: &str, f: &mut dyn FnMut(Step)) {
    if w.len() < 3 && w.bytes().all(|c| c.is_ascii_digit()) {
        f(Step::ShortNumber);
        return;
    }
    let kind = if is_stop_word(w) {
        TokenKind::Stop
    } else {
        TokenKind::Word
    };
    f(Step::Token(kind, w));
}

/// The words of a text that is not ASCII: a run of characters of scripts written without
/// spaces becomes its character bigrams (a lone one, a word).
#[inline]
fn unicode_words(words_src: &str, f: &mut impl FnMut(Step)) {
    let mut run: Vec<char> = Vec::new();
    let mut pair = String::new();
    let mut flush = |run: &mut Vec<char>, f: &mut dyn FnMut(Step)| {
        if run.len() == 1 {
            let mut b = [0u8; 4];
            f(Step::Token(TokenKind::Word, run[0].encode_utf8(&mut b)));
        } else {
            for w in run.windows(2) {
                pair.clear();
                pair.push(w[0]);
                pair.push(w[1]);
                f(Step::Token(TokenKind::Bigram, &pair));
            }
        }
        run.clear();
        f(Step::RunEnds);
    };
    for (at, w) in words_src.unicode_word_indices() {
        let mut chars = w.chars();
        let first = chars.next();
        let single = chars.next().is_none();
        if let Some(c) = first
            && single
            && is_unspaced(c)
        {
            run.push(c);
            continue;
        }
        if w.chars().all(is_unspaced) {
            run.extend(w.chars());
            continue;
        }
        if !run.is_empty() {
            flush(&mut run, f);
        }
        emit_word(w, f);
        let glued = || {
            words_src[at + w.len()..]
                .chars()
                .next()
                .is_some_and(is_unspaced)
        };
        if w.bytes().all(|b| b.is_ascii_digit()) && glued() {
            f(Step::NumberGlued);
        }
    }
    if !run.is_empty() {
        flush(&mut run, f);
    }
}

/// The tokens of a post, for analysis.
#[derive(Debug, Default, Clone)]
pub struct PostTokens {
    /// Sorted, deduplicated hashes of all tokens (stop words included): the shingle set
    /// for near-duplicate detection.
    pub set: Vec<u32>,
    /// Hash of the whole token sequence: equal for texts that differ only in case, urls,
    /// mentions, spacing and the retweet prefix.
    pub exact: u64,
    /// Sorted, deduplicated template features: what posts written from one template share
    /// (see [`template_features`]).
    pub template: Vec<u32>,
    /// The text has a word (a stop word or a character bigram counts): it is not only
    /// hashtags and emoji.
    pub has_words: bool,
}

/// Tokenizes for analysis.
pub fn post_tokens(text: &str) -> PostTokens {
    let mut set = Vec::with_capacity(24);
    let mut seq = xxhash_rust::xxh3::Xxh3::new();
    let mut template = TemplateFeatures::default();
    walk_tokens(text, |step| match step {
        Step::Token(kind, t) => {
            seq.update(t.as_bytes());
            seq.update(b"\x1f");
            let h = token_hash(t);
            set.push(h);
            template.push(kind, t, h);
        }
        mark => template.mark(mark),
    });
    set.sort_unstable();
    set.dedup();
    let has_words = template.has_words();
    PostTokens {
        set,
        exact: seq.digest(),
        template: template.finish(),
        has_words,
    }
}

/// The template features of a text (see [`TemplateFeatures`]).
pub fn template_features(text: &str) -> Vec<u32> {
    let mut template = TemplateFeatures::default();
    walk_tokens(text, |step| match step {
        Step::Token(kind, t) => template.push(kind, t, token_hash(t)),
        mark => template.mark(mark),
    });
    template.finish()
}

/// What posts written from one template share, whatever was filled in: every token (its
/// hashtags, emoji, words, stop words included, and character bigrams), with a number
/// standing for any number (and a word with digits, "5화", for the word around any number;
/// so too a number and the one character it is glued to in a script written without
/// spaces, "7話", a counter),
/// plus each pair of neighbouring words, which carries the
/// template's word order ("thank me", "me later"), plus the word the text opens with and
/// the word it closes with: a template's frame sits around what is filled into it ("今日の
/// … も最高でした", "… soundtrack on repeat today"), so a long fill-in (a title of seven
/// characters, a name of four words) no longer outweighs the frame it was put into. A text
/// of emoji and hashtags alone is its emoji: the tag it was posted under is what all such
/// posts of a flood share, so it would make "😭😭💖" one with "✨💜✨", while the emoji
/// tell them apart (the links such texts carry are added by the clusters stage). Built
/// from the token stream alone, so texts that share a token sequence (copies, retweets,
/// case, links and mentions aside) share their features too.
struct TemplateFeatures {
    features: Vec<u32>,
    /// The last word, stop word or bigram seen (at the end, the text's closing word).
    previous_word: Option<u32>,
    /// The text's opening word, stop word or bigram.
    first_word: Option<u32>,
    /// The unspaced run whose bigrams are coming in (see [`Self::flush_run`]).
    run: Vec<char>,
    /// The run's first character is glued to the number before it.
    run_opens_with_number: bool,
    /// A number walked past and not yet pushed: it may be glued to what comes next.
    number: PendingNumber,
    /// An emoji was seen.
    has_emoji: bool,
    /// The hashtags seen (not features of a text of emoji and hashtags alone).
    hashtags: Vec<u32>,
}

/// A number the template features have walked past and not yet pushed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PendingNumber {
    None,
    /// One or two digits.
    Short,
    /// Three digits or more.
    Long,
    /// Glued to the next character, of a script written without spaces ("7話").
    Glued,
}

impl Default for TemplateFeatures {
    fn default() -> Self {
        TemplateFeatures {
            features: Vec::with_capacity(32),
            previous_word: None,
            first_word: None,
            run: Vec::new(),
            run_opens_with_number: false,
            number: PendingNumber::None,
            has_emoji: false,
            hashtags: Vec::new(),
        }
    }
}

/// The script of a character of an unspaced run, for splitting it into segments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Hiragana,
    Katakana,
    Han,
}

fn script_of(c: char) -> Script {
    match c as u32 {
        0x3040..=0x309F => Script::Hiragana,
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Katakana,
        _ => Script::Han,
    }
}

/// A Han segment of at most this many characters is read as one word (a title, a name, a
/// compound); a longer one (a Chinese clause) as its bigrams.
const HAN_WORD_CHARS: usize = 4;

impl TemplateFeatures {
    fn push(&mut self, kind: TokenKind, token: &str, hash: u32) {
        if kind == TokenKind::Bigram {
            // Bigrams of one run come in order, each sharing its first character with the
            // last one's second: the run is rebuilt and read by script at its end.
            let mut chars = token.chars();
            if self.run.is_empty() {
                self.run_opens_with_number = self.number == PendingNumber::Glued;
                if !self.run_opens_with_number {
                    self.push_pending_number();
                }
                self.number = PendingNumber::None;
                self.run.extend(chars);
            } else {
                self.run.extend(chars.nth(1));
            }
            return;
        }
        self.flush_run();
        self.has_emoji |= kind == TokenKind::Emoji;
        if kind == TokenKind::Word && token.bytes().all(|b| b.is_ascii_digit()) {
            self.push_pending_number();
            self.number = PendingNumber::Long;
            return;
        }
        let mut chars = token.chars();
        if self.number == PendingNumber::Glued
            && let (Some(c), None) = (chars.next(), chars.next())
        {
            self.number = PendingNumber::None;
            self.push_number_word(c);
            return;
        }
        self.push_pending_number();
        self.push_feature(kind, token, hash);
    }

    /// The tokenizer's marks between tokens (see [`Step`]).
    fn mark(&mut self, step: Step) {
        match step {
            Step::ShortNumber => {
                self.flush_run();
                self.push_pending_number();
                self.number = PendingNumber::Short;
            }
            Step::NumberGlued if self.number != PendingNumber::None => {
                self.number = PendingNumber::Glued;
            }
            Step::RunEnds => self.flush_run(),
            Step::NumberGlued | Step::Token(..) => {}
        }
    }

    /// Pushes the number walked past, if it is a token (three digits or more), as a word of
    /// its own: a shorter one, like the tokens, leaves no feature.
    fn push_pending_number(&mut self) {
        if std::mem::replace(&mut self.number, PendingNumber::None) == PendingNumber::Long {
            self.push_feature(TokenKind::Word, "0", number_feature());
        }
    }

    /// Pushes a number and the character glued to it as one word around any number: "7話"
    /// reads as "5화" does.
    fn push_number_word(&mut self, c: char) {
        let mut word = String::from("0");
        word.push(c);
        self.push_feature(TokenKind::Word, &word, 0);
    }

    /// Reads the unspaced run gathered so far as its script segments: each hiragana or
    /// katakana segment, and each Han segment of up to [`HAN_WORD_CHARS`], as one word
    /// (what a template fills in, "チェンソーマン", "呪術廻戦", weighs as one word beside its
    /// frame's "神回" and "だった", not as six bigrams); a longer Han segment as its
    /// bigrams.
    fn flush_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        let mut start = 0;
        if std::mem::take(&mut self.run_opens_with_number) {
            self.push_number_word(run[0]);
            start = 1;
        }
        let mut segment = String::new();
        while start < run.len() {
            let script = script_of(run[start]);
            let mut end = start + 1;
            while end < run.len() && script_of(run[end]) == script {
                end += 1;
            }
            let part = &run[start..end];
            if script == Script::Han && part.len() > HAN_WORD_CHARS {
                for pair in part.windows(2) {
                    segment.clear();
                    segment.extend(pair);
                    self.push_feature(TokenKind::Bigram, &segment, token_hash(&segment));
                }
            } else {
                segment.clear();
                segment.extend(part);
                self.push_feature(TokenKind::Word, &segment, token_hash(&segment));
            }
            start = end;
        }
    }

    fn push_feature(&mut self, kind: TokenKind, token: &str, hash: u32) {
        let feature = if !token.bytes().any(|b| b.is_ascii_digit()) {
            hash
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            number_feature()
        } else {
            // "5화", "12pts", "3rd": the word around any number.
            let mut shape = String::with_capacity(token.len());
            for c in token.chars() {
                if !c.is_ascii_digit() {
                    shape.push(c);
                } else if !shape.ends_with('\u{1}') {
                    shape.push('\u{1}');
                }
            }
            token_hash(&shape)
        };
        self.features.push(feature);
        if kind == TokenKind::Hashtag {
            self.hashtags.push(feature);
        }
        if matches!(kind, TokenKind::Word | TokenKind::Stop | TokenKind::Bigram) {
            if let Some(previous) = self.previous_word {
                self.features.push(word_pair_feature(previous, feature));
            }
            self.previous_word = Some(feature);
            self.first_word.get_or_insert(feature);
        }
    }

    /// Does the text have a word (a stop word, a bigram, a number of three digits or more)?
    fn has_words(&self) -> bool {
        self.first_word.is_some() || !self.run.is_empty() || self.number == PendingNumber::Long
    }

    fn finish(mut self) -> Vec<u32> {
        self.flush_run();
        self.push_pending_number();
        if self.first_word.is_none() && self.has_emoji {
            let tags = std::mem::take(&mut self.hashtags);
            self.features.retain(|f| !tags.contains(f));
        }
        if let Some(first) = self.first_word {
            self.features.push(word_pair_feature(TEXT_OPENS, first));
        }
        if let Some(last) = self.previous_word {
            self.features.push(word_pair_feature(last, TEXT_CLOSES));
        }
        self.features.sort_unstable();
        self.features.dedup();
        self.features.shrink_to_fit();
        self.features
    }
}

/// The marks paired with a text's opening and closing words (see [`TemplateFeatures`]).
const TEXT_OPENS: u32 = 0x5354_4152;
const TEXT_CLOSES: u32 = 0x454e_4421;

/// The feature every number stands for.
fn number_feature() -> u32 {
    token_hash("\u{1}number")
}

/// The feature of two neighbouring words: the two word hashes mixed (64-bit multiply, high
/// half), in order.
fn word_pair_feature(first: u32, second: u32) -> u32 {
    let pair = ((first as u64) << 32 | second as u64) ^ 0x9e37_79b9_7f4a_7c15;
    (pair.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 32) as u32
}

/// Tokens with their strings (for showing top terms).
pub fn token_strings(text: &str) -> Vec<(u32, String, TokenKind)> {
    let mut v = Vec::new();
    for_each_token(text, |k, t| v.push((token_hash(t), t.to_string(), k)));
    v
}

/// Stop words of common languages: English, Spanish, French, German, Italian, Portuguese,
/// Dutch, plus frequent Korean and Japanese function words.
const STOP_WORDS: &[&str] = &[
    "a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with you your yours yourself yourselves im dont its cant wont thats rt via amp u ur",
    "de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus es son fue ha",
    "le les des du un une et est en que qui dans ce il pas ne sur se plus par pour au avec son sa ses mais ou je tu nous vous elle ils elles on ma mon mes ton ta tes aux cette ces été être avoir fait",
    "der die das und ist nicht ein eine zu den dem des mit sich auf für von im es an als auch wie er sie wir ihr ich du aber oder wenn noch nur so bei nach aus um hat sind war",
    "il lo la i gli le di da in con su per tra fra che non è un una uno del della dei delle al alla ai alle dal dalla nel nella sul sulla ma se come anche più ci si ne sono ho hai ha",
    "o os as um uma de do da dos das em no na nos nas que não é com por para se mais mas como ao aos à às ele ela eles elas eu você isso isto",
    "het een en van ik te dat die in is op de niet met voor zijn er maar om aan ook als bij of dan wat nog",
    "이 그 저 것 수 등 및 더 또 좀 잘 너무 진짜 정말 그리고 하지만 그래서 는 은 가 을 를 에 의 도 로 와 과",
    "の は が を に で と も た です ます こと これ それ あれ この その",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(TokenKind, String)> {
        let mut v = Vec::new();
        for_each_token(s, |k, t| v.push((k, t.to_string())));
        v
    }

    #[test]
    fn words_hashtags_emoji() {
        let v = toks("RT @someone: Here's a FANCAM of Jimin 💜 #BTS https://t.co/x @bts_twt");
        let words: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
        assert!(words.contains(&"#bts"));
        assert!(words.contains(&"fancam"));
        assert!(words.contains(&"jimin"));
        assert!(words.contains(&"💜"));
        assert!(
            !words
                .iter()
                .any(|w| w.contains("t.co") || w.contains("someone") || w.contains("bts_twt"))
        );
        assert!(v.iter().any(|(k, t)| *k == TokenKind::Stop && t == "of"));
    }

    #[test]
    fn a_link_written_without_its_scheme_is_no_words() {
        let v = toks("so good nytimes.com/2024/11/21/arts/re... and youtu.be/dQw4w9 #Music");
        let words: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(words, ["#music", "so", "good", "and"], "{v:?}");
        // Not addresses: no path, a number, a fraction, "and/or".
        for text in ["game.love it", "ratio 3.5/10", "km/h and/or w/o", "e.g/x"] {
            let v = toks(text);
            assert!(v.len() >= 2, "{text}: {v:?}");
        }
        assert!(!is_bare_address("3.5/10"));
        assert!(!is_bare_address("and/or"));
        assert!(!is_bare_address("e.g/x"));
        assert!(is_bare_address("deportes.example/nota/12..."));
        assert!(is_bare_address("bit.ly/3xYz"));
    }

    #[test]
    fn a_link_glued_to_what_stands_before_it_is_no_words() {
        let v = toks("Wishlist it now!\n➡️https://t.co/rXVS77FT3Q #RPG (https://example.com/a)");
        let words: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(words, ["#rpg", "➡", "wishlist", "it", "now"], "{v:?}");
        let links: Vec<&str> = link_pieces("➡️https://t.co/x see:http://a.example/b").collect();
        assert_eq!(links, ["https://t.co/x", "http://a.example/b"]);
        // A word that happens to run into "http" stays a word.
        assert!(toks("xhttps://y").len() >= 2);
    }

    #[test]
    fn cjk_gets_bigrams_and_hangul_words() {
        let v = toks("今日のアニメ最高 방탄소년단 최고");
        let words: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
        assert!(words.contains(&"方탄소년단") || words.contains(&"방탄소년단"));
        assert!(words.contains(&"今日"));
        assert!(words.contains(&"最高"));
    }

    #[test]
    fn template_features_keep_word_order_and_let_numbers_vary() {
        let a = template_features("tip: add garlic to your ramen, thank me later #HomeCooking");
        let b = template_features("TIP: add miso to your focaccia, thank me later #homecooking");
        let shared = a.iter().filter(|f| b.contains(f)).count();
        // tip add to your thank me later, #homecooking, and the pairs among them.
        assert!(
            shared >= 11,
            "{shared} shared of {} and {}",
            a.len(),
            b.len()
        );
        let reordered = template_features("later me thank, ramen your to garlic add tip");
        assert!(reordered.iter().filter(|f| a.contains(f)).count() < shared);
        assert_eq!(
            template_features("claim 2500 $PEPE free"),
            template_features("claim 10000 $PEPE free")
        );
        // Copies of one text (case, links, mentions and the retweet prefix aside) agree.
        assert_eq!(
            template_features("RT @x: Copy this https://t.co/a"),
            template_features("@y copy THIS https://t.co/b")
        );
    }

    #[test]
    fn a_text_of_emoji_and_tags_alone_is_its_emoji() {
        // The tag a flood posts under is no part of what its emoji-only posts are; a worded
        // post keeps its tags, and a post of tags alone has nothing else.
        assert_eq!(
            template_features("💗🥰 #Fanbase"),
            template_features("💗🥰 #OtherTag #more")
        );
        assert_ne!(
            template_features("😭😭💗 #Fanbase"),
            template_features("✨💗✨ #Fanbase")
        );
        let worded = template_features("so good 💗 #Fanbase");
        assert!(worded.contains(&token_hash("#fanbase")));
        assert_eq!(template_features("#Fanbase"), vec![token_hash("#fanbase")]);
        assert!(!post_tokens("💗🥰 #Fanbase https://t.co/x").has_words);
        assert!(post_tokens("💗 the #Fanbase").has_words);
        assert!(post_tokens("今日 #Fanbase").has_words);
        assert!(post_tokens("💗 2024 #Fanbase").has_words);
        assert!(!post_tokens("💗 12 #Fanbase").has_words);
    }

    #[test]
    fn a_title_in_kana_or_han_weighs_as_one_word_beside_its_frame() {
        // Two fills of "{show}{ep}神回だった": the frame's words and their pair are shared,
        // each title is one word (it was six bigrams and their pairs, which outweighed the
        // frame).
        let a = template_features("チェンソーマン7話神回だった");
        let b = template_features("呪術廻戦7話神回だった");
        let shared = a.iter().filter(|f| b.contains(f)).count();
        assert!(
            shared > a.len() - shared,
            "{shared} shared of {} and {}",
            a.len(),
            b.len()
        );
        // A long run of Han (a Chinese clause) is still read as its bigrams.
        assert!(template_features("今天天气很好我们去公园").len() >= 10);
    }

    #[test]
    fn a_number_glued_to_a_kana_or_han_run_is_read_with_its_counter() {
        // "7話": the episode number and its counter are one word around any number, and the
        // runs on either side stay apart and whole (the number used to be dropped, the two
        // runs joined and "話" lost).
        let a = template_features("呪術廻戦7話神回だった");
        assert_eq!(a, template_features("呪術廻戦12話神回だった"));
        for word in ["呪術廻戦", "神回", "だった"] {
            assert!(a.contains(&token_hash(word)), "{word}");
        }
        let counter = template_features("チェンソーマン3話神回だった");
        assert!(a.iter().filter(|f| counter.contains(f)).count() >= 5);
        assert!(!a.contains(&token_hash("呪術廻戦神回")));
        // A number with a space after it stands alone.
        assert!(template_features("2024 年").contains(&number_feature()));
        assert!(!template_features("2024年").contains(&number_feature()));
        assert_eq!(template_features("2024年"), template_features("7年"));
        // The tokens themselves do not change: the number is no token.
        let mut tokens: Vec<u32> = ["呪術", "術廻", "廻戦", "話"].map(token_hash).to_vec();
        tokens.sort_unstable();
        assert_eq!(post_tokens("呪術廻戦7話").set, tokens);
    }

    #[test]
    fn exact_hash_ignores_case_urls_and_rt() {
        let a = post_tokens("Copy and paste this https://x.y/1");
        let b = post_tokens("RT @x: copy AND paste   this https://other");
        assert_eq!(a.exact, b.exact);
        assert_ne!(a.exact, post_tokens("copy and paste that").exact);
    }
}
