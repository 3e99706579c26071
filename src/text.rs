//! Text helpers shared by the loaders and the analysis: entity extraction (hashtags,
//! mentions, urls), hashtag normalisation, and cleaning of HTML and escaped text.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// `str::trim`, with a fast path for strings that start and end with visible ASCII.
#[inline]
pub fn fast_trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x80 && b > b' ' && b < 0x80 => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

/// A character that may continue a hashtag: letters, digits, marks, `_`, and the joiners
/// used in Indic and emoji-free scripts.
pub fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c) || c == '\u{200c}' || c == '\u{200d}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Hashtags in `text`, with their original spelling and without the `#`.
///
/// Follows twitter-text's rules closely: `#` or `＃`, not preceded by a word character or
/// `&`, followed by tag characters of which at least one is not a digit.
pub fn extract_hashtags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for_each_hashtag(text, |t| out.push(t));
    out
}

/// Calls `f` for each hashtag of `text` (see [`extract_hashtags`]), without allocating.
pub fn for_each_hashtag<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    if memchr::memchr(0xEF, text.as_bytes()).is_some() && text.contains('＃') {
        extract_hashtags_slow(text).into_iter().for_each(f);
        return;
    }
    // Fast path: jump from '#' to '#'.
    for i in memchr::memchr_iter(b'#', text.as_bytes()) {
        let prev = text[..i].chars().next_back();
        if prev.is_some_and(|p| is_word_char(p) || p == '&' || p == '#') {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        let mut has_non_digit = false;
        for (j, d) in text[start..].char_indices() {
            if !is_tag_char(d) {
                break;
            }
            if !d.is_ascii_digit() {
                has_non_digit = true;
            }
            end = start + j + d.len_utf8();
        }
        if end > start && has_non_digit && !text[end..].starts_with("://") {
            f(&text[start..end]);
        }
    }
}

fn extract_hashtags_slow(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if (c == '#' || c == '＃') && !prev.is_some_and(|p| is_word_char(p) || p == '&' || p == '#')
        {
            let start = i + c.len_utf8();
            let mut end = start;
            let mut has_non_digit = false;
            while let Some(&(j, d)) = iter.peek() {
                if is_tag_char(d) {
                    if !d.is_ascii_digit() {
                        has_non_digit = true;
                    }
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            // "#tag://" is part of a url, not a hashtag.
            let followed_by_url = text[end..].starts_with("://");
            if end > start && has_non_digit && !followed_by_url {
                out.push(&text[start..end]);
            }
            prev = text[..end].chars().next_back();
            continue;
        }
        prev = Some(c);
    }
    out
}

/// Mentions in `text`, without the `@`. Accepts Twitter handles, Bluesky handles with dots
/// (`@name.bsky.social`) and fediverse handles (`@name@server.example`).
pub fn extract_mentions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for_each_mention(text, |m| out.push(m));
    out
}

/// Calls `f` for each mention of `text` (see [`extract_mentions`]), without allocating.
pub fn for_each_mention<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = text.as_bytes();
    let full = memchr::memchr(0xEF, bytes).is_some() && text.contains('＠');
    if !full && memchr::memchr(b'@', bytes).is_none() {
        return;
    }
    let mut one = |i: usize, c: char| {
        let prev = text[..i].chars().next_back();
        if prev.is_some_and(|p| is_word_char(p) || p == '@') {
            return;
        }
        let start = i + c.len_utf8();
        let mut end = start;
        let mut at_seen = false;
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' {
                end += 1;
            } else if b == b'@' && !at_seen && end > start {
                at_seen = true;
                end += 1;
            } else {
                break;
            }
        }
        let m = text[start..end].trim_end_matches(['.', '-', '@']);
        if !m.is_empty() && m.as_bytes()[0] != b'.' {
            f(m);
        }
    };
    if full {
        for (i, c) in text.char_indices() {
            if c == '@' || c == '＠' {
                one(i, c);
            }
        }
    } else {
        for i in memchr::memchr_iter(b'@', bytes) {
            one(i, '@');
        }
    }
}

/// `http(s)://` urls in `text`, without trailing punctuation.
pub fn extract_urls(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for_each_url(text, |u| out.push(u));
    out
}

/// Calls `f` for each url of `text` (see [`extract_urls`]), without allocating.
pub fn for_each_url<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let b = text.as_bytes();
    let mut from = 0;
    static HTTP: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let finder = HTTP.get_or_init(|| memchr::memmem::Finder::new(b"http"));
    while let Some(p) = finder.find(&b[from..]) {
        let abs = from + p;
        let tail = &text[abs..];
        let scheme = if tail.starts_with("https://") {
            8
        } else if tail.starts_with("http://") {
            7
        } else {
            from = abs + 4;
            continue;
        };
        let end = tail
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == '…')
            .map(|(j, _)| j)
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', ']']);
        if url.len() > scheme {
            f(url);
        }
        from = abs + end.max(scheme);
    }
}

/// The matching form of a hashtag: NFKC, then lowercase. The `#` is removed if present.
pub fn normalize_hashtag(tag: &str) -> Cow<'_, str> {
    let tag = tag.trim_start_matches(['#', '＃']).trim();
    if tag.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(tag)
    } else if tag.is_ascii() {
        Cow::Owned(tag.to_ascii_lowercase())
    } else {
        Cow::Owned(tag.nfkc().collect::<String>().to_lowercase())
    }
}

/// Decodes the HTML entities Twitter and many exports leave in text (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&#39;`, numeric references).
pub fn unescape_html_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let semi = tail.bytes().take(12).position(|b| b == b';');
        let decoded = semi.and_then(|end| {
            let name = &tail[1..end];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Turns Mastodon's HTML `content` into plain text: paragraphs and `<br>` become line
/// breaks, tags are dropped, entities decoded.
///
/// Written by hand: Mastodon emits a small, sanitised HTML subset (`p`, `br`, `a`, `span`),
/// and a full HTML parser would add dozens of crates for no gain.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        let Some(gt) = tail.find('>') else {
            out.push_str(tail);
            rest = "";
            break;
        };
        let tag = tail[1..gt].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name == "br" {
            out.push('\n');
        } else if name == "p" && tag.starts_with('/') {
            out.push_str("\n\n");
        }
        rest = &tail[gt + 1..];
    }
    out.push_str(rest);
    let text = unescape_html_entities(out.trim_end()).into_owned();
    text.trim().to_string()
}

/// Decodes literal `\uXXXX` escapes (with surrogate pairs) and `\n`, `\t` left in text by a
/// careless export. Returns `None` when there are none.
pub fn decode_literal_escapes(s: &str) -> Option<String> {
    if memchr::memchr(b'\\', s.as_bytes()).is_none() || (!s.contains("\\u") && !s.contains("\\n")) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    let b = s.as_bytes();
    let mut changed = false;
    let hex4 = |at: usize| -> Option<u32> {
        let h = s.get(at..at + 4)?;
        if h.bytes().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(h, 16).ok()
        } else {
            None
        }
    };
    while let Some((i, c)) = chars.next() {
        if c == '\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'u' => {
                    if let Some(hi) = hex4(i + 2) {
                        let mut consumed = 6;
                        let ch = if (0xD800..0xDC00).contains(&hi) {
                            match (b.get(i + 6), b.get(i + 7), hex4(i + 8)) {
                                (Some(b'\\'), Some(b'u'), Some(lo))
                                    if (0xDC00..0xE000).contains(&lo) =>
                                {
                                    consumed = 12;
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                }
                                _ => None,
                            }
                        } else {
                            char::from_u32(hi)
                        };
                        if let Some(ch) = ch {
                            out.push(ch);
                            changed = true;
                            for _ in 1..consumed {
                                chars.next();
                            }
                            continue;
                        }
                    }
                }
                b'n' => {
                    out.push('\n');
                    chars.next();
                    changed = true;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// Whether `c` is a letter (or mark or digit) of a right-to-left script that a shaper
/// lays out right to left on its own: Hebrew, Arabic, Syriac, Thaana, N'Ko and the Arabic
/// presentation forms.
fn is_rtl_script(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Whether the text has any right-to-left letters (and so needs [`visual_line`]).
pub fn has_rtl(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(is_rtl_script)
}

/// Whether a paragraph reads right to left: its first strong letter is a right-to-left
/// one (rules P2 and P3 of the Unicode bidirectional algorithm).
pub fn is_rtl_paragraph(s: &str) -> bool {
    has_rtl(s) && unicode_bidi::get_base_direction(s) == unicode_bidi::Direction::Rtl
}

/// One line of text (no line breaks) put in the order to draw it in, for a renderer that
/// lays text out left to right and has no bidirectional pass, but shapes each run of
/// one font on its own, which draws an Arabic or Hebrew word right to left. egui 0.37
/// works that way: an Arabic sentence came out with each word right but the words in
/// reading order from the left. Here the line's levels come from the Unicode bidi
/// algorithm (unicode-bidi); in each right-to-left run the order of the words and of
/// the spaces and punctuation between them is reversed, while the letters of each
/// right-to-left word stay in logical order for the shaper to reverse; brackets in
/// those runs are mirrored. A right-to-left script inside a left-to-right run (Arabic-
/// Indic digits in a number) is reversed beforehand, since the shaper reverses it too.
///
/// This is written here because the bidi crates stop at levels and runs: putting
/// characters in visual order for a shaper that itself reverses right-to-left runs is
/// particular to how egui draws text.
pub fn visual_line(line: &str) -> Cow<'_, str> {
    if !has_rtl(line) {
        return Cow::Borrowed(line);
    }
    let bidi = unicode_bidi::ParagraphBidiInfo::new(line, None);
    let (levels, runs) = bidi.visual_runs(0..line.len());
    let mut out = String::with_capacity(line.len());
    for run in runs {
        let Some(text) = line.get(run.clone()) else {
            continue;
        };
        let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
        // The run cut where right-to-left letters start and stop.
        let mut pieces: Vec<(&str, bool)> = Vec::new();
        let mut start = 0;
        let mut in_script = None;
        for (at, c) in text.char_indices() {
            let script = is_rtl_script(c) || (in_script == Some(true) && is_mark(c));
            if in_script.is_some_and(|s| s != script) {
                pieces.push((&text[start..at], in_script == Some(true)));
                start = at;
            }
            in_script = Some(script);
        }
        pieces.push((&text[start..], in_script == Some(true)));
        // Reversed by grapheme, not by char: a flag, a skin tone or an accent stays whole.
        if rtl {
            for &(piece, script) in pieces.iter().rev() {
                if script {
                    out.push_str(piece);
                } else {
                    for g in piece.graphemes(true).rev() {
                        match mirrored(g) {
                            Some(m) => out.push(m),
                            None => out.push_str(g),
                        }
                    }
                }
            }
        } else {
            for &(piece, script) in &pieces {
                if script {
                    out.extend(piece.graphemes(true).rev());
                } else {
                    out.push_str(piece);
                }
            }
        }
    }
    Cow::Owned(out)
}

/// A combining mark, which stays with the letter before it.
fn is_mark(c: char) -> bool {
    is_combining_mark(c) || c == '\u{200C}' || c == '\u{200D}'
}

/// The mirror image of a bracket, drawn in a right-to-left run (rule L4 of the bidi
/// algorithm, for the brackets posts use).
fn mirrored(g: &str) -> Option<char> {
    Some(match g {
        "(" => ')',
        ")" => '(',
        "[" => ']',
        "]" => '[',
        "{" => '}',
        "}" => '{',
        "<" => '>',
        ">" => '<',
        "«" => '»',
        "»" => '«',
        "‹" => '›',
        "›" => '‹',
        _ => return None,
    })
}

/// The start of a text as one line to draw: line breaks become spaces, at most
/// `max_chars` characters are kept (from the logical start, so a right-to-left post shows
/// its first words), then [`visual_line`].
pub fn display_line(s: &str, max_chars: usize) -> Cow<'_, str> {
    match flat_head(s, max_chars) {
        Cow::Borrowed(head) => visual_line(head),
        Cow::Owned(flat) => Cow::Owned(visual_line(&flat).into_owned()),
    }
}

/// The first `max_chars` characters of a text, with line breaks made spaces.
pub fn flat_head(s: &str, max_chars: usize) -> Cow<'_, str> {
    let cut = s
        .char_indices()
        .nth(max_chars)
        .map_or(s.len(), |(at, _)| at);
    let head = &s[..cut];
    if !head.contains(['\n', '\r']) {
        return Cow::Borrowed(head);
    }
    Cow::Owned(
        head.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_follow_twitter_rules() {
        assert_eq!(
            extract_hashtags("Go #BTS and #방탄소년단! #2020 #covid19 a#b &#39; #tag_x."),
            ["BTS", "방탄소년단", "covid19", "tag_x"]
        );
        assert_eq!(extract_hashtags("＃ファンカム です"), ["ファンカム"]);
        assert_eq!(extract_hashtags("no tags"), Vec::<&str>::new());
        assert_eq!(extract_hashtags("#a#b"), ["a"]);
        assert_eq!(extract_hashtags("#"), Vec::<&str>::new());
    }

    #[test]
    fn hashtag_normalisation() {
        assert_eq!(normalize_hashtag("BlackLivesMatter"), "blacklivesmatter");
        assert_eq!(normalize_hashtag("#ＢＴＳ"), "bts");
        assert_eq!(normalize_hashtag("방탄소년단"), "방탄소년단");
        assert_eq!(normalize_hashtag("ÉTÉ"), "été");
    }

    #[test]
    fn mentions_and_urls() {
        assert_eq!(
            extract_mentions("RT @BTS_twt: hi @a.bsky.social and @x@mastodon.social, mail a@b.c"),
            ["BTS_twt", "a.bsky.social", "x@mastodon.social"]
        );
        assert_eq!(
            extract_urls("see https://t.co/abc, (http://x.org/a?b=1). httpfoo https://"),
            ["https://t.co/abc", "http://x.org/a?b=1"]
        );
    }

    #[test]
    fn html_and_entities() {
        assert_eq!(
            unescape_html_entities("I &lt;3 &amp; &#39;x&#x27; &bogus; &"),
            "I <3 & 'x' &bogus; &"
        );
        assert_eq!(
            html_to_text(
                "<p>Hello <a href=\"x\">#<span>tag</span></a><br/>line &amp; more</p><p>two</p>"
            ),
            "Hello #tag\nline & more\n\ntwo"
        );
    }

    #[test]
    fn literal_escapes() {
        assert_eq!(
            decode_literal_escapes("ARMY\\u2019s \\ud83c\\udf7e\\nx").as_deref(),
            Some("ARMY’s 🍾\nx")
        );
        assert_eq!(decode_literal_escapes("plain"), None);
        assert_eq!(decode_literal_escapes("bad \\uZZZZ").as_deref(), None);
    }

    #[test]
    fn right_to_left_lines_come_out_in_drawing_order() {
        // Left-to-right text is untouched and not copied.
        assert!(matches!(visual_line("hello world 직캠"), Cow::Borrowed(_)));
        // The words of an Arabic sentence swap places; each word keeps its letters in
        // logical order (the shaper draws them right to left).
        assert_eq!(visual_line("مرحبا بالعالم"), "بالعالم مرحبا");
        // An Arabic phrase inside English.
        assert_eq!(
            visual_line("I love مرحبا بالعالم today"),
            "I love بالعالم مرحبا today"
        );
        // English inside Arabic stays left to right, in the middle.
        assert_eq!(
            visual_line("مرحبا BTS army فاندوم"),
            "فاندوم BTS army مرحبا"
        );
        // Brackets are mirrored; an emoji at the logical start ends up on the right.
        assert_eq!(visual_line("(مرحبا)"), "(مرحبا)");
        assert_eq!(visual_line("🎉 مرحبا"), "مرحبا 🎉");
        // A skin tone and a family survive the reversal; a flag is a left-to-right
        // letter to the bidi algorithm, so it is not reversed at all.
        assert_eq!(visual_line("👍🏽👨‍👩‍👧 مرحبا"), "مرحبا 👨‍👩‍👧👍🏽");
        assert_eq!(visual_line("مرحبا 🇰🇷"), "🇰🇷 مرحبا");
        // Arabic-Indic digits read left to right: reversed here, as the shaper reverses them.
        assert_eq!(visual_line("عام ٢٠٢٠"), "٠٢٠٢ عام");
        // Western digits in Arabic stay as they are, left of the word before them.
        assert_eq!(visual_line("عام 2020"), "2020 عام");
        // Harakat stay with their letters.
        assert_eq!(visual_line("مَرْحَبًا بِكَ"), "بِكَ مَرْحَبًا");
        // Hebrew too.
        assert_eq!(visual_line("שלום עולם"), "עולם שלום");
        assert!(is_rtl_paragraph("مرحبا BTS") && !is_rtl_paragraph("BTS مرحبا"));
        assert!(!is_rtl_paragraph("🎉 2020"));
    }

    #[test]
    fn display_line_cuts_from_the_logical_start() {
        assert_eq!(display_line("one\ntwo\r\nthree", 100), "one two  three");
        assert_eq!(display_line("abcdef", 3), "abc");
        assert_eq!(display_line("مرحبا بالعالم والكون", 13), "بالعالم مرحبا");
        assert!(matches!(display_line("plain", 10), Cow::Borrowed("plain")));
    }

    proptest::proptest! {
        /// Any mix of scripts, marks, digits, brackets and emoji: no panic, and the line
        /// keeps its characters (some brackets swapped for their mirror images).
        #[test]
        fn visual_line_keeps_every_character(s in "[a-z0-9 ()\\[\\].,!?\u{0600}-\u{06FF}\u{05D0}-\u{05EA}\u{0660}-\u{0669}\u{064B}-\u{0652}\u{200C}\u{200D}\u{202A}-\u{202E}\u{2066}-\u{2069}🎉🇰🇷👍🏽é]{0,40}") {
            let v = visual_line(&s);
            let norm = |t: &str| {
                let mut c: Vec<char> = t
                    .chars()
                    .map(|c| match c {
                        ')' => '(',
                        ']' => '[',
                        _ => c,
                    })
                    .collect();
                c.sort_unstable();
                c
            };
            proptest::prop_assert_eq!(norm(&v), norm(&s));
        }
    }
}
