//! Stage 1, texts: identical texts (copies, retweets of one post) are tokenized once, and
//! texts that differ only in case, links, mentions or the retweet prefix share one
//! representative, whose token set every later stage reads.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::tokens;
use crate::model::{Dataset, ListColumn};

/// The representative texts of a dataset.
pub struct Texts {
    /// Per post: its representative.
    pub rep_of: Vec<u32>,
    /// Per representative: its sorted, deduplicated token hashes.
    pub rep_tokens: ListColumn,
    /// Per representative: its sorted template features (`tokens::template_features`).
    pub rep_template: ListColumn,
    /// Per representative: it has words (it is not only hashtags and emoji).
    pub rep_has_words: Vec<bool>,
    /// Per representative: how many posts it stands for.
    pub weights: Vec<u32>,
    /// Per representative: the post whose text stands for it (see [`canonical_posts`]).
    pub canonical_post: Vec<u32>,
}

impl Texts {
    pub fn len(&self) -> usize {
        self.rep_tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rep_tokens.len() == 0
    }

    /// The token sets of the representatives, as owned vectors.
    pub fn token_sets(&self) -> Vec<Vec<u32>> {
        (0..self.len())
            .map(|r| self.rep_tokens.get(r).to_vec())
            .collect()
    }
}

pub fn run(ds: &Dataset) -> Texts {
    let n = ds.len();
    // Identical texts (copies, retweets of one post) are tokenized once.
    let raw_hash: Vec<u64> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| xxhash_rust::xxh3::xxh3_64(ds.text(i).as_bytes()))
        .collect();
    let mut raw_index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut raw_of: Vec<u32> = Vec::with_capacity(n);
    let mut raw_first: Vec<u32> = Vec::new();
    let mut raw_hashes: Vec<u64> = Vec::new();
    for (i, &h) in raw_hash.iter().enumerate() {
        let next = raw_first.len() as u32;
        let r = *raw_index.entry(h).or_insert(next);
        if r == next {
            raw_first.push(i as u32);
            raw_hashes.push(h);
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
    // representative. Representatives are numbered in the order of their token sequence's
    // hash, not of first appearance, so every later stage (near-duplicate groups, the
    // clusters' sample and seeds) sees the same numbering whatever the order of the file.
    let mut firsts: Vec<(u64, u32)> = Vec::new();
    {
        let mut seen: FxHashMap<u64, ()> = FxHashMap::default();
        for (k, t) in toks.iter().enumerate() {
            if seen.insert(t.exact, ()).is_none() {
                firsts.push((t.exact, k as u32));
            }
        }
    }
    firsts.sort_unstable();
    let rep_index: FxHashMap<u64, u32> = firsts
        .iter()
        .enumerate()
        .map(|(r, &(h, _))| (h, r as u32))
        .collect();
    let mut rep_tokens = ListColumn::new();
    let mut rep_template = ListColumn::new();
    let mut rep_has_words = Vec::with_capacity(firsts.len());
    for &(_, k) in &firsts {
        rep_tokens.push(toks[k as usize].set.iter().copied());
        rep_template.push(toks[k as usize].template.iter().copied());
        rep_has_words.push(toks[k as usize].has_words);
    }
    let mut weights: Vec<u32> = vec![0; firsts.len()];
    let rep_of_raw: Vec<u32> = toks.iter().map(|t| rep_index[&t.exact]).collect();
    let rep_of: Vec<u32> = raw_of.iter().map(|&r| rep_of_raw[r as usize]).collect();
    for &r in &rep_of {
        weights[r as usize] += 1;
    }
    let raw = RawTexts {
        first: &raw_first,
        hashes: &raw_hashes,
        of_post: &raw_of,
        rep: &rep_of_raw,
    };
    let canonical_post = canonical_posts(ds, &raw, firsts.len());
    Texts {
        rep_of,
        rep_tokens,
        rep_template,
        rep_has_words,
        weights,
        canonical_post,
    }
}

/// The distinct raw texts of a dataset.
struct RawTexts<'a> {
    /// Per raw text: its first post.
    first: &'a [u32],
    /// Per raw text: its hash.
    hashes: &'a [u64],
    /// Per post: its raw text.
    of_post: &'a [u32],
    /// Per raw text: its representative.
    rep: &'a [u32],
}

/// Per representative: the post whose text stands for it wherever a stage reads text (its
/// scripts, language, lexicons, a cluster's exemplars and term spellings), chosen by content
/// alone so that the same posts give the same answer in any record order. Of the
/// representative's texts, an original's comes before a retweet's (`RT @…`), then the one
/// with the smallest hash; of the posts with that text, the earliest, then the smallest id.
fn canonical_posts(ds: &Dataset, raw: &RawTexts, reps: usize) -> Vec<u32> {
    let key = |r: usize| {
        let text = ds.text(raw.first[r] as usize);
        (text.trim_start().starts_with("RT @"), raw.hashes[r])
    };
    let mut best_raw = vec![u32::MAX; reps];
    for (r, &rep) in raw.rep.iter().enumerate() {
        let best = &mut best_raw[rep as usize];
        if *best == u32::MAX || key(r) < key(*best as usize) {
            *best = r as u32;
        }
    }
    let mut post = vec![u32::MAX; reps];
    for (i, &r) in raw.of_post.iter().enumerate() {
        let rep = raw.rep[r as usize] as usize;
        if best_raw[rep] != r {
            continue;
        }
        let p = post[rep];
        if p == u32::MAX || ds.cmp_time_id(i, p as usize).is_lt() {
            post[rep] = i as u32;
        }
    }
    post
}
