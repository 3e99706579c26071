//! One hashtag assessed: its bins walked in time order.
//!
//! Bins that are not part of a wave feed the baseline (one bin late, so a wave's ramp is
//! not taken for normal use). A bin whose takeover share exceeds the threshold opens a
//! wave, judged against the baseline as it was; so does a run of bins where takeover posts
//! are common (at least half the threshold) whose posts, pooled and judged beside the
//! flood they carry, exceed it ([`Walk::suspect_run_tips`]). The wave closes once no bin
//! has been above the threshold for [`end_gap`], and is turned into a moment or a reason
//! why it is none ([`finalize`]). A wave that opens soon after the last one closed may be
//! the same flood after a dip, so the last moment is held until the next wave shows which.

use super::bins::{
    TagPosts, absorb, bin_flags, bin_share, bin_width, end_gap, is_suspect, share_of_flags,
};
use super::evidence::{Baseline, Judge};
use super::moment::{Found, Rejected, TagContext, finalize, mark_flood_tail};
use super::wave;
use super::{DetectorInput, HOUR, HashtagAssessment, HashtagOutcome, TakeoverConfig};

/// Assesses one hashtag. `posts` are the tag's posts sorted by time.
pub fn assess_hashtag(
    inp: &DetectorInput,
    tag_index: u32,
    display: &str,
    posts: &[u32],
    cfg: &TakeoverConfig,
) -> HashtagOutcome {
    let ds = inp.ds;
    let tag = ds.hashtag_names.resolve(tag_index).to_string();
    let times: Vec<i64> = posts.iter().map(|&i| ds.created_at[i as usize]).collect();
    let w = bin_width(&times, cfg);
    let mut outcome = HashtagOutcome::new(&tag, display, posts.len(), w);
    if posts.len() < cfg.min_tag_posts {
        outcome.assessment.status = "not assessed".into();
        outcome.assessment.reason = format!(
            "{} posts, fewer than the {} needed",
            posts.len(),
            cfg.min_tag_posts
        );
        return outcome;
    }
    let tp = TagPosts::new(posts, times, w);
    let own_hash = crate::analysis::tokens::token_hash(&format!("#{tag}"));
    let short_name_words = super::evidence::short_name_words(&tag, |w| {
        crate::analysis::tokens::is_stop_word(w)
            || inp.features.id_of(crate::analysis::tokens::token_hash(w)) != u32::MAX
    });
    let judge = Judge {
        src: &inp.features,
        corpus_posts: ds.len() as f32,
        own: inp.features.id_of(own_hash),
        tag: &tag,
        name_words: super::evidence::name_word_features(&inp.features, &tag, &short_name_words),
        short_name_words,
        foreign_below: cfg.foreign_below,
        rep_has_words: inp.rep_has_words,
        memo: Default::default(),
        debug: std::env::var("DERAIL_DEBUG_TAG").is_ok_and(|t| t == tag),
    };
    let cx = TagContext {
        inp,
        judge: &judge,
        tp: &tp,
        cfg,
        tag_index,
        display,
    };
    let mut walk = Walk {
        cx: &cx,
        outcome,
        base: Baseline::default(),
        wave: None,
        eligible_seen: false,
        rejected_waves: Vec::new(),
        guessed: false,
        pending: None,
        suspect_from: None,
        suspect_judged: 0,
        held: None,
        buf: Vec::new(),
    };
    walk.run();
    walk.finish()
}

impl HashtagOutcome {
    /// The outcome of a tag before anything is found: no takeover, nothing marked.
    pub(super) fn new(tag: &str, display: &str, posts: usize, bin_ms: i64) -> HashtagOutcome {
        HashtagOutcome {
            assessment: HashtagAssessment {
                tag: tag.to_string(),
                display: display.to_string(),
                posts: posts as u32,
                status: "no takeover".into(),
                reason: String::new(),
                bin_ms,
                max_share: 0.0,
                moments: 0,
                guess: false,
            },
            moments: Vec::new(),
            takeover_posts: Vec::new(),
            newcomer_posts: Vec::new(),
            counter_speech_posts: Vec::new(),
            verdicts: Vec::new(),
            familiarity: Vec::new(),
        }
    }
}

/// The state of the walk over one tag's bins.
struct Walk<'w> {
    cx: &'w TagContext<'w>,
    outcome: HashtagOutcome,
    base: Baseline,
    /// The open wave: its first bin and its last bin above the threshold.
    wave: Option<(usize, usize)>,
    /// Has any bin been judged (the tag had a baseline to judge it against)?
    eligible_seen: bool,
    /// Why each wave that was not a takeover was not.
    rejected_waves: Vec<String>,
    /// A wave was rejected on evidence that cannot tell it from a takeover.
    guessed: bool,
    /// The last bin outside a wave, with the flags it was judged with: it joins the
    /// baseline once the next bin shows it was not a wave's ramp.
    pending: Option<(usize, Option<Vec<bool>>)>,
    /// The first of the bins just judged in which takeover posts were common (at least
    /// half the threshold) without being the majority: a flood that hovers near half for
    /// hours before one bin tips over began there, not in that bin.
    suspect_from: Option<usize>,
    /// Posts in the suspect run when it was last judged pooled ([`Walk::suspect_run_tips`]).
    suspect_judged: usize,
    /// The last wave's moment, kept until the next wave shows whether the flood went on.
    held: Option<((i64, i64), Found)>,
    buf: Vec<u32>,
}

impl Walk<'_> {
    fn run(&mut self) {
        let tp = self.cx.tp;
        let gap = end_gap(tp.w);
        let mut k = 0;
        while k < tp.bins.len() {
            match self.wave {
                // Bin `k` is not looked at yet: once the wave is closed, it is judged as
                // a bin outside any wave.
                Some((b0, last)) if tp.bins[k].0 - (tp.bins[last].0 + tp.w) >= gap => {
                    self.close_wave(b0, last)
                }
                Some((b0, _)) => {
                    self.judge_wave_bin(b0, k);
                    k += 1;
                }
                None => {
                    self.judge_quiet_bin(k);
                    k += 1;
                }
            }
        }
        if let Some((b0, last)) = self.wave {
            self.close_wave(b0, last);
        }
        if let Some((_, kept)) = self.held.take() {
            self.keep(kept);
        }
    }

    /// The outcome, with the tag's status and the reason for it.
    fn finish(self) -> HashtagOutcome {
        let mut outcome = self.outcome;
        outcome.assessment.moments = outcome.moments.len() as u32;
        outcome.assessment.reason = verdict_reason(
            &outcome,
            self.eligible_seen,
            &self.rejected_waves,
            self.cx.cfg,
            self.cx.tp,
        );
        if !outcome.moments.is_empty() {
            outcome.assessment.status = "takeover".into();
        } else if !self.eligible_seen {
            outcome.assessment.status = "not assessed".into();
        } else {
            outcome.assessment.guess = self.guessed;
        }
        outcome
    }

    /// Bin `k` inside the wave that opened at bin `b0`: above the threshold, it extends
    /// the wave. It never joins the baseline.
    fn judge_wave_bin(&mut self, b0: usize, k: usize) {
        let window = self.cx.tp.bin(k);
        if window.len() >= self.cx.cfg.min_bin_posts {
            let share = bin_share(self.cx.judge, &self.base, window, &mut self.buf);
            self.note_share(share);
            if share > self.cx.cfg.share_threshold {
                self.wave = Some((b0, k));
            }
        }
    }

    /// Bin `k` outside any wave: judged once the tag has a baseline, it opens a wave above
    /// the threshold; otherwise it joins the baseline one bin late.
    fn judge_quiet_bin(&mut self, k: usize) {
        let (cx, tp) = (self.cx, self.cx.tp);
        let cfg = cx.cfg;
        let window = tp.bin(k);
        let eligible = self.base.n as usize >= cfg.min_baseline_posts
            && (tp.bins[k].0 - self.base.first_ms) as f64 >= cfg.min_baseline_hours * HOUR as f64;
        let mut flags = None;
        if eligible && window.len() >= cfg.min_bin_posts {
            self.eligible_seen = true;
            let f = bin_flags(cx.judge, &self.base, window, &mut self.buf);
            let share = share_of_flags(&f);
            self.note_share(share);
            if share > cfg.share_threshold {
                // The suspect bins just before are where its ramp may have begun; the
                // refinement of its onset decides from the posts. The bin pending is the
                // ramp, not the tag's normal use: it never joins the baseline.
                self.open_wave(self.suspect_from.unwrap_or(k), k);
                return;
            }
            if is_suspect(share, cfg.share_threshold) {
                let from = *self.suspect_from.get_or_insert(k);
                if self.suspect_run_tips(from, k, None) {
                    self.open_wave(from, k);
                    return;
                }
            } else if let Some((from, judged)) = self.end_suspect_run()
                && from < k
                && self.suspect_run_tips(from, k - 1, Some(judged))
            {
                // The run that just ended was a wave. Bin `k`, under the threshold, is its
                // first bin after it: it extends nothing and, inside the wave, never joins
                // the baseline.
                self.open_wave(from, k - 1);
                return;
            }
            flags = Some(f);
        } else {
            self.end_suspect_run();
        }
        // Newcomers are only meaningful once the tag has a baseline to be new to.
        if eligible {
            let ds = cx.inp.ds;
            for &i in window {
                if !self.base.knows_author(ds.author[i as usize]) {
                    self.outcome.newcomer_posts.push(i);
                }
            }
        }
        // A judged bin joins the baseline one bin late: if the next bin opens a wave, this
        // one was its ramp and must not count as the tag's normal use.
        // The flags it was judged with (one bin earlier) decide what is held out.
        if let Some((p, judged)) = self.pending.replace((k, flags)) {
            absorb(
                cx.judge,
                &mut self.base,
                tp.bin(p),
                judged,
                eligible,
                cfg.share_threshold,
                &mut self.buf,
            );
        }
    }

    /// Opens a wave from bin `from` to bin `k`. The bin pending is its ramp, not the tag's
    /// normal use: it never joins the baseline.
    fn open_wave(&mut self, from: usize, k: usize) {
        self.wave = Some((from, k));
        self.end_suspect_run();
        self.pending = None;
    }

    /// Forgets the run of suspect bins, returning its first bin and its posts when it was
    /// last judged pooled.
    fn end_suspect_run(&mut self) -> Option<(usize, usize)> {
        let judged = std::mem::take(&mut self.suspect_judged);
        self.suspect_from.take().map(|from| (from, judged))
    }

    /// Do the suspect bins from `from` to `k`, pooled and judged beside the flood they
    /// carry, hold more takeover posts than the threshold, all of them or their densest
    /// stretch of a takeover's worth of posts ([`densest_stretch`])? A flood that hovers
    /// just under half in every bin on the baseline's evidence alone (it reuses the tag's
    /// own words) is judged as a wave's region would be. While it goes on, the run is
    /// judged again only once it has grown by a quarter, so a tag that stays suspect for
    /// days costs little; once it has ended (`ended`: the posts it had when last judged),
    /// it is judged whole if it grew at all.
    fn suspect_run_tips(&mut self, from: usize, k: usize, ended: Option<usize>) -> bool {
        let (cx, tp) = (self.cx, self.cx.tp);
        let (judge, cfg) = (cx.judge, cx.cfg);
        let start = tp.bins[from].0;
        let range = tp.span(start, tp.bins[k].0 + tp.w);
        let n = range.len();
        let grown = match ended {
            Some(judged) => n > judged,
            None => 4 * n >= 5 * self.suspect_judged,
        };
        if n < 2 * cfg.min_takeover_posts || !grown {
            return false;
        }
        if ended.is_none() {
            self.suspect_judged = n;
        }
        // Judged as a wave's region would be (see `finalize`): from the bin before the
        // run, against the baseline as it was before that bin. The flood's first posts,
        // in the bin before, must not make its first authors and words the tag's own.
        let lead = tp.span(start - tp.w, start).len();
        let base = self.base.before(start - tp.w, judge.src, judge.own);
        let region = &tp.posts[range.start - lead..range.end];
        let judged = super::region::judge_region(judge, &base, region, cfg.foreign_below);
        if !judged.flood.learned() {
            return false;
        }
        let share = share_of_flags(&judged.takeover[lead..]);
        if judge.debug {
            eprintln!(
                "[debug] suspect run from bin {from} to {k}: {n} posts, pooled share {share:.2} first {:.2} flood {}",
                share_of_flags(&judged.first_judged[lead..]),
                judged.flood.posts
            );
        }
        let densest = densest_stretch(&judged.takeover[lead..], cfg);
        let share = share.max(densest.unwrap_or(0.0));
        self.note_share(share);
        share > cfg.share_threshold
    }

    fn note_share(&mut self, share: f32) {
        let max = &mut self.outcome.assessment.max_share;
        *max = max.max(share);
    }

    /// Closes the wave from bin `b0` to bin `last`: its moment is held (joined with the
    /// moment held before, where the two are one flood), or the reason it is none noted.
    fn close_wave(&mut self, b0: usize, last: usize) {
        let tp = self.cx.tp;
        let wave_bins = (tp.bins[b0].0, tp.bins[last].0 + tp.w);
        let found = finalize(self.cx, &self.base, wave_bins);
        let previous = self.held.take();
        let joined = previous
            .as_ref()
            .and_then(|(before, kept)| self.join(*before, kept, wave_bins, &found));
        self.held = match joined {
            Some(one) => Some(one),
            None => {
                if let Some((_, kept)) = previous {
                    self.keep(kept);
                }
                match found {
                    Ok(found) => Some((wave_bins, found)),
                    Err(rejected) => {
                        self.rejected_waves.push(rejected.why);
                        self.guessed |= rejected.guess;
                        None
                    }
                }
            }
        };
        self.wave = None;
    }

    /// A wave that opens soon after the previous one (`before`, its moment `kept`) closed
    /// may be the same flood after a dip: judged as one, it is one if its run of largest
    /// excess spans both (the dip costs less than either side leaves behind).
    fn join(
        &self,
        before: (i64, i64),
        kept: &Found,
        wave_bins: (i64, i64),
        found: &Result<Found, Rejected>,
    ) -> Option<((i64, i64), Found)> {
        // It closed once `end_gap` passed without a bin above the threshold; a wave
        // opening within as long again may be its continuation.
        if wave_bins.0 - before.1 > 2 * end_gap(self.cx.tp.w) {
            return None;
        }
        let both = (before.0, wave_bins.1);
        let joined = finalize(self.cx, &self.base, both).ok()?;
        let second_from = found.as_ref().map_or(wave_bins.0, |f| f.moment.onset_ms);
        (joined.moment.onset_ms <= kept.moment.end_ms && joined.moment.end_ms >= second_from)
            .then_some((both, joined))
    }

    /// Adds a found moment and its posts to the outcome. The flood's tail after the
    /// moment's region is marked here, once the moment is kept: a moment held and then
    /// joined with the next wave never needs it. The tail is judged against the baseline
    /// as it was before the region began, as the region itself was.
    fn keep(&mut self, mut found: Found) {
        let judge = self.cx.judge;
        let base = &*self
            .base
            .before(found.moment.marked_from_ms, judge.src, judge.own);
        mark_flood_tail(
            judge,
            base,
            self.cx.tp,
            self.cx.cfg.foreign_below,
            &mut found,
        );
        let outcome = &mut self.outcome;
        let index = outcome.moments.len() as u32;
        outcome.takeover_posts.extend(&found.marked);
        outcome.newcomer_posts.extend(found.newcomers);
        outcome.counter_speech_posts.extend(&found.counter_speech);
        outcome.familiarity.extend(&found.familiarity);
        outcome
            .verdicts
            .extend(found.verdicts.into_iter().map(|mut v| {
                v.moment = index;
                v
            }));
        outcome.moments.push(found.moment);
    }
}

/// The sentence that says why a tag got its status.
fn verdict_reason(
    outcome: &HashtagOutcome,
    eligible_seen: bool,
    rejected_waves: &[String],
    cfg: &TakeoverConfig,
    tp: &TagPosts,
) -> String {
    let max_share = outcome.assessment.max_share;
    if let Some(m) = outcome
        .moments
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))
    {
        return format!(
            "{:.0}% of its posts from {} came from authors new to the tag with content foreign to its baseline",
            m.share * 100.0,
            crate::time::format_iso(m.onset_ms)
        );
    }
    if !eligible_seen {
        let n = tp.times.len();
        return format!(
            "no window could be judged: a window needs a baseline of at least {} earlier posts spanning {} hours, and {} posts of its own ({} posts over {:.1} hours)",
            cfg.min_baseline_posts,
            cfg.min_baseline_hours,
            cfg.min_bin_posts,
            n,
            (tp.times[n - 1] - tp.times[0]) as f64 / HOUR as f64
        );
    }
    if !rejected_waves.is_empty() {
        return format!(
            "{} (highest share {:.0}%)",
            rejected_waves.join("; "),
            max_share * 100.0
        );
    }
    format!(
        "newcomers with foreign content never became the majority (highest share {:.0}%)",
        max_share * 100.0
    )
}

/// The share of takeover posts in the stretch of a suspect run where they most exceed the
/// threshold (see [`wave::max_excess_run`]), if that stretch holds at least
/// `min_takeover_posts` of them: a flood of a few dozen posts on a quiet tag is binned by
/// the tag's own volume, in bins of half a day, and the hours before and after it dilute
/// it under half however plainly it held the tag while it lasted.
fn densest_stretch(takeover: &[bool], cfg: &TakeoverConfig) -> Option<f32> {
    let (first, last) = wave::max_excess_run(takeover, cfg.share_threshold)?;
    let stretch = &takeover[first..=last];
    let posts = stretch.iter().filter(|&&t| t).count();
    (posts >= cfg.min_takeover_posts).then(|| share_of_flags(stretch))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `before` posts of the tag's own, then a flood where `flood` of every `of` posts are
    /// takeover posts for `len` posts, then `after` of the tag's own.
    fn run(before: usize, (flood, of, len): (usize, usize, usize), after: usize) -> Vec<bool> {
        let mut flags = vec![false; before];
        flags.extend((0..len).map(|k| k % of < flood));
        flags.extend(std::iter::repeat_n(false, after));
        flags
    }

    #[test]
    fn a_small_flood_diluted_by_its_bins_is_seen_where_it_held_the_tag() {
        let cfg = TakeoverConfig::default();
        // 40 takeover posts in 60 (two in three), among 50 of the tag's own posts: pooled,
        // 40 in 110; while it lasted, two in three.
        let flags = run(25, (2, 3, 60), 25);
        assert!(share_of_flags(&flags) < 0.5);
        let share = densest_stretch(&flags, &cfg).expect("40 takeover posts");
        assert!(share > 0.6, "{share}");
    }

    #[test]
    fn a_stretch_of_too_few_takeover_posts_tips_nothing() {
        let cfg = TakeoverConfig::default();
        // Twenty takeover posts in thirty: a majority, but fewer than a takeover needs.
        assert_eq!(densest_stretch(&run(40, (2, 3, 30), 40), &cfg), None);
        // Takeover posts at one in three: no stretch past the threshold at all.
        assert_eq!(densest_stretch(&run(0, (1, 3, 300), 0), &cfg), None);
    }
}
