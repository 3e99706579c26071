//! Near-duplicate groups: exact duplicates of normalised text (fast path), MinHash with
//! LSH banding over token sets for near-duplicates (verified with exact Jaccard), and
//! retweets joined to their originals.
//!
//! MinHash/LSH is written here rather than taken from a crate: the crates on offer either
//! hash strings (we already have `u32` token sets) or are not deterministic across runs,
//! and the whole method is a few dozen lines.

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Dataset;

/// Union-find with path halving.
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
        }
    }
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = p;
            x = p;
        }
        x
    }
    /// Joins two sets; the smaller root index wins, so results do not depend on order.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// A key for matching ids: numeric ids as themselves, string ids by a hash of the string.
pub fn id_key(ds: &Dataset, code: u64) -> u64 {
    if crate::model::IdStrings::is_string(code) {
        xxhash_rust::xxh3::xxh3_64(ds.id_strings.decode(code).as_bytes()) | (1 << 63)
    } else {
        code
    }
}

/// How many values two sorted, deduplicated sets share.
pub fn intersection_size(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter
}

/// Exact Jaccard similarity of two sorted, deduplicated sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = intersection_size(a, b);
    inter as f32 / (a.len() + b.len() - inter) as f32
}

/// MinHash band keys of a token set: `bands` keys of `rows` hashes each.
pub fn band_keys(set: &[u32], bands: usize, rows: usize, seeds: &[(u64, u64)], out: &mut Vec<u32>) {
    out.clear();
    let n = bands * rows;
    let mut mins = [u32::MAX; 256];
    let n = n.min(256);
    for &t in set {
        let t = t as u64;
        for (i, &(a, b)) in seeds.iter().take(n).enumerate() {
            let h = (a.wrapping_mul(t).wrapping_add(b) >> 32) as u32;
            if h < mins[i] {
                mins[i] = h;
            }
        }
    }
    for band in 0..bands {
        let mut key: u64 = 0xcbf2_9ce4_8422_2325 ^ band as u64;
        for r in 0..rows {
            key = (key ^ mins[band * rows + r] as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push((key ^ (key >> 32)) as u32);
    }
}

pub fn seeds(n: usize, seed: u64) -> Vec<(u64, u64)> {
    // SplitMix64: deterministic odd multipliers and offsets.
    let mut s = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n).map(|_| (next() | 1, next())).collect()
}

/// A group of near-duplicate posts.
#[derive(Debug, Clone, Serialize)]
pub struct DupGroup {
    pub id: u32,
    pub size: u32,
    pub authors: u32,
    pub retweets: u32,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The earliest post of the group.
    pub representative: u32,
}

/// Near-duplicate groups over posts.
pub struct DupResult {
    /// Per post: group id, or `u32::MAX`.
    pub group: Vec<u32>,
    pub groups: Vec<DupGroup>,
}

/// Groups representatives (unique texts) by MinHash LSH and joins each post to its
/// representative and retweets to their originals.
///
/// `rep_of[i]` is the representative index (into `reps`) of post `i`; `reps[r]` is the
/// token set of representative `r`.
pub fn group_near_duplicates(
    ds: &Dataset,
    rep_of: &[u32],
    reps: &[Vec<u32>],
    threshold: f32,
    bands: usize,
    rows: usize,
    seed: u64,
) -> DupResult {
    let mut similar = similar_texts(reps, threshold, bands, rows, seed);
    let mut components = post_components(ds, rep_of, &mut similar, reps.len());
    let (group, mut groups) = number_groups(ds, &mut components);
    describe_groups(ds, &group, &mut groups);
    DupResult { group, groups }
}

/// Representatives of at least `MIN_TOKENS` tokens joined when MinHash LSH puts them in
/// one bucket of a band and their Jaccard similarity is at least `threshold`.
fn similar_texts(
    reps: &[Vec<u32>],
    threshold: f32,
    bands: usize,
    rows: usize,
    seed: u64,
) -> UnionFind {
    const MIN_TOKENS: usize = 3;
    let sd = seeds(bands * rows, seed);
    // Band keys per representative, computed in parallel.
    let keys: Vec<Vec<u32>> = reps
        .par_iter()
        .map(|set| {
            let mut out = Vec::with_capacity(bands);
            if set.len() >= MIN_TOKENS {
                band_keys(set, bands, rows, &sd, &mut out);
            }
            out
        })
        .collect();
    let mut uf = UnionFind::new(reps.len());
    for band in 0..bands {
        let mut entries: Vec<(u32, u32)> = keys
            .iter()
            .enumerate()
            .filter_map(|(r, k)| k.get(band).map(|&key| (key, r as u32)))
            .collect();
        entries.par_sort_unstable();
        let pairs: Vec<(u32, u32)> = entries
            .par_chunk_by(|a, b| a.0 == b.0)
            .flat_map_iter(|bucket| similar_in_bucket(bucket, reps, threshold))
            .collect();
        for (a, b) in pairs {
            uf.union(a, b);
        }
    }
    uf
}

/// The similar pairs in one LSH bucket: each member compared with the bucket's first
/// member and, failing that, with the previous member (catches chains without quadratic
/// work).
fn similar_in_bucket(bucket: &[(u32, u32)], reps: &[Vec<u32>], threshold: f32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    if bucket.len() < 2 {
        return out;
    }
    let first = bucket[0].1;
    for w in 1..bucket.len() {
        let r = bucket[w].1;
        if jaccard(&reps[first as usize], &reps[r as usize]) >= threshold {
            out.push((first, r));
        } else {
            let prev = bucket[w - 1].1;
            if prev != first && jaccard(&reps[prev as usize], &reps[r as usize]) >= threshold {
                out.push((prev, r));
            }
        }
    }
    out
}

/// Posts joined when their texts are similar, and retweets joined to their originals when
/// those are in the dataset.
fn post_components(
    ds: &Dataset,
    rep_of: &[u32],
    similar: &mut UnionFind,
    n_reps: usize,
) -> UnionFind {
    let n = ds.len();
    let mut post_uf = UnionFind::new(n);
    let mut first_post_of_root: Vec<u32> = vec![u32::MAX; n_reps];
    for (i, &rep) in rep_of.iter().enumerate().take(n) {
        let root = similar.find(rep) as usize;
        if first_post_of_root[root] == u32::MAX {
            first_post_of_root[root] = i as u32;
        } else {
            post_uf.union(first_post_of_root[root], i as u32);
        }
    }
    let mut by_id: rustc_hash::FxHashMap<u64, u32> = rustc_hash::FxHashMap::default();
    for i in 0..n {
        if ds.ids[i] != crate::model::ID_NONE {
            by_id.entry(id_key(ds, ds.ids[i])).or_insert(i as u32);
        }
    }
    for i in 0..n {
        if ds.kind[i] == crate::model::PostKind::Retweet
            && ds.ref_ids[i] != crate::model::ID_NONE
            && let Some(&o) = by_id.get(&id_key(ds, ds.ref_ids[i]))
        {
            post_uf.union(o, i as u32);
        }
    }
    post_uf
}

/// Components of two or more posts become groups, numbered by size then by their first
/// post (by time, then id), which also represents them: never by where posts sit in the
/// file. Returns each post's group (or `u32::MAX`) and the groups, their size and first
/// post filled in.
fn number_groups(ds: &Dataset, components: &mut UnionFind) -> (Vec<u32>, Vec<DupGroup>) {
    let n = ds.len();
    let mut size = vec![0u32; n];
    let mut first = vec![u32::MAX; n];
    for i in 0..n {
        let r = components.find(i as u32) as usize;
        size[r] += 1;
        if first[r] == u32::MAX || ds.cmp_time_id(i, first[r] as usize).is_lt() {
            first[r] = i as u32;
        }
    }
    let mut roots: Vec<u32> = (0..n as u32)
        .filter(|&r| size[r as usize] >= 2 && components.find(r) == r)
        .collect();
    roots.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        size[b]
            .cmp(&size[a])
            .then_with(|| ds.cmp_time_id(first[a] as usize, first[b] as usize))
    });
    let mut gid = vec![u32::MAX; n];
    for (g, &r) in roots.iter().enumerate() {
        gid[r as usize] = g as u32;
    }
    let group: Vec<u32> = (0..n as u32)
        .map(|i| gid[components.find(i) as usize])
        .collect();
    let groups = roots
        .iter()
        .enumerate()
        .map(|(g, &r)| DupGroup {
            id: g as u32,
            size: size[r as usize],
            authors: 0,
            retweets: 0,
            first_ms: ds.created_at[first[r as usize] as usize],
            last_ms: i64::MIN,
            representative: first[r as usize],
        })
        .collect();
    (group, groups)
}

/// Each group's last post time, retweets and distinct authors.
fn describe_groups(ds: &Dataset, group: &[u32], groups: &mut [DupGroup]) {
    let mut authors: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    for (i, &g) in group.iter().enumerate() {
        if g == u32::MAX {
            continue;
        }
        let grp = &mut groups[g as usize];
        grp.last_ms = grp.last_ms.max(ds.created_at[i]);
        if ds.kind[i] == crate::model::PostKind::Retweet {
            grp.retweets += 1;
        }
        authors[g as usize].push(ds.author[i]);
    }
    for (g, mut a) in authors.into_iter().enumerate() {
        a.sort_unstable();
        a.dedup();
        groups[g].authors = a.len() as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_basics() {
        assert_eq!(jaccard(&[1, 2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(jaccard(&[1, 2], &[3, 4]), 0.0);
        assert!((jaccard(&[1, 2, 3], &[2, 3, 4]) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn similar_sets_share_a_band() {
        let sd = seeds(64, 1);
        let a: Vec<u32> = (0..20).collect();
        let mut b: Vec<u32> = (0..19).collect();
        b.push(99);
        let c: Vec<u32> = (100..120).collect();
        let (mut ka, mut kb, mut kc) = (Vec::new(), Vec::new(), Vec::new());
        band_keys(&a, 16, 4, &sd, &mut ka);
        band_keys(&b, 16, 4, &sd, &mut kb);
        band_keys(&c, 16, 4, &sd, &mut kc);
        assert!(ka.iter().zip(&kb).any(|(x, y)| x == y));
        assert!(!ka.iter().zip(&kc).any(|(x, y)| x == y));
    }
}
