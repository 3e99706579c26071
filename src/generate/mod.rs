//! A seeded generator of realistic takeover datasets, with their ground truth.
//!
//! Each scenario mixes background hashtags with a daily rhythm (own crowds, own topics),
//! a hashtag that bursts with its usual crowd and content (a burst that is *not* a
//! takeover), copypasta bursts, retweets, multilingual posts and Zipf-distributed author
//! activity — and one or more takeovers, where a crowd that never used a hashtag floods it
//! with unrelated, near-duplicate content until its original use drowns.

pub mod evaluate;
pub mod parquet_writer;
pub mod templates;
pub mod writers;

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::model::PostKind;
use crate::text::{extract_hashtags, normalize_hashtag};
use crate::time::format_iso;
use templates::Template;

/// The kinds of takeover the generator can stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// K-pop fans bury #WhiteLivesMatter under fancams.
    Kpop,
    /// Couples' photos and jokes reclaim #ProudBoys.
    Reclaim,
    /// Crypto spam bots flood a brand tag.
    Spam,
    /// All three, at different times.
    Mixed,
    /// No takeover at all: background tags and a popularity burst only.
    Quiet,
}

impl Scenario {
    pub fn from_name(s: &str) -> Option<Scenario> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "kpop" | "fancam" | "k-pop" => Scenario::Kpop,
            "reclaim" | "reclaiming" | "proudboys" => Scenario::Reclaim,
            "spam" | "crypto" | "bots" => Scenario::Spam,
            "mixed" | "all" => Scenario::Mixed,
            "quiet" | "none" | "background" => Scenario::Quiet,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Kpop => "kpop",
            Scenario::Reclaim => "reclaim",
            Scenario::Spam => "spam",
            Scenario::Mixed => "mixed",
            Scenario::Quiet => "quiet",
        }
    }
}

/// The role of a generated post in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TruthRole {
    Background,
    Burst,
    Original,
    Counter,
    Takeover,
    Copypasta,
}

/// One generated post.
#[derive(Debug, Clone)]
pub struct GenPost {
    pub id: u64,
    pub time_ms: i64,
    pub author: u32,
    pub text: String,
    pub lang: &'static str,
    pub kind: PostKind,
    pub ref_id: Option<u64>,
    /// Index of the original post for retweets, within the generated list.
    pub ref_index: Option<usize>,
    pub template: String,
    pub role: TruthRole,
    pub copypasta: Option<u32>,
    /// Index into `Truth::takeovers` for takeover posts.
    pub takeover: Option<usize>,
    pub has_media: bool,
    pub likes: u32,
    pub reposts: u32,
}

#[derive(Debug, Clone)]
pub struct GenAuthor {
    pub id: u64,
    pub handle: String,
    pub created_ms: i64,
}

/// Ground truth of one staged takeover.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TruthTakeover {
    /// Normalised hashtag.
    pub hashtag: String,
    pub kind: String,
    /// When the flood begins.
    pub flood_start: String,
    /// The first 5-minute bin where takeover posts exceed 50 % of the tag's volume and stay
    /// above it until the peak.
    pub onset: String,
    pub peak: String,
    /// End of the last 5-minute bin above 50 %.
    pub end: String,
    pub onset_ms: i64,
    pub peak_ms: i64,
    pub end_ms: i64,
    pub posts: u64,
}

/// Ground truth of a generated dataset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Truth {
    pub scenario: Scenario,
    pub seed: u64,
    pub posts: u64,
    pub takeovers: Vec<TruthTakeover>,
    /// Hashtags that must raise no alarm.
    pub background_hashtags: Vec<String>,
    /// Background hashtags whose volume bursts with the same crowd and content.
    pub burst_hashtags: Vec<String>,
    pub copypasta_groups: u32,
}

/// Generator settings.
#[derive(Debug, Clone)]
pub struct GenConfig {
    pub scenario: Scenario,
    pub posts: usize,
    pub seed: u64,
    /// Start of the dataset, UTC ms.
    pub start_ms: i64,
    pub days: f64,
}

impl GenConfig {
    pub fn new(scenario: Scenario, posts: usize, seed: u64) -> Self {
        Self {
            scenario,
            posts,
            seed,
            start_ms: 1_591_574_400_000, // 2020-06-08T00:00:00Z
            days: 3.0,
        }
    }
}

const HOUR: i64 = 3_600_000;
const MIN: i64 = 60_000;

/// A pool of authors with Zipf-distributed activity.
struct Crowd {
    authors: Vec<u32>,
    /// Cumulative Zipf weights.
    cum: Vec<f64>,
}

impl Crowd {
    fn pick(&self, rng: &mut ChaCha8Rng) -> u32 {
        let total = *self.cum.last().unwrap_or(&1.0);
        let x = rng.random::<f64>() * total;
        let i = self
            .cum
            .partition_point(|&c| c < x)
            .min(self.authors.len() - 1);
        self.authors[i]
    }
}

struct World {
    rng: ChaCha8Rng,
    retweeted: std::collections::HashSet<(u32, usize)>,
    authors: Vec<GenAuthor>,
    posts: Vec<GenPost>,
    start: i64,
    end: i64,
}

impl World {
    fn crowd(&mut self, size: usize, zipf_s: f64, new_accounts_at: Option<i64>) -> Crowd {
        let mut authors = Vec::with_capacity(size);
        let mut cum = Vec::with_capacity(size);
        let mut acc = 0.0;
        for k in 0..size {
            let id =
                1_000_000_000 + self.authors.len() as u64 * 7919 + self.rng.random_range(0..7000);
            let p = templates::HANDLE_PARTS;
            let handle = format!(
                "{}{}_{}",
                p[self.rng.random_range(0..p.len())],
                p[self.rng.random_range(0..p.len())],
                self.authors.len()
            );
            let created_ms = match new_accounts_at {
                Some(t) => t - self.rng.random_range(HOUR..72 * HOUR),
                None => self.start - self.rng.random_range(30 * 24 * HOUR..3000 * 24 * HOUR),
            };
            authors.push(self.authors.len() as u32);
            self.authors.push(GenAuthor {
                id,
                handle,
                created_ms,
            });
            acc += 1.0 / ((k + 1) as f64).powf(zipf_s);
            cum.push(acc);
        }
        Crowd { authors, cum }
    }

    /// A time in [start, end) following a daily rhythm with the given phase (hours).
    fn daily_time(&mut self, phase_h: f64) -> i64 {
        loop {
            let t = self.rng.random_range(self.start..self.end);
            let h = (t - self.start) as f64 / HOUR as f64;
            let rate = 1.0 + 0.75 * ((h - phase_h) / 24.0 * std::f64::consts::TAU).sin();
            if self.rng.random::<f64>() * 1.75 < rate {
                return t;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn post(
        &mut self,
        t: i64,
        author: u32,
        text: String,
        lang: &'static str,
        template: &str,
        role: TruthRole,
        media_p: f64,
    ) {
        let has_media = self.rng.random::<f64>() < media_p;
        let likes = (self.rng.random::<f64>().powi(4) * 500.0) as u32;
        let reposts = likes / 4;
        self.posts.push(GenPost {
            id: 0,
            time_ms: t,
            author,
            text,
            lang,
            kind: PostKind::Original,
            ref_id: None,
            ref_index: None,
            template: template.to_string(),
            role,
            copypasta: None,
            takeover: None,
            has_media,
            likes,
            reposts,
        });
    }

    /// Posts `n` posts of a community: its crowd, its templates, its daily rhythm; a share
    /// of them are retweets of the community's earlier posts.
    #[allow(clippy::too_many_arguments)]
    fn community(
        &mut self,
        n: usize,
        crowd: &Crowd,
        tpl: &[Template],
        phase_h: f64,
        role: TruthRole,
        rt_share: f64,
        burst: Option<(i64, i64, f64)>,
    ) {
        let first = self.posts.len();
        for _ in 0..n {
            let t = match burst {
                Some((b0, b1, frac)) if self.rng.random::<f64>() < frac => {
                    self.rng.random_range(b0..b1)
                }
                _ => self.daily_time(phase_h),
            };
            let k = self.rng.random_range(0..tpl.len());
            let text = tpl[k].render(&mut self.rng);
            let a = crowd.pick(&mut self.rng);
            self.post(t, a, text, tpl[k].lang, tpl[k].name, role, 0.1);
        }
        self.make_retweets(first, rt_share, crowd);
    }

    /// Turns a share of the posts in `first..` into retweets of earlier posts of the same range.
    fn make_retweets(&mut self, first: usize, share: f64, crowd: &Crowd) {
        let last = self.posts.len();
        if last - first < 10 || share <= 0.0 {
            return;
        }
        let mut idx: Vec<usize> = (first..last).collect();
        idx.sort_by_key(|&i| (self.posts[i].time_ms, i));
        // A few posts go viral: retweets prefer them.
        let mut viral: Vec<usize> = Vec::new();
        for (pos, &i) in idx.iter().enumerate() {
            if pos < 5 || self.posts[i].kind != PostKind::Original {
                continue;
            }
            if self.rng.random::<f64>() < share {
                let orig = if !viral.is_empty() && self.rng.random::<f64>() < 0.7 {
                    viral[self.rng.random_range(0..viral.len())]
                } else {
                    let j = idx[self.rng.random_range(pos.saturating_sub(200)..pos)];
                    if self.posts[j].kind != PostKind::Original {
                        continue;
                    }
                    if viral.len() < 12 {
                        viral.push(j);
                    } else if self.rng.random::<f64>() < 0.05 {
                        let r = self.rng.random_range(0..viral.len());
                        viral[r] = j;
                    }
                    j
                };
                if self.posts[orig].time_ms >= self.posts[i].time_ms {
                    continue;
                }
                let handle = self.authors[self.posts[orig].author as usize]
                    .handle
                    .clone();
                let body = self.posts[orig].text.clone();
                let template = self.posts[orig].template.clone();
                let lang = self.posts[orig].lang;
                let media = self.posts[orig].has_media;
                let mut who = crowd.pick(&mut self.rng);
                for _ in 0..4 {
                    if !self.retweeted.contains(&(who, orig)) {
                        break;
                    }
                    who = crowd.pick(&mut self.rng);
                }
                self.retweeted.insert((who, orig));
                let p = &mut self.posts[i];
                p.kind = PostKind::Retweet;
                p.ref_index = Some(orig);
                p.text = format!("RT @{handle}: {body}");
                p.template = template;
                p.lang = lang;
                p.has_media = media;
                p.author = who;
                p.likes = 0;
            }
        }
    }

    /// A copypasta burst: `size` accounts of `crowd` post `text` within a minute.
    fn copypasta(
        &mut self,
        text: &str,
        lang: &'static str,
        crowd: &Crowd,
        t0: i64,
        size: usize,
        group: u32,
    ) {
        let mut used = Vec::new();
        for _ in 0..size * 3 {
            if used.len() >= size {
                break;
            }
            let a = crowd.pick(&mut self.rng);
            if used.contains(&a) {
                continue;
            }
            used.push(a);
            let t = t0 + self.rng.random_range(0..50_000);
            // Near-same: a few copies add an emoji or change case.
            let variant = match self.rng.random_range(0..10) {
                0 => format!("{text} 🙏"),
                1 => text.to_uppercase(),
                _ => text.to_string(),
            };
            self.post(
                t,
                a,
                variant,
                lang,
                &format!("copypasta_{}", group as usize % templates::COPYPASTAS.len()),
                TruthRole::Copypasta,
                0.0,
            );
            if let Some(p) = self.posts.last_mut() {
                p.copypasta = Some(group);
            }
        }
    }
}

/// A takeover wave: ramp, plateau, decay.
struct Wave {
    start: i64,
    ramp: i64,
    plateau: i64,
    decay: i64,
}

impl Wave {
    fn sample(&self, rng: &mut ChaCha8Rng) -> i64 {
        loop {
            let total = self.ramp + self.plateau + self.decay;
            let x = rng.random_range(0..total);
            let rate = if x < self.ramp {
                x as f64 / self.ramp as f64
            } else if x < self.ramp + self.plateau {
                1.0
            } else {
                let d = (x - self.ramp - self.plateau) as f64 / self.decay as f64;
                (-3.0 * d).exp()
            };
            if rng.random::<f64>() < rate {
                return self.start + x;
            }
        }
    }
    fn end(&self) -> i64 {
        self.start + self.ramp + self.plateau + self.decay
    }
}

struct Target {
    tag: &'static str,
    kind: &'static str,
    original: &'static [Template],
    flood: &'static [Template],
    counter_tag: &'static str,
}

const KPOP_TARGET: Target = Target {
    tag: "#WhiteLivesMatter",
    kind: "kpop_fancam_flood",
    original: templates::WLM_ORIGINAL,
    flood: templates::KPOP_FLOOD,
    counter_tag: "#WhiteLivesMatter",
};
const RECLAIM_TARGET: Target = Target {
    tag: "#ProudBoys",
    kind: "reclaiming_flood",
    original: templates::PROUDBOYS_ORIGINAL,
    flood: templates::RECLAIM_FLOOD,
    counter_tag: "#ProudBoys",
};
const SPAM_TARGET: Target = Target {
    tag: "#AcmeShoes",
    kind: "crypto_spam_flood",
    original: templates::ACME_ORIGINAL,
    flood: templates::CRYPTO_FLOOD,
    counter_tag: "#AcmeShoes",
};

/// Generates a dataset. Returns the posts (sorted by time, with ids), the authors and the
/// ground truth.
pub fn generate(cfg: &GenConfig) -> (Vec<GenPost>, Vec<GenAuthor>, Truth) {
    let n = cfg.posts.max(100);
    let start = cfg.start_ms;
    let end = start + (cfg.days * 24.0 * HOUR as f64) as i64;
    let mut w = World {
        rng: ChaCha8Rng::seed_from_u64(cfg.seed),
        retweeted: Default::default(),
        authors: Vec::new(),
        posts: Vec::with_capacity(n + 64),
        start,
        end,
    };
    let scale = Scale { n };
    let crowds = BackgroundCrowds::draw(&mut w, scale);
    let targets = targets_of(cfg.scenario, start, end - start);
    let shares = Shares::new(!targets.is_empty());
    w.background_communities(&crowds, scale, &shares);
    let mut group = w.copypasta_bursts(&crowds, scale.posts(0.03).max(20));
    let mut truths = Vec::new();
    for (ti, &(target, flood_start)) in targets.iter().enumerate() {
        let share = 1.0 / targets.len() as f64;
        w.stage_takeover(
            ti,
            target,
            flood_start,
            scale,
            &shares,
            share,
            &crowds,
            &mut group,
        );
        truths.push((ti, target.tag, target.kind, flood_start));
    }
    fit_to_size(&mut w, n, &crowds.nba);

    let posts = in_time_order_with_ids(&w.posts);
    let takeovers = truths
        .iter()
        .map(|&(ti, tag, kind, flood_start)| truth_for(&posts, ti, tag, kind, flood_start))
        .collect();
    let truth = Truth {
        scenario: cfg.scenario,
        seed: cfg.seed,
        posts: posts.len() as u64,
        takeovers,
        background_hashtags: background_hashtags(cfg.scenario),
        burst_hashtags: vec!["eurovision".into()],
        copypasta_groups: group,
    };
    (posts, w.authors, truth)
}

/// Post counts and crowd sizes as shares of the dataset's size.
#[derive(Clone, Copy)]
struct Scale {
    n: usize,
}

impl Scale {
    /// `share` of the dataset's posts.
    fn posts(self, share: f64) -> usize {
        ((self.n as f64) * share).round() as usize
    }

    /// A crowd that writes `share` of the posts at `per_author` posts each.
    fn crowd(self, share: f64, per_author: f64) -> usize {
        ((self.n as f64 * share / per_author) as usize).clamp(40, 200_000)
    }
}

/// How the posts are shared between floods, the targets' original crowds and the background.
struct Shares {
    flood: f64,
    original: f64,
    background: f64,
}

impl Shares {
    fn new(has_takeover: bool) -> Self {
        let flood = if has_takeover { 0.30 } else { 0.0 };
        let original = if has_takeover { 0.10 } else { 0.0 };
        Self {
            flood,
            original,
            background: 1.0 - flood - original - 0.03,
        }
    }

    /// A background community's posts, `x` being its share of an 80 % background.
    fn community(&self, scale: Scale, x: f64) -> usize {
        scale.posts(self.background * x / 0.80)
    }
}

/// The background communities' crowds, each with its own rhythm.
struct BackgroundCrowds {
    nba: Crowd,
    cook: Crowd,
    kdrama: Crowd,
    anime: Crowd,
    futbol: Crowd,
    euro: Crowd,
    fans: Crowd,
    pride: Crowd,
}

impl BackgroundCrowds {
    fn draw(w: &mut World, scale: Scale) -> Self {
        Self {
            nba: w.crowd(scale.crowd(0.12, 4.0), 1.05, None),
            cook: w.crowd(scale.crowd(0.08, 4.0), 1.05, None),
            kdrama: w.crowd(scale.crowd(0.07, 4.0), 1.05, None),
            anime: w.crowd(scale.crowd(0.07, 4.0), 1.05, None),
            futbol: w.crowd(scale.crowd(0.06, 4.0), 1.05, None),
            euro: w.crowd(scale.crowd(0.06, 4.0), 1.05, None),
            fans: w.crowd(scale.crowd(0.25, 3.0), 1.0, None),
            pride: w.crowd(scale.crowd(0.15, 3.0), 1.0, None),
        }
    }
}

/// The takeovers a scenario stages, each with when its flood starts.
fn targets_of(scenario: Scenario, start: i64, span: i64) -> Vec<(&'static Target, i64)> {
    match scenario {
        Scenario::Kpop => vec![(&KPOP_TARGET, start + span * 11 / 20)],
        Scenario::Reclaim => vec![(&RECLAIM_TARGET, start + span * 11 / 20)],
        Scenario::Spam => vec![(&SPAM_TARGET, start + span * 11 / 20)],
        Scenario::Mixed => vec![
            (&KPOP_TARGET, start + span * 9 / 20),
            (&RECLAIM_TARGET, start + span * 13 / 20),
            (&SPAM_TARGET, start + span * 16 / 20),
        ],
        Scenario::Quiet => vec![],
    }
}

/// The hashtags that must raise no alarm.
fn background_hashtags(scenario: Scenario) -> Vec<String> {
    let mut tags: Vec<String> = [
        "#NBA",
        "#cooking",
        "#kdrama",
        "#anime",
        "#futbol",
        "#Eurovision",
        "#Pride",
        "#LoveWins",
    ]
    .iter()
    .map(|t| normalize_hashtag(t).into_owned())
    .collect();
    if matches!(scenario, Scenario::Quiet) {
        tags.extend(["bts", "blackpink"].iter().map(|s| s.to_string()));
    }
    tags
}

/// One background community: who posts, what, when, and how much is retweeted.
struct Community<'a> {
    share: f64,
    crowd: &'a Crowd,
    templates: &'static [Template],
    phase_h: f64,
    role: TruthRole,
    rt_share: f64,
    burst: Option<(i64, i64, f64)>,
}

impl<'a> Community<'a> {
    fn daily(
        share: f64,
        crowd: &'a Crowd,
        templates: &'static [Template],
        phase_h: f64,
        rt_share: f64,
    ) -> Self {
        Self {
            share,
            crowd,
            templates,
            phase_h,
            role: TruthRole::Background,
            rt_share,
            burst: None,
        }
    }
}

impl World {
    /// The background tags, one of which bursts with its usual crowd and content.
    fn background_communities(&mut self, c: &BackgroundCrowds, scale: Scale, shares: &Shares) {
        // The burst tag: volume quintuples for six hours, same crowd and content.
        let b0 = self.start + (self.end - self.start) * 3 / 10;
        let eurovision = Community {
            role: TruthRole::Burst,
            burst: Some((b0, b0 + 6 * HOUR, 0.45)),
            ..Community::daily(0.10, &c.euro, templates::EUROVISION, 21.0, 0.3)
        };
        let communities = [
            Community::daily(0.14, &c.nba, templates::NBA, 20.0, 0.25),
            Community::daily(0.10, &c.cook, templates::COOKING, 14.0, 0.15),
            Community::daily(0.10, &c.kdrama, templates::KDRAMA, 8.0, 0.3),
            Community::daily(0.09, &c.anime, templates::ANIME, 6.0, 0.3),
            Community::daily(0.09, &c.futbol, templates::FUTBOL, 18.0, 0.25),
            eurovision,
            // The fan crowd and the pride crowd in their own tags.
            Community::daily(0.10, &c.fans, templates::KPOP_FANDOM, 2.0, 0.35),
            Community::daily(0.08, &c.pride, templates::PRIDE, 16.0, 0.2),
        ];
        for k in &communities {
            self.community(
                shares.community(scale, k.share),
                k.crowd,
                k.templates,
                k.phase_h,
                k.role,
                k.rt_share,
                k.burst,
            );
        }
    }

    /// Copypasta bursts in background tags, `posts` posts in all. Returns the number of
    /// copypasta groups.
    fn copypasta_bursts(&mut self, c: &BackgroundCrowds, posts: usize) -> u32 {
        let mut group = 0u32;
        let mut made = 0;
        let cp_crowds: [(&Crowd, &str); 5] = [
            (&c.nba, "#NBA"),
            (&c.fans, "#BTS"),
            (&c.futbol, "#futbol"),
            (&c.cook, "#cooking"),
            (&c.kdrama, "#kdrama"),
        ];
        while made < posts {
            let size = self.rng.random_range(12..40).min(posts - made).max(6);
            let k = group as usize % templates::COPYPASTAS.len();
            let (crowd, tag) = cp_crowds[group as usize % cp_crowds.len()];
            let text = format!("{} {tag}", templates::COPYPASTAS[k]);
            let t0 = self.rng.random_range(self.start + HOUR..self.end - HOUR);
            let lang = match k {
                2 => "es",
                5 => "ko",
                _ => "en",
            };
            let before = self.posts.len();
            self.copypasta(&text, lang, crowd, t0, size, group);
            made += self.posts.len() - before;
            group += 1;
        }
        group
    }

    /// Takeover `ti` of `target`: the tag's original crowd, its counter-speech while the
    /// flood lasts, and the flood from `flood_start`. `share` is this target's part of the
    /// takeover posts; spam batches number their copypasta groups from `group`.
    #[allow(clippy::too_many_arguments)]
    fn stage_takeover(
        &mut self,
        ti: usize,
        target: &Target,
        flood_start: i64,
        scale: Scale,
        shares: &Shares,
        share: f64,
        c: &BackgroundCrowds,
        group: &mut u32,
    ) {
        let orig_crowd = self.crowd(scale.crowd(shares.original * share, 4.0), 1.1, None);
        let n_orig = scale.posts(shares.original * share);
        self.original_use(ti, target, &orig_crowd, n_orig);
        let wave = Wave {
            start: flood_start,
            ramp: 20 * MIN,
            plateau: (6 + ti as i64 * 2) * HOUR,
            decay: 2 * HOUR,
        };
        self.counter_speech(target, &orig_crowd, &wave, (n_orig / 25).max(3));
        let n_flood = scale.posts(shares.flood * share);
        if target.kind == "crypto_spam_flood" {
            let bots = self.crowd((n_flood / 12).clamp(30, 5000), 0.2, Some(flood_start));
            self.spam_batches(ti, target, &bots, &wave, n_flood, group);
        } else {
            let (crowd, media_p, rt) = match target.kind {
                "kpop_fancam_flood" => (&c.fans, 0.9, 0.35),
                _ => (&c.pride, 0.8, 0.3),
            };
            self.flood(ti, target, crowd, &wave, n_flood, media_p, rt);
        }
    }

    /// The tag's own use by its original crowd, some of it retweeted.
    fn original_use(&mut self, ti: usize, target: &Target, crowd: &Crowd, n: usize) {
        let first = self.posts.len();
        for _ in 0..n {
            let t = self.daily_time(15.0 + ti as f64 * 3.0);
            let k = self.rng.random_range(0..target.original.len());
            let text = target.original[k].render(&mut self.rng);
            let a = crowd.pick(&mut self.rng);
            let name = target.original[k].name;
            self.post(t, a, text, "en", name, TruthRole::Original, 0.05);
        }
        self.make_retweets(first, 0.2, crowd);
    }

    /// Counter-speech by the original crowd while the flood lasts.
    fn counter_speech(&mut self, target: &Target, crowd: &Crowd, wave: &Wave, n: usize) {
        for _ in 0..n {
            let t = self.rng.random_range(wave.start + 30 * MIN..wave.end());
            let text = format!(
                "{} {}",
                templates::COUNTER[0].render(&mut self.rng),
                target.counter_tag
            );
            let a = crowd.pick(&mut self.rng);
            self.post(t, a, text, "en", "counter_en", TruthRole::Counter, 0.0);
        }
    }

    /// Bots post in coordinated batches of identical text, one copypasta group per batch.
    fn spam_batches(
        &mut self,
        ti: usize,
        target: &Target,
        bots: &Crowd,
        wave: &Wave,
        n: usize,
        group: &mut u32,
    ) {
        let mut made = 0;
        while made < n {
            let t0 = wave.sample(&mut self.rng);
            let k = self.rng.random_range(0..target.flood.len());
            let text = target.flood[k].render(&mut self.rng);
            let size = self.rng.random_range(3..12).min(n - made).max(1);
            for _ in 0..size {
                let t = t0 + self.rng.random_range(0..30_000);
                let a = bots.pick(&mut self.rng);
                let name = target.flood[k].name;
                self.post(t, a, text.clone(), "en", name, TruthRole::Takeover, 0.0);
                if let Some(p) = self.posts.last_mut() {
                    p.copypasta = Some(*group);
                    p.takeover = Some(ti);
                }
            }
            *group += 1;
            made += size;
        }
    }

    /// A crowd new to the tag floods it with its own templates, some of them retweeted.
    #[allow(clippy::too_many_arguments)]
    fn flood(
        &mut self,
        ti: usize,
        target: &Target,
        crowd: &Crowd,
        wave: &Wave,
        n: usize,
        media_p: f64,
        rt_share: f64,
    ) {
        let first = self.posts.len();
        for _ in 0..n {
            let t = wave.sample(&mut self.rng);
            let k = self.rng.random_range(0..target.flood.len());
            let mut text = target.flood[k].render(&mut self.rng);
            // Some posts spell the tag differently.
            if self.rng.random_range(0..20) == 0 {
                text = text.replace(target.tag, &target.tag.to_lowercase());
            }
            let a = crowd.pick(&mut self.rng);
            let (lang, name) = (target.flood[k].lang, target.flood[k].name);
            self.post(t, a, text, lang, name, TruthRole::Takeover, media_p);
            if let Some(p) = self.posts.last_mut() {
                p.takeover = Some(ti);
            }
        }
        self.make_retweets(first, rt_share, crowd);
    }
}

/// The posts ordered by time, with snowflake ids (from their time, a sequence within the
/// millisecond) and retweets linked to their originals' new places and ids.
fn in_time_order_with_ids(staged: &[GenPost]) -> Vec<GenPost> {
    let mut order: Vec<usize> = (0..staged.len()).collect();
    order.sort_by_key(|&i| (staged[i].time_ms, i));
    let mut new_index = vec![0usize; staged.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut posts: Vec<GenPost> = order.iter().map(|&i| staged[i].clone()).collect();
    let mut last_ms = i64::MIN;
    let mut seq = 0u64;
    for p in posts.iter_mut() {
        if p.time_ms == last_ms {
            seq += 1;
        } else {
            seq = 0;
            last_ms = p.time_ms;
        }
        p.id = (((p.time_ms - 1_288_834_974_657) as u64) << 22) | (seq & 0x3f_ffff);
        p.ref_index = p.ref_index.map(|r| new_index[r]);
    }
    for i in 0..posts.len() {
        if let Some(r) = posts[i].ref_index {
            posts[i].ref_id = Some(posts[r].id);
        }
    }
    posts
}

/// Removes or adds background posts so the dataset has exactly `n` posts.
fn fit_to_size(w: &mut World, n: usize, filler: &Crowd) {
    while w.posts.len() < n {
        let t = w.daily_time(20.0);
        let k = w.rng.random_range(0..templates::NBA.len());
        let text = templates::NBA[k].render(&mut w.rng);
        let a = filler.pick(&mut w.rng);
        w.post(
            t,
            a,
            text,
            templates::NBA[k].lang,
            templates::NBA[k].name,
            TruthRole::Background,
            0.1,
        );
    }
    if w.posts.len() > n {
        let referenced: std::collections::HashSet<usize> =
            w.posts.iter().filter_map(|p| p.ref_index).collect();
        let mut removable: Vec<usize> = (0..w.posts.len())
            .filter(|i| {
                matches!(w.posts[*i].role, TruthRole::Background) && !referenced.contains(i)
            })
            .collect();
        let excess = w.posts.len() - n;
        // A deterministic spread-out choice.
        let step = (removable.len() / excess.max(1)).max(1);
        removable = removable.into_iter().step_by(step).take(excess).collect();
        let remove: std::collections::HashSet<usize> = removable.into_iter().collect();
        let mut new_index = vec![usize::MAX; w.posts.len()];
        let mut kept = Vec::with_capacity(n);
        for (i, p) in std::mem::take(&mut w.posts).into_iter().enumerate() {
            if !remove.contains(&i) {
                new_index[i] = kept.len();
                kept.push(p);
            }
        }
        for p in &mut kept {
            p.ref_index = p.ref_index.map(|r| new_index[r]);
        }
        w.posts = kept;
    }
}

/// Computes the truth onset, peak and end of takeover `ti`: with 5-minute bins, the onset
/// is the first bin from which the takeover share of the tag's volume, over a rolling
/// 15-minute window, exceeds 50 % and stays above it up to the peak; the end is the last bin
/// before it falls below.
fn truth_for(
    posts: &[GenPost],
    ti: usize,
    tag: &str,
    kind: &str,
    flood_start: i64,
) -> TruthTakeover {
    let norm = normalize_hashtag(tag).into_owned();
    let bin = 5 * MIN;
    let mut bins: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    let mut count = 0;
    for p in posts {
        let has = extract_hashtags(&p.text)
            .iter()
            .any(|h| normalize_hashtag(h) == norm);
        if !has {
            continue;
        }
        let e = bins.entry(p.time_ms.div_euclid(bin)).or_default();
        e.1 += 1;
        if p.takeover == Some(ti) {
            e.0 += 1;
            count += 1;
        }
    }
    let get = |b: i64| bins.get(&b).copied().unwrap_or((0, 0));
    let rolling = |b: i64| {
        let (mut t, mut a) = (0, 0);
        for k in b..b + 3 {
            let (x, y) = get(k);
            t += x;
            a += y;
        }
        (t, a)
    };
    let above = |b: i64| {
        let (t, a) = rolling(b);
        a == 0 || t * 2 > a
    };
    // The peak: the 15-minute window with the most takeover posts.
    let peak = bins
        .keys()
        .map(|&b| (rolling(b).0, -b))
        .max()
        .map(|(_, nb)| -nb)
        .unwrap_or(0);
    let mut onset = peak;
    while onset > peak - 2000 && above(onset - 1) && bins.range(..onset).next().is_some() {
        onset -= 1;
    }
    while onset < peak && get(onset).0 == 0 {
        onset += 1;
    }
    let mut end = peak;
    while end < peak + 2000 && above(end + 1) && bins.range(end + 1..).next().is_some() {
        end += 1;
    }
    // The last bin of the final window that still has takeover posts.
    let mut last = end + 2;
    while last > peak && get(last).0 == 0 {
        last -= 1;
    }
    TruthTakeover {
        hashtag: norm,
        kind: kind.to_string(),
        flood_start: format_iso(flood_start),
        onset: format_iso(onset * bin),
        peak: format_iso(peak * bin),
        end: format_iso((last + 1) * bin),
        onset_ms: onset * bin,
        peak_ms: peak * bin,
        end_ms: (last + 1) * bin,
        posts: count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let cfg = GenConfig::new(Scenario::Kpop, 3000, 7);
        let (a, _, ta) = generate(&cfg);
        let (b, _, tb) = generate(&cfg);
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.id == y.id && x.text == y.text)
        );
        assert_eq!(ta.takeovers[0].onset, tb.takeovers[0].onset);
        // The requested size, give or take rounding.
        assert_eq!(a.len(), 3000);
        // Sorted by time, unique ids, retweets point backwards.
        assert!(
            a.windows(2)
                .all(|w| w[0].time_ms <= w[1].time_ms && w[0].id < w[1].id)
        );
        for p in &a {
            if let Some(r) = p.ref_index {
                assert!(a[r].time_ms <= p.time_ms);
                assert_eq!(p.kind, PostKind::Retweet);
            }
        }
        let t = &ta.takeovers[0];
        assert_eq!(t.hashtag, "whitelivesmatter");
        assert!(t.onset_ms < t.peak_ms && t.peak_ms < t.end_ms, "{t:?}");
        assert!(t.posts > 500);
    }
}
