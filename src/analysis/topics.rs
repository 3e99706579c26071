//! Topic clusters: posts written from one template, whatever was filled into it.
//!
//! Each representative text is described by its template features (its tokens, any number as
//! one, and each pair of neighbouring words; `tokens::template_features`), weighted by
//! TF-IDF; representatives with the same features are one *unit*. A sample of units is
//! clustered by average linkage: two groups join while their members are, on average, at
//! least `min_similarity` alike (cosine), so the number of clusters comes from the data.
//! Every group of two or more becomes a centroid, and every unit joins the centroid it is
//! most like, if it is at least that alike. The units left over are sampled and clustered
//! again, for a few rounds, so templates too rare to be sampled at first still find each
//! other. Text that is no template's (what people write in their own words) then joins the
//! cluster it is most like, if at least `join_similarity` alike. Each decision depends on
//! the units' contents and the seed alone: never on the order of the records or on the
//! number of threads.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::neardup::UnionFind;
use crate::model::ListColumn;

#[derive(Debug, Clone)]
pub struct TopicParams {
    /// Units clustered by average linkage in one round.
    pub sample: usize,
    /// Rounds of sampling what is left over.
    pub rounds: usize,
    /// Features in fewer units than this are left out.
    pub min_df: usize,
    pub max_vocab: usize,
    /// Groups join while their members are at least this alike on average (cosine); a unit
    /// joins a cluster whose centroid it is at least this like.
    pub min_similarity: f32,
    /// A unit like no cluster's centroid that much joins the one it is most like if at
    /// least this alike; below, it is in no cluster.
    pub join_similarity: f32,
    pub seed: u64,
}

pub struct TopicModel {
    /// Per representative: its cluster (numbered by posts, largest first), or -1.
    pub rep_cluster: Vec<i32>,
    /// Per representative: cosine similarity to its cluster's centroid.
    pub rep_score: Vec<f32>,
    pub k: usize,
}

/// Representatives with the same features.
struct Units {
    of_rep: Vec<u32>,
    /// Per unit: the first representative that has its features.
    first_rep: Vec<u32>,
    posts: Vec<u64>,
}

fn units(features: &ListColumn, weights: &[u32]) -> Units {
    let mut index: FxHashMap<&[u32], u32> = FxHashMap::default();
    let mut of_rep = Vec::with_capacity(features.len());
    let mut first_rep = Vec::new();
    let mut posts: Vec<u64> = Vec::new();
    for r in 0..features.len() {
        let next = first_rep.len() as u32;
        let u = *index.entry(features.get(r)).or_insert(next);
        if u == next {
            first_rep.push(r as u32);
            posts.push(0);
        }
        posts[u as usize] += weights.get(r).copied().unwrap_or(1) as u64;
        of_rep.push(u);
    }
    Units {
        of_rep,
        first_rep,
        posts,
    }
}

/// Sparse, L2-normalised TF-IDF vectors of the units (binary term frequency), entries sorted
/// by feature index.
struct Vectors {
    offsets: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl Vectors {
    fn get(&self, u: usize) -> &[(u32, f32)] {
        &self.entries[self.offsets[u]..self.offsets[u + 1]]
    }

    fn is_empty(&self, u: usize) -> bool {
        self.offsets[u] == self.offsets[u + 1]
    }
}

fn vectorize(features: &ListColumn, units: &Units, p: &TopicParams) -> Vectors {
    let unit_features = |u: usize| features.get(units.first_rep[u] as usize);
    let n = units.first_rep.len();
    let mut all: Vec<u32> = (0..n)
        .into_par_iter()
        .flat_map_iter(|u| unit_features(u).iter().copied())
        .collect();
    all.par_sort_unstable();
    let mut kept: Vec<(u32, u32)> = Vec::new(); // (df, feature)
    for run in all.chunk_by(|a, b| a == b) {
        if run.len() >= p.min_df.max(1) {
            kept.push((run.len() as u32, run[0]));
        }
    }
    drop(all);
    if kept.len() > p.max_vocab {
        kept.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        kept.truncate(p.max_vocab);
    }
    kept.sort_unstable_by_key(|&(_, f)| f);
    let index: FxHashMap<u32, (u32, f32)> = kept
        .iter()
        .enumerate()
        .map(|(i, &(df, f))| {
            let idf = ((1.0 + n as f32) / (1.0 + df as f32)).ln() + 1.0;
            (f, (i as u32, idf))
        })
        .collect();
    let rows: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|u| {
            let mut v: Vec<(u32, f32)> = unit_features(u)
                .iter()
                .filter_map(|f| index.get(f).copied())
                .collect();
            v.sort_unstable_by_key(|e| e.0);
            let norm = v.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|e| e.1 /= norm);
            }
            v
        })
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut entries = Vec::with_capacity(rows.iter().map(Vec::len).sum());
    for row in rows {
        entries.extend(row);
        offsets.push(entries.len());
    }
    Vectors { offsets, entries }
}

/// Average-linkage clustering of `sample` cut where groups are less than `min_similarity`
/// alike: the groups of two or more, each as positions in `sample`, ordered by their first.
///
/// Nearest-neighbour chain over a dense distance matrix; a group whose nearest neighbour is
/// farther than the cut is set aside, since under average linkage it can only get farther.
fn average_linkage(sample: &[u32], vectors: &Vectors, min_similarity: f32) -> Vec<Vec<u32>> {
    let s = sample.len();
    if s < 2 {
        return Vec::new();
    }
    let mut postings: FxHashMap<u32, Vec<(u32, f32)>> = FxHashMap::default();
    for (i, &u) in sample.iter().enumerate() {
        for &(f, w) in vectors.get(u as usize) {
            postings.entry(f).or_default().push((i as u32, w));
        }
    }
    let mut distance: Vec<f32> = vec![1.0; s * s];
    distance.par_chunks_mut(s).enumerate().for_each(|(i, row)| {
        let mut similarity = vec![0.0f32; s];
        for &(f, w) in vectors.get(sample[i] as usize) {
            for &(j, x) in &postings[&f] {
                similarity[j as usize] += w * x;
            }
        }
        for (d, sim) in row.iter_mut().zip(similarity) {
            *d = 1.0 - sim;
        }
        row[i] = 0.0;
    });
    // Symmetric to the bit, whichever row a pair was summed in.
    for i in 0..s {
        for j in i + 1..s {
            let d = distance[i * s + j].min(distance[j * s + i]);
            distance[i * s + j] = d;
            distance[j * s + i] = d;
        }
    }
    let cut = 1.0 - min_similarity;
    let mut active = vec![true; s];
    let mut size = vec![1.0f32; s];
    let mut joined = UnionFind::new(s);
    let mut chain: Vec<usize> = Vec::new();
    let mut first_active = 0;
    loop {
        if chain.is_empty() {
            while first_active < s && !active[first_active] {
                first_active += 1;
            }
            if first_active == s {
                break;
            }
            chain.push(first_active);
        }
        let a = chain[chain.len() - 1];
        let previous = (chain.len() >= 2).then(|| chain[chain.len() - 2]);
        let row = &distance[a * s..(a + 1) * s];
        let mut nearest: Option<(f32, usize)> = None;
        for j in 0..s {
            if j != a && active[j] && nearest.is_none_or(|(d, _)| row[j] < d) {
                nearest = Some((row[j], j));
            }
        }
        // On a tie the previous link of the chain wins, so the chain cannot cycle.
        if let (Some((d, _)), Some(p)) = (nearest, previous)
            && row[p] == d
        {
            nearest = Some((d, p));
        }
        match nearest {
            Some((d, b)) if d <= cut => {
                if Some(b) != previous {
                    chain.push(b);
                    continue;
                }
                chain.truncate(chain.len() - 2);
                let (na, nb) = (size[a], size[b]);
                for k in 0..s {
                    if active[k] && k != a && k != b {
                        let merged =
                            (na * distance[a * s + k] + nb * distance[b * s + k]) / (na + nb);
                        distance[a * s + k] = merged;
                        distance[k * s + a] = merged;
                    }
                }
                size[a] = na + nb;
                active[b] = false;
                joined.union(a as u32, b as u32);
            }
            // Nothing near enough: this group is final.
            _ => {
                active[a] = false;
                chain.pop();
            }
        }
    }
    let mut groups: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for i in 0..s as u32 {
        groups.entry(joined.find(i)).or_default().push(i);
    }
    let mut groups: Vec<Vec<u32>> = groups.into_values().filter(|g| g.len() >= 2).collect();
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

/// Centroids of a round, indexed by feature for scoring sparse vectors against all of them.
struct Centroids {
    count: usize,
    by_feature: FxHashMap<u32, Vec<(u32, f32)>>,
}

impl Centroids {
    fn new(groups: &[Vec<u32>], sample: &[u32], vectors: &Vectors) -> Centroids {
        let mut by_feature: FxHashMap<u32, Vec<(u32, f32)>> = FxHashMap::default();
        for (c, group) in groups.iter().enumerate() {
            let mut sum: FxHashMap<u32, f32> = FxHashMap::default();
            for &i in group {
                for &(f, w) in vectors.get(sample[i as usize] as usize) {
                    *sum.entry(f).or_default() += w;
                }
            }
            let mut sum: Vec<(u32, f32)> = sum.into_iter().collect();
            sum.sort_unstable_by_key(|e| e.0);
            let norm = sum.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
            for (f, w) in sum {
                by_feature.entry(f).or_default().push((c as u32, w / norm));
            }
        }
        Centroids {
            count: groups.len(),
            by_feature,
        }
    }

    /// Each of `units` joins the centroid it is most like, if at least `floor` alike: its
    /// cluster is `first_id` plus the centroid's number.
    fn join(
        &self,
        vectors: &Vectors,
        units: &[(u64, u32)],
        unit_cluster: &mut [(i32, f32)],
        first_id: usize,
        floor: f32,
    ) {
        let joined: Vec<Option<(usize, f32)>> = units
            .par_iter()
            .with_min_len(256)
            .map_init(Vec::new, |scores, &(_, u)| {
                self.best(vectors.get(u as usize), scores)
                    .filter(|&(_, s)| s >= floor)
            })
            .collect();
        for (&(_, u), j) in units.iter().zip(&joined) {
            if let Some((c, s)) = j {
                unit_cluster[u as usize] = ((first_id + c) as i32, *s);
            }
        }
    }

    /// The most alike centroid (the first on a tie) and the similarity.
    fn best(&self, v: &[(u32, f32)], scores: &mut Vec<f32>) -> Option<(usize, f32)> {
        scores.clear();
        scores.resize(self.count, 0.0);
        for (f, w) in v {
            if let Some(list) = self.by_feature.get(f) {
                for &(c, x) in list {
                    scores[c as usize] += w * x;
                }
            }
        }
        let mut best: Option<(usize, f32)> = None;
        for (c, &s) in scores.iter().enumerate() {
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((c, s));
            }
        }
        best
    }
}

/// Rounds of average linkage on samples of what is left: each round's groups of two or
/// more become clusters, every remaining unit joins the one it is most like if at least
/// `min_similarity` alike, and the rest stays in `remaining`. Returns the number of
/// clusters.
fn cluster_rounds(
    vectors: &Vectors,
    remaining: &mut Vec<(u64, u32)>,
    unit_cluster: &mut [(i32, f32)],
    p: &TopicParams,
) -> usize {
    let similarity = p.min_similarity;
    let mut clusters = 0;
    for _ in 0..p.rounds.max(1) {
        if remaining.len() < 2 {
            break;
        }
        let sample: Vec<u32> = remaining
            .iter()
            .take(p.sample.max(2))
            .map(|&(_, u)| u)
            .collect();
        let groups = average_linkage(&sample, vectors, similarity);
        if groups.is_empty() {
            break;
        }
        let centroids = Centroids::new(&groups, &sample, vectors);
        centroids.join(vectors, remaining, unit_cluster, clusters, similarity);
        clusters += centroids.count;
        let before = remaining.len();
        remaining.retain(|&(_, u)| unit_cluster[u as usize].0 < 0);
        if remaining.len() == before {
            break;
        }
    }
    clusters
}

/// Every remaining unit joins the cluster whose centroid (of all its units) it is most
/// like, if at least `floor` alike.
fn join_nearest(
    vectors: &Vectors,
    remaining: &[(u64, u32)],
    unit_cluster: &mut [(i32, f32)],
    clusters: usize,
    floor: f32,
) {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); clusters];
    for (u, &(c, _)) in unit_cluster.iter().enumerate() {
        if c >= 0 {
            members[c as usize].push(u as u32);
        }
    }
    let units: Vec<u32> = (0..unit_cluster.len() as u32).collect();
    Centroids::new(&members, &units, vectors).join(vectors, remaining, unit_cluster, 0, floor);
}

/// Clusters representatives by their template features. `weights[r]` is how many posts
/// share representative `r`.
pub fn cluster_topics(features: &ListColumn, weights: &[u32], p: &TopicParams) -> TopicModel {
    let units = units(features, weights);
    let vectors = vectorize(features, &units, p);
    let n = units.first_rep.len();
    // Units in the order they are sampled: by a seeded hash of their features (an order of
    // their contents, never of the records).
    let mut by_hash: Vec<(u64, u32)> = (0..n as u32)
        .map(|u| {
            let bytes: Vec<u8> = features
                .get(units.first_rep[u as usize] as usize)
                .iter()
                .flat_map(|f| f.to_le_bytes())
                .collect();
            (xxhash_rust::xxh3::xxh3_64_with_seed(&bytes, p.seed), u)
        })
        .collect();
    by_hash.sort_unstable();
    let mut remaining: Vec<(u64, u32)> = by_hash
        .iter()
        .copied()
        .filter(|&(_, u)| !vectors.is_empty(u as usize))
        .collect();
    let mut unit_cluster: Vec<(i32, f32)> = vec![(-1, 0.0); n];
    let mut clusters = cluster_rounds(&vectors, &mut remaining, &mut unit_cluster, p);
    // Text that is no template's (most of what people write in their own words) joins the
    // cluster it is most like, if it shares more than a word in passing.
    join_nearest(
        &vectors,
        &remaining,
        &mut unit_cluster,
        clusters,
        p.join_similarity,
    );
    // What is left is like nothing else: copies of one text are still a cluster of their own
    // (so too a text whose features are all its own, too rare to be weighed).
    for &(_, u) in &by_hash {
        let cluster = &mut unit_cluster[u as usize];
        if cluster.0 < 0 && units.posts[u as usize] >= 2 {
            *cluster = (clusters as i32, 1.0);
            clusters += 1;
        }
    }
    // Number clusters by posts, largest first.
    let mut posts = vec![0u64; clusters];
    for (u, &(c, _)) in unit_cluster.iter().enumerate() {
        if c >= 0 {
            posts[c as usize] += units.posts[u];
        }
    }
    let (number, k) = number_by_posts(&posts);
    let rep_cluster = units
        .of_rep
        .iter()
        .map(|&u| match unit_cluster[u as usize].0 {
            c if c >= 0 => number[c as usize],
            _ => -1,
        })
        .collect();
    let rep_score = units
        .of_rep
        .iter()
        .map(|&u| unit_cluster[u as usize].1)
        .collect();
    TopicModel {
        rep_cluster,
        rep_score,
        k,
    }
}

/// Given each cluster's posts, its number when clusters are numbered by posts, largest
/// first (ties by the old number), or -1 for a cluster of no posts; and how many are left.
pub fn number_by_posts(posts: &[u64]) -> (Vec<i32>, usize) {
    let mut rank: Vec<usize> = (0..posts.len()).collect();
    rank.sort_by_key(|&c| (std::cmp::Reverse(posts[c]), c));
    let mut number = vec![-1i32; posts.len()];
    let mut k = 0;
    for &c in &rank {
        if posts[c] > 0 {
            number[c] = k as i32;
            k += 1;
        }
    }
    (number, k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::template_features;

    fn model(texts: &[&str]) -> Vec<i32> {
        let mut features = ListColumn::new();
        for t in texts {
            features.push(template_features(t));
        }
        let p = TopicParams {
            sample: 2000,
            rounds: 4,
            min_df: 2,
            max_vocab: 50_000,
            min_similarity: 0.2,
            join_similarity: 0.05,
            seed: 7,
        };
        cluster_topics(&features, &vec![1; texts.len()], &p).rep_cluster
    }

    #[test]
    fn posts_of_one_template_cluster_together_whatever_fills_them() {
        let dishes = [
            "ramen",
            "focaccia",
            "lasagna",
            "tacos",
            "curry",
            "dumplings",
        ];
        let things = ["garlic", "miso", "ginger", "basil", "lime", "tahini"];
        let mut texts = Vec::new();
        for (d, t) in dishes.iter().zip(things.iter().cycle().skip(1)) {
            texts.push(format!(
                "tip: add {t} to your {d}, thank me later #HomeCooking"
            ));
            texts.push(format!("FT: {d} 2-1 {t}. what a game ⚽ #FootyTalk"));
            texts.push(format!(
                "{d} and {t} sold out in ten minutes, who's watching? #FootyTalk"
            ));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let got = model(&refs);
        for family in 0..3 {
            let ids: Vec<i32> = got.iter().skip(family).step_by(3).copied().collect();
            assert!(
                ids[0] >= 0 && ids.iter().all(|&c| c == ids[0]),
                "{family}: {got:?}"
            );
        }
        assert_ne!(got[0], got[1]);
        assert_ne!(got[1], got[2]);
        assert_ne!(got[0], got[2]);
    }

    #[test]
    fn a_text_in_its_own_words_joins_the_cluster_it_is_most_like() {
        let places = ["jfk", "lax", "ord", "sfo", "bos", "sea"];
        let names = ["ana", "ben", "cho", "dev", "eli", "fay"];
        let mut texts: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    "flight from {} delayed again at the gate, crew nowhere",
                    places[i % 6]
                )
            })
            .collect();
        texts.extend(
            (0..12).map(|i| format!("great service today, thank you {} and team", names[i % 6])),
        );
        texts.push("our delayed flight leaves whenever it likes".into());
        texts.push("zxqv wobble plinth".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let got = model(&refs);
        assert!(got[0] >= 0 && got[12] >= 0 && got[0] != got[12], "{got:?}");
        assert_eq!(got[24], got[0], "{got:?}");
        assert_eq!(got[25], -1, "{got:?}");
    }

    #[test]
    fn the_same_texts_in_another_order_give_the_same_clusters() {
        let texts: Vec<String> = (0..60)
            .map(|i| match i % 3 {
                0 => format!("wallet verification required {i} #nike"),
                1 => format!(
                    "made {} tonight with extra garlic",
                    ["soup", "pie", "rice"][i % 3]
                ),
                _ => format!("🎁 airdrop live claim {} free #starbucks", i * 100),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let forward = model(&refs);
        let mut reversed_refs = refs.clone();
        reversed_refs.reverse();
        let mut backward = model(&reversed_refs);
        backward.reverse();
        assert_eq!(forward, backward);
    }
}
