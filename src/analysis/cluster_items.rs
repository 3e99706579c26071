//! What the topic clusters group ([`Items`]) and how each kind of it is clustered apart
//! ([`cluster_by_kind`]): texts with words by their words, texts of emoji and hashtags alone
//! by their emoji and the links they carry.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::stages::texts::Texts;
use crate::analysis::takeover::features::link_domain;
use crate::analysis::{tokens, topics};
use crate::model::{Dataset, ListColumn};

/// Clusters each kind of item apart (see [`Items::kind`]), numbered together by posts,
/// largest first.
pub fn cluster_by_kind(items: &Items, p: &topics::TopicParams) -> topics::TopicModel {
    let mut order: Vec<u32> = (0..items.rep.len() as u32).collect();
    order.sort_by_key(|&i| (items.kind[i as usize], i));
    let mut cluster = vec![-1i32; order.len()];
    let mut score = vec![0f32; order.len()];
    let mut k = 0usize;
    for of_kind in order.chunk_by(|a, b| items.kind[*a as usize] == items.kind[*b as usize]) {
        let mut features = ListColumn::new();
        for &i in of_kind {
            features.push(items.features.get(i as usize).iter().copied());
        }
        let weights: Vec<u32> = of_kind.iter().map(|&i| items.weights[i as usize]).collect();
        let model = topics::cluster_topics(&features, &weights, p);
        for (j, &i) in of_kind.iter().enumerate() {
            let c = model.rep_cluster[j];
            cluster[i as usize] = if c >= 0 { c + k as i32 } else { -1 };
            score[i as usize] = model.rep_score[j];
        }
        k += model.k;
    }
    let mut posts = vec![0u64; k];
    for (i, &c) in cluster.iter().enumerate() {
        if c >= 0 {
            posts[c as usize] += items.weights[i] as u64;
        }
    }
    let (number, k) = topics::number_by_posts(&posts);
    for c in cluster.iter_mut().filter(|c| **c >= 0) {
        *c = number[*c as usize];
    }
    topics::TopicModel {
        rep_cluster: cluster,
        rep_score: score,
        k,
    }
}

/// What the clusters group. A representative text leaves links out, so a post of a link
/// and a tag and a post of the tag alone share one; for a text with words the words say
/// what it is, but for one without (emoji and hashtags only) what it carries does: its
/// posts are told apart by their links, each named by its domain ("youtube.com", a
/// platform's own photo), or as a link that names none (a shortener). Each item is a
/// representative with words, or a representative without words and one set of links.
/// Each kind of text is clustered apart: texts with words, and texts without words by the
/// kinds of links they carry (none, a video link, a photo…), so a catch-all cluster of
/// short posts cannot form, nor can a post of emoji alone join a worded cluster for
/// sharing its tag.
pub struct Items {
    /// Per post: its item.
    pub of_post: Vec<u32>,
    /// Per item: its representative.
    pub rep: Vec<u32>,
    /// Per item: its representative's template features, with its links' features.
    pub features: ListColumn,
    /// Per item: how many posts it stands for.
    pub weights: Vec<u32>,
    /// Per item: its kind, clustered apart: 0 for a text with words; for one without, its
    /// links' key plus one (1: no links), or `u64::MAX` for a set of links only one post
    /// carries (all such are clustered together).
    pub kind: Vec<u64>,
    /// The names of the links of the items that are a text without words and its links.
    pub links: FxHashMap<u32, Vec<String>>,
    /// Per item: the post whose text stands for it, chosen by content (the
    /// representative's own where it is the item's, else the item's earliest post).
    pub canonical_post: Vec<u32>,
}

impl Items {
    pub fn new(ds: &Dataset, texts: &Texts, template: &ListColumn) -> Items {
        let reps = texts.len();
        let carried = carried_links(ds, texts);
        // (representative, links) of the posts with links, each set once, with a post.
        let mut with_links: Vec<(u32, u64, u32)> = carried
            .iter()
            .enumerate()
            .filter(|&(_, &k)| k != 0)
            .map(|(i, &k)| (texts.rep_of[i], k, i as u32))
            .collect();
        let mut plain_posts = texts.weights.clone();
        let mut posts_of_key: FxHashMap<u64, u32> = FxHashMap::default();
        for &(r, key, _) in &with_links {
            plain_posts[r as usize] -= 1;
            *posts_of_key.entry(key).or_default() += 1;
        }
        with_links.sort_unstable();
        with_links.dedup_by_key(|e| (e.0, e.1));
        let mut items = Items {
            of_post: Vec::with_capacity(ds.len()),
            rep: Vec::with_capacity(reps),
            features: ListColumn::new(),
            weights: Vec::with_capacity(reps),
            canonical_post: Vec::with_capacity(reps),
            kind: Vec::with_capacity(reps),
            links: FxHashMap::default(),
        };
        let mut plain_item = vec![u32::MAX; reps];
        let mut linked_item: FxHashMap<(u32, u64), u32> = FxHashMap::default();
        let mut next = with_links.iter().peekable();
        for r in 0..reps as u32 {
            let has_words = texts.rep_has_words[r as usize];
            if plain_posts[r as usize] > 0 {
                plain_item[r as usize] = items.rep.len() as u32;
                let kind = if has_words { 0 } else { 1 };
                items.push(
                    r,
                    template.get(r as usize).to_vec(),
                    plain_posts[r as usize],
                    kind,
                );
            }
            while let Some(&(_, key, post)) = next.next_if(|e| e.0 == r) {
                linked_item.insert((r, key), items.rep.len() as u32);
                let links = links_of(ds.text(post as usize));
                let mut features = template.get(r as usize).to_vec();
                features.extend(links.iter().map(|l| l.0));
                let mut names: Vec<String> = links.into_iter().map(|l| l.1).collect();
                names.sort_unstable();
                names.dedup();
                items.links.insert(items.rep.len() as u32, names);
                features.sort_unstable();
                features.dedup();
                let kind = match posts_of_key[&key] {
                    1 => u64::MAX,
                    _ => key.wrapping_add(1).max(2),
                };
                items.push(r, features, 0, kind);
            }
        }
        items.place_posts(ds, texts, &carried, |r, key| match key {
            0 => plain_item[r as usize],
            _ => linked_item[&(r, key)],
        });
        items
    }

    /// Each post's item (`item_of` its representative and links' key), the items' weights
    /// from their posts with links, and the post that stands for each item.
    fn place_posts(
        &mut self,
        ds: &Dataset,
        texts: &Texts,
        carried: &[u64],
        item_of: impl Fn(u32, u64) -> u32,
    ) {
        for (i, (&r, &key)) in texts.rep_of.iter().zip(carried).enumerate() {
            let item = item_of(r, key);
            self.of_post.push(item);
            self.weights[item as usize] += (key != 0) as u32;
            let best = &mut self.canonical_post[item as usize];
            if *best == u32::MAX || ds.cmp_time_id(i, *best as usize).is_lt() {
                *best = i as u32;
            }
        }
        for (r, &post) in texts.canonical_post.iter().enumerate() {
            self.canonical_post[self.of_post[post as usize] as usize] = post;
            debug_assert_eq!(texts.rep_of[post as usize] as usize, r);
        }
    }

    fn push(&mut self, rep: u32, features: Vec<u32>, weight: u32, kind: u64) {
        self.rep.push(rep);
        self.kind.push(kind);
        self.features.push(features);
        self.weights.push(weight);
        self.canonical_post.push(u32::MAX);
    }
}

/// Per post of a representative without words: the key of its links' features (0: no
/// links, or a representative with words).
fn carried_links(ds: &Dataset, texts: &Texts) -> Vec<u64> {
    texts
        .rep_of
        .par_iter()
        .enumerate()
        .with_min_len(4096)
        .map(|(i, &r)| match texts.rep_has_words[r as usize] {
            true => 0,
            false => features_key(&link_features(ds.text(i))),
        })
        .collect()
}

/// The features of a text's links: each link's domain, or "a link" where it names none.
fn link_features(text: &str) -> Vec<u32> {
    links_of(text).into_iter().map(|(f, _)| f).collect()
}

/// A text's links as features, sorted, with their names: the domain, or "link" where it
/// names none. A second and third link of one name are features of their own: a post of
/// two links is not a post of one.
fn links_of(text: &str) -> Vec<(u32, String)> {
    let mut names: Vec<String> = tokens::link_pieces(text)
        .map(|link| link_domain(link).unwrap_or_else(|| "link".to_string()))
        .collect();
    names.sort_unstable();
    let mut links = Vec::with_capacity(names.len());
    for same in names.chunk_by(|a, b| a == b) {
        for nth in 1..=same.len().min(3) {
            let feature = tokens::token_hash(&format!("\u{1}link\u{1}{}\u{1}{nth}", same[0]));
            links.push((feature, same[0].clone()));
        }
    }
    links.sort_unstable();
    links
}

/// A set of features as one nonzero hash (0 for none).
fn features_key(features: &[u32]) -> u64 {
    if features.is_empty() {
        return 0;
    }
    let bytes: Vec<u8> = features.iter().flat_map(|f| f.to_le_bytes()).collect();
    xxhash_rust::xxh3::xxh3_64(&bytes).max(1)
}
