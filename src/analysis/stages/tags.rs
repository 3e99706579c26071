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
    let n = ds.len();
    let n_reps = texts.len();
    let rep_of = &texts.rep_of;
    let rep_tokens = &texts.rep_tokens;
    let (taggers, tagger_warnings) = taggers::load_taggers(&config.taggers_dirs);
    let mut warnings = tagger_warnings;
    let lexicon_names: Vec<String> = taggers
        .iter()
        .take(64 - LEXICON_BIT0)
        .map(|t| t.name.clone())
        .collect();
    if taggers.len() > 64 - LEXICON_BIT0 {
        warnings.push(format!(
            "only the first {} lexicon taggers are used",
            64 - LEXICON_BIT0
        ));
    }
    let mut tag_names: Vec<String> = STRUCTURAL_TAGS.iter().map(|s| s.to_string()).collect();
    tag_names.extend(EXTRA_SCRIPT_TAGS.iter().map(|s| s.to_string()));
    tag_names.extend(LATER_TAGS.iter().map(|s| s.to_string()));
    tag_names.truncate(LEXICON_BIT0);
    tag_names.extend(lexicon_names.iter().cloned());
    let many = config.many_hashtags;
    let rep_lang: Vec<Option<&'static str>> = if config.detect_language {
        // Languages for texts whose post has none, one detection per unique text.
        let mut needs = vec![false; n_reps];
        for i in 0..n {
            let l = ds.lang(i);
            if l.is_empty() || l == "und" || l.starts_with("q") {
                needs[rep_of[i] as usize] = true;
            }
        }
        let mut first_post = vec![u32::MAX; n_reps];
        for (i, &r) in rep_of.iter().enumerate() {
            if first_post[r as usize] == u32::MAX {
                first_post[r as usize] = i as u32;
            }
        }
        (0..n_reps)
            .into_par_iter()
            .map(|r| {
                if !needs[r] {
                    return None;
                }
                let text = tokens::strip_rt_prefix(ds.text(first_post[r] as usize));
                let cut: String = text.chars().take(280).collect();
                whatlang::detect(&cut)
                    .filter(|info| info.is_reliable() || info.confidence() > 0.5)
                    .map(|info| iso1(info.lang().code()))
            })
            .collect()
    } else {
        vec![None; n_reps]
    };
    // Text-derived tags (script, lexicons) once per representative text.
    let mut rep_first = vec![u32::MAX; n_reps];
    for (i, &r) in rep_of.iter().enumerate() {
        if rep_first[r as usize] == u32::MAX {
            rep_first[r as usize] = i as u32;
        }
    }
    let max_lex = 64 - LEXICON_BIT0;
    let rep_bits: Vec<u64> = (0..n_reps)
        .into_par_iter()
        .with_min_len(1024)
        .map(|r| {
            let text = ds.text(rep_first[r] as usize);
            let toks = rep_tokens.get(r);
            let mut b = script_bits(text);
            let lower = text.to_lowercase();
            for (k, t) in taggers.iter().take(max_lex).enumerate() {
                if t.score_lower(text, &lower, toks) >= t.threshold {
                    b |= 1 << (LEXICON_BIT0 + k);
                }
            }
            b
        })
        .collect();
    let per_post: Vec<(u64, Option<&'static str>)> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            let mut b = 0u64;
            match ds.kind[i] {
                PostKind::Retweet => b |= bit::RETWEET,
                PostKind::Quote => b |= bit::QUOTE,
                PostKind::Reply => b |= bit::REPLY,
                PostKind::Original => {}
            }
            if !ds.urls.get(i).is_empty() {
                b |= bit::LINK;
            }
            if ds.has_media[i] {
                b |= bit::MEDIA;
            }
            if ds.hashtags.get(i).len() >= many {
                b |= bit::MANY_HASHTAGS;
            }
            if coordinated[i] {
                b |= bit::COORDINATED;
            }
            b |= rep_bits[rep_of[i] as usize];
            let l = ds.lang(i);
            let detected = if l.is_empty() || l == "und" || l.starts_with("q") {
                rep_lang[rep_of[i] as usize]
            } else {
                None
            };
            (b, detected)
        })
        .collect();
    let mut langs = Interner::new();
    langs.intern("");
    let mut lang = Vec::with_capacity(n);
    let mut tags = Vec::with_capacity(n);
    for (i, (b, det)) in per_post.into_iter().enumerate() {
        tags.push(b);
        let code = match det {
            Some(d) => d.to_string(),
            None => {
                let l = ds.lang(i);
                if l.is_empty() || l == "und" || l.starts_with("q") {
                    String::new()
                } else {
                    l.to_ascii_lowercase()
                }
            }
        };
        let code = if code.is_empty() {
            code
        } else {
            format!("lang:{code}")
        };
        lang.push(langs.intern(&code).min(u16::MAX as u32) as u16);
    }
    Tagging {
        tag_names,
        tags,
        lang,
        langs,
        lexicon_names,
        warnings,
    }
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

/// Script bits of a text: each script with at least 20 % of its letters.
fn script_bits(text: &str) -> u64 {
    let mut c = [0u32; 7]; // latin hangul kana han arabic cyrillic other
    for ch in text.chars() {
        let u = ch as u32;
        let k = if ch.is_ascii_alphabetic() || (0xC0..=0x24F).contains(&u) {
            0
        } else if (0xAC00..=0xD7A3).contains(&u)
            || (0x1100..=0x11FF).contains(&u)
            || (0x3130..=0x318F).contains(&u)
        {
            1
        } else if (0x3040..=0x30FF).contains(&u) {
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
