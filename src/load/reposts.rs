//! Reposts that arrive without their content (a Jetstream `app.bsky.feed.repost` names
//! only its subject) take the text, hashtags, mentions and links of the post they repost,
//! when that post is in the same dataset, as a twarc2 retweet carries its original's
//! text. Reposts whose subject is absent keep no text, and the load says how many.

use rustc_hash::FxHashMap;

use crate::load::report::WarningSink;
use crate::model::{Dataset, ID_NONE, ListColumn, PostKind, TextColumn};

/// Fills empty reposts from their subjects; returns (filled, left without a subject).
pub fn inherit_repost_content(ds: &mut Dataset, warnings: &mut WarningSink) -> (u64, u64) {
    let empty_repost = |ds: &Dataset, i: usize| {
        ds.kind[i] == PostKind::Retweet && ds.ref_ids[i] != ID_NONE && ds.text(i).is_empty()
    };
    if !(0..ds.len()).any(|i| empty_repost(ds, i)) {
        return (0, 0);
    }
    // Ids hashed in parallel; a hit is confirmed by comparing the ids themselves.
    use rayon::prelude::*;
    let hash = |s: &str| xxhash_rust::xxh3::xxh3_64(s.as_bytes());
    let keys: Vec<u64> = (0..ds.len())
        .into_par_iter()
        .with_min_len(8192)
        .map(|i| hash(&ds.id(i)))
        .collect();
    let mut by_id: FxHashMap<u64, u32> = FxHashMap::default();
    by_id.reserve(ds.len());
    for (i, &k) in keys.iter().enumerate() {
        if ds.kind[i] != PostKind::Retweet || !ds.text(i).is_empty() {
            by_id.entry(k).or_insert(i as u32);
        }
    }
    let source: Vec<Option<u32>> = (0..ds.len())
        .into_par_iter()
        .with_min_len(8192)
        .map(|i| {
            if !empty_repost(ds, i) {
                return None;
            }
            let subject = ds.ref_id(i);
            by_id
                .get(&hash(&subject))
                .copied()
                .filter(|&s| ds.id(s as usize) == subject)
        })
        .collect();
    drop(by_id);
    let filled = source.iter().filter(|s| s.is_some()).count() as u64;
    let orphans = (0..ds.len())
        .filter(|&i| source[i].is_none() && empty_repost(ds, i))
        .count() as u64;
    if filled > 0 {
        let from = |i: usize| source[i].map(|s| s as usize).unwrap_or(i);
        let mut text = TextColumn::with_capacity(ds.len(), 0);
        let (mut tags, mut spellings, mut mentions, mut urls) = (
            ListColumn::new(),
            ListColumn::new(),
            ListColumn::new(),
            ListColumn::new(),
        );
        for i in 0..ds.len() {
            let s = from(i);
            text.push(ds.text(s));
            tags.push(ds.hashtags.get(s).iter().copied());
            spellings.push(ds.hashtag_spellings.get(s).iter().copied());
            mentions.push(ds.mentions.get(s).iter().copied());
            urls.push(ds.urls.get(s).iter().copied());
        }
        ds.text = text;
        ds.hashtags = tags;
        ds.hashtag_spellings = spellings;
        ds.mentions = mentions;
        ds.urls = urls;
        warnings.add(
            "reposts_filled",
            || "reposts that named only their subject took its text and hashtags".into(),
            0,
        );
        if let Some(w) = warnings.get_mut("reposts_filled") {
            w.count = filled;
        }
    }
    // Only where a repost never carries content of its own (a Jetstream repost record);
    // an empty forward elsewhere is a forward of media without text.
    if orphans > 0 && !ds.source.format.reposts_carry_content() {
        warnings.add(
            "reposts_without_subject",
            || {
                "reposts name a post that is not in this dataset, so they carry no text or hashtags"
                    .into()
            },
            0,
        );
        if let Some(w) = warnings.get_mut("reposts_without_subject") {
            w.count = orphans;
        }
    }
    (filled, orphans)
}
