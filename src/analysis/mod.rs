//! The analysis engine: pure functions over a [`Dataset`], parallel with rayon inside and
//! deterministic (the same input and config give the same output at any thread count).
//!
//! Stages: tokens → near-duplicate groups → coordination → topic clusters → tags
//! (structure, language/script, lexicons) → takeover moments per hashtag (which also mark
//! newcomers and takeover posts). Every stage reports progress and can be cancelled.

pub mod coordination;
pub mod neardup;
pub mod report;
pub mod taggers;
pub mod takeover;
pub mod terms;
pub mod timeline;
pub mod tokens;
pub mod topics;

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::{Dataset, Interner, ListColumn, PostKind};
use crate::progress::{Cancelled, Progress};
pub use coordination::CoordGroup;
pub use neardup::DupGroup;
pub use takeover::{HashtagAssessment, PostVerdict, TakeoverConfig, TakeoverMoment};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct NearDupConfig {
    /// Minimum Jaccard similarity of token sets for near-duplicates.
    pub jaccard_threshold: f32,
    pub minhash_bands: usize,
    pub minhash_rows: usize,
}

impl Default for NearDupConfig {
    fn default() -> Self {
        Self {
            jaccard_threshold: 0.7,
            minhash_bands: 16,
            minhash_rows: 4,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CoordinationConfig {
    /// At least this many distinct accounts...
    pub min_accounts: usize,
    /// ...posting the same or near-same text within this many seconds.
    pub window_seconds: u64,
}

impl Default for CoordinationConfig {
    fn default() -> Self {
        Self {
            min_accounts: 5,
            window_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicConfig {
    pub k_min: usize,
    pub k_max: usize,
    /// k-means is fitted on at most this many unique texts, then every text is assigned.
    pub sample: usize,
    pub iterations: usize,
    pub min_df: usize,
    pub max_df_fraction: f32,
    pub max_vocab: usize,
    /// Clusters whose centroids are at least this similar are merged.
    pub merge_cosine: f32,
    /// Clusters whose posts are this similar to their centroid on average are not split...
    pub target_cohesion: f32,
    /// ...unless splitting them explains at least this share of their spread.
    pub min_split_gain: f32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        Self {
            k_min: 2,
            k_max: 64,
            sample: 20_000,
            iterations: 25,
            min_df: 2,
            max_df_fraction: 0.5,
            max_vocab: 50_000,
            merge_cosine: 0.6,
            target_cohesion: 0.55,
            min_split_gain: 0.3,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TagConfig {
    /// Posts with at least this many hashtags get `many_hashtags`.
    pub many_hashtags: usize,
    /// Folders with extra lexicon taggers (`*.toml`).
    pub taggers_dirs: Vec<PathBuf>,
    /// Detect the language of posts whose source gives none.
    pub detect_language: bool,
}

impl Default for TagConfig {
    fn default() -> Self {
        Self {
            many_hashtags: 5,
            taggers_dirs: taggers::default_tagger_dirs(),
            detect_language: true,
        }
    }
}

/// Every parameter of an analysis. Read from `--config FILE` (TOML or JSON); missing keys
/// take their defaults.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AnalysisConfig {
    pub seed: u64,
    pub near_duplicates: NearDupConfig,
    pub coordination: CoordinationConfig,
    pub topics: TopicConfig,
    pub tags: TagConfig,
    pub takeover: TakeoverConfig,
}

impl AnalysisConfig {
    /// Reads a config file: TOML, or JSON when it starts with `{`.
    pub fn from_file(path: &std::path::Path) -> Result<AnalysisConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if text.trim_start().starts_with('{') {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
        } else {
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// A topic cluster.
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub id: i32,
    pub size: u32,
    pub top_terms: Vec<String>,
    /// Post indices of the most typical posts.
    #[serde(skip)]
    pub exemplars: Vec<u32>,
}

/// Structural tags (bits 0..) — lexicon tags follow at `LEXICON_BIT0 + k`.
pub const STRUCTURAL_TAGS: [&str; 14] = [
    "retweet",
    "quote",
    "reply",
    "has_link",
    "has_media",
    "many_hashtags",
    "newcomer",
    "coordinated",
    "takeover",
    "script:latin",
    "script:hangul",
    "script:kana",
    "script:han",
    "script:arabic",
];
pub const EXTRA_SCRIPT_TAGS: [&str; 2] = ["script:cyrillic", "script:other"];
/// Tags that came later than the scripts (bits 16..).
pub const LATER_TAGS: [&str; 1] = ["counter_speech"];
pub const LEXICON_BIT0: usize = 17;

/// Bit positions of the tags.
pub mod bit {
    pub const RETWEET: u64 = 1 << 0;
    pub const QUOTE: u64 = 1 << 1;
    pub const REPLY: u64 = 1 << 2;
    pub const LINK: u64 = 1 << 3;
    pub const MEDIA: u64 = 1 << 4;
    pub const MANY_HASHTAGS: u64 = 1 << 5;
    pub const NEWCOMER: u64 = 1 << 6;
    pub const COORDINATED: u64 = 1 << 7;
    pub const TAKEOVER: u64 = 1 << 8;
    pub const SCRIPT0: usize = 9;
    /// Talks about the tag or its crowd during a takeover (never marked takeover).
    pub const COUNTER_SPEECH: u64 = 1 << 16;
}

/// The results of an analysis. Views read it; nothing mutates it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub config: AnalysisConfig,
    /// Names of tag bits (index = bit).
    pub tag_names: Vec<String>,
    /// Per post: tag bits.
    pub tags: Vec<u64>,
    /// Per post: language, from the source or detected (index into `langs`).
    pub lang: Vec<u16>,
    pub langs: Interner,
    pub cluster: Vec<i32>,
    pub clusters: Vec<Cluster>,
    pub dup_group: Vec<u32>,
    pub dup_groups: Vec<DupGroup>,
    pub coordination: Vec<CoordGroup>,
    pub moments: Vec<TakeoverMoment>,
    pub hashtags: Vec<HashtagAssessment>,
    /// The evidence behind every marked post (takeover or counter-speech), sorted by post;
    /// `moment` indexes `moments`.
    pub verdicts: Vec<PostVerdict>,
    /// Per post: index into `rep_tokens` (posts with the same normalised text share one).
    pub rep_of: Vec<u32>,
    pub rep_tokens: ListColumn,
    pub lexicon_names: Vec<String>,
    pub timings: Vec<(String, f64)>,
    pub warnings: Vec<String>,
}

impl Analysis {
    pub fn has(&self, i: usize, bit: u64) -> bool {
        self.tags[i] & bit != 0
    }

    pub fn is_takeover(&self, i: usize) -> bool {
        self.has(i, bit::TAKEOVER)
    }

    pub fn is_coordinated(&self, i: usize) -> bool {
        self.has(i, bit::COORDINATED)
    }

    /// The tag names of a post, in bit order, plus `lang:xx`.
    pub fn tag_list(&self, i: usize) -> Vec<&str> {
        let mut v: Vec<&str> = (0..64)
            .filter(|&b| self.tags[i] >> b & 1 == 1)
            .filter_map(|b| self.tag_names.get(b).map(String::as_str))
            .filter(|s| !s.is_empty())
            .collect();
        let l = self.langs.resolve(self.lang[i] as u32);
        if !l.is_empty() {
            v.push(l);
        }
        v
    }

    pub fn tokens(&self, i: usize) -> &[u32] {
        self.rep_tokens.get(self.rep_of[i] as usize)
    }

    /// The evidence behind post `i`'s takeover or counter-speech mark, if it has one.
    pub fn verdict(&self, i: usize) -> Option<&PostVerdict> {
        let k = self
            .verdicts
            .binary_search_by_key(&(i as u32), |v| v.post)
            .ok()?;
        self.verdicts.get(k)
    }

    /// Why post `i` was marked, in words.
    pub fn why(&self, i: usize) -> Option<String> {
        let v = self.verdict(i)?;
        let m = self.moments.get(v.moment as usize)?;
        Some(takeover::explain(v, m, self.config.takeover.foreign_below))
    }

    /// Index of a tag name, if known.
    pub fn tag_bit(&self, name: &str) -> Option<usize> {
        self.tag_names.iter().position(|t| t == name)
    }
}

fn stage<T>(
    progress: &Progress,
    timings: &mut Vec<(String, f64)>,
    name: &str,
    total: u64,
    f: impl FnOnce() -> T,
) -> Result<T, Cancelled> {
    progress.check()?;
    progress.begin(name, total);
    let t = Instant::now();
    let out = f();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    progress.set(total);
    progress.finish_stage(name, ms);
    timings.push((name.to_string(), ms));
    progress.check()?;
    Ok(out)
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

/// Runs the whole analysis.
pub fn analyze(
    ds: &Dataset,
    config: &AnalysisConfig,
    progress: &Progress,
) -> Result<Analysis, Cancelled> {
    let n = ds.len();
    let mut timings = Vec::new();
    let mut warnings = Vec::new();

    // 1. Tokens of unique normalised texts.
    let (rep_of, rep_tokens, rep_weights) =
        stage(progress, &mut timings, "tokens", n as u64, || {
            // Identical texts (copies, retweets of one post) are tokenized once.
            let raw_hash: Vec<u64> = (0..n)
                .into_par_iter()
                .with_min_len(4096)
                .map(|i| xxhash_rust::xxh3::xxh3_64(ds.text(i).as_bytes()))
                .collect();
            let mut raw_index: FxHashMap<u64, u32> = FxHashMap::default();
            let mut raw_of: Vec<u32> = Vec::with_capacity(n);
            let mut raw_first: Vec<u32> = Vec::new();
            for (i, &h) in raw_hash.iter().enumerate() {
                let next = raw_first.len() as u32;
                let r = *raw_index.entry(h).or_insert(next);
                if r == next {
                    raw_first.push(i as u32);
                }
                raw_of.push(r);
            }
            drop(raw_index);
            drop(raw_hash);
            let toks: Vec<tokens::PostTokens> = raw_first
                .par_iter()
                .with_min_len(1024)
                .map(|&i| tokens::post_tokens(ds.text(i as usize)))
                .collect();
            // Texts that differ only in case, urls, mentions or the retweet prefix share a
            // representative.
            let mut rep_index: FxHashMap<u64, u32> = FxHashMap::default();
            let mut rep_of_raw = Vec::with_capacity(toks.len());
            let mut rep_tokens = ListColumn::new();
            let mut weights: Vec<u32> = Vec::new();
            for t in &toks {
                let next = rep_tokens.len() as u32;
                let r = *rep_index.entry(t.exact).or_insert(next);
                if r == next {
                    rep_tokens.push(t.set.iter().copied());
                    weights.push(0);
                }
                rep_of_raw.push(r);
            }
            let rep_of: Vec<u32> = raw_of.iter().map(|&r| rep_of_raw[r as usize]).collect();
            for &r in &rep_of {
                weights[r as usize] += 1;
            }
            (rep_of, rep_tokens, weights)
        })?;
    let n_reps = rep_tokens.len();
    let reps: Vec<&[u32]> = (0..n_reps).map(|r| rep_tokens.get(r)).collect();

    // 2. Near-duplicate groups.
    let dups = stage(
        progress,
        &mut timings,
        "near-duplicates",
        n_reps as u64,
        || {
            let owned: Vec<Vec<u32>> = reps.iter().map(|s| s.to_vec()).collect();
            neardup::group_near_duplicates(
                ds,
                &rep_of,
                &owned,
                config.near_duplicates.jaccard_threshold,
                config.near_duplicates.minhash_bands,
                config.near_duplicates.minhash_rows,
                config.seed,
            )
        },
    )?;

    // 3. Coordination.
    let coord = stage(progress, &mut timings, "coordination", n as u64, || {
        coordination::find_coordination(
            ds,
            &dups.group,
            dups.groups.len(),
            config.coordination.min_accounts,
            config.coordination.window_seconds as i64 * 1000,
        )
    })?;

    // 4. Topic clusters.
    let topic_model = stage(progress, &mut timings, "clusters", n_reps as u64, || {
        let owned: Vec<Vec<u32>> = reps.iter().map(|s| s.to_vec()).collect();
        let tc = &config.topics;
        topics::cluster_topics(
            &owned,
            &rep_weights,
            &topics::TopicParams {
                k_min: tc.k_min,
                k_max: tc.k_max,
                sample: tc.sample,
                iterations: tc.iterations,
                min_df: tc.min_df,
                max_df_fraction: tc.max_df_fraction,
                max_vocab: tc.max_vocab,
                merge_cosine: tc.merge_cosine,
                target_cohesion: tc.target_cohesion,
                min_split_gain: tc.min_split_gain,
                seed: config.seed,
            },
        )
    })?;
    let cluster: Vec<i32> = rep_of
        .iter()
        .map(|&r| topic_model.rep_cluster[r as usize])
        .collect();
    let mut clusters: Vec<Cluster> = (0..topic_model.k)
        .map(|c| Cluster {
            id: c as i32,
            size: 0,
            top_terms: Vec::new(),
            exemplars: Vec::new(),
        })
        .collect();
    for &c in &cluster {
        if c >= 0 {
            clusters[c as usize].size += 1;
        }
    }
    {
        // Exemplars: the first posts of the best-scoring representatives.
        let mut first_post = vec![u32::MAX; n_reps];
        for (i, &r) in rep_of.iter().enumerate() {
            if first_post[r as usize] == u32::MAX {
                first_post[r as usize] = i as u32;
            }
        }
        let mut best: Vec<Vec<(f32, u32)>> = vec![Vec::new(); topic_model.k];
        for (r, &first) in first_post.iter().enumerate() {
            let c = topic_model.rep_cluster[r];
            if c >= 0 {
                best[c as usize].push((topic_model.rep_score[r], first));
            }
        }
        for (c, mut b) in best.into_iter().enumerate() {
            b.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            clusters[c].exemplars = b.iter().take(3).map(|x| x.1).collect();
            // Resolve top-term strings from the cluster's own posts.
            let want: Vec<u32> = topic_model.top_terms[c].clone();
            let names = resolve_terms(ds, &want, b.iter().take(300).map(|x| x.1 as usize));
            clusters[c].top_terms = terms::distinct_names(&want, &names)
                .into_iter()
                .take(8)
                .collect();
        }
    }

    // 5. Tags: structure, language, script, lexicons.
    let (taggers, tagger_warnings) = taggers::load_taggers(&config.tags.taggers_dirs);
    warnings.extend(tagger_warnings);
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
    let many = config.tags.many_hashtags;
    let (mut tags, lang_codes) = stage(progress, &mut timings, "tags", n as u64, || {
        let rep_lang: Vec<Option<&'static str>> = if config.tags.detect_language {
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
                if coord.coordinated[i] {
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
        (tags, (lang, langs))
    })?;
    let (lang, langs) = lang_codes;

    // 6. Takeover moments per hashtag.
    let lexicon_bits: Vec<u64> = tags.iter().map(|b| b >> LEXICON_BIT0).collect();
    let dup_sizes: Vec<u32> = dups.groups.iter().map(|g| g.size).collect();
    let counts = crate::summary::hashtag_counts(ds);
    let display = crate::summary::display_spellings(ds);
    let chosen: Vec<(u32, u64)> = counts
        .iter()
        .copied()
        .filter(|&(_, c)| c as usize >= config.takeover.min_tag_posts)
        .take(config.takeover.max_hashtags)
        .collect();
    let mut assessed_tags: Vec<HashtagAssessment> = Vec::new();
    let mut moments: Vec<TakeoverMoment> = Vec::new();
    let mut verdicts: Vec<PostVerdict> = Vec::new();
    stage(
        progress,
        &mut timings,
        "takeovers",
        chosen.len() as u64,
        || {
            // Posts per chosen hashtag, sorted by time.
            let slot: FxHashMap<u32, usize> = chosen
                .iter()
                .enumerate()
                .map(|(k, &(h, _))| (h, k))
                .collect();
            let mut lists: Vec<Vec<u32>> = vec![Vec::new(); chosen.len()];
            for i in 0..n {
                for h in ds.hashtags.get(i) {
                    if let Some(&k) = slot.get(h) {
                        lists[k].push(i as u32);
                    }
                }
            }
            // Posts per author, by time (for crowd profiles).
            let na = ds.authors.len();
            let mut author_offsets = vec![0u32; na + 1];
            for &a in &ds.author {
                author_offsets[a as usize + 1] += 1;
            }
            for a in 0..na {
                author_offsets[a + 1] += author_offsets[a];
            }
            let mut fill = author_offsets.clone();
            let mut author_posts = vec![0u32; n];
            for i in 0..n {
                let a = ds.author[i] as usize;
                author_posts[fill[a] as usize] = i as u32;
                fill[a] += 1;
            }
            for a in 0..na {
                let (s, e) = (author_offsets[a] as usize, author_offsets[a + 1] as usize);
                author_posts[s..e].sort_by_key(|&i| (ds.created_at[i as usize], i));
            }
            let features = takeover::FeatureSource {
                ds,
                rep_of: &rep_of,
                rep_tokens: &rep_tokens,
                dup_group: &dups.group,
                dup_sizes: &dup_sizes,
                lang: &lang,
                langs: &langs,
            };
            let corpus_df = features.corpus_frequencies();
            let input = takeover::DetectorInput {
                author_offsets: &author_offsets,
                author_posts: &author_posts,
                ds,
                features,
                corpus_df: &corpus_df,
                cluster: &cluster,
                coordinated: &coord.coordinated,
                lexicon_bits: &lexicon_bits,
                lexicon_names: &lexicon_names,
            };
            let outcomes: Vec<takeover::HashtagOutcome> = lists
                .par_iter_mut()
                .zip(chosen.par_iter())
                .map(|(list, &(h, _))| {
                    // Ties in time are broken by post id, so record order never matters.
                    list.sort_by_key(|&i| (ds.created_at[i as usize], ds.ids[i as usize], i));
                    let out = takeover::assess_hashtag(
                        &input,
                        h,
                        &display[h as usize],
                        list,
                        &config.takeover,
                    );
                    progress.add(1);
                    out
                })
                .collect();
            for o in outcomes {
                for &i in &o.takeover_posts {
                    tags[i as usize] |= bit::TAKEOVER;
                }
                for &i in &o.newcomer_posts {
                    tags[i as usize] |= bit::NEWCOMER;
                }
                for &i in &o.counter_speech_posts {
                    tags[i as usize] |= bit::COUNTER_SPEECH;
                }
                let first = moments.len() as u32;
                verdicts.extend(o.verdicts.into_iter().map(|mut v| {
                    v.moment += first;
                    v
                }));
                moments.extend(o.moments);
                assessed_tags.push(o.assessment);
            }
        },
    )?;
    // A post marked takeover in one tag is not counter-speech in another.
    for t in tags.iter_mut() {
        if *t & bit::TAKEOVER != 0 {
            *t &= !bit::COUNTER_SPEECH;
        }
    }
    // Not assessed: tags below the volume floor, summarised by the report.
    for m in &mut moments {
        let mut sample: Vec<usize> = Vec::new();
        for (i, &t) in tags.iter().enumerate() {
            if t & bit::TAKEOVER != 0 && ds.hashtags.get(i).contains(&m.hashtag_index) {
                sample.push(i);
                if sample.len() >= 400 {
                    break;
                }
            }
        }
        let names = resolve_terms(ds, &m.term_hashes, sample.into_iter());
        m.terms = terms::distinct_names(&m.term_hashes, &names);
    }
    let mut order: Vec<usize> = (0..moments.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&moments[a], &moments[b]);
        b.score
            .total_cmp(&a.score)
            .then(a.onset_ms.cmp(&b.onset_ms))
            .then(a.hashtag.cmp(&b.hashtag))
    });
    let mut new_index = vec![0u32; moments.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new as u32;
    }
    let mut slots: Vec<Option<TakeoverMoment>> = moments.into_iter().map(Some).collect();
    let moments: Vec<TakeoverMoment> = order.iter().filter_map(|&o| slots[o].take()).collect();
    for v in &mut verdicts {
        v.moment = new_index[v.moment as usize];
    }
    // A post in several taken-over tags keeps the verdict of its best moment.
    verdicts.sort_by_key(|v| (v.post, v.counter_speech, v.moment));
    verdicts.dedup_by_key(|v| v.post);

    Ok(Analysis {
        config: config.clone(),
        tag_names,
        tags,
        lang,
        langs,
        cluster,
        clusters,
        dup_group: dups.group,
        dup_groups: dups.groups,
        coordination: coord.groups,
        moments,
        hashtags: assessed_tags,
        verdicts,
        rep_of,
        rep_tokens,
        lexicon_names,
        timings,
        warnings,
    })
}

pub use terms::resolve_terms;
