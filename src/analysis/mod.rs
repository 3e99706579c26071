//! The analysis engine: pure functions over a [`Dataset`], parallel with rayon inside and
//! deterministic (the same input and config give the same output at any thread count).
//!
//! Stages: tokens → near-duplicate groups → coordination → topic clusters → tags
//! (structure, language/script, lexicons) → takeover moments per hashtag (which also mark
//! newcomers and takeover posts). Every stage reports progress and can be cancelled.

pub mod cluster_items;
pub mod coordination;
pub mod neardup;
pub mod report;
pub mod stages;
pub mod taggers;
pub mod takeover;
pub mod terms;
pub mod timeline;
pub mod tokens;
pub mod topics;

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::model::{Dataset, Interner, ListColumn};
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

/// Topic clusters: posts written from one template (`topics`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicConfig {
    /// Unique texts clustered by average linkage in one round; every text is then assigned.
    pub sample: usize,
    /// Rounds of sampling the texts left over.
    pub rounds: usize,
    /// Features in fewer unique texts than this are left out.
    pub min_df: usize,
    pub max_vocab: usize,
    /// Groups join while their texts are at least this alike on average (TF-IDF cosine), and
    /// a text joins the cluster whose centroid it is most like if at least this alike.
    pub min_similarity: f32,
    /// A text like no cluster that much (written in its own words, from no template) joins
    /// the cluster it is most like if at least this alike; below, it is in no cluster.
    pub join_similarity: f32,
}

impl Default for TopicConfig {
    fn default() -> Self {
        Self {
            sample: 2_000,
            rounds: 8,
            min_df: 2,
            max_vocab: 200_000,
            min_similarity: 0.2,
            join_similarity: 0.05,
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
    /// Per post: how familiar a newcomer's post was to its tag's baseline when a moment was
    /// judged (NaN for posts not judged so); a post is foreign below
    /// `takeover.foreign_below`. The audit's "uncertain" queue serves the closest first.
    pub familiarity: Vec<f32>,
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

    /// Why post `i` of `ds` was marked, in words.
    pub fn why(&self, ds: &Dataset, i: usize) -> Option<String> {
        let v = self.verdict(i)?;
        let m = self.moments.get(v.moment as usize)?;
        let g = self.dup_group[i];
        let size = self.dup_groups.get(g as usize).map(|d| d.size).unwrap_or(0);
        let lang = self.langs.resolve(self.lang[i] as u32);
        let foreign = takeover::features::feature_names(ds, i, lang, g, size, &v.foreign);
        Some(takeover::explain(
            v,
            m,
            self.config.takeover.foreign_below,
            &foreign,
        ))
    }

    /// Index of a tag name, if known.
    pub fn tag_bit(&self, name: &str) -> Option<usize> {
        self.tag_names.iter().position(|t| t == name)
    }
}

/// Runs named stages in order: reports each one's progress and time, and checks for
/// cancel between them.
struct StageRunner<'p> {
    progress: &'p Progress,
    timings: Vec<(String, f64)>,
}

impl StageRunner<'_> {
    fn stage<T>(&mut self, name: &str, total: u64, f: impl FnOnce() -> T) -> Result<T, Cancelled> {
        self.progress.check()?;
        self.progress.begin(name, total);
        let t = Instant::now();
        let out = f();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        self.progress.set(total);
        self.progress.finish_stage(name, ms);
        self.timings.push((name.to_string(), ms));
        self.progress.check()?;
        Ok(out)
    }
}

/// Runs the whole analysis: the stages of [`stages`], in order.
pub fn analyze(
    ds: &Dataset,
    config: &AnalysisConfig,
    progress: &Progress,
) -> Result<Analysis, Cancelled> {
    let n = ds.len() as u64;
    let mut run = StageRunner {
        progress,
        timings: Vec::new(),
    };
    let mut texts = run.stage("tokens", n, || stages::texts::run(ds))?;
    let reps = texts.len() as u64;
    let nd = &config.near_duplicates;
    let dups = run.stage("near-duplicates", reps, || {
        neardup::group_near_duplicates(
            ds,
            &texts.rep_of,
            &texts.token_sets(),
            nd.jaccard_threshold,
            nd.minhash_bands,
            nd.minhash_rows,
            config.seed,
        )
    })?;
    let coord = run.stage("coordination", n, || {
        coordination::find_coordination(
            ds,
            &dups.group,
            dups.groups.len(),
            config.coordination.min_accounts,
            config.coordination.window_seconds as i64 * 1000,
        )
    })?;
    let clusters = run.stage("clusters", reps, || {
        // Template features serve the clusters alone: handed over, not kept.
        let template = std::mem::take(&mut texts.rep_template);
        stages::clusters::run(ds, &texts, template, &config.topics, config.seed)
    })?;
    let mut tagging = run.stage("tags", n, || {
        stages::tags::run(ds, &texts, &coord.coordinated, &config.tags)
    })?;
    let chosen = stages::takeovers::chosen_hashtags(ds, &config.takeover);
    let inputs = stages::takeovers::Inputs {
        texts: &texts,
        dups: &dups,
        coordinated: &coord.coordinated,
        cluster: &clusters.per_post,
    };
    let found = run.stage("takeovers", chosen.len() as u64, || {
        stages::takeovers::run(
            ds,
            &inputs,
            &mut tagging,
            &chosen,
            &config.takeover,
            progress,
        )
    })?;
    Ok(Analysis {
        config: config.clone(),
        tag_names: tagging.tag_names,
        tags: tagging.tags,
        lang: tagging.lang,
        langs: tagging.langs,
        cluster: clusters.per_post,
        clusters: clusters.clusters,
        dup_group: dups.group,
        dup_groups: dups.groups,
        coordination: coord.groups,
        moments: found.moments,
        hashtags: found.hashtags,
        verdicts: found.verdicts,
        familiarity: found.familiarity,
        rep_of: texts.rep_of,
        rep_tokens: texts.rep_tokens,
        lexicon_names: tagging.lexicon_names,
        timings: run.timings,
        warnings: tagging.warnings,
    })
}

pub use terms::resolve_terms;
