//! Coordination: at least N distinct accounts posting the same or near-same text (one
//! near-duplicate group, which also holds the retweets of one post) within W seconds — the
//! rule of the QUT coordination toolkit and CooRTweet.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Dataset, PostKind};

/// One coordinated episode.
#[derive(Debug, Clone, Serialize)]
pub struct CoordGroup {
    pub id: u32,
    /// The near-duplicate group it happened in.
    pub dup_group: u32,
    /// "co-post" (same or near-same text) or "co-retweet" (retweets of one post).
    pub kind: String,
    pub accounts: u32,
    pub posts: u32,
    pub start_ms: i64,
    pub end_ms: i64,
}

pub struct CoordResult {
    pub coordinated: Vec<bool>,
    pub groups: Vec<CoordGroup>,
}

/// (group, posts, start, end, accounts)
type Episode = (u32, Vec<u32>, i64, i64, u32);

/// Finds episodes where `min_accounts` distinct accounts post within `window_ms` in one
/// near-duplicate group.
pub fn find_coordination(
    ds: &Dataset,
    dup_group: &[u32],
    n_groups: usize,
    min_accounts: usize,
    window_ms: i64,
) -> CoordResult {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_groups];
    for (i, &g) in dup_group.iter().enumerate() {
        if g != u32::MAX {
            members[g as usize].push(i as u32);
        }
    }
    // Per group: sliding windows over time with a distinct-author count.
    let episodes: Vec<Vec<Episode>> = members
        .par_iter_mut()
        .enumerate()
        .map(|(g, posts)| {
            let mut out = Vec::new();
            if posts.len() < min_accounts {
                return out;
            }
            posts.sort_by_key(|&i| (ds.created_at[i as usize], i));
            let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
            let mut lo = 0usize;
            let mut marked = vec![false; posts.len()];
            let mut any = false;
            for hi in 0..posts.len() {
                let a = ds.author[posts[hi] as usize];
                *counts.entry(a).or_default() += 1;
                while ds.created_at[posts[hi] as usize] - ds.created_at[posts[lo] as usize]
                    > window_ms
                {
                    let b = ds.author[posts[lo] as usize];
                    if let Some(c) = counts.get_mut(&b) {
                        *c -= 1;
                        if *c == 0 {
                            counts.remove(&b);
                        }
                    }
                    lo += 1;
                }
                if counts.len() >= min_accounts {
                    for m in &mut marked[lo..=hi] {
                        *m = true;
                    }
                    any = true;
                }
            }
            if !any {
                return out;
            }
            // Contiguous marked runs (within the window of each other) form episodes.
            let mut k = 0;
            while k < posts.len() {
                if !marked[k] {
                    k += 1;
                    continue;
                }
                let start = k;
                while k + 1 < posts.len()
                    && marked[k + 1]
                    && ds.created_at[posts[k + 1] as usize] - ds.created_at[posts[k] as usize]
                        <= window_ms
                {
                    k += 1;
                }
                let ep: Vec<u32> = posts[start..=k].to_vec();
                let mut authors: Vec<u32> = ep.iter().map(|&i| ds.author[i as usize]).collect();
                authors.sort_unstable();
                authors.dedup();
                out.push((
                    g as u32,
                    ep.clone(),
                    ds.created_at[posts[start] as usize],
                    ds.created_at[posts[k] as usize],
                    authors.len() as u32,
                ));
                k += 1;
            }
            out
        })
        .collect();
    let mut coordinated = vec![false; ds.len()];
    let mut groups = Vec::new();
    for (g, posts, start, end, accounts) in episodes.into_iter().flatten() {
        let retweets = posts
            .iter()
            .filter(|&&i| ds.kind[i as usize] == PostKind::Retweet)
            .count();
        for &i in &posts {
            coordinated[i as usize] = true;
        }
        groups.push(CoordGroup {
            id: 0,
            dup_group: g,
            kind: if retweets * 2 > posts.len() {
                "co-retweet"
            } else {
                "co-post"
            }
            .to_string(),
            accounts,
            posts: posts.len() as u32,
            start_ms: start,
            end_ms: end,
        });
    }
    groups.sort_by_key(|c| (std::cmp::Reverse(c.accounts), c.start_ms, c.dup_group));
    for (k, c) in groups.iter_mut().enumerate() {
        c.id = k as u32;
    }
    CoordResult {
        coordinated,
        groups,
    }
}
