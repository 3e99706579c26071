//! Stage 5, tags: each post's structure (retweet, reply, link, media, many hashtags,
//! coordinated), its script and language (from the source, or detected once per unique
//! text), and the lexicon taggers it matches.

use rayon::prelude::*;

use crate::analysis::stages::texts::Texts;
use crate::analysis::{
    EXTRA_SCRIPT_TAGS, LATER_TAGS, LEXICON_BIT0, STRUCTURAL_TAGS, TagConfig, bit, taggers, tokens,
};
use crate::model::{Dataset, Interner, PostKind};

/// The tags of every post.
pub struct Tagging {
    /// Names of tag bits (index = bit).
    pub tag_names: Vec<String>,
    pub tags: Vec<u64>,
    /// Per post: `lang:xx` code (index into `langs`), from the source or detected.
    pub lang: Vec<u16>,
    pub langs: Interner,
    pub lexicon_names: Vec<String>,
    pub warnings: Vec<String>,
}

pub fn run(ds: &Dataset, texts: &Texts, coordinated: &[bool], config: &TagConfig) -> Tagging {
    let (taggers, mut warnings) = taggers::load_taggers(&config.taggers_dirs);
    let max_lex = 64 - LEXICON_BIT0;
    let lexicon_names: Vec<String> = taggers
        .iter()
        .take(max_lex)
        .map(|t| t.name.clone())
        .collect();
    if taggers.len() > max_lex {
        warnings.push(format!("only the first {max_lex} lexicon taggers are used"));
    }
    let rep_lang = if config.detect_language {
        detect_languages(ds, texts)
    } else {
        vec![None; texts.len()]
    };
    let rep_bits = text_bits(ds, texts, &taggers[..taggers.len().min(max_lex)]);
    let rep_of = &texts.rep_of;
    let tags: Vec<u64> = (0..ds.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            structure_bits(ds, i, coordinated[i], config.many_hashtags)
                | rep_bits[rep_of[i] as usize]
        })
        .collect();
    let (lang, langs) = language_codes(ds, texts, &rep_lang);
    Tagging {
        tag_names: tag_names(&lexicon_names),
        tags,
        lang,
        langs,
        lexicon_names,
        warnings,
    }
}

/// Names of the tag bits: structure, scripts, the later tags, then the lexicons.
fn tag_names(lexicon_names: &[String]) -> Vec<String> {
    let mut names: Vec<String> = STRUCTURAL_TAGS.iter().map(|s| s.to_string()).collect();
    names.extend(EXTRA_SCRIPT_TAGS.iter().map(|s| s.to_string()));
    names.extend(LATER_TAGS.iter().map(|s| s.to_string()));
    names.truncate(LEXICON_BIT0);
    names.extend(lexicon_names.iter().cloned());
    names
}

/// Does a source's language code say nothing (empty, `und`, or Twitter's `qme`, `qht`, …)?
fn unknown_language(l: &str) -> bool {
    l.is_empty() || l == "und" || l.starts_with('q')
}

/// Per representative text: its language, detected once, where a post of it has no known
/// language in the source.
fn detect_languages(ds: &Dataset, texts: &Texts) -> Vec<Option<&'static str>> {
    let mut needs = vec![false; texts.len()];
    for i in 0..ds.len() {
        if unknown_language(ds.lang(i)) {
            needs[texts.rep_of[i] as usize] = true;
        }
    }
    (0..texts.len())
        .into_par_iter()
        .map(|r| {
            if !needs[r] {
                return None;
            }
            let text = tokens::strip_rt_prefix(ds.text(texts.canonical_post[r] as usize));
            let cut: String = text.chars().take(280).collect();
            whatlang::detect(&cut)
                .filter(|info| info.is_reliable() || info.confidence() > 0.5)
                .map(|info| iso1(info.lang().code()))
        })
        .collect()
}

/// Per representative text: the tags its text decides (scripts, lexicon taggers).
fn text_bits(ds: &Dataset, texts: &Texts, taggers: &[taggers::Tagger]) -> Vec<u64> {
    (0..texts.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|r| {
            let text = ds.text(texts.canonical_post[r] as usize);
            let toks = texts.rep_tokens.get(r);
            let mut b = script_bits(text);
            let lower = text.to_lowercase();
            for (k, t) in taggers.iter().enumerate() {
                if t.score_lower(text, &lower, toks) >= t.threshold {
                    b |= 1 << (LEXICON_BIT0 + k);
                }
            }
            b
        })
        .collect()
}

/// The tags post `i`'s structure decides: its kind, a link, media, `many` hashtags or
/// more, coordination.
fn structure_bits(ds: &Dataset, i: usize, coordinated: bool, many: usize) -> u64 {
    let mut b = match ds.kind[i] {
        PostKind::Retweet => bit::RETWEET,
        PostKind::Quote => bit::QUOTE,
        PostKind::Reply => bit::REPLY,
        PostKind::Original => 0,
    };
    if !ds.urls.get(i).is_empty() {
        b |= bit::LINK;
    }
    if ds.has_media[i] {
        b |= bit::MEDIA;
    }
    if ds.hashtags.get(i).len() >= many {
        b |= bit::MANY_HASHTAGS;
    }
    if coordinated {
        b |= bit::COORDINATED;
    }
    b
}

/// Per post: its `lang:xx` code (an index into the interner returned), from the source or,
/// where the source says nothing, detected for its representative text (`rep_lang`).
fn language_codes(
    ds: &Dataset,
    texts: &Texts,
    rep_lang: &[Option<&'static str>],
) -> (Vec<u16>, Interner) {
    let mut langs = Interner::new();
    langs.intern("");
    let mut lang = Vec::with_capacity(ds.len());
    for i in 0..ds.len() {
        let source = ds.lang(i);
        let code = if unknown_language(source) {
            rep_lang[texts.rep_of[i] as usize].unwrap_or("").to_string()
        } else {
            source.to_ascii_lowercase()
        };
        let code = if code.is_empty() {
            code
        } else {
            format!("lang:{code}")
        };
        lang.push(langs.intern(&code).min(u16::MAX as u32) as u16);
    }
    (lang, langs)
}

/// ISO 639-3 → 639-1 for the languages whatlang knows that have a two-letter code.
fn iso1(code: &str) -> &str {
    match code {
        "eng" => "en",
        "spa" => "es",
        "fra" => "fr",
        "deu" => "de",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "rus" => "ru",
        "ukr" => "uk",
        "pol" => "pl",
        "tur" => "tr",
        "kor" => "ko",
        "jpn" => "ja",
        "cmn" => "zh",
        "ara" => "ar",
        "hin" => "hi",
        "ind" => "id",
        "swe" => "sv",
        "dan" => "da",
        "fin" => "fi",
        "ces" => "cs",
        "ell" => "el",
        "heb" => "he",
        "tha" => "th",
        "vie" => "vi",
        "ron" => "ro",
        "hun" => "hu",
        "pes" => "fa",
        "ben" => "bn",
        "tgl" => "tl",
        "cat" => "ca",
        "nob" => "no",
        "bul" => "bg",
        "hrv" => "hr",
        "srp" => "sr",
        "slk" => "sk",
        "slv" => "sl",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "urd" => "ur",
        "tam" => "ta",
        other => other,
    }
}

/// Script bits of a text: each script with at least 20 % of the letters of its words (a
/// mention's or link's letters say nothing of the language the post is written in).
fn script_bits(text: &str) -> u64 {
    let mut c = [0u32; 7]; // latin hangul kana han arabic cyrillic other
    for ch in tokens::content_pieces(text).flat_map(str::chars) {
        let u = ch as u32;
        // Full-width Latin, half-width katakana and half-width Hangul count as their script.
        let k = if ch.is_ascii_alphabetic()
            || (0xC0..=0x24F).contains(&u)
            || (0xFF21..=0xFF3A).contains(&u)
            || (0xFF41..=0xFF5A).contains(&u)
        {
            0
        } else if (0xAC00..=0xD7A3).contains(&u)
            || (0x1100..=0x11FF).contains(&u)
            || (0x3130..=0x318F).contains(&u)
            || (0xFFA0..=0xFFDC).contains(&u)
        {
            1
        } else if (0x3040..=0x30FF).contains(&u) || (0xFF66..=0xFF9D).contains(&u) {
            2
        } else if (0x4E00..=0x9FFF).contains(&u) || (0x3400..=0x4DBF).contains(&u) {
            3
        } else if (0x600..=0x6FF).contains(&u) || (0x750..=0x77F).contains(&u) {
            4
        } else if (0x400..=0x4FF).contains(&u) {
            5
        } else if ch.is_alphabetic() {
            6
        } else {
            continue;
        };
        c[k] += 1;
    }
    let total: u32 = c.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut bits = 0u64;
    for (k, &n) in c.iter().enumerate() {
        if n * 5 >= total {
            bits |= 1 << (bit::SCRIPT0 + k);
        }
    }
    // Japanese text mixes kana and Han: call it kana, not Han.
    if bits & (1 << (bit::SCRIPT0 + 2)) != 0 {
        bits &= !(1 << (bit::SCRIPT0 + 3));
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(text: &str) -> Vec<&'static str> {
        let names = [
            "latin", "hangul", "kana", "han", "arabic", "cyrillic", "other",
        ];
        let bits = script_bits(text);
        (0..names.len())
            .filter(|&k| bits >> (bit::SCRIPT0 + k) & 1 == 1)
            .map(|k| names[k])
            .collect()
    }

    #[test]
    fn a_texts_scripts_are_those_of_its_words_not_its_links_or_mentions() {
        assert_eq!(
            scripts("RT @jiwoo_0311: 이상한 변호사 마지막화 #드라마"),
            ["hangul"]
        );
        assert_eq!(scripts("@chris_the830 넘 좋아"), ["hangul"]);
        assert_eq!(
            scripts("Конференция \"Кубок\" https://youtu.be/jCgn7UvU50A"),
            ["cyrillic"]
        );
        assert_eq!(scripts("Пачука в Hunt: Showdown"), ["latin", "cyrillic"]);
        assert_eq!(scripts("今日のアニメ最高 https://t.co/abcdef"), ["kana"]);
        assert!(scripts("@someone https://t.co/x 🔥🔥").is_empty());
        // Half-width katakana and full-width Latin read as the script they are.
        assert_eq!(scripts("ﾌｧﾝｶﾑ 最高"), ["kana"]);
        assert_eq!(scripts("ＦＡＮＣＡＭ"), ["latin"]);
    }
}
