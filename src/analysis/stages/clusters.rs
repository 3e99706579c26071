//! Stage 4, topic clusters: what the dataset talks about, for describing moments and for
//! browsing. No takeover is decided from them.

use crate::analysis::stages::texts::Texts;
use crate::analysis::{Cluster, TopicConfig, resolve_terms, terms, topics};
use crate::model::Dataset;

/// The clusters, and each post's cluster.
pub struct Clusters {
    pub per_post: Vec<i32>,
    pub clusters: Vec<Cluster>,
}

pub fn run(ds: &Dataset, texts: &Texts, tc: &TopicConfig, seed: u64) -> Clusters {
    let topic_model = topics::cluster_topics(
        &texts.token_sets(),
        &texts.weights,
        &topics::TopicParams {
            k_min: tc.k_min,
            k_max: tc.k_max,
            sample: tc.sample,
            iterations: tc.iterations,
            min_df: tc.min_df,
            max_df_fraction: tc.max_df_fraction,
            max_vocab: tc.max_vocab,
            merge_cosine: tc.merge_cosine,
            target_cohesion: tc.target_cohesion,
            min_split_gain: tc.min_split_gain,
            seed,
        },
    );
    let per_post: Vec<i32> = texts
        .rep_of
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
    // Exemplars: the first posts of the best-scoring representatives.
    let first_post = texts.first_posts();
    let mut best: Vec<Vec<(f32, u32)>> = vec![Vec::new(); topic_model.k];
    for (r, &first) in first_post.iter().enumerate() {
        let c = topic_model.rep_cluster[r];
        if c >= 0 {
            best[c as usize].push((topic_model.rep_score[r], first));
        }
    }
    for (c, mut b) in best.into_iter().enumerate() {
        b.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        clusters[c].exemplars = b.iter().take(3).map(|x| x.1).collect();
        // Resolve top-term strings from the cluster's own posts.
        let want: Vec<u32> = topic_model.top_terms[c].clone();
        let names = resolve_terms(ds, &want, b.iter().take(300).map(|x| x.1 as usize));
        clusters[c].top_terms = terms::distinct_names(&want, &names)
            .into_iter()
            .take(8)
            .collect();
    }
    Clusters { per_post, clusters }
}
