//! How takeover content is decided: one post at a time, against the hashtag's own past.
//!
//! A post of a hashtag is **takeover content** when
//! 1. its author is **new to the tag**: not among the authors of the tag's baseline, and
//! 2. its content is **foreign to the tag**: most of what it carries (words, emoji, other
//!    hashtags, mentions, link domains, language, near-duplicate family, or that it is a
//!    bare link or media post) was not in common use in the tag's baseline, and
//! 3. it is **not counter-speech**: it does not talk *about* the tag or its crowd
//!    (condemning it, pointing to another tag, asking others to stop, answering the tag's
//!    own users).
//!
//! Once a wave is found, its posts are judged again beside the flood
//! ([`Judge::familiarity_beside`]): a feature the wave's takeover posts carry far more
//! often than the baseline did is the flood's word, not the tag's, even where the baseline
//! knew it.
//!
//! The share of such posts is pooled over every kind of foreign content, however many
//! topic clusters it spans; clusters only describe a moment afterwards.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::CounterSpeechWhy;
use super::features::FeatureSource;
use crate::analysis::tokens::{TokenKind, for_each_token, token_hash};

/// A feature is fully familiar when this share of the baseline's posts carry it.
const FAMILIAR_SHARE: f32 = 0.01;
/// A feature seen in fewer posts of the whole dataset is weak evidence either way (a typo
/// or a one-off word says nothing about who is posting).
const CORPUS_POSTS_FOR_FULL_WEIGHT: f32 = 5.0;
/// A feature is fully the tag's own when its share of the baseline's posts is at least
/// this many times its share of all posts.
const SPECIFIC_LIFT: f32 = 2.0;
/// A feature is part of a flood's own content when this share of its takeover posts carry
/// it (a flood is a few big families of posts; counter-speech is many small voices).
const FLOOD_SHARE: f32 = 0.02;

/// In how many of a flood's `posts` posts a feature is fully common: [`FLOOD_SHARE`] of
/// them, plus one (in a flood of 40 posts, a feature of one post is about half common).
fn common_from(posts: f32) -> f32 {
    FLOOD_SHARE * posts + 1.0
}

/// Weight of "bare" and "media" against a word's: most tags have such posts.
const STRUCTURAL_WEIGHT: f32 = 0.5;
/// The fewest takeover posts a wave's content is learned from before a feature the flood
/// carries far more often than the baseline stops counting as familiar.
const MIN_FLOOD_POSTS: usize = 30;
/// Pseudo-weight of "familiar" every post starts with: a post that carries little says
/// little, and is taken for the tag's own use.
const PRIOR_WEIGHT: f32 = 1.0;

/// What the hashtag looked like before: the posts its judged windows are compared with.
#[derive(Default, Clone)]
pub struct Baseline {
    /// Feature → number of baseline posts carrying it.
    df: FxHashMap<u32, u32>,
    /// Author → the time of their first baseline post.
    authors: FxHashMap<u32, i64>,
    /// Hashes of the lower-cased handles of the baseline's authors (to see replies to them).
    handles: FxHashSet<u32>,
    pub n: u32,
    pub first_ms: i64,
    pub last_ms: i64,
    pub posts: Vec<u32>,
}

impl Baseline {
    pub fn add(&mut self, src: &FeatureSource, own: u32, i: u32, buf: &mut Vec<u32>) {
        src.features(i as usize, own, buf);
        for &f in buf.iter() {
            *self.df.entry(f).or_default() += 1;
        }
        let a = src.ds.author[i as usize];
        let t = src.ds.created_at[i as usize];
        if let std::collections::hash_map::Entry::Vacant(e) = self.authors.entry(a) {
            e.insert(t);
            self.handles.extend(author_handle_hash(src.ds, a));
        }
        if self.n == 0 {
            self.first_ms = t;
        }
        self.last_ms = t;
        self.n += 1;
        self.posts.push(i);
    }

    pub fn knows_author(&self, a: u32) -> bool {
        self.authors.contains_key(&a)
    }

    pub fn authors(&self) -> impl Iterator<Item = u32> + '_ {
        self.authors.keys().copied()
    }

    /// The baseline as it was before time `t`: without the posts it took in at or after
    /// `t`, their words, and the authors first seen in them. A region judged from `t` on
    /// must not be compared with its own posts: the bin before a wave joins the baseline
    /// before the wave is found, and a flood's first posts would make its first authors
    /// known to the tag.
    pub fn before(&self, t: i64, src: &FeatureSource, own: u32) -> Cow<'_, Baseline> {
        let ds = src.ds;
        // Posts join in time order, so the ones at or after `t` are a suffix.
        let keep = self
            .posts
            .partition_point(|&i| ds.created_at[i as usize] < t);
        if keep == self.posts.len() {
            return Cow::Borrowed(self);
        }
        let mut base = self.clone();
        let mut buf = Vec::new();
        for &i in &self.posts[keep..] {
            src.features(i as usize, own, &mut buf);
            for f in &buf {
                if let Some(df) = base.df.get_mut(f) {
                    *df -= 1;
                    if *df == 0 {
                        base.df.remove(f);
                    }
                }
            }
        }
        base.authors.retain(|_, first| *first < t);
        base.handles = base
            .authors
            .keys()
            .filter_map(|&a| author_handle_hash(ds, a))
            .collect();
        base.posts.truncate(keep);
        base.n = keep as u32;
        base.last_ms = base
            .posts
            .last()
            .map_or(base.first_ms, |&i| ds.created_at[i as usize]);
        Cow::Owned(base)
    }

    /// How familiar a feature is, 0..1.
    /// How familiar a feature is, 0..1: common in the baseline, and more common there
    /// than in the whole dataset (a word every tag uses, "two" or "today", is no sign of
    /// this tag's own use). `corpus_share` is the share of all posts carrying it.
    fn familiar(&self, f: u32, corpus_share: f32) -> f32 {
        let df = *self.df.get(&f).unwrap_or(&0) as f32;
        let common = (df / (FAMILIAR_SHARE * self.n as f32 + 1.0)).min(1.0);
        let lift = (df / self.n.max(1) as f32) / corpus_share.max(1e-9);
        common * (lift / SPECIFIC_LIFT).min(1.0)
    }
}

fn handle_hash(h: &str) -> u32 {
    token_hash(&h.to_lowercase())
}

/// The [`handle_hash`] of author `a`'s handle, if they have one.
pub(super) fn author_handle_hash(ds: &crate::model::Dataset, a: u32) -> Option<u32> {
    let handle = ds.authors.handle(a).trim_start_matches('@');
    (!handle.is_empty()).then(|| handle_hash(handle))
}

/// The evidence about one post of a tag.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence {
    /// The author is not among the baseline's authors.
    pub newcomer: bool,
    /// Weighted share of the post's features in common use in the baseline, 0..1.
    pub familiarity: f32,
    /// Share of the newcomers around the post whose posts were takeover on their own
    /// evidence, as it weighed in `familiarity` (0 where it did not: no flood learned).
    pub taken_nearby: f32,
    /// Why the post is counter-speech, if it is.
    pub counter_speech: Option<CounterSpeechWhy>,
}

impl Evidence {
    pub fn foreign(&self, foreign_below: f32) -> bool {
        self.familiarity < foreign_below
    }

    pub fn is_takeover(&self, foreign_below: f32) -> bool {
        self.newcomer && self.foreign(foreign_below) && self.counter_speech.is_none()
    }
}

/// What a wave's takeover posts carry: each feature's number of posts among `posts`
/// takeover posts (those whose text neither comments on the tag nor takes a stance ending
/// in it or on a crowd; see `flood_content` in `region.rs`).
#[derive(Default)]
pub struct FloodContent {
    pub counts: FxHashMap<u32, u32>,
    pub posts: usize,
    /// Per text (its retweet prefix left out, see [`own_text_key`]): how many of the
    /// `posts` have it (a post and its retweets).
    pub texts: FxHashMap<u64, u32>,
    /// Per text: how many of the `posts` that have it are no retweet (its voices).
    pub originals: FxHashMap<u64, u32>,
    /// [`handle_hash`]es of the handles of the authors of the `posts`.
    pub handles: FxHashSet<u32>,
}

impl FloodContent {
    /// Has the flood's content been learned from enough posts to judge beside it?
    pub fn learned(&self) -> bool {
        self.posts >= MIN_FLOOD_POSTS
    }

    /// How many of the flood's posts have the text whose key is `text` (see
    /// [`own_text_key`]), when the voices that wrote it are too few to make its words
    /// common by themselves: a post and its retweets, however many, are one voice, not one
    /// of the flood's families, which many write. Otherwise 0. A comment retweeted three
    /// times in a small flood of 86 posts was as common there as the flood's families
    /// (held-out seeds 61 and 90 at 5k posts: "imagine waking up and choosing #tag").
    pub fn own_copies(&self, text: u64) -> u32 {
        let copies = self.texts.get(&text).copied().unwrap_or(0);
        let voices = self.originals.get(&text).copied().unwrap_or(0).max(1);
        if (voices as f32) < common_from(self.posts as f32) {
            copies
        } else {
            0
        }
    }
}

/// What a post's text says about a tag (see [`Judge::counter_speech`]).
#[derive(Debug, Clone, Copy)]
pub struct TextSignals {
    points_elsewhere: bool,
    about_tag: bool,
    /// The text is about the tag only by spelling its name out in words ("our dogs are
    /// proud boys too" in #ProudBoys): a reclaiming flood's joke as often as a comment.
    only_spells_name: bool,
    takes_stance: bool,
    /// The tag ends a sentence that runs straight into it ("... the accounts that started
    /// #tag"): weaker than `about_tag`, as floods append their tag the same way.
    closes_sentence: bool,
    /// Another of the post's hashtags stands inside a sentence or as its subject ("post
    /// #other and drown them out", "#other is where the resources are"): the post talks
    /// about hashtags rather than carrying them.
    talks_of_other_tag: bool,
    /// A stance taken on a crowd named by a pronoun ("canada listed them as a terrorist
    /// entity", "report these accounts, don't reply to them"): the post talks about people,
    /// wherever the tag stands.
    stance_on_a_crowd: bool,
}

impl TextSignals {
    /// The text talks about the tag as a comment does: about the tag otherwise than by only
    /// spelling its name out, or spelling it out with a stance taken ("the proud boys are a
    /// hate group"). A reclaiming flood jokes with the name ("our dogs are proud boys too").
    pub fn comments_on_tag(&self) -> bool {
        self.about_tag && (!self.only_spells_name || self.takes_stance)
    }

    /// The text takes a stance (condemning, stopping, pointing elsewhere) in a sentence that
    /// runs straight into the tag ("these bots ruined #tag"). Floods end their sentences
    /// with the tag too: never counter-speech by itself.
    pub fn stance_ending_in_tag(&self) -> bool {
        self.takes_stance && self.closes_sentence
    }

    /// The text is commentary on the tag or its crowd: it comments on the tag, takes a
    /// stance ending in it, or takes one on a crowd it names by a pronoun ("#tag canada
    /// listed them as a terrorist entity"). Counter-speech repeats itself too (a few
    /// phrasings, retweeted), so such posts are kept out of what a flood is learned from.
    pub fn is_commentary(&self) -> bool {
        self.comments_on_tag() || self.stance_ending_in_tag() || self.stance_on_a_crowd
    }

    /// Words of condemnation, of stopping or warning, or a pointer to another hashtag to
    /// use instead (see [`Judge::counter_speech`]).
    pub fn takes_stance(&self) -> bool {
        self.takes_stance
    }

    /// The text speaks of the tag or of hashtags at all: about the tag (inside a sentence,
    /// its name spelled out, "this tag"), a sentence running into it ("imagine choosing
    /// #tag"), another hashtag inside a sentence ("post #other and drown them out"), or a
    /// stance on a crowd named by a pronoun. Floods do each of these too, so a post that
    /// does is counter-speech only if it also looks unlike the flood.
    pub fn speaks_of_tag(&self) -> bool {
        self.about_tag || self.closes_sentence || self.talks_of_other_tag || self.stance_on_a_crowd
    }
}

/// Judges the posts of one hashtag against its baseline.
pub struct Judge<'a> {
    pub src: &'a FeatureSource<'a>,
    /// Posts in the whole dataset.
    pub corpus_posts: f32,
    /// Feature id of `#tag`.
    pub own: u32,
    /// The tag's name, lower-case, without `#`.
    pub tag: &'a str,
    /// Feature ids of the words that name the tag (see [`name_word_features`]).
    pub name_words: Vec<u32>,
    /// The tag's three-letter words, where its name splits wholly into words the dataset
    /// uses ("sky" of #nightsky; see [`short_name_words`]).
    pub short_name_words: Vec<String>,
    pub foreign_below: f32,
    /// Per representative text (`src.rep_of`): it has a word, not only emoji, hashtags,
    /// mentions and links.
    pub rep_has_words: &'a [bool],
    /// Text signals already read, per representative text.
    pub memo: std::cell::RefCell<FxHashMap<u32, TextSignals>>,
    /// Print each judged post's evidence (`DERAIL_DEBUG_TAG=tag`).
    pub debug: bool,
}

impl Judge<'_> {
    /// How much feature `f` weighs as evidence: little when the dataset has it in only a
    /// post or two, half for "bare" and "media".
    fn weight(&self, f: u32) -> f32 {
        let rarity = (self.src.corpus_count(f) as f32 / CORPUS_POSTS_FOR_FULL_WEIGHT).min(1.0);
        rarity * self.weight_in_full(f)
    }

    /// How much feature `f` weighs however rare it is: half for "bare" and "media".
    fn weight_in_full(&self, f: u32) -> f32 {
        if self.src.is_structural(f) {
            STRUCTURAL_WEIGHT
        } else {
            1.0
        }
    }

    /// How familiar the baseline finds feature `f` (see [`Baseline::familiar`]).
    fn familiar(&self, base: &Baseline, f: u32) -> f32 {
        base.familiar(f, self.src.corpus_count(f) as f32 / self.corpus_posts)
    }

    /// How familiar feature `f` is once the flood is known: as [`Self::familiar`], but a
    /// feature the flood's posts carry more than [`SPECIFIC_LIFT`] times as often as the
    /// baseline's did is the flood's word, not the tag's, in proportion (a reclaiming flood
    /// says "proud" and "boys" in half its posts where #ProudBoys' own crowd said them in
    /// one in ten). Without a flood of [`MIN_FLOOD_POSTS`] posts, nothing changes.
    fn familiar_beside(&self, base: &Baseline, flood: Option<&FloodContent>, f: u32) -> f32 {
        let familiar = self.familiar(base, f);
        let Some(flood) = flood.filter(|c| c.learned()) else {
            return familiar;
        };
        let in_flood = *flood.counts.get(&f).unwrap_or(&0) as f32 / flood.posts as f32;
        let in_base = *base.df.get(&f).unwrap_or(&0) as f32 / base.n.max(1) as f32;
        if in_flood > SPECIFIC_LIFT * in_base {
            familiar * SPECIFIC_LIFT * in_base / in_flood
        } else {
            familiar
        }
    }

    /// Weighted share of the features of post `i` that the baseline knows and the flood
    /// does not carry far more often (see [`Self::familiar_beside`]).
    ///
    /// `taken_nearby` is the share of the newcomers posting around post `i` whose posts
    /// were takeover content on their own evidence (0 to leave it out): beside a flood, a
    /// post that carries little is taken for what the newcomers around it post, not for
    /// the tag's own use (its prior weight leans to "foreign" by that share).
    pub fn familiarity_beside(
        &self,
        base: &Baseline,
        flood: Option<&FloodContent>,
        i: u32,
        taken_nearby: f32,
        buf: &mut Vec<u32>,
    ) -> f32 {
        self.src.features(i as usize, self.own, buf);
        let (mut num, mut den) = (PRIOR_WEIGHT * (1.0 - taken_nearby), PRIOR_WEIGHT);
        for &f in buf.iter() {
            let w = self.weight(f);
            num += w * self.familiar_beside(base, flood, f);
            den += w;
        }
        num / den
    }

    /// Does post `i` talk about the tag (its text, or an answer to the tag's own users)?
    pub fn is_about_tag(&self, base: &Baseline, i: u32) -> bool {
        self.text_signals(i).about_tag || self.answers_crowd(base, i)
    }

    /// Is post `i` (its own text, a retweet's prefix left out) an answer to one of the
    /// flood's authors: does it open with a mention of one?
    pub fn answers_flood(&self, flood: &FloodContent, i: u32) -> bool {
        let ds = self.src.ds;
        let own = crate::analysis::tokens::strip_rt_prefix(ds.text(i as usize));
        let Some(rest) = own.strip_prefix('@') else {
            return false;
        };
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let handle = rest[..end].trim_end_matches('.');
        !handle.is_empty() && flood.handles.contains(&handle_hash(handle))
    }

    /// Is post `i` words alone: a text with words and no link, photo or video?
    pub fn is_plain_text(&self, i: u32) -> bool {
        let ds = self.src.ds;
        let i = i as usize;
        self.rep_has_words[self.src.rep_of[i] as usize]
            && ds.urls.get(i).is_empty()
            && !ds.has_media[i]
            && crate::analysis::tokens::link_pieces(ds.text(i))
                .next()
                .is_none()
    }

    /// Does post `i` mention one of the baseline's authors?
    fn answers_crowd(&self, base: &Baseline, i: u32) -> bool {
        let ds = self.src.ds;
        ds.mentions.get(i as usize).iter().any(|&m| {
            let name = ds.mention_names.resolve(m).trim_start_matches('@');
            base.handles.contains(&handle_hash(name))
        })
    }

    /// Weighted share of post `i`'s features that are common (at least `FLOOD_SHARE` of
    /// the posts) among a wave's takeover posts: how much the post looks like the flood
    /// itself.
    pub fn flood_likeness(&self, flood: &FloodContent, i: u32, buf: &mut Vec<u32>) -> f32 {
        self.src.features(i as usize, self.own, buf);
        self.likeness_to(flood, buf)
    }

    /// The greater of [`Self::flood_likeness`] and the same over what post `i` carries
    /// besides the words that name the tag. The flood's content is learned from posts that
    /// do not talk about the tag, so those words are often rare in it by construction: a
    /// flood's post that jokes with them ("our dogs are proud boys too" with its photo, in
    /// #ProudBoys) would look unlike the flood for using them alone. Where the flood uses
    /// them too, they count.
    pub fn flood_likeness_beside_name(
        &self,
        flood: &FloodContent,
        i: u32,
        buf: &mut Vec<u32>,
    ) -> f32 {
        self.likeness_beside_name(flood, i, buf, false)
    }

    /// How much a post whose text speaks of the tag looks like the flood, for telling a
    /// comment from the flood's own posts: as [`Self::flood_likeness_beside_name`], but
    /// against the *other* posts, and reading every word in full.
    /// - The post's own text among the flood's posts (the post and its retweets) is left
    ///   out, unless that text alone is common enough to be one of the flood's families: a
    ///   comment retweeted twice looked like the flood for carrying its own words ("hey,
    ///   #tag #other is where the resources are!!").
    /// - A word the dataset has in only a post or two weighs as much as any: a flood's
    ///   content is what its many posts repeat, so a word hardly anyone else wrote is
    ///   plainly not the flood's ("ok so imagine waking up and choosing #tag" looked like an
    ///   English flood for its language, its rare words weighing a fifth).
    pub fn comment_likeness_to_flood(
        &self,
        flood: &FloodContent,
        i: u32,
        buf: &mut Vec<u32>,
    ) -> f32 {
        self.likeness_beside_name(flood, i, buf, true)
    }

    fn likeness_beside_name(
        &self,
        flood: &FloodContent,
        i: u32,
        buf: &mut Vec<u32>,
        as_comment: bool,
    ) -> f32 {
        let copies = if as_comment {
            flood.own_copies(own_text_key(self.src.ds.text(i as usize)))
        } else {
            0
        };
        self.src.features(i as usize, self.own, buf);
        let all = self.likeness_without(flood, buf, copies, as_comment);
        buf.retain(|f| !self.name_words.contains(f));
        if buf.is_empty() {
            return all;
        }
        all.max(self.likeness_without(flood, buf, copies, as_comment))
    }

    /// Weighted share of `features` common among the flood's takeover posts.
    fn likeness_to(&self, flood: &FloodContent, features: &[u32]) -> f32 {
        self.likeness_without(flood, features, 0, false)
    }

    /// Weighted share of `features` common among the flood's takeover posts but `copies`
    /// of them, which carry `features`. With `rare_in_full`, a feature the dataset has in
    /// only a post or two weighs as much as any: a flood's content is what its many posts
    /// repeat, so a word hardly anyone else wrote is plainly not the flood's.
    fn likeness_without(
        &self,
        flood: &FloodContent,
        features: &[u32],
        copies: u32,
        rare_in_full: bool,
    ) -> f32 {
        let posts = flood.posts.saturating_sub(copies as usize) as f32;
        let (mut num, mut den) = (0.0f32, 0.0f32);
        for &f in features {
            let w = if rare_in_full {
                self.weight_in_full(f)
            } else {
                self.weight(f)
            };
            let df = flood.counts.get(&f).unwrap_or(&0).saturating_sub(copies) as f32;
            num += w * (df / common_from(posts)).min(1.0);
            den += w;
        }
        if den == 0.0 { 1.0 } else { num / den }
    }

    /// The (up to) three features of post `i` that weigh most against the baseline: the
    /// heaviest of those it barely knows. Returned as feature hashes, for naming.
    pub fn most_foreign(
        &self,
        base: &Baseline,
        flood: Option<&FloodContent>,
        i: u32,
        buf: &mut Vec<u32>,
    ) -> [u32; 3] {
        self.src.features(i as usize, self.own, buf);
        let mut scored: Vec<(f32, u32)> = buf
            .iter()
            .filter_map(|&f| {
                let fam = self.familiar_beside(base, flood, f);
                (fam < 0.5).then_some((self.weight(f) * (1.0 - fam), f))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out = [u32::MAX; 3];
        for (slot, (_, f)) in out.iter_mut().zip(scored) {
            *slot = self.src.hash_of(f);
        }
        out
    }

    pub fn evidence(&self, base: &Baseline, i: u32, buf: &mut Vec<u32>) -> Evidence {
        self.evidence_beside(base, None, i, 0.0, buf)
    }

    /// The evidence about post `i`, its familiarity judged beside the flood where one is
    /// known, among newcomers of whom `taken_nearby` posted takeover content (see
    /// [`Self::familiarity_beside`]).
    pub fn evidence_beside(
        &self,
        base: &Baseline,
        flood: Option<&FloodContent>,
        i: u32,
        taken_nearby: f32,
        buf: &mut Vec<u32>,
    ) -> Evidence {
        let ds = self.src.ds;
        let newcomer = !base.knows_author(ds.author[i as usize]);
        // The newcomers around a post weigh in only once the flood is learned.
        let taken_nearby = if flood.is_some_and(FloodContent::learned) {
            taken_nearby.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let familiarity = self.familiarity_beside(base, flood, i, taken_nearby, buf);
        let mut e = Evidence {
            newcomer,
            familiarity,
            taken_nearby,
            counter_speech: None,
        };
        // Only a post that would otherwise count as takeover needs the text read again.
        if e.newcomer && e.foreign(self.foreign_below) {
            e.counter_speech = self.counter_speech(base, i);
        }
        e
    }

    /// Does post `i` talk about the tag or its crowd rather than past it?
    ///
    /// Two kinds of signal must meet: the post is *about the tag* (the tag stands inside a
    /// sentence, its name is spelled out in words, the post speaks of "this tag", or it
    /// answers one of the tag's own users), and it *takes a stance on it* (words of
    /// condemnation or of stopping, or a pointer to another hashtag to use instead).
    /// Neither a phrase nor a position alone is enough. Returns which signal decided it
    /// (a pointer to another hashtag decides alone).
    pub fn counter_speech(&self, base: &Baseline, i: u32) -> Option<CounterSpeechWhy> {
        let sig = self.text_signals(i);
        if sig.points_elsewhere {
            return Some(CounterSpeechWhy::PointsElsewhere);
        }
        (sig.takes_stance && self.is_about_tag(base, i)).then_some(CounterSpeechWhy::StanceOnTag)
    }

    /// What the text of post `i` says about the tag; read once per text and tag.
    pub fn text_signals(&self, i: u32) -> TextSignals {
        // Copies and retweets share a representative text, and so its signals.
        let rep = self.src.rep_of[i as usize];
        if let Some(s) = self.memo.borrow().get(&rep) {
            return *s;
        }
        let ds = self.src.ds;
        let text = ds.text(i as usize);
        let words = word_list(text);
        let inline = tag_inside_sentence(text, self.tag) || tag_as_subject(text, self.tag);
        let spelled = spells_out(&words, self.tag);
        let lower = text.to_lowercase();
        let meta =
            words.iter().any(|w| is_listed(w, &META_WORDS)) || has_unspaced(&lower, UNSPACED_META);
        let other_tags = ds.hashtags.get(i as usize).len() >= 2;
        let instead = words.iter().any(|w| is_listed(w, &INSTEAD_WORDS))
            || has_unspaced(&lower, UNSPACED_INSTEAD);
        let stance =
            words.iter().any(|w| is_stance_word(w)) || has_unspaced(&lower, UNSPACED_STANCE);
        let pointer = words.iter().any(|w| is_listed(w, &REDIRECT_WORDS));
        let names_a_crowd = names_a_crowd(&words, &lower);
        let sig = TextSignals {
            // "use #other instead (of #tag)", or "use #other" outright, points away from
            // the tag wherever it stands.
            points_elsewhere: (instead && other_tags) || tells_to_use_another_tag(&lower, self.tag),
            about_tag: inline || spelled || meta,
            only_spells_name: spelled && !inline && !meta,
            takes_stance: stance || instead || (pointer && (other_tags || meta)),
            closes_sentence: tag_closes_sentence(text, self.tag),
            talks_of_other_tag: ds.hashtags.get(i as usize).iter().any(|&h| {
                let other = ds.hashtag_names.resolve(h);
                other != self.tag
                    && (tag_inside_sentence(text, other) || tag_as_subject(text, other))
            }),
            stance_on_a_crowd: stance && names_a_crowd,
        };
        self.memo.borrow_mut().insert(rep, sig);
        sig
    }

    /// Does post `i` speak of the tag's own subject in words (its name's words)?
    pub fn on_topic(&self, i: u32) -> bool {
        names_tag(
            &word_list(self.src.ds.text(i as usize)),
            self.tag,
            &self.short_name_words,
        )
    }
}

/// The key of a post's own text: its exact text, the retweet prefix left out, so a post
/// and its retweets share it, and two posts that fill one template in differently (or link
/// different photos) do not.
pub fn own_text_key(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(crate::analysis::tokens::strip_rt_prefix(text).as_bytes())
}

/// The words (and stop words) of a text, lower-case, in order.
fn word_list(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for_each_token(text, |k, t| {
        if matches!(k, TokenKind::Word | TokenKind::Stop) {
            v.push(t.to_string());
        }
    });
    v
}

/// Words that tell others to use something ("use #other"), in several languages.
const USE_WORDS: [&str; 9] = [
    "use",
    "using",
    "usa",
    "usen",
    "usem",
    "utilicen",
    "utilisez",
    "benutzt",
    "используйте",
];

/// Does a text (lower-case) tell others to use another hashtag: a word of [`USE_WORDS`]
/// right before a hashtag that is not `tag`?
pub fn tells_to_use_another_tag(lower: &str, tag: &str) -> bool {
    let mut prev: Option<&str> = None;
    for word in lower.split_whitespace() {
        if let (Some(p), Some(other)) = (prev, word.strip_prefix(['#', '＃'])) {
            let other = other.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
            let p = p.trim_matches(|c: char| !c.is_alphanumeric());
            if !other.is_empty() && other != tag && USE_WORDS.contains(&p) {
                return true;
            }
        }
        prev = Some(word);
    }
    false
}

/// Is the tag spelled out as consecutive words ("proud boys" for #proudboys)?
pub fn spells_out(words: &[String], tag: &str) -> bool {
    let tag_len = tag.chars().count();
    if tag_len < 4 {
        return false;
    }
    for s in 0..words.len() {
        let mut joined = String::new();
        for w in words.iter().skip(s).take(6) {
            joined.push_str(w);
            if joined.len() > tag.len() {
                break;
            }
            if joined == tag && joined.len() > w.len() {
                return true;
            }
        }
    }
    false
}

/// The feature ids of the words that can name the tag in a text (see [`names_tag`]): its
/// whole name, each part of it of at least four letters, and its `short` words (see
/// [`short_name_words`]), where the dataset has them.
pub fn name_word_features(src: &FeatureSource, tag: &str, short: &[String]) -> Vec<u32> {
    let chars: Vec<(usize, char)> = tag.char_indices().collect();
    let mut parts: Vec<&str> = short.iter().map(String::as_str).collect();
    for a in 0..chars.len() {
        for b in a + 4..=chars.len() {
            let end = chars.get(b).map_or(tag.len(), |c| c.0);
            parts.push(&tag[chars[a].0..end]);
        }
    }
    let mut ids: Vec<u32> = parts
        .into_iter()
        .filter(|part| part.chars().all(char::is_alphanumeric))
        .map(|part| src.id_of(crate::analysis::tokens::token_hash(part)))
        .filter(|&id| id != u32::MAX)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The three-letter words of a tag's name ("sky" of #nightsky, "art" of #pixelart), where
/// the name splits wholly into words of two letters or more that `is_word` knows (the
/// split with the fewest words): a part under four letters found anywhere in a name would
/// say nothing ("art" in #startup, where "st" is no word; "the" of #savethelibrary is a
/// stop word). Stop words are left out.
pub fn short_name_words(tag: &str, is_word: impl Fn(&str) -> bool) -> Vec<String> {
    let bounds: Vec<usize> = tag
        .char_indices()
        .map(|c| c.0)
        .chain(std::iter::once(tag.len()))
        .collect();
    let n = bounds.len() - 1;
    if n < 5 || !tag.chars().all(char::is_alphabetic) {
        return Vec::new();
    }
    // fewest[k]: the fewest words covering the first k characters, and where the last began.
    let mut fewest: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    fewest[0] = Some((0, 0));
    for end in 2..=n {
        for start in 0..=end - 2 {
            let Some((count, _)) = fewest[start] else {
                continue;
            };
            let whole = start == 0 && end == n;
            if whole || !is_word(&tag[bounds[start]..bounds[end]]) {
                continue;
            }
            if fewest[end].is_none_or(|(c, _)| count + 1 < c) {
                fewest[end] = Some((count + 1, start));
            }
        }
    }
    let mut words = Vec::new();
    let mut end = n;
    while end > 0 {
        let Some((_, start)) = fewest[end] else {
            return Vec::new();
        };
        let word = &tag[bounds[start]..bounds[end]];
        if end - start == 3 && !crate::analysis::tokens::is_stop_word(word) {
            words.push(word.to_string());
        }
        end = start;
    }
    words.reverse();
    words
}

/// Does a text use the tag's name in words: spelled out, one of its words of at least
/// four letters ("library" for #savethelibrary, "zomato" for #zomato), or one of its
/// `short` words (see [`short_name_words`]), also in the plural ("birds" for
/// #birdtwitter, "libraries" for #savethelibrary, "skies" for #nightsky)?
pub fn names_tag(words: &[String], tag: &str, short: &[String]) -> bool {
    let in_name =
        |w: &str| (w.chars().count() >= 4 && tag.contains(w)) || short.iter().any(|s| s == w);
    spells_out(words, tag)
        || words.iter().any(|w| {
            w.chars().all(char::is_alphanumeric)
                && (in_name(w) || singular_of(w).is_some_and(|s| in_name(&s)))
        })
}

/// An English plural's singular: "libraries" → "library", "boxes" → "box", "birds" →
/// "bird". `None` for a word that does not end like a plural.
fn singular_of(w: &str) -> Option<String> {
    if let Some(stem) = w.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("es")
        && (stem.ends_with(['s', 'x', 'z']) || stem.ends_with("ch") || stem.ends_with("sh"))
    {
        return Some(stem.to_string());
    }
    w.strip_suffix('s')
        .filter(|stem| !stem.ends_with('s'))
        .map(str::to_string)
}

/// Where `#tag` stands in `lower` (a lower-cased text), as byte ranges: each `#tag` not
/// followed by a letter, digit or `_` (that would be a longer tag).
fn occurrences_of<'a>(lower: &'a str, tag: &str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let needle = format!("#{tag}");
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(pos) = lower[from..].find(&needle) {
            let at = from + pos;
            let end = at + needle.len();
            from = end;
            let longer_tag = lower[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !longer_tag {
                return Some((at, end));
            }
        }
        None
    })
}

/// Is a whitespace-separated token a word of a sentence: not a hashtag, mention or link,
/// and holding a letter?
fn is_plain_word(t: &str) -> bool {
    !t.starts_with(['#', '@', '＃']) && !t.starts_with("http") && t.chars().any(char::is_alphabetic)
}

/// Is `#tag` written inside a sentence, with a word right before and right after it?
pub fn tag_inside_sentence(text: &str, tag: &str) -> bool {
    let lower = text.to_lowercase();
    for (at, end) in occurrences_of(&lower, tag) {
        let before = lower[..at].split_whitespace().next_back();
        // A comma or a quote after the tag does not end its sentence.
        let rest = lower[end..].trim_start_matches([',', ';', ':', '\'', '"', '’', '”', ')']);
        let after = rest.split_whitespace().next();
        let is_word = |t: Option<&str>| t.is_some_and(is_plain_word);
        // "... anything in #nike": a function word before the tag makes it part of the
        // sentence even at its end.
        let function_word_before = before.is_some_and(|b| {
            crate::analysis::tokens::is_stop_word(b.trim_matches(|c: char| !c.is_alphanumeric()))
        });
        if is_word(before) && (is_word(after) || function_word_before) {
            return true;
        }
    }
    false
}

/// Marks that end a sentence.
const SENTENCE_ENDS: [char; 6] = ['.', '!', '?', '。', '！', '？'];

/// Does a sentence run straight into `#tag` and end there: a word right before it (not a
/// hashtag, mention or link, with no punctuation between) and either no word after it,
/// only punctuation, emoji, links or other hashtags ("... the accounts that started #tag
/// 💀"), or a full stop right after it ("... that started #tag. add #other ...")?
pub fn tag_closes_sentence(text: &str, tag: &str) -> bool {
    let lower = text.to_lowercase();
    for (at, end) in occurrences_of(&lower, tag) {
        let before = lower[..at].split_whitespace().next_back();
        let runs_in = before.is_some_and(|b| {
            is_plain_word(b) && b.chars().next_back().is_some_and(char::is_alphanumeric)
        });
        let rest = &lower[end..];
        // A full stop (or ! or ?) right after the tag ends the sentence, whatever follows:
        // a Latin one before a space ("#tag.com" is no sentence's end), a CJK one anywhere.
        let mut after = rest.chars();
        let full_stop = match (after.next(), after.next()) {
            (Some(c), next) if c.is_ascii() => {
                SENTENCE_ENDS.contains(&c) && next.is_none_or(char::is_whitespace)
            }
            (Some(c), _) => SENTENCE_ENDS.contains(&c),
            (None, _) => false,
        };
        let ends_there = full_stop || rest.split_whitespace().all(|t| !is_plain_word(t));
        if runs_in && ends_there {
            return true;
        }
    }
    false
}

/// Words and particles that make a hashtag right before them the subject or object of a
/// sentence ("#x was always ...", "#x は使わないで", "#x 말고 ...").
const AFTER_SUBJECT: &str = "is was are were isn't wasn't has had have got gets used means meant \
    became becomes belongs trending trends trended é era foi são es fue está son ist war sind \
    est était sont は が を \
    の って も 는 은 이 가 를 을 에 말고 도";

/// Adverbs that may stand between a subject and its verb ("#x always was", "#x siempre
/// fue").
const ADVERBS_BEFORE_VERB: &str = "always never still just really literally actually only \
    also even siempre nunca todavía solo sólo también sempre ainda só também immer nie noch \
    toujours jamais encore всегда никогда";

/// Is `#tag` the subject or object of a sentence: followed by a verb or a particle, or
/// written twice?
pub fn tag_as_subject(text: &str, tag: &str) -> bool {
    let lower = text.to_lowercase();
    let needle = format!("#{tag}");
    let mut count = 0;
    let mut from = 0;
    while let Some(pos) = lower[from..].find(&needle) {
        let end = from + pos + needle.len();
        from = end;
        let rest = &lower[end..];
        if rest.chars().next().is_some_and(|c| {
            c.is_alphanumeric() && !c.is_ascii() && !is_particle(c)
                || c.is_ascii_alphanumeric()
                || c == '_'
        }) {
            continue; // a longer tag
        }
        count += 1;
        let next = rest.trim_start_matches([',', '\'', '"', '’', '”', ')']);
        let mut words = next
            .split_whitespace()
            .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric()));
        let mut next_word = words.next().unwrap_or("");
        // "#x always was ...", "#x siempre fue ...": an adverb may stand before the verb.
        if ADVERBS_BEFORE_VERB
            .split_whitespace()
            .any(|w| w == next_word)
        {
            next_word = words.next().unwrap_or("");
        }
        let first = next.trim_start().chars().next();
        if AFTER_SUBJECT.split_whitespace().any(|w| w == next_word)
            || first.is_some_and(is_particle)
        {
            return true;
        }
    }
    count >= 2
}

/// Japanese and Korean particles that can follow a word directly.
fn is_particle(c: char) -> bool {
    matches!(
        c,
        'は' | 'が' | 'を' | 'の' | 'も' | '는' | '은' | '이' | '가' | '를' | '을' | '에' | '도'
    )
}

/// Words that speak of hashtags themselves. Not "trending" wherever it stands: fans say
/// their song is ("Paradise Lost trending worldwide, keep streaming"), and that K-pop
/// template, a quarter of the third generator's seed 51 flood, was taken for comment on
/// the tag and set apart as counter-speech. The tag trending ("#tag trending again") is
/// the tag as a subject (`tag_as_subject`).
const META_WORDS: [&str; 13] = [
    "hashtag",
    "hashtags",
    "tag",
    "tags",
    "etiqueta",
    "etiquetas",
    "해시태그",
    "태그",
    "ハッシュタグ",
    "タグ",
    "hashtagi",
    "хэштег",
    "хештег",
];

/// Third-person plural pronouns: a post that uses one names a crowd ("them", "ellos", "그들",
/// and "그들은" by [`is_listed`]'s Korean particles).
const CROWD_PRONOUNS: [&str; 12] = [
    "they", "them", "their", "theirs", "ellos", "ellas", "eles", "elas", "eux", "они", "их", "그들",
];

/// "they" in Japanese and Chinese.
const UNSPACED_CROWD_PRONOUNS: &str = "彼ら あいつら 他们 她们";

/// Does a text (its words, and lower-cased) name a crowd by a third-person plural pronoun?
fn names_a_crowd(words: &[String], lower: &str) -> bool {
    words.iter().any(|w| is_listed(w, &CROWD_PRONOUNS))
        || has_unspaced(lower, UNSPACED_CROWD_PRONOUNS)
}

/// Words that point elsewhere ("use #X instead").
const REDIRECT_WORDS: [&str; 16] = [
    "use",
    "using",
    "post",
    "posting",
    "instead",
    "support",
    "usa",
    "usen",
    "utilicen",
    "usem",
    "lieber",
    "plutôt",
    "utilisez",
    "대신",
    "代わりに",
    "вместо",
];

/// Is `w` one of `list`, or a Korean word that starts with one (particles attach to
/// Korean words: "태그를" is "태그" + "를")?
fn is_listed(w: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|&m| w == m || (m.chars().next().is_some_and(is_hangul) && w.starts_with(m)))
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F)
}

/// Does a text (lower-case) hold one of `list`'s phrases? For scripts written without
/// spaces, whose words the tokenizer does not separate.
fn has_unspaced(text: &str, list: &str) -> bool {
    list.split_whitespace().any(|p| text.contains(p))
}

/// Japanese and Chinese phrases: "this tag", "hashtag".
const UNSPACED_META: &str = "このタグ タグを タグは ハッシュタグ 标签 話題";
/// "not X but", "instead".
const UNSPACED_INSTEAD: &str = "ではなく じゃなくて 代わりに 而不是";
/// "please do not use", "stop", "caution", "covered / flooded with", "worst", "scam",
/// "discrimination".
const UNSPACED_STANCE: &str =
    "使わない 使うな やめて 止めて 注意 埋め 荒らし 最低 詐欺 差別 不要用 别用";

/// Words that say "not this, that".
const INSTEAD_WORDS: [&str; 10] = [
    "instead",
    "rather",
    "말고",
    "대신에",
    "lieber",
    "plutôt",
    "대신",
    "代わりに",
    "вместо",
    "envez",
];

/// Words of condemnation, refusal, warning or stopping, in several languages (stems: a
/// word starting with one counts). One signal among others: alone it marks nothing.
fn is_stance_word(w: &str) -> bool {
    const STEMS: &str = "racis supremac nazi fascis bigot hate disgust shame condemn stop quit \
        extremis terroris violen whistle audacity reclaim hijack psa reminder ódio odio dejen dejar \
        deixem parem inund lotar cuidado sujo 인종차별 차별 주의 사용하지 쓰지 말아 덮고 도배 이해가 \
        dont don't never wrong gross vile evil report block spam scam fraud fake flood \
        drown hijack ruin unusable ignore beware warn odio basta vergüenza estafa golpe \
        fraude honte arnaque schande stoppt betrug danger perigos peligros 사기";
    const WHOLE: &str = "bot bots botnet no not não nao nunca pare paren parem nicht ne pas 멈춰 그만 하지마 \
        마세요 やめて 最低 詐欺 хватит позор нет";
    static SETS: std::sync::OnceLock<(FxHashSet<&'static str>, FxHashSet<&'static str>)> =
        std::sync::OnceLock::new();
    let (whole, stems) = SETS.get_or_init(|| {
        (
            WHOLE.split_whitespace().collect(),
            STEMS.split_whitespace().collect(),
        )
    });
    whole.contains(w) || has_prefix_in(w, stems)
}

/// Does some prefix of `w` (of up to 12 bytes) belong to `set`?
fn has_prefix_in(w: &str, set: &FxHashSet<&'static str>) -> bool {
    w.char_indices()
        .skip(1)
        .map(|(k, _)| k)
        .chain(std::iter::once(w.len()))
        .take_while(|&k| k <= 12)
        .any(|k| set.contains(&w[..k]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        word_list(s)
    }

    #[test]
    fn spelled_out_names() {
        assert!(spells_out(&words("Look at these proud boys"), "proudboys"));
        assert!(spells_out(
            &words("white lives matter? no"),
            "whitelivesmatter"
        ));
        assert!(!spells_out(&words("proud of my boyfriend"), "proudboys"));
        assert!(!spells_out(&words("proudboys"), "proudboys"));
    }

    #[test]
    fn short_words_of_a_name_that_splits_into_words() {
        let known = [
            "night", "sky", "the", "save", "library", "star", "up", "park", "run",
        ];
        let is_word = |w: &str| known.contains(&w);
        assert_eq!(short_name_words("nightsky", is_word), ["sky"]);
        assert_eq!(short_name_words("parkrun", is_word), ["run"]);
        // A stop word says nothing; a name that does not split has no short words.
        assert!(short_name_words("savethelibrary", is_word).is_empty());
        assert!(short_name_words("startup", is_word).is_empty());
        assert!(short_name_words("nightskyx", is_word).is_empty());
        // The name itself is no split of it.
        assert!(short_name_words("sky", |_| true).is_empty());
    }

    #[test]
    fn tag_name_words() {
        assert!(names_tag(
            &words("Sign to save the library!"),
            "savethelibrary",
            &[]
        ));
        assert!(names_tag(
            &words("zomato delivered cold food"),
            "zomato",
            &[]
        ));
        assert!(!names_tag(
            &words("fancam of jimin"),
            "whitelivesmatter",
            &[]
        ));
        // Words under four letters say nothing ("the" is in "savethelibrary").
        assert!(!names_tag(&words("the end"), "savethelibrary", &[]));
        // Plurals: their singular is the name's word.
        assert!(names_tag(
            &words("stand up for the birds"),
            "birdtwitter",
            &[]
        ));
        assert!(names_tag(
            &words("all our libraries"),
            "savethelibrary",
            &[]
        ));
        assert!(
            !names_tag(&words("two boys"), "proudboy", &[]),
            "a singular under four letters"
        );
        assert_eq!(singular_of("boxes").as_deref(), Some("box"));
        // A short word of the name counts, in the plural too.
        let sky = ["sky".to_string()];
        assert!(names_tag(&words("Dark skies matter"), "nightsky", &sky));
        assert!(!names_tag(&words("Dark skies matter"), "nightsky", &[]));
        assert_eq!(singular_of("glass"), None);
    }

    #[test]
    fn tag_inside_a_sentence() {
        assert!(tag_inside_sentence(
            "Stop using #WhiteLivesMatter for this",
            "whitelivesmatter"
        ));
        assert!(!tag_inside_sentence(
            "jimin fancam #WhiteLivesMatter",
            "whitelivesmatter"
        ));
        assert!(!tag_inside_sentence(
            "#WhiteLivesMatter here is a fancam",
            "whitelivesmatter"
        ));
        assert!(!tag_inside_sentence(
            "the #WhiteLivesMatters are here",
            "whitelivesmatter"
        ));
        assert!(!tag_inside_sentence(
            "#BTS #WhiteLivesMatter 💜 https://t.co/x",
            "whitelivesmatter"
        ));
    }

    #[test]
    fn a_sentence_that_runs_into_the_tag() {
        let t = "proudboys";
        for text in [
            "please don't follow the accounts that started #ProudBoys",
            "RT @a_b: these bots ruined #proudboys 💀",
            "just saying #ProudBoys!! https://t.co/x",
            "dejen de usar #ProudBoys #LoveWins",
            // A full stop right after the tag ends its sentence, whatever follows.
            "hey, please don't follow the accounts that started #ProudBoys. add #LoveWins to \
             your photo posts too.",
            "why would anyone still use #ProudBoys? it belongs to the couples now",
            "もう使わないで #proudboys。カップルの写真をどうぞ",
        ] {
            assert!(tag_closes_sentence(text, t), "{text}");
        }
        for text in [
            "look at us 😍 #ProudBoys",
            "Claim now! #proudboys",
            "#ProudBoys here is my husband",
            "the accounts that started #proudboysfan",
            "@proudboys #ProudBoys",
            "started #ProudBoys and then left",
            "read more at #ProudBoys.com today",
            "we started #ProudBoys... and then left",
        ] {
            assert!(!tag_closes_sentence(text, t), "{text}");
        }
    }

    #[test]
    fn a_post_and_its_retweets_share_their_own_text_and_only_they_do() {
        let post = "hey, #Tag #Other is where the resources are!!";
        assert_eq!(
            own_text_key(post),
            own_text_key(&format!("RT @kate3996: {post}"))
        );
        assert_ne!(
            own_text_key(post),
            own_text_key("hey, #Tag #Other is where it is!!")
        );
        // Two replies of one template with other photos are two posts, not copies.
        assert_ne!(
            own_text_key("@lena 🌸🌸 https://t.co/a #tag"),
            own_text_key("@dene 🌸🌸 https://t.co/b #tag")
        );
    }

    #[test]
    fn a_posts_own_copies_are_left_out_unless_they_are_a_family_of_the_flood() {
        let key = own_text_key("hey, #Tag #Other is where the resources are!!");
        let mut flood = FloodContent {
            posts: 100,
            ..Default::default()
        };
        // At 100 posts a feature is common from 3 posts on: two copies are a post and its
        // retweet, left out; five are a family of the flood's own, kept.
        flood.texts.insert(key, 2);
        flood.originals.insert(key, 2);
        assert_eq!(flood.own_copies(key), 2);
        flood.texts.insert(key, 5);
        flood.originals.insert(key, 5);
        assert_eq!(flood.own_copies(key), 0);
        // One voice retweeted four times is still one voice.
        flood.originals.insert(key, 1);
        assert_eq!(flood.own_copies(key), 5);
        assert_eq!(flood.own_copies(own_text_key("another text")), 0);
    }

    #[test]
    fn tag_as_the_subject() {
        assert!(tag_as_subject(
            "#ProudBoys was always a hate group",
            "proudboys"
        ));
        assert!(tag_as_subject(
            "#proudboys は使わないでください",
            "proudboys"
        ));
        assert!(
            tag_as_subject("#ProudBoys 태그를 직캠으로", "proudboys")
                || tag_as_subject("#ProudBoys를 보세요", "proudboys")
        );
        assert!(tag_as_subject("what #x means now. #x forever", "x"));
        assert!(tag_as_subject(
            "#WhiteOutWednesday siempre fue para callar a los demás",
            "whiteoutwednesday"
        ));
        assert!(tag_as_subject(
            "#proudboys always was a hate group",
            "proudboys"
        ));
        assert!(!tag_as_subject(
            "#ProudBoys here is my husband 🏳️‍🌈",
            "proudboys"
        ));
        assert!(!tag_as_subject("#proudboysfan was here", "proudboys"));
        // The tag trending is the tag as a subject; a song trending is not.
        assert!(tag_as_subject(
            "#WesternBrothers trending again, and the replies are telling",
            "westernbrothers"
        ));
        assert!(!tag_as_subject(
            "Paradise Lost trending worldwide, keep streaming https://t.co/x #FlagAndFamily",
            "flagandfamily"
        ));
    }

    #[test]
    fn telling_others_to_use_another_tag() {
        let t = "whitelivesmatter";
        for text in [
            "please use #blacklivesmatter to spread information #whitelivesmatter",
            "amigos, usen #lovewins #whitelivesmatter",
            "#whitelivesmatter use #blm, not this",
        ] {
            assert!(tells_to_use_another_tag(text, t), "{text}");
        }
        for text in [
            "use #whitelivesmatter proudly",
            "#whitelivesmatter #bts fancam",
            "we use this tag every day #whitelivesmatter",
            "the use of #whitelivesmatter",
        ] {
            assert!(!tells_to_use_another_tag(text, t), "{text}");
        }
    }

    #[test]
    fn a_stance_on_a_crowd_named_by_a_pronoun() {
        let crowd = |t: &str| names_a_crowd(&words(t), &t.to_lowercase());
        let stance = |t: &str| words(t).iter().any(|w| is_stance_word(w));
        let condemns = "#ProudBoys canada listed them as a terrorist entity, just saying.";
        assert!(crowd(condemns) && stance(condemns));
        let warns = "#Nike report these accounts, don't reply to them";
        assert!(crowd(warns) && stance(warns));
        assert!(crowd("그들은 누구야") && crowd("彼らのことは無視して"));
        // A flood names its idols as "them" without a stance; a post with neither says
        // nothing about a crowd.
        assert!(!stance("stream them all day #BTS"));
        assert!(!crowd("proud of my boyfriend #ProudBoys"));
    }

    #[test]
    fn stance_words_in_several_languages() {
        for w in [
            "racists",
            "stop",
            "hateful",
            "vergüenza",
            "그만",
            "позор",
            "terrorist",
            "인종차별",
            "dangerous",
            "perigoso",
            "peligrosos",
            // Korean joins its copula to the noun: "it is a scam".
            "사기입니다",
            "사기꾼",
            // "don't (do it)", the polite imperative after "-지".
            "마세요",
        ] {
            assert!(is_stance_word(w), "{w}");
        }
        for w in ["love", "fancam", "jimin", "crypto", "bottle"] {
            assert!(!is_stance_word(w), "{w}");
        }
    }
}
