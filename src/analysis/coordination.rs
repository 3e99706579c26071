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

/// Posts of one near-duplicate group, close in time, by at least the minimum of accounts.
struct Episode {
    dup_group: u32,
    posts: Vec<u32>,
    start_ms: i64,
    end_ms: i64,
    accounts: u32,
}

/// Finds episodes where `min_accounts` distinct accounts post within `window_ms` in one
/// near-duplicate group.
pub fn find_coordination(
    ds: &Dataset,
    dup_group: &[u32],
    n_groups: usize,
    min_accounts: usize,
    window_ms: i64,
) -> CoordResult {
    let episodes: Vec<Episode> = group_members(dup_group, n_groups)
        .par_iter_mut()
        .enumerate()
        .flat_map_iter(|(g, posts)| {
            if posts.len() < min_accounts {
                return Vec::new();
            }
            posts.sort_by_key(|&i| (ds.created_at[i as usize], i));
            match mark_windows(ds, posts, min_accounts, window_ms) {
                Some(marked) => marked_runs(ds, g as u32, posts, &marked, window_ms),
                None => Vec::new(),
            }
        })
        .collect();
    describe(ds, episodes)
}

/// The posts of each near-duplicate group, in post order.
fn group_members(dup_group: &[u32], n_groups: usize) -> Vec<Vec<u32>> {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_groups];
    for (i, &g) in dup_group.iter().enumerate() {
        if g != u32::MAX {
            members[g as usize].push(i as u32);
        }
    }
    members
}

/// Marks the posts (sorted by time) of every window of `window_ms` in which at least
/// `min_accounts` distinct accounts posted: a sliding window with a distinct-author
/// count. `None` where no window has enough.
fn mark_windows(
    ds: &Dataset,
    posts: &[u32],
    min_accounts: usize,
    window_ms: i64,
) -> Option<Vec<bool>> {
    let time = |k: usize| ds.created_at[posts[k] as usize];
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    let mut lo = 0usize;
    let mut marked = vec![false; posts.len()];
    let mut any = false;
    for hi in 0..posts.len() {
        *counts.entry(ds.author[posts[hi] as usize]).or_default() += 1;
        while time(hi) - time(lo) > window_ms {
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
            marked[lo..=hi].fill(true);
            any = true;
        }
    }
    any.then_some(marked)
}

/// The runs of marked posts, each post within `window_ms` of the one before: the
/// episodes of group `g`.
fn marked_runs(
    ds: &Dataset,
    g: u32,
    posts: &[u32],
    marked: &[bool],
    window_ms: i64,
) -> Vec<Episode> {
    let time = |k: usize| ds.created_at[posts[k] as usize];
    let mut out = Vec::new();
    let mut k = 0;
    while k < posts.len() {
        if !marked[k] {
            k += 1;
            continue;
        }
        let start = k;
        while k + 1 < posts.len() && marked[k + 1] && time(k + 1) - time(k) <= window_ms {
            k += 1;
        }
        let ep: Vec<u32> = posts[start..=k].to_vec();
        let mut authors: Vec<u32> = ep.iter().map(|&i| ds.author[i as usize]).collect();
        authors.sort_unstable();
        authors.dedup();
        out.push(Episode {
            dup_group: g,
            posts: ep,
            start_ms: time(start),
            end_ms: time(k),
            accounts: authors.len() as u32,
        });
        k += 1;
    }
    out
}

/// Marks the episodes' posts coordinated and describes each episode: co-retweet where
/// most of its posts are retweets, else co-post. Episodes are numbered by accounts (most
/// first), then start, then group.
fn describe(ds: &Dataset, episodes: Vec<Episode>) -> CoordResult {
    let mut coordinated = vec![false; ds.len()];
    let mut groups = Vec::new();
    for ep in episodes {
        let retweets = ep
            .posts
            .iter()
            .filter(|&&i| ds.kind[i as usize] == PostKind::Retweet)
            .count();
        for &i in &ep.posts {
            coordinated[i as usize] = true;
        }
        let kind = if retweets * 2 > ep.posts.len() {
            "co-retweet"
        } else {
            "co-post"
        };
        groups.push(CoordGroup {
            id: 0,
            dup_group: ep.dup_group,
            kind: kind.to_string(),
            accounts: ep.accounts,
            posts: ep.posts.len() as u32,
            start_ms: ep.start_ms,
            end_ms: ep.end_ms,
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
