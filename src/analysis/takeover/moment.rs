//! A wave turned into a moment, or a reason why it is none.
//!
//! The wave's region (its bins, the bin before, and as far after as its end is weighed) is
//! judged post by post ([`region::judge_region`]); the onset, peak and end follow the
//! pooled flags ([`wave::refine`]); the wave is a takeover only if it is big and long
//! enough and its newcomers do not speak of the tag's own subject ([`check_wave`]); then
//! its end is followed as far as it may wait for the flood ([`followed_further`]), and the
//! moment is described and its posts marked.

use super::bins::{TagPosts, end_gap};
use super::evidence::{Baseline, Evidence, FloodContent, Judge};
use super::region::{self, JudgedRegion};
use super::{
    DetectorInput, HOUR, MIN, PostVerdict, TakeoverConfig, TakeoverMoment, describe, wave,
};

/// What every wave of one hashtag is judged with.
pub(super) struct TagContext<'w> {
    pub inp: &'w DetectorInput<'w>,
    pub judge: &'w Judge<'w>,
    pub tp: &'w TagPosts<'w>,
    pub cfg: &'w TakeoverConfig,
    pub tag_index: u32,
    pub display: &'w str,
}

/// Why a wave is no takeover.
pub(super) struct Rejected {
    pub why: String,
    /// Decided on evidence that cannot tell it from a takeover (one message passed around:
    /// a campaign, or bots posting one text); `why` says what to check.
    pub guess: bool,
}

impl From<String> for Rejected {
    fn from(why: String) -> Rejected {
        Rejected { why, guess: false }
    }
}

/// A wave that passed every check.
pub(super) struct Found {
    pub moment: TakeoverMoment,
    /// The wave's takeover content, for marking the flood's tail once the moment is kept.
    flood: FloodContent,
    pub marked: Vec<u32>,
    pub newcomers: Vec<u32>,
    pub counter_speech: Vec<u32>,
    pub verdicts: Vec<PostVerdict>,
    pub familiarity: Vec<(u32, f32)>,
}

/// Turns a wave (the bins from `wave_start` to `wave_end`) into a moment, or says why it
/// is not one.
pub(super) fn finalize(
    cx: &TagContext,
    base: &Baseline,
    (wave_start, wave_end): (i64, i64),
) -> Result<Found, Rejected> {
    let (judge, tp) = (cx.judge, cx.tp);
    let w = tp.w;
    let from = wave_start - w;
    // The region is judged against the baseline as it was before the region began.
    let base = &*base.before(from, judge.src, judge.own);
    // Past the wave's last bin by as much as its end is weighed over ([`wave::refine`]).
    let to = wave_end + w.max(wave::FLOOD_RATE_HALF_WIDTH_MS);
    let first = judge_stretch(cx, base, (from, to), (wave_start, wave_end));
    let window = first.window();
    let judged_posts = window.posts_where(&first.judged.first_judged);
    let passed = check_wave(cx, base, &window, &first.judged, &judged_posts)?;
    let stretch = match followed_further(cx, base, &first, (wave_start, wave_end)) {
        Some(longer) => longer,
        None => first,
    };
    let window = stretch.window();
    let moment = describe_moment(
        cx,
        base,
        &window,
        &stretch.judged,
        passed,
        wave_start,
        (stretch.from, stretch.to),
    );
    Ok(collect_marks(
        judge,
        base,
        stretch.region,
        moment,
        stretch.judged,
    ))
}

/// A stretch of a tag's posts judged post by post, with the wave's times in it.
struct Stretch<'t> {
    region: &'t [u32],
    rt: &'t [i64],
    /// The stretch's span: its posts are those of the tag from `from` up to `to`.
    from: i64,
    to: i64,
    judged: JudgedRegion,
    times: wave::WaveTimes,
}

impl Stretch<'_> {
    fn window(&self) -> Window<'_> {
        Window::new(self.region, self.rt, &self.times)
    }
}

/// Judges the tag's posts from `from` to `to` and finds the wave's onset, peak and end in
/// them.
fn judge_stretch<'t>(
    cx: &TagContext<'t>,
    base: &Baseline,
    (from, to): (i64, i64),
    (wave_start, wave_end): (i64, i64),
) -> Stretch<'t> {
    let (judge, tp, cfg) = (cx.judge, cx.tp, cx.cfg);
    let range = tp.span(from, to);
    let region = &tp.posts[range.clone()];
    let rt = &tp.times[range];
    let judged = region::judge_region(judge, base, region, cfg.foreign_below);
    let r = ((cfg.refine_minutes * MIN as f64) as i64).clamp(MIN, tp.w.max(MIN));
    let counter_speech: Vec<bool> = judged
        .ev
        .iter()
        .map(|e| e.counter_speech.is_some())
        .collect();
    let mut times = wave::refine(
        rt,
        &judged.takeover,
        (wave_start, wave_end),
        r,
        cfg.share_threshold,
        usual_traffic(base, &counter_speech),
    );
    times.onset_ms = flood_onset(cx, base, (region, rt), &judged, &times);
    if judge.debug {
        trace_region(judge, &judged, (wave_start, wave_end), &times, region, rt);
    }
    Stretch {
        region,
        rt,
        from,
        to,
        judged,
        times,
    }
}

/// How much more a takeover post before the onset must look like the flood than like the
/// tag to be plainly the flood's, and so reach back over a longer gap to the flood's
/// arrival ([`wave::PLAIN_ARRIVAL_GAP_MS`]). Stray takeover posts found before derail's
/// onsets on the held-out worlds looked like the flood at 0.25 to 0.59, the flood's own
/// first posts at 0.50 to 1.00 above their familiarity (986436b).
const PLAINLY_THE_FLOODS: f32 = 0.75;

/// The onset of a wave refined from its flags (`times`): moved back over the flood's first
/// posts ([`wave::arrival`]), then, on a busy tag, forward to where the flood's rate passes
/// the tag's usual pace ([`wave::rise_to_pace`]).
fn flood_onset(
    cx: &TagContext,
    base: &Baseline,
    (region, rt): (&[u32], &[i64]),
    judged: &JudgedRegion,
    times: &wave::WaveTimes,
) -> i64 {
    let mut buf = Vec::new();
    let arrival_reach = |j: usize| {
        if !judged.takeover[j] {
            return 0;
        }
        let like = cx.judge.flood_likeness(&judged.flood, region[j], &mut buf);
        let contrast = like - judged.ev[j].familiarity;
        if contrast >= PLAINLY_THE_FLOODS {
            wave::PLAIN_ARRIVAL_GAP_MS
        } else if contrast > 0.0 {
            wave::ARRIVAL_GAP_MS
        } else {
            0
        }
    };
    let arrived = wave::arrival(rt, arrival_reach, times.onset_ms);
    match usual_rate(base) {
        Some(rate) => {
            let threshold = cx.cfg.share_threshold;
            let risen = wave::rise_to_pace(rt, &judged.takeover, arrived, rate, threshold);
            risen.min(times.peak_ms)
        }
        None => arrived,
    }
}

/// The tag's usual traffic where its baseline spans a whole day (see [`usual_rate`]);
/// `counter_speech` flags the region's posts.
fn usual_traffic<'a>(
    base: &Baseline,
    counter_speech: &'a [bool],
) -> Option<wave::UsualTraffic<'a>> {
    usual_rate(base).map(|rate| wave::UsualTraffic {
        rate,
        counter_speech,
    })
}

/// The tag's posts per millisecond over its baseline, where that spans a whole day: an
/// average over fewer hours is the rate of the hours it happened to cover.
fn usual_rate(base: &Baseline) -> Option<f64> {
    let span = base.last_ms - base.first_ms;
    (span >= 24 * HOUR).then(|| base.n as f64 / span as f64)
}

/// Whether a wave is a takeover is decided on its region; how long it runs is followed as
/// far as its end may wait for the flood to come back ([`wave::END_PATIENCE_MS`]), since
/// posts not judged cannot move the end. The longer stretch is taken where it has more
/// posts, finds the same onset and a later end.
fn followed_further<'t>(
    cx: &TagContext<'t>,
    base: &Baseline,
    first: &Stretch<'t>,
    wave: (i64, i64),
) -> Option<Stretch<'t>> {
    let to = first.to + wave::END_PATIENCE_MS;
    if cx.tp.span(first.from, to).len() == first.region.len() {
        return None;
    }
    let longer = judge_stretch(cx, base, (first.from, to), wave);
    (longer.times.onset_ms == first.times.onset_ms && longer.times.end_ms > first.times.end_ms)
        .then_some(longer)
}

/// The posts of a region between a moment's onset and end.
struct Window<'r> {
    region: &'r [u32],
    /// Positions in the region.
    in_window: Vec<usize>,
    times: &'r wave::WaveTimes,
}

impl<'r> Window<'r> {
    fn new(region: &'r [u32], rt: &[i64], times: &'r wave::WaveTimes) -> Window<'r> {
        let in_window = (0..region.len())
            .filter(|&j| rt[j] >= times.onset_ms && rt[j] <= times.end_ms)
            .collect();
        Window {
            region,
            in_window,
            times,
        }
    }

    /// Posts in the window (at least one, to divide by).
    fn total(&self) -> usize {
        self.in_window.len().max(1)
    }

    /// The posts of the window whose region flag is set.
    fn posts_where(&self, flags: &[bool]) -> Vec<u32> {
        self.in_window
            .iter()
            .filter(|&&j| flags[j])
            .map(|&j| self.region[j])
            .collect()
    }

    /// How many posts of the window have evidence `pred`.
    fn count_where(&self, ev: &[Evidence], pred: impl Fn(&Evidence) -> bool) -> usize {
        self.in_window.iter().filter(|&&j| pred(&ev[j])).count()
    }

    fn duration(&self) -> i64 {
        self.times.end_ms - self.times.onset_ms
    }
}

/// The distinct authors of `posts`, sorted.
fn authors_of(inp: &DetectorInput, posts: &[u32]) -> Vec<u32> {
    let mut a: Vec<u32> = posts.iter().map(|&i| inp.ds.author[i as usize]).collect();
    a.sort_unstable();
    a.dedup();
    a
}

/// The tag's own crowd in a wave's window: how many of its authors posted content like
/// the newcomers' themselves (foreign to the baseline, like the flood, and no comment on
/// the tag), and how many posted at all.
fn regulars_taking_up(cx: &TagContext, window: &Window, judged: &JudgedRegion) -> (usize, usize) {
    let fb = cx.cfg.foreign_below;
    let mut active = rustc_hash::FxHashSet::default();
    let mut joined = rustc_hash::FxHashSet::default();
    let mut buf = Vec::new();
    for &j in &window.in_window {
        let e = &judged.ev[j];
        if e.newcomer {
            continue;
        }
        let i = window.region[j];
        let a = cx.inp.ds.author[i as usize];
        active.insert(a);
        if e.foreign(fb)
            && !cx.judge.text_signals(i).is_commentary()
            && cx.judge.flood_likeness(&judged.flood, i, &mut buf) >= 0.5
        {
            joined.insert(a);
        }
    }
    (joined.len(), active.len())
}

/// The share of `posts` that are copies of at most `k` messages: in the `k` largest
/// near-duplicate families of posts whose text has words (a post in none is a family of
/// its own; a post without words is in none of the `k`).
fn share_in_largest_messages(inp: &DetectorInput, posts: &[u32], k: usize) -> f32 {
    let mut families: rustc_hash::FxHashMap<u32, usize> = Default::default();
    let mut alone = 0;
    for &i in posts {
        if !inp.rep_has_words[inp.features.rep_of[i as usize] as usize] {
            continue;
        }
        match inp.features.dup_group[i as usize] {
            u32::MAX => alone += 1,
            g => *families.entry(g).or_default() += 1,
        }
    }
    let mut sizes: Vec<usize> = families.into_values().collect();
    sizes.extend(std::iter::repeat_n(1, alone));
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let in_largest: usize = sizes.iter().take(k).sum();
    in_largest as f32 / posts.len().max(1) as f32
}

/// The share of `posts` tagged by a spam lexicon (a tagger whose name starts with "spam",
/// as the built-in `spam_crypto`): one text posted by bots is a takeover, however alike its
/// posts.
fn spam_share(inp: &DetectorInput, posts: &[u32]) -> f32 {
    describe::lexicon_shares(inp, posts)
        .into_iter()
        .filter(|(name, _)| name.starts_with("spam"))
        .map(|(_, share)| share)
        .fold(0.0, f32::max)
}

/// What a wave passed its checks with.
struct Passed {
    /// The authors of the posts judged takeover against the baseline alone.
    judged_authors: Vec<u32>,
    topic_similarity: f32,
    on_topic_share: f32,
}

/// Is the wave a takeover at all? Decided on the posts foreign to the baseline alone
/// (`judged_posts`): it must be big and long enough, its newcomers must not speak of the
/// tag's own subject (a campaign or a surge of interest), and the tag's own crowd must not
/// have taken up what they post (a surge of interest). `Err` says why it is not.
fn check_wave(
    cx: &TagContext,
    base: &Baseline,
    window: &Window,
    judged: &JudgedRegion,
    judged_posts: &[u32],
) -> Result<Passed, Rejected> {
    let (judge, cfg) = (cx.judge, cx.cfg);
    let judged_authors = authors_of(cx.inp, judged_posts);
    let duration = window.duration();
    let when = crate::time::format_iso(window.times.onset_ms);
    if judged_posts.len() < cfg.min_takeover_posts
        || judged_authors.len() < cfg.min_takeover_authors
        || (duration as f64) < cfg.min_wave_minutes * MIN as f64
    {
        return Err(format!(
            "a shift from {when} was too small or brief ({} takeover posts by {} authors over {:.0} minutes)",
            judged_posts.len(),
            judged_authors.len(),
            duration as f64 / MIN as f64
        )
        .into());
    }
    let mut left_out: Vec<u32> = judge
        .name_words
        .iter()
        .map(|&id| judge.src.hash_of(id))
        .collect();
    left_out.push(crate::analysis::tokens::token_hash(&format!(
        "#{}",
        judge.tag
    )));
    let topic_similarity = describe::topic_similarity(cx.inp, base, judged_posts, &left_out);
    if topic_similarity >= cfg.max_topic_similarity {
        return Err(format!(
            "a surge of newcomers from {when} spoke of the tag's own subject in their own words (their vocabulary is {topic_similarity:.2} alike to its baseline's): a campaign or a surge of interest, not a takeover"
        )
        .into());
    }
    let on_topic_share = describe::share_of(judged_posts, |i| judge.on_topic(i));
    if on_topic_share >= cfg.on_topic_share {
        return Err(format!(
            "a surge of newcomers from {when} spoke of the tag's own subject ({:.0}% of their posts use the words of its name): a campaign or a surge of interest, not a takeover",
            on_topic_share * 100.0
        )
        .into());
    }
    let (joined, active) = regulars_taking_up(cx, window, judged);
    if joined >= cfg.min_regulars_joining
        && joined as f32 >= cfg.regulars_joining_share * active as f32
    {
        return Err(format!(
            "the tag's own crowd took up what its newcomers from {when} posted ({joined} of the {active} authors of its baseline who posted then posted the like): a surge of interest, not a takeover"
        )
        .into());
    }
    let in_few = share_in_largest_messages(cx.inp, judged_posts, cfg.one_message_families);
    if in_few >= cfg.one_message_share && spam_share(cx.inp, judged_posts) < 0.5 {
        return Err(Rejected {
            why: format!(
                "its newcomers from {when} passed one message around ({:.0}% of their posts are copies of at most {} messages): most likely a campaign, not a takeover (a spam run posting one text outside derail's spam lexicons would look the same: read its posts)",
                in_few * 100.0,
                cfg.one_message_families
            ),
            guess: true,
        });
    }
    Ok(Passed {
        judged_authors,
        topic_similarity,
        on_topic_share,
    })
}

/// The moment of a wave that passed its checks: its window, shares and description.
/// `marked` is the stretch whose takeover posts are marked (the judged region).
fn describe_moment(
    cx: &TagContext,
    base: &Baseline,
    window: &Window,
    judged: &JudgedRegion,
    passed: Passed,
    wave_start: i64,
    (marked_from_ms, marked_to_ms): (i64, i64),
) -> TakeoverMoment {
    let (inp, cfg, w) = (cx.inp, cx.cfg, cx.tp.w);
    let ev = &judged.ev;
    let tc_posts = window.posts_where(&judged.takeover);
    let tc_authors = authors_of(inp, &tc_posts);
    let total = window.total();
    let duration = window.duration();
    // Measured (and judged) once every tag is assessed: see `crowd::drop_own_crowd`.
    let crowd = describe::Crowd {
        baseline: describe::sample_distinct(base.authors().collect(), 3000),
        newcomers: describe::sample_distinct(passed.judged_authors, 3000),
        before: wave_start,
    };
    let share = tc_posts.len() as f32 / total as f32;
    let newcomer_share = window.count_where(ev, |e| e.newcomer) as f32 / total as f32;
    let base_hours =
        ((base.last_ms - base.first_ms) as f64 / HOUR as f64).max(w as f64 / HOUR as f64);
    let base_rate = base.n as f64 / base_hours;
    let win_rate = total as f64 / (duration as f64 / HOUR as f64).max(w as f64 / HOUR as f64 / 4.0);
    let burst_factor = (win_rate / base_rate.max(1e-9)) as f32;
    let near_duplicate_share = describe::share_of(&tc_posts, |i| {
        inp.features.dup_group[i as usize] != u32::MAX
    });
    let coordinated_share = describe::share_of(&tc_posts, |i| inp.coordinated[i as usize]);
    let lexicons = describe::lexicon_shares(inp, &tc_posts);
    let lex_max = lexicons.first().map(|l| l.1).unwrap_or(0.0);
    let score = describe::score(&describe::ScoreInputs {
        share,
        threshold: cfg.share_threshold,
        newcomer_share,
        takeover_posts: tc_posts.len(),
        burst_factor,
        uniformity: near_duplicate_share.max(coordinated_share).max(lex_max),
    });
    TakeoverMoment {
        hashtag: cx.judge.tag.to_string(),
        display: cx.display.to_string(),
        hashtag_index: cx.tag_index,
        onset_ms: window.times.onset_ms,
        peak_ms: window.times.peak_ms,
        end_ms: window.times.end_ms,
        share,
        newcomer_share,
        burst_factor,
        score,
        clusters: describe::cluster_shares(inp, &tc_posts),
        terms: Vec::new(),
        term_hashes: describe::top_terms(inp, base, &tc_posts, cx.judge.tag),
        posts: total as u32,
        takeover_posts: tc_posts.len() as u32,
        takeover_authors: tc_authors.len() as u32,
        counter_speech_posts: window.count_where(ev, |e| e.counter_speech.is_some()) as u32,
        baseline_posts: base.n,
        baseline_authors: base.authors().count() as u32,
        baseline_from_ms: base.first_ms,
        baseline_to_ms: base.last_ms,
        near_duplicate_share,
        coordinated_share,
        lexicons,
        bin_ms: w,
        crowd_similarity: 0.0,
        crowd,
        on_topic_share: passed.on_topic_share,
        topic_similarity: passed.topic_similarity,
        marked_from_ms,
        marked_to_ms,
    }
}

/// The moment with its marks: over the whole region, the ramp before the onset included,
/// its takeover posts, newcomers and counter-speech, each marked post with its evidence.
fn collect_marks(
    judge: &Judge,
    base: &Baseline,
    region: &[u32],
    moment: TakeoverMoment,
    judged: JudgedRegion,
) -> Found {
    let mut found = Found {
        moment,
        flood: FloodContent::default(),
        marked: Vec::new(),
        newcomers: Vec::new(),
        counter_speech: Vec::new(),
        verdicts: Vec::new(),
        familiarity: Vec::new(),
    };
    let mut buf = Vec::new();
    for ((&i, e), &takeover) in region.iter().zip(&judged.ev).zip(&judged.takeover) {
        if e.newcomer {
            found.newcomers.push(i);
            if e.counter_speech.is_none() {
                found.familiarity.push((i, e.familiarity));
            }
        }
        if takeover {
            found.marked.push(i);
        } else if e.counter_speech.is_some() {
            found.counter_speech.push(i);
        } else {
            continue;
        }
        found.verdicts.push(PostVerdict {
            post: i,
            moment: 0,
            familiarity: e.familiarity,
            taken_nearby: e.taken_nearby,
            counter_speech: e.counter_speech,
            foreign: judge.most_foreign(base, Some(&judged.flood), i, &mut buf),
        });
    }
    found.flood = judged.flood;
    found
}

/// Prints a judged region post by post (`DERAIL_DEBUG_TAG`): its wave, where the moment
/// starts and ends, and each post's mark, familiarity and likeness to the flood.
fn trace_region(
    judge: &Judge,
    judged: &JudgedRegion,
    (wave_start, wave_end): (i64, i64),
    times: &wave::WaveTimes,
    region: &[u32],
    rt: &[i64],
) {
    let ds = judge.src.ds;
    let iso = crate::time::format_iso;
    eprintln!(
        "[debug] finalize wave {} .. {} region {} posts; onset {} end {}",
        iso(wave_start),
        iso(wave_end),
        region.len(),
        iso(times.onset_ms),
        iso(times.end_ms)
    );
    let mut buf = Vec::new();
    for (j, (&i, &t)) in region.iter().zip(rt).enumerate() {
        let text: String = ds.text(i as usize).chars().take(70).collect();
        eprintln!(
            "[debug]   {} {} fam {:.2} like {:.2} id {} | {text}",
            iso(t),
            if judged.takeover[j] { "T" } else { "." },
            judged.ev[j].familiarity,
            judge.flood_likeness(&judged.flood, i, &mut buf),
            ds.id(i as usize)
        );
    }
}

/// The flood goes on after its wave ends, a few posts an hour, no longer the majority: those
/// posts are still the flood's. From the end of the judged region, each takeover post that
/// looks like the flood itself (at least half of what it carries is common among the
/// wave's takeover posts) is marked, until [`end_gap`] passes without one. The moment's
/// window and figures do not change.
pub(super) fn mark_flood_tail(
    judge: &Judge,
    base: &Baseline,
    tp: &TagPosts,
    foreign_below: f32,
    found: &mut Found,
) {
    // The tail begins where the judged region ended, at its `marked_to_ms`.
    let tail_from = tp
        .span(found.moment.marked_from_ms, found.moment.marked_to_ms)
        .end;
    let flood = std::mem::take(&mut found.flood);
    let flood = &flood;
    let gap = end_gap(tp.w);
    let mut last = found.moment.marked_to_ms;
    let mut buf = Vec::new();
    for (&i, &t) in tp.posts[tail_from..].iter().zip(&tp.times[tail_from..]) {
        if t - last > gap {
            break;
        }
        let e = judge.evidence_beside(base, Some(flood), i, 0.0, &mut buf);
        // Looking like the flood, it is no counter-speech in its own words either (see
        // `is_free_counter_speech`).
        if !e.is_takeover(foreign_below)
            || judge.flood_likeness_beside_name(flood, i, &mut buf) < 0.5
        {
            continue;
        }
        last = t;
        found.marked.push(i);
        found.newcomers.push(i);
        found.familiarity.push((i, e.familiarity));
        found.verdicts.push(PostVerdict {
            post: i,
            moment: 0,
            familiarity: e.familiarity,
            taken_nearby: e.taken_nearby,
            counter_speech: None,
            foreign: judge.most_foreign(base, Some(flood), i, &mut buf),
        });
    }
    found.moment.marked_to_ms = found.moment.marked_to_ms.max(last + 1);
}
