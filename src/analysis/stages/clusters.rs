//! Stage 4, topic clusters: what the dataset talks about, for describing moments and for
//! browsing. No takeover is decided from them.

use rustc_hash::FxHashMap;

use crate::analysis::cluster_items::{Items, cluster_by_kind};
use crate::analysis::stages::texts::Texts;
use crate::analysis::tokens::stop_hashes;
use crate::analysis::{Cluster, TopicConfig, resolve_terms, terms, topics};
use crate::model::{Dataset, ListColumn};

/// The clusters, and each post's cluster.
pub struct Clusters {
    pub per_post: Vec<i32>,
    pub clusters: Vec<Cluster>,
}

/// Representatives read per cluster for its terms.
const TERM_READS: usize = 300;
/// Representatives that tell how common a term is in the whole dataset.
const BACKGROUND_READS: usize = 20_000;

/// Clusters the representatives by their template features (`template`, taken from
/// `texts.rep_template`, and dropped once used), a text without words by its links too
/// (see [`Items`]).
pub fn run(
    ds: &Dataset,
    texts: &Texts,
    template: ListColumn,
    tc: &TopicConfig,
    seed: u64,
) -> Clusters {
    let items = Items::new(ds, texts, &template);
    drop(template);
    let topic_model = cluster_by_kind(
        &items,
        &topics::TopicParams {
            sample: tc.sample,
            rounds: tc.rounds,
            min_df: tc.min_df,
            max_vocab: tc.max_vocab,
            min_similarity: tc.min_similarity,
            join_similarity: tc.join_similarity,
            seed,
        },
    );
    let per_post: Vec<i32> = items
        .of_post
        .iter()
        .map(|&r| topic_model.rep_cluster[r as usize])
        .collect();
    let mut clusters: Vec<Cluster> = (0..topic_model.k)
        .map(|c| Cluster {
            id: c as i32,
            size: 0,
            top_terms: Vec::new(),
            exemplars: Vec::new(),
        })
        .collect();
    for &c in &per_post {
        if c >= 0 {
            clusters[c as usize].size += 1;
        }
    }
    // Per cluster: its representatives, most typical first.
    let mut members: Vec<Vec<(f32, u32)>> = vec![Vec::new(); topic_model.k];
    for (r, &c) in topic_model.rep_cluster.iter().enumerate() {
        if c >= 0 {
            members[c as usize].push((topic_model.rep_score[r], r as u32));
        }
    }
    let canonical = &items.canonical_post;
    let background = Background::new(texts);
    for (c, mut m) in members.into_iter().enumerate() {
        m.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        m.truncate(TERM_READS);
        clusters[c].exemplars = m.iter().take(3).map(|x| canonical[x.1 as usize]).collect();
        let want = background.top_terms(texts, m.iter().map(|x| items.rep[x.1 as usize]));
        let names = resolve_terms(
            ds,
            &want,
            m.iter().map(|x| canonical[x.1 as usize] as usize),
        );
        clusters[c].top_terms = terms::distinct_names(&want, &names);
    }
    // A cluster of texts without words is named by the links most of its posts carry too.
    let mut carried: Vec<FxHashMap<&str, u64>> = vec![FxHashMap::default(); topic_model.k];
    for (&item, names) in &items.links {
        if let Ok(c) = usize::try_from(topic_model.rep_cluster[item as usize]) {
            for name in names {
                *carried[c].entry(name).or_default() += items.weights[item as usize] as u64;
            }
        }
    }
    for (cluster, carried) in clusters.iter_mut().zip(carried) {
        let mut names: Vec<(u64, &str)> = carried
            .into_iter()
            .filter(|&(_, posts)| posts * 2 >= cluster.size as u64)
            .map(|(name, posts)| (posts, name))
            .collect();
        names.sort_unstable_by(|a, b| b.cmp(a));
        let terms = std::mem::take(&mut cluster.top_terms);
        cluster.top_terms = names
            .iter()
            .map(|n| n.1.to_string())
            .chain(terms)
            .take(8)
            .collect();
    }
    Clusters { per_post, clusters }
}

/// How common each token is across the dataset (in its first representatives, which are
/// numbered by content, not by the order of the file), to tell a cluster's own terms from
/// words every cluster uses.
struct Background {
    reads: usize,
    df: FxHashMap<u32, u32>,
}

impl Background {
    fn new(texts: &Texts) -> Background {
        let reads = texts.len().min(BACKGROUND_READS);
        let mut df: FxHashMap<u32, u32> = FxHashMap::default();
        for r in 0..reads {
            for &t in texts.rep_tokens.get(r) {
                *df.entry(t).or_default() += 1;
            }
        }
        Background { reads, df }
    }

    /// The tokens most typical of these representatives: common among them, rare in the
    /// dataset; stop words left out.
    fn top_terms(&self, texts: &Texts, reps: impl Iterator<Item = u32>) -> Vec<u32> {
        let stops = stop_hashes();
        let mut count: FxHashMap<u32, u32> = FxHashMap::default();
        let mut n = 0u32;
        for r in reps {
            n += 1;
            for &t in texts.rep_tokens.get(r as usize) {
                if !stops.contains(&t) {
                    *count.entry(t).or_default() += 1;
                }
            }
        }
        let mut scored: Vec<(f32, u32)> = count
            .into_iter()
            .map(|(t, c)| {
                let df = self.df.get(&t).copied().unwrap_or(0) as f32;
                let idf = ((1.0 + self.reads as f32) / (1.0 + df)).ln() + 1.0;
                (c as f32 / n.max(1) as f32 * idf, t)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(12).map(|(_, t)| t).collect()
    }
}
