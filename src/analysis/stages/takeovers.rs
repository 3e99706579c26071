//! Stage 6, takeovers: every hashtag with enough posts is assessed on its own
//! ([`crate::analysis::takeover::assess_hashtag`]); its takeover posts, newcomers and
//! counter-speech are marked, and each marked post keeps the evidence behind its mark.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::neardup::DupResult;
use crate::analysis::stages::tags::Tagging;
use crate::analysis::stages::texts::Texts;
use crate::analysis::takeover::{self, HashtagAssessment, PostVerdict, TakeoverMoment};
use crate::analysis::{LEXICON_BIT0, TakeoverConfig, bit, resolve_terms, terms};
use crate::model::Dataset;
use crate::progress::Progress;

/// What the detector found.
pub struct Takeovers {
    /// Best score first.
    pub moments: Vec<TakeoverMoment>,
    pub hashtags: Vec<HashtagAssessment>,
    /// Sorted by post; `moment` indexes `moments`.
    pub verdicts: Vec<PostVerdict>,
    /// Per post: the familiarity of a newcomer's post judged in a moment (NaN for others).
    pub familiarity: Vec<f32>,
}

/// The hashtags that are assessed: those with enough posts, the largest first.
pub fn chosen_hashtags(ds: &Dataset, cfg: &TakeoverConfig) -> Vec<u32> {
    crate::summary::hashtag_counts(ds)
        .into_iter()
        .filter(|&(_, c)| c as usize >= cfg.min_tag_posts)
        .take(cfg.max_hashtags)
        .map(|(h, _)| h)
        .collect()
}

/// Posts per chosen hashtag (unsorted).
fn posts_per_hashtag(ds: &Dataset, chosen: &[u32]) -> Vec<Vec<u32>> {
    let slot: FxHashMap<u32, usize> = chosen.iter().enumerate().map(|(k, &h)| (h, k)).collect();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); chosen.len()];
    for i in 0..ds.len() {
        for h in ds.hashtags.get(i) {
            if let Some(&k) = slot.get(h) {
                lists[k].push(i as u32);
            }
        }
    }
    lists
}

/// Posts per author, by time (CSR: offsets and posts), for the crowds' hashtag profiles.
fn posts_per_author(ds: &Dataset) -> (Vec<u32>, Vec<u32>) {
    let na = ds.authors.len();
    let mut offsets = vec![0u32; na + 1];
    for &a in &ds.author {
        offsets[a as usize + 1] += 1;
    }
    for a in 0..na {
        offsets[a + 1] += offsets[a];
    }
    let mut fill = offsets.clone();
    let mut posts = vec![0u32; ds.len()];
    for i in 0..ds.len() {
        let a = ds.author[i] as usize;
        posts[fill[a] as usize] = i as u32;
        fill[a] += 1;
    }
    for a in 0..na {
        let (s, e) = (offsets[a] as usize, offsets[a + 1] as usize);
        posts[s..e].sort_by_key(|&i| (ds.created_at[i as usize], ds.ids[i as usize], i));
    }
    (offsets, posts)
}

/// Everything the detector reads, from the earlier stages.
pub struct Inputs<'a> {
    pub texts: &'a Texts,
    pub dups: &'a DupResult,
    pub coordinated: &'a [bool],
    pub cluster: &'a [i32],
}

pub fn run(
    ds: &Dataset,
    inputs: &Inputs,
    tagging: &mut Tagging,
    chosen: &[u32],
    cfg: &TakeoverConfig,
    progress: &Progress,
) -> Takeovers {
    let lexicon_bits: Vec<u64> = tagging.tags.iter().map(|b| b >> LEXICON_BIT0).collect();
    let dup_sizes: Vec<u32> = inputs.dups.groups.iter().map(|g| g.size).collect();
    let display = crate::summary::display_spellings(ds);
    let mut lists = posts_per_hashtag(ds, chosen);
    let (author_offsets, author_posts) = posts_per_author(ds);
    let lap = debug_lap();
    let features = takeover::FeatureSource::new(
        ds,
        &inputs.texts.rep_of,
        &inputs.texts.rep_tokens,
        &inputs.dups.group,
        &dup_sizes,
        &tagging.lang,
        &tagging.langs,
    );
    lap("features");
    let input = takeover::DetectorInput {
        author_offsets: &author_offsets,
        author_posts: &author_posts,
        ds,
        features,
        cluster: inputs.cluster,
        coordinated: inputs.coordinated,
        lexicon_bits: &lexicon_bits,
        lexicon_names: &tagging.lexicon_names,
        rep_has_words: &inputs.texts.rep_has_words,
    };
    let mut outcomes: Vec<takeover::HashtagOutcome> = lists
        .par_iter_mut()
        .zip(chosen.par_iter())
        .map(|(list, &h)| {
            // Ties in time are broken by post id, so record order never matters.
            list.sort_by_key(|&i| (ds.created_at[i as usize], ds.ids[i as usize], i));
            let out = takeover::assess_hashtag(&input, h, &display[h as usize], list, cfg);
            progress.add(1);
            out
        })
        .collect();
    lap("hashtags assessed");
    // Checks that need every tag's outcome.
    takeover::spillover::drop_spillover(&mut outcomes, &ds.created_at, cfg);
    takeover::spillover::drop_passing_copypasta(
        &mut outcomes,
        &lists,
        &input.features,
        cfg.min_family_focus,
    );
    takeover::settled::drop_settled_use(
        &mut outcomes,
        &lists,
        |i| input.features.family(i as usize),
        &ds.created_at,
    );
    takeover::crowd::drop_own_crowd(&input, &mut outcomes, cfg.max_crowd_similarity);
    takeover::minority::drop_minority_moments(&mut outcomes, cfg.share_threshold);
    lap("cross-tag checks");
    let mut found = merge(ds.len(), outcomes, &mut tagging.tags);
    name_terms(ds, &tagging.tags, &mut found.moments);
    let (moments, verdicts) = best_first(found.moments, found.verdicts);
    Takeovers {
        moments,
        verdicts,
        ..found
    }
}

/// Prints the time since it was made at each call, with `DERAIL_DEBUG` set.
fn debug_lap() -> impl Fn(&str) {
    let clock = std::time::Instant::now();
    let debug = std::env::var_os("DERAIL_DEBUG").is_some();
    move |what: &str| {
        if debug {
            eprintln!(
                "[debug] takeovers: {what} at {:.0} ms",
                clock.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

/// Every tag's outcome in one: the posts' takeover, newcomer and counter-speech bits set
/// in `tags` (a post marked takeover in one tag is not counter-speech in another), the
/// moments in the tags' order with their verdicts numbered to match.
fn merge(posts: usize, outcomes: Vec<takeover::HashtagOutcome>, tags: &mut [u64]) -> Takeovers {
    let mut all = Takeovers {
        moments: Vec::new(),
        hashtags: Vec::new(),
        verdicts: Vec::new(),
        familiarity: vec![f32::NAN; posts],
    };
    for o in outcomes {
        for &(i, f) in &o.familiarity {
            all.familiarity[i as usize] = f;
        }
        for &i in &o.takeover_posts {
            tags[i as usize] |= bit::TAKEOVER;
        }
        for &i in &o.newcomer_posts {
            tags[i as usize] |= bit::NEWCOMER;
        }
        for &i in &o.counter_speech_posts {
            tags[i as usize] |= bit::COUNTER_SPEECH;
        }
        let first = all.moments.len() as u32;
        all.verdicts.extend(o.verdicts.into_iter().map(|mut v| {
            v.moment += first;
            v
        }));
        all.moments.extend(o.moments);
        all.hashtags.push(o.assessment);
    }
    for t in tags.iter_mut() {
        if *t & bit::TAKEOVER != 0 {
            *t &= !bit::COUNTER_SPEECH;
        }
    }
    all
}

/// Resolves each moment's term hashes to words, from its own takeover posts.
fn name_terms(ds: &Dataset, tags: &[u64], moments: &mut [TakeoverMoment]) {
    for m in moments {
        let sample = tags
            .iter()
            .enumerate()
            .filter(|&(i, &t)| {
                t & bit::TAKEOVER != 0 && ds.hashtags.get(i).contains(&m.hashtag_index)
            })
            .map(|(i, _)| i)
            .take(400);
        let names = resolve_terms(ds, &m.term_hashes, sample);
        m.terms = terms::distinct_names(&m.term_hashes, &names);
    }
}

/// Sorts moments best score first and renumbers the verdicts to match; a post in several
/// taken-over tags keeps the verdict of its best moment.
fn best_first(
    moments: Vec<TakeoverMoment>,
    mut verdicts: Vec<PostVerdict>,
) -> (Vec<TakeoverMoment>, Vec<PostVerdict>) {
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
    verdicts.sort_by_key(|v| (v.post, v.counter_speech.is_some(), v.moment));
    verdicts.dedup_by_key(|v| v.post);
    (moments, verdicts)
}
