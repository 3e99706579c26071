//! What a post carries, as hashed features: its words, emoji, character bigrams (scripts
//! without spaces), other hashtags, mentions, link domains, language, near-duplicate
//! family, and for posts with no words, that they are bare (a link, media, a tag).
//!
//! Takeover content is decided by comparing these features with a hashtag's own past, one
//! post at a time ([`super::evidence`]); no clustering run decides it.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::tokens::stop_hashes;
use crate::model::{Dataset, Interner, ListColumn};

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
    /// Per post: its features (stop words left out) as dense ids, worked out once.
    lists: ListColumn,
    /// Feature hash → dense id (ids follow the hashes' order, so they do not depend on
    /// the order of the posts).
    ids: FxHashMap<u32, u32>,
    /// Per dense id: in how many posts of the dataset the feature occurs.
    corpus_df: Vec<u32>,
    /// Per dense id: the feature's hash.
    hashes: Vec<u32>,
    /// Dense ids of "bare" and "media" (`u32::MAX` when no post has them).
    structural_ids: [u32; 2],
}

/// Hash of a feature that is not a token (mention, domain, ...): the hash of a string no
/// tokenizer can produce (`\u{1}kind\u{1}value`), so the two never collide by
/// construction of the text. Hashed in place, without building the string.
fn tagged(kind: &str, value: &str) -> u32 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(b"\x01");
    h.update(kind.as_bytes());
    h.update(b"\x01");
    h.update(value.as_bytes());
    h.digest() as u32
}

/// The feature of mention `m`, with the name it stands for (lower-case, without `@`).
fn mention_feature(ds: &Dataset, m: u32) -> (u32, String) {
    let name = ds
        .mention_names
        .resolve(m)
        .trim_start_matches('@')
        .to_lowercase();
    (tagged("@", &name), name)
}

/// The feature of a link, with its domain, when the link names one.
fn domain_feature(url: &str) -> Option<(u32, String)> {
    link_domain(url).map(|d| (tagged("domain", &d), d))
}

/// The feature of a language code (`None` for an unknown language, the empty code).
fn lang_feature(code: &str) -> Option<u32> {
    (!code.is_empty()).then(|| tagged("lang", code))
}

/// The feature of near-duplicate group `g`.
fn family_feature(g: u32) -> u32 {
    tagged("family", &g.to_string())
}

/// Names the features `hashes` of post `i` (its language code is `lang`, its
/// near-duplicate group `dup_group` of `dup_size` posts), for a reader: words and emoji as
/// written, `@mentions`, link domains, "language xx", "a family of N near-copies",
/// "no words", "media".
pub fn feature_names(
    ds: &Dataset,
    i: usize,
    lang: &str,
    dup_group: u32,
    dup_size: u32,
    hashes: &[u32],
) -> Vec<String> {
    // Words as a reader knows them: a bigram of an unspaced script is named by its word,
    // and a fragment across two scripts is not named at all.
    let mut names = crate::analysis::terms::resolve_terms(ds, hashes, std::iter::once(i));
    for &m in ds.mentions.get(i) {
        let (f, name) = mention_feature(ds, m);
        names.insert(f, format!("@{name}"));
    }
    for &u in ds.urls.get(i) {
        if let Some((f, d)) = domain_feature(ds.url_names.resolve(u)) {
            names.insert(f, format!("links to {d}"));
        }
    }
    if let Some(f) = lang_feature(lang) {
        let code = lang.trim_start_matches("lang:");
        names.insert(f, format!("language {code}"));
    }
    if dup_group != u32::MAX {
        names.insert(
            family_feature(dup_group),
            format!("a family of {dup_size} near-copies"),
        );
    }
    let [bare, media] = *structural();
    names.insert(bare, "no words".into());
    names.insert(media, "media".into());
    let mut out: Vec<String> = Vec::new();
    for h in hashes.iter().filter(|&&h| h != u32::MAX) {
        if let Some(n) = names.get(h)
            && !out.contains(n)
        {
            out.push(n.clone());
        }
    }
    out
}

/// Link hosts that say nothing about what a link points to.
const SHORTENERS: [&str; 5] = ["t.co", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com"];

/// The host of a URL, lower-cased, without `www.` or a mobile site's `m.`, a site's
/// short host read as its own (`youtu.be` is youtube.com); `None` for shorteners and junk. A
/// post's own photo or video on a host that also serves posts is named apart from a link
/// to a post there ("twitter.com photo or video").
pub fn link_domain(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    let host = match host {
        "youtu.be" => "youtube.com",
        other => other,
    }
    .to_string();
    if host.is_empty() || !host.contains('.') || SHORTENERS.contains(&host.as_str()) {
        return None;
    }
    // A post's own photo or video and a link to another post share their host; they are
    // not the same kind of link (a flood's photos are not a quote of someone's post).
    let path = rest.split(['?', '#']).next().unwrap_or("");
    if POST_HOSTS.contains(&host.as_str()) && is_post_media(path) {
        return Some(format!("{host} photo or video"));
    }
    Some(host)
}

/// Does a link's path name a post's own photo or video (`…/status/N/photo/1`)?
fn is_post_media(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts
        .windows(3)
        .any(|w| w[0] == "status" && matches!(w[2], "photo" | "video"))
}

/// Hosts whose links are either a post's own media (`/status/N/photo/1`) or another post.
const POST_HOSTS: [&str; 4] = ["twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"];

/// The hashes of the features that say what a post with no words is: bare, media. They
/// are weak evidence (most tags have such posts), so they weigh less.
pub fn structural() -> &'static [u32; 2] {
    static S: std::sync::OnceLock<[u32; 2]> = std::sync::OnceLock::new();
    S.get_or_init(|| [tagged("bare", ""), tagged("media", "")])
}

/// Near-duplicate families this small are not a family.
const MIN_FAMILY: u32 = 3;

/// The feature hash of each interned mention, link, language and near-duplicate group,
/// worked out once for all the posts that carry it.
struct Tables {
    /// Per mention: `@name`, lower-case.
    mention: Vec<u32>,
    /// Per link: its domain, if it names one.
    domain: Vec<Option<u32>>,
    /// Per language code: the language, if known.
    lang: Vec<Option<u32>>,
    /// Per near-duplicate group: the family.
    family: Vec<u32>,
}

impl Tables {
    fn new(ds: &Dataset, langs: &Interner, dup_sizes: &[u32]) -> Tables {
        let mention = (0..ds.mention_names.len() as u32)
            .into_par_iter()
            .with_min_len(4096)
            .map(|m| mention_feature(ds, m).0)
            .collect();
        let domain = (0..ds.url_names.len() as u32)
            .into_par_iter()
            .with_min_len(4096)
            .map(|u| domain_feature(ds.url_names.resolve(u)).map(|(f, _)| f))
            .collect();
        let lang = (0..langs.len() as u32)
            .map(|l| lang_feature(langs.resolve(l)))
            .collect();
        let family = (0..dup_sizes.len() as u32).map(family_feature).collect();
        Tables {
            mention,
            domain,
            lang,
            family,
        }
    }
}

impl<'a> FeatureSource<'a> {
    /// Works out every post's features, in parallel.
    pub fn new(
        ds: &'a Dataset,
        rep_of: &'a [u32],
        rep_tokens: &'a ListColumn,
        dup_group: &'a [u32],
        dup_sizes: &'a [u32],
        lang: &'a [u16],
        langs: &'a Interner,
    ) -> FeatureSource<'a> {
        let mut src = FeatureSource {
            ds,
            rep_of,
            rep_tokens,
            dup_group,
            dup_sizes,
            lang,
            langs,
            lists: ListColumn::new(),
            ids: FxHashMap::default(),
            corpus_df: Vec::new(),
            hashes: Vec::new(),
            structural_ids: [u32::MAX; 2],
        };
        let tables = Tables::new(ds, langs, dup_sizes);
        const CHUNK: usize = 1 << 15;
        let chunks: Vec<ListColumn> = (0..ds.len().div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut col = ListColumn::new();
                let mut buf = Vec::new();
                for i in c * CHUNK..((c + 1) * CHUNK).min(ds.len()) {
                    src.compute(&tables, i, &mut buf);
                    col.push(buf.iter().copied());
                }
                col
            })
            .collect();
        let mut hashes: Vec<u32> = chunks
            .par_iter()
            .flat_map_iter(|c| (0..c.len()).flat_map(move |i| c.get(i).iter().copied()))
            .collect();
        hashes.par_sort_unstable();
        let mut corpus_df: Vec<u32> = Vec::new();
        let mut distinct: Vec<u32> = Vec::new();
        for h in hashes {
            if distinct.last() == Some(&h) {
                if let Some(last) = corpus_df.last_mut() {
                    *last += 1;
                }
            } else {
                distinct.push(h);
                corpus_df.push(1);
            }
        }
        let ids: FxHashMap<u32, u32> = distinct
            .iter()
            .enumerate()
            .map(|(k, &h)| (h, k as u32))
            .collect();
        let mapped: Vec<ListColumn> = chunks
            .par_iter()
            .map(|c| {
                let mut col = ListColumn::new();
                let mut v: Vec<u32> = Vec::new();
                for i in 0..c.len() {
                    v.clear();
                    v.extend(c.get(i).iter().map(|h| ids[h]));
                    v.sort_unstable();
                    col.push(v.iter().copied());
                }
                col
            })
            .collect();
        drop(chunks);
        let mut lists = ListColumn::new();
        for c in &mapped {
            lists.append(c);
        }
        let [bare, media] = *structural();
        src.structural_ids = [
            ids.get(&bare).copied().unwrap_or(u32::MAX),
            ids.get(&media).copied().unwrap_or(u32::MAX),
        ];
        src.lists = lists;
        src.ids = ids;
        src.corpus_df = corpus_df;
        src.hashes = distinct;
        src
    }

    /// The near-duplicate family of post `i`, when it has one big enough to be a family.
    pub fn family(&self, i: usize) -> Option<u32> {
        let g = self.dup_group[i];
        (g != u32::MAX && self.dup_sizes[g as usize] >= MIN_FAMILY).then_some(g)
    }

    /// The hash of feature `id`.
    pub fn hash_of(&self, id: u32) -> u32 {
        self.hashes.get(id as usize).copied().unwrap_or(u32::MAX)
    }

    /// The dense id of a feature hash (`u32::MAX` when no post carries it).
    pub fn id_of(&self, hash: u32) -> u32 {
        self.ids.get(&hash).copied().unwrap_or(u32::MAX)
    }

    /// In how many posts of the dataset feature `id` occurs.
    pub fn corpus_count(&self, id: u32) -> u32 {
        self.corpus_df.get(id as usize).copied().unwrap_or(1)
    }

    /// Is feature `id` "bare" or "media" (weak evidence)?
    pub fn is_structural(&self, id: u32) -> bool {
        self.structural_ids.contains(&id)
    }

    /// Fills `out` with the features (dense ids) of post `i`, leaving out `own` (the id of
    /// `#tag`). Sorted and deduplicated; stop words are never features.
    pub fn features(&self, i: usize, own: u32, out: &mut Vec<u32>) {
        out.clear();
        out.extend(self.lists.get(i).iter().copied().filter(|&f| f != own));
    }

    /// Works out the features of post `i`.
    fn compute(&self, tables: &Tables, i: usize, out: &mut Vec<u32>) {
        out.clear();
        let stops = stop_hashes();
        let toks = self.rep_tokens.get(self.rep_of[i] as usize);
        out.extend(toks.iter().copied().filter(|t| !stops.contains(t)));
        let words = out.len();
        let ds = self.ds;
        out.extend(
            ds.mentions
                .get(i)
                .iter()
                .map(|&m| tables.mention[m as usize]),
        );
        out.extend(
            ds.urls
                .get(i)
                .iter()
                .filter_map(|&u| tables.domain[u as usize]),
        );
        if words == 0 {
            // A post with no words is described by what it is: bare, media. (A link's
            // shortened address says nothing; its domain, when known, is above.)
            let [bare, media] = *structural();
            out.push(bare);
            if ds.has_media[i] {
                out.push(media);
            }
        }
        // A code past the interner's end would be unknown, as `resolve` reads it.
        if let Some(l) = tables.lang.get(self.lang[i] as usize).copied().flatten() {
            out.push(l);
        }
        if let Some(g) = self.family(i) {
            out.push(tables.family[g as usize]);
        }
        out.sort_unstable();
        out.dedup();
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
        assert_eq!(
            link_domain("https://youtu.be/abc").as_deref(),
            Some("youtube.com")
        );
        assert_eq!(
            link_domain("https://m.youtube.com/watch?v=1").as_deref(),
            Some("youtube.com")
        );
        assert_eq!(link_domain("http://localhost/x"), None);
        assert_eq!(
            link_domain("https://coin-drop.io:8443/claim").as_deref(),
            Some("coin-drop.io")
        );
    }

    #[test]
    fn a_posts_own_media_is_not_a_link_to_a_post() {
        for (url, named) in [
            (
                "https://twitter.com/someone/status/1313/photo/1",
                "twitter.com photo or video",
            ),
            (
                "https://x.com/someone/status/1313/video/1",
                "x.com photo or video",
            ),
            ("https://twitter.com/someone/status/1313", "twitter.com"),
            // An account named "photo" is not a photo.
            ("https://twitter.com/photo/status/1313", "twitter.com"),
        ] {
            assert_eq!(link_domain(url).as_deref(), Some(named), "{url}");
        }
    }
}
