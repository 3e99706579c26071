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
    /// Per representative: how many posts it stands for.
    pub weights: Vec<u32>,
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

    /// Per representative: its first post.
    pub fn first_posts(&self) -> Vec<u32> {
        let mut first = vec![u32::MAX; self.len()];
        for (i, &r) in self.rep_of.iter().enumerate() {
            if first[r as usize] == u32::MAX {
                first[r as usize] = i as u32;
            }
        }
        first
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
    for &(_, k) in &firsts {
        rep_tokens.push(toks[k as usize].set.iter().copied());
        rep_template.push(toks[k as usize].template.iter().copied());
    }
    let mut weights: Vec<u32> = vec![0; firsts.len()];
    let rep_of_raw: Vec<u32> = toks.iter().map(|t| rep_index[&t.exact]).collect();
    let rep_of: Vec<u32> = raw_of.iter().map(|&r| rep_of_raw[r as usize]).collect();
    for &r in &rep_of {
        weights[r as usize] += 1;
    }
    Texts {
        rep_of,
        rep_tokens,
        rep_template,
        weights,
    }
}
