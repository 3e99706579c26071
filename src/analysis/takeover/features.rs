//! What a post carries, as hashed features: its words, emoji, character bigrams (scripts
//! without spaces), other hashtags, mentions, link domains, language, near-duplicate
//! family, and for posts with no words, that they are bare (a link, media, a tag).
//!
//! Takeover content is decided by comparing these features with a hashtag's own past, one
//! post at a time ([`super::evidence`]); no clustering run decides it.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::tokens::{stop_hashes, token_hash};
use crate::model::Dataset;

/// Per-post inputs the features are read from.
pub struct FeatureSource<'a> {
    pub ds: &'a Dataset,
    /// Per post: its representative text; per representative: its token hashes.
    pub rep_of: &'a [u32],
    pub rep_tokens: &'a crate::model::ListColumn,
    /// Per post: near-duplicate group (`u32::MAX` = none) and the groups' sizes.
    pub dup_group: &'a [u32],
    pub dup_sizes: &'a [u32],
    /// Per post: language code index (into `langs`), from the source or detected.
    pub lang: &'a [u16],
    pub langs: &'a crate::model::Interner,
}

/// Hash of a feature that is not a token (mention, domain, ...): a token hash of a string
/// no tokenizer can produce, so the two never collide by construction of the text.
fn tagged(kind: &str, value: &str) -> u32 {
    token_hash(&format!("\u{1}{kind}\u{1}{value}"))
}

/// Link hosts that say nothing about what a link points to.
const SHORTENERS: [&str; 5] = ["t.co", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com"];

/// The host of a URL, lower-cased, without `www.`; `None` for shorteners and junk.
pub fn link_domain(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.is_empty() || !host.contains('.') || SHORTENERS.contains(&host.as_str()) {
        return None;
    }
    Some(host)
}

/// The hashes of the features that say what a post with no words is: bare, media. They
/// are weak evidence (most tags have such posts), so they weigh less.
pub fn structural() -> &'static [u32; 2] {
    static S: std::sync::OnceLock<[u32; 2]> = std::sync::OnceLock::new();
    S.get_or_init(|| [tagged("bare", ""), tagged("media", "")])
}

/// Near-duplicate families this small are not a family.
const MIN_FAMILY: u32 = 3;

impl FeatureSource<'_> {
    /// Fills `out` with the features of post `i`, leaving out the hashtag `own` (the hash
    /// of `#tag`) and stop words. Sorted and deduplicated.
    pub fn features(&self, i: usize, own: u32, out: &mut Vec<u32>) {
        out.clear();
        let stops = stop_hashes();
        let toks = self.rep_tokens.get(self.rep_of[i] as usize);
        out.extend(
            toks.iter()
                .copied()
                .filter(|t| *t != own && !stops.contains(t)),
        );
        let words = out.len();
        let ds = self.ds;
        for &m in ds.mentions.get(i) {
            let name = ds.mention_names.resolve(m).trim_start_matches('@');
            out.push(tagged("@", &name.to_lowercase()));
        }
        for &u in ds.urls.get(i) {
            if let Some(d) = link_domain(ds.url_names.resolve(u)) {
                out.push(tagged("domain", &d));
            }
        }
        if words == 0 {
            // A post with no words is described by what it is: bare, media. (A link's
            // shortened address says nothing; its domain, when known, is above.)
            let [bare, media] = *structural();
            out.push(bare);
            if ds.has_media[i] {
                out.push(media);
            }
        }
        let lang = self.langs.resolve(self.lang[i] as u32);
        if !lang.is_empty() {
            out.push(tagged("lang", lang));
        }
        let g = self.dup_group[i];
        if g != u32::MAX && self.dup_sizes[g as usize] >= MIN_FAMILY {
            out.push(tagged("family", &g.to_string()));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// In how many posts of the whole dataset each feature occurs (hashtags included).
    pub fn corpus_frequencies(&self) -> FxHashMap<u32, u32> {
        let n = self.ds.len();
        (0..n)
            .into_par_iter()
            .with_min_len(8192)
            .fold(
                || (FxHashMap::<u32, u32>::default(), Vec::new()),
                |(mut m, mut buf), i| {
                    self.features(i, u32::MAX, &mut buf);
                    for &f in &buf {
                        *m.entry(f).or_default() += 1;
                    }
                    (m, buf)
                },
            )
            .map(|(m, _)| m)
            .reduce(FxHashMap::default, |a, b| {
                // Merge the smaller map into the larger.
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (k, v) in small {
                    *big.entry(k).or_default() += v;
                }
                big
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_drop_shorteners_and_www() {
        assert_eq!(
            link_domain("https://www.YouTube.com/watch?v=1").as_deref(),
            Some("youtube.com")
        );
        assert_eq!(link_domain("https://t.co/abc"), None);
        assert_eq!(link_domain("http://localhost/x"), None);
        assert_eq!(
            link_domain("https://coin-drop.io:8443/claim").as_deref(),
            Some("coin-drop.io")
        );
    }
}
