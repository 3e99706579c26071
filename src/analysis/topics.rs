//! Topic clusters: TF-IDF over unique texts, bisecting spherical k-means on a sample (the
//! cluster that explains its posts worst is split until every cluster is cohesive or k
//! reaches its bound, so k is chosen by the data), then merging of clusters whose centroids
//! nearly coincide, and assignment of every text.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::neardup::UnionFind;
use crate::analysis::tokens::stop_hashes;

#[derive(Debug, Clone)]
pub struct TopicParams {
    pub k_min: usize,
    pub k_max: usize,
    pub sample: usize,
    pub iterations: usize,
    pub min_df: usize,
    pub max_df_fraction: f32,
    pub max_vocab: usize,
    pub merge_cosine: f32,
    /// Clusters whose posts are this similar to their centroid on average are not split...
    pub target_cohesion: f32,
    /// ...unless splitting them explains at least this share of their spread.
    pub min_split_gain: f32,
    pub seed: u64,
}

/// A cluster with its best split.
struct Node {
    c: Bisect,
    split: Option<(Bisect, Bisect)>,
    reduction: f32,
}

/// A cluster during bisection.
struct Bisect {
    members: Vec<u32>,
    sum: Vec<f32>,
    /// Weighted mean cosine of members to the centroid.
    cohesion: f32,
    /// Weighted sum of (1 - cosine): what a split could explain.
    sse: f32,
    splittable: bool,
}

impl Bisect {
    fn new(members: Vec<u32>, vecs: &[Vec<(u32, f32)>], sw: &[f32], nv: usize) -> Bisect {
        let mut sum = vec![0.0f32; nv];
        for &m in &members {
            for &(f, w) in &vecs[m as usize] {
                sum[f as usize] += w * sw[m as usize];
            }
        }
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        let (mut tot_w, mut tot_cos) = (0.0f32, 0.0f32);
        for &m in &members {
            let cos: f32 = vecs[m as usize]
                .iter()
                .map(|&(f, w)| w * sum[f as usize])
                .sum::<f32>()
                / norm;
            tot_w += sw[m as usize];
            tot_cos += sw[m as usize] * cos;
        }
        let cohesion = if tot_w > 0.0 { tot_cos / tot_w } else { 1.0 };
        // Clusters of identical documents cannot be split.
        let splittable = members.len() >= 2 && cohesion < 0.999;
        Bisect {
            sse: tot_w - tot_cos,
            members,
            sum,
            cohesion,
            splittable,
        }
    }
}

/// Splits a cluster in two with 2-means; `None` when it does not divide.
fn split(
    c: &Bisect,
    vecs: &[Vec<(u32, f32)>],
    sw: &[f32],
    nv: usize,
    rng: &mut ChaCha8Rng,
) -> Option<(Bisect, Bisect)> {
    let m = &c.members;
    // The first seed: the member least like the cluster as a whole (its most distinct
    // part), not a random one, so a split does not hang on a draw.
    let _ = rng.random_range(0..m.len().max(1));
    let centre: Vec<(u32, f32)> = c
        .sum
        .iter()
        .enumerate()
        .filter(|(_, x)| **x != 0.0)
        .map(|(f, &x)| (f as u32, x))
        .collect();
    let first = *m.iter().min_by(|&&a, &&b| {
        dot(&vecs[a as usize], &centre)
            .total_cmp(&dot(&vecs[b as usize], &centre))
            .then(a.cmp(&b))
    })?;
    // The second seed: the member least similar to the first.
    let second = *m.iter().min_by(|&&a, &&b| {
        dot(&vecs[a as usize], &vecs[first as usize])
            .total_cmp(&dot(&vecs[b as usize], &vecs[first as usize]))
            .then(a.cmp(&b))
    })?;
    let mut ca = vecs[first as usize].clone();
    let mut cb = vecs[second as usize].clone();
    let mut side = vec![false; m.len()];
    for _ in 0..12 {
        let new: Vec<bool> = m
            .par_iter()
            .with_min_len(1024)
            .map(|&x| dot(&vecs[x as usize], &cb) > dot(&vecs[x as usize], &ca))
            .collect();
        let changed = new != side;
        side = new;
        let mut sa = vec![0.0f32; nv];
        let mut sb = vec![0.0f32; nv];
        for (k, &x) in m.iter().enumerate() {
            let dst = if side[k] { &mut sb } else { &mut sa };
            for &(f, w) in &vecs[x as usize] {
                dst[f as usize] += w * sw[x as usize];
            }
        }
        let sparse = |s: &[f32]| -> Vec<(u32, f32)> {
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm == 0.0 {
                return Vec::new();
            }
            s.iter()
                .enumerate()
                .filter(|(_, x)| **x != 0.0)
                .map(|(f, x)| (f as u32, x / norm))
                .collect()
        };
        ca = sparse(&sa);
        cb = sparse(&sb);
        if !changed {
            break;
        }
    }
    let a: Vec<u32> = m
        .iter()
        .zip(&side)
        .filter(|(_, s)| !**s)
        .map(|(x, _)| *x)
        .collect();
    let b: Vec<u32> = m
        .iter()
        .zip(&side)
        .filter(|(_, s)| **s)
        .map(|(x, _)| *x)
        .collect();
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some((Bisect::new(a, vecs, sw, nv), Bisect::new(b, vecs, sw, nv)))
}

pub struct TopicModel {
    /// Per representative: cluster, or -1 when it has no vocabulary terms.
    pub rep_cluster: Vec<i32>,
    /// Per representative: cosine similarity to its cluster centroid.
    pub rep_score: Vec<f32>,
    pub k: usize,
    /// Per cluster: token hashes of the heaviest centroid terms.
    pub top_terms: Vec<Vec<u32>>,
    pub vocab_size: usize,
    pub k_initial: usize,
}

struct Vocab {
    index: FxHashMap<u32, u32>,
    idf: Vec<f32>,
    token: Vec<u32>,
}

fn build_vocab(reps: &[Vec<u32>], p: &TopicParams) -> Vocab {
    let mut all: Vec<u32> = reps
        .par_iter()
        .flat_map_iter(|s| s.iter().copied())
        .collect();
    all.par_sort_unstable();
    let n = reps.len().max(1);
    let max_df = ((n as f32 * p.max_df_fraction) as usize).max(p.min_df + 1);
    let stops = stop_hashes();
    let mut cand: Vec<(u32, u32)> = Vec::new(); // (df, token)
    let mut i = 0;
    while i < all.len() {
        let t = all[i];
        let mut j = i;
        while j < all.len() && all[j] == t {
            j += 1;
        }
        let df = j - i;
        if df >= p.min_df && df <= max_df && !stops.contains(&t) {
            cand.push((df as u32, t));
        }
        i = j;
    }
    cand.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    cand.truncate(p.max_vocab);
    let mut index = FxHashMap::default();
    let mut idf = Vec::with_capacity(cand.len());
    let mut token = Vec::with_capacity(cand.len());
    for (f, &(df, t)) in cand.iter().enumerate() {
        index.insert(t, f as u32);
        idf.push(((1.0 + n as f32) / (1.0 + df as f32)).ln() + 1.0);
        token.push(t);
    }
    Vocab { index, idf, token }
}

/// The L2-normalised TF-IDF vector of a token set (binary term frequency).
fn vectorize(set: &[u32], v: &Vocab, out: &mut Vec<(u32, f32)>) {
    out.clear();
    for t in set {
        if let Some(&f) = v.index.get(t) {
            out.push((f, v.idf[f as usize]));
        }
    }
    let norm: f32 = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for e in out.iter_mut() {
            e.1 /= norm;
        }
    }
}

/// Centroids stored feature-major (`c[f * k + j]`) so a sparse document scores all k
/// clusters with contiguous reads.
struct Centroids {
    k: usize,
    c: Vec<f32>,
}

impl Centroids {
    fn best(&self, doc: &[(u32, f32)], scores: &mut [f32]) -> (usize, f32) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for &(f, w) in doc {
            let row = &self.c[f as usize * self.k..(f as usize + 1) * self.k];
            for (s, c) in scores.iter_mut().zip(row) {
                *s += w * c;
            }
        }
        let mut best = (0, f32::MIN);
        for (j, &s) in scores.iter().enumerate() {
            if s > best.1 {
                best = (j, s);
            }
        }
        best
    }

    fn from_sums(sums: &[Vec<f32>], vocab: usize) -> Centroids {
        let k = sums.len();
        let mut c = vec![0.0f32; vocab * k];
        for (j, s) in sums.iter().enumerate() {
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (f, &x) in s.iter().enumerate() {
                    c[f * k + j] = x / norm;
                }
            }
        }
        Centroids { k, c }
    }
}

fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    // Both sorted by feature index.
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Clusters representatives. `weights[r]` is how many posts share representative `r`.
pub fn cluster_topics(reps: &[Vec<u32>], weights: &[u32], p: &TopicParams) -> TopicModel {
    let vocab = build_vocab(reps, p);
    let nv = vocab.idf.len();
    // Sample of representatives with a non-empty vector, chosen by a seeded hash.
    let mut order: Vec<(u64, u32)> = (0..reps.len() as u32)
        .filter(|&r| reps[r as usize].iter().any(|t| vocab.index.contains_key(t)))
        .map(|r| {
            let h = xxhash_rust::xxh3::xxh3_64_with_seed(&r.to_le_bytes(), p.seed);
            (h, r)
        })
        .collect();
    let nonempty = order.len();
    order.sort_unstable();
    order.truncate(p.sample.max(1));
    let mut sample: Vec<u32> = order.into_iter().map(|(_, r)| r).collect();
    sample.sort_unstable();
    let vecs: Vec<Vec<(u32, f32)>> = sample
        .par_iter()
        .map(|&r| {
            let mut v = Vec::new();
            vectorize(&reps[r as usize], &vocab, &mut v);
            v.sort_unstable_by_key(|e| e.0);
            v
        })
        .collect();
    let sw: Vec<f32> = sample
        .iter()
        .map(|&r| 1.0 + (weights[r as usize].max(1) as f32).ln())
        .collect();
    let _ = nonempty;
    if vecs.is_empty() || nv == 0 {
        return TopicModel {
            rep_cluster: vec![-1; reps.len()],
            rep_score: vec![0.0; reps.len()],
            k: 0,
            top_terms: Vec::new(),
            vocab_size: nv,
            k_initial: 0,
        };
    }

    // Bisecting spherical k-means: split the cluster whose split explains the most, while a
    // split is warranted (the cluster is loose, or it holds separate tight groups).
    let k_cap = p
        .k_max
        .max(1)
        .min((vecs.len() / 20).max(p.k_min.max(1)))
        .max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let node = |c: Bisect, rng: &mut ChaCha8Rng| -> Node {
        let split = if c.splittable {
            split(&c, &vecs, &sw, nv, rng)
        } else {
            None
        };
        let reduction = split
            .as_ref()
            .map(|(a, b)| c.sse - a.sse - b.sse)
            .unwrap_or(0.0);
        Node {
            c,
            split,
            reduction,
        }
    };
    let root = Bisect::new((0..vecs.len() as u32).collect(), &vecs, &sw, nv);
    let mut nodes: Vec<Node> = vec![node(root, &mut rng)];
    while nodes.len() < k_cap {
        // A split is warranted when the cluster is loose, or when it holds separate groups
        // (the split explains a large share of its spread); the biggest gain goes first.
        let warranted = |n: &Node| {
            n.split.is_some()
                && n.reduction > 0.0
                && (n.c.cohesion < p.target_cohesion || n.reduction >= p.min_split_gain * n.c.sse)
        };
        let Some(best) = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| warranted(n))
            .max_by(|a, b| a.1.reduction.total_cmp(&b.1.reduction).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k)
        else {
            break;
        };
        let taken = nodes.swap_remove(best);
        let Some((a, b)) = taken.split else {
            break;
        };
        let na = node(a, &mut rng);
        let nb = node(b, &mut rng);
        nodes.push(na);
        nodes.push(nb);
        // Keep a stable order: by first member.
        nodes.sort_by_key(|n| n.c.members.first().copied().unwrap_or(u32::MAX));
    }
    let clusters: Vec<Bisect> = nodes.into_iter().map(|n| n.c).collect();
    let k = clusters.len();
    if std::env::var_os("DERAIL_DEBUG").is_some() {
        for c in &clusters {
            eprintln!(
                "[debug] bisect cluster: {} members, cohesion {:.3}, sse {:.1}, splittable {}",
                c.members.len(),
                c.cohesion,
                c.sse,
                c.splittable
            );
        }
    }
    let sums: Vec<Vec<f32>> = clusters.iter().map(|c| c.sum.clone()).collect();
    let cents = Centroids::from_sums(&sums, nv);

    // Merge clusters whose centroids nearly coincide.
    let mut uf = UnionFind::new(k);
    let norms: Vec<Vec<(u32, f32)>> = (0..k)
        .map(|j| {
            (0..nv)
                .filter_map(|f| {
                    let x = cents.c[f * k + j];
                    (x != 0.0).then_some((f as u32, x))
                })
                .collect()
        })
        .collect();
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for a in 0..k {
        for b in a + 1..k {
            let c = dot(&norms[a], &norms[b]);
            if c >= p.merge_cosine {
                pairs.push((c, a, b));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    for (_, a, b) in pairs {
        uf.union(a as u32, b as u32);
    }
    let mut merged_sums: Vec<Vec<f32>> = Vec::new();
    let mut slot: FxHashMap<u32, usize> = FxHashMap::default();
    for (j, sum) in sums.iter().enumerate() {
        let r = uf.find(j as u32);
        let s = *slot.entry(r).or_insert_with(|| {
            merged_sums.push(vec![0.0; nv]);
            merged_sums.len() - 1
        });
        for (acc, x) in merged_sums[s].iter_mut().zip(sum) {
            *acc += x;
        }
    }
    let cents = Centroids::from_sums(&merged_sums, nv);
    let km = merged_sums.len();

    // Assign every representative.
    let assigned: Vec<(i32, f32)> = reps
        .par_iter()
        .map_init(
            || (vec![0.0f32; km], Vec::new()),
            |(scores, v), set| {
                vectorize(set, &vocab, v);
                if v.is_empty() {
                    (-1, 0.0)
                } else {
                    let (j, s) = cents.best(v, scores);
                    (j as i32, s)
                }
            },
        )
        .collect();
    // Number clusters by size (posts), largest first.
    let mut size = vec![0u64; km];
    for (r, &(c, _)) in assigned.iter().enumerate() {
        if c >= 0 {
            size[c as usize] += weights[r] as u64;
        }
    }
    let mut rank: Vec<usize> = (0..km).collect();
    rank.sort_by_key(|&j| (std::cmp::Reverse(size[j]), j));
    let mut new_id = vec![-1i32; km];
    let mut live = 0;
    for &j in &rank {
        if size[j] > 0 {
            new_id[j] = live;
            live += 1;
        }
    }
    let rep_cluster: Vec<i32> = assigned
        .iter()
        .map(|&(c, _)| if c >= 0 { new_id[c as usize] } else { -1 })
        .collect();
    let rep_score: Vec<f32> = assigned.iter().map(|&(_, s)| s).collect();
    let mut top_terms = vec![Vec::new(); live as usize];
    for (j, &id) in new_id.iter().enumerate() {
        if id < 0 {
            continue;
        }
        let mut w: Vec<(f32, u32)> = (0..nv)
            .map(|f| (cents.c[f * km + j], f as u32))
            .filter(|(x, _)| *x > 0.0)
            .collect();
        w.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        top_terms[id as usize] = w
            .iter()
            .take(12)
            .map(|&(_, f)| vocab.token[f as usize])
            .collect();
    }
    TopicModel {
        rep_cluster,
        rep_score,
        k: live as usize,
        top_terms,
        vocab_size: nv,
        k_initial: k,
    }
}
