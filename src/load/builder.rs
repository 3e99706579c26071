//! Builds columns from parsed records. Each load chunk fills its own [`ChunkBuilder`] on a
//! rayon worker; the chunks are then merged in input order into one [`Dataset`].

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::load::Loaded;
use crate::load::report::{
    DUPLICATE_ID_RULE, DuplicateIds, LoadReport, MAX_DETAILED_REJECTIONS, RejectKind, Rejection,
    WarningSink,
};
use crate::load::slice::RowTest;
use crate::model::{
    Authors, Dataset, ID_NONE, IdStrings, Interner, ListColumn, Metrics, PostKind, RawSpan,
    SourceInfo, TextColumn,
};
use crate::text;

/// One post as a format parser produced it, before it goes into columns.
#[derive(Debug, Clone, Default)]
pub struct PostRecord<'a> {
    pub id: Cow<'a, str>,
    pub created_at: i64,
    pub naive_time: bool,
    pub author_id: Cow<'a, str>,
    pub handle: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub lang: Cow<'a, str>,
    pub kind: PostKind,
    pub ref_id: Cow<'a, str>,
    /// Hashtags as given by the source; `None` means "extract them from the text".
    pub hashtags: Option<Vec<Cow<'a, str>>>,
    pub mentions: Option<Vec<Cow<'a, str>>>,
    pub urls: Option<Vec<Cow<'a, str>>>,
    pub has_media: bool,
    pub metrics: Metrics,
    /// Where the post was made: a subreddit, a Telegram channel, a YouTube video, a page.
    pub community: Cow<'a, str>,
    pub line: u64,
    pub raw: Option<RawSpan>,
}

impl<'a> PostRecord<'a> {
    /// Post `i` of a loaded dataset as a record again (to put it into another dataset:
    /// a folder's, a slice's), borrowing its strings; `raw` is where it is in the source.
    pub fn of_post(ds: &'a Dataset, i: usize, raw: Option<RawSpan>) -> Self {
        let key = ds.authors.key(ds.author[i]);
        PostRecord {
            id: ds.id(i),
            created_at: ds.created_at[i],
            naive_time: false,
            author_id: Cow::Borrowed(if key.starts_with('@') { "" } else { key }),
            handle: Cow::Borrowed(ds.handle(i)),
            text: Cow::Borrowed(ds.text(i)),
            lang: Cow::Borrowed(ds.lang(i)),
            kind: ds.kind[i],
            ref_id: ds.ref_id(i),
            hashtags: Some(ds.hashtag_spellings(i).map(Cow::Borrowed).collect()),
            mentions: Some(ds.mentions(i).map(Cow::Borrowed).collect()),
            urls: Some(ds.urls(i).map(Cow::Borrowed).collect()),
            has_media: ds.has_media[i],
            metrics: ds.metrics(i),
            community: Cow::Borrowed(ds.community(i)),
            line: ds.line(i),
            raw,
        }
    }
}

/// Columns of one chunk, with chunk-local interners.
#[derive(Debug, Default)]
pub struct ChunkBuilder {
    pub ids: Vec<u64>,
    pub ref_ids: Vec<u64>,
    pub id_strings: IdStrings,
    pub created_at: Vec<i64>,
    pub author: Vec<u32>,
    pub authors: Authors,
    pub text: TextColumn,
    pub lang: Vec<u16>,
    pub langs: Interner,
    pub community: Vec<u32>,
    pub communities: Interner,
    pub kind: Vec<PostKind>,
    pub hashtags: ListColumn,
    pub hashtag_names: Interner,
    pub hashtag_spellings: ListColumn,
    pub hashtag_display: Interner,
    /// For each display spelling, its normalised index.
    display_to_norm: Vec<u32>,
    pub mentions: ListColumn,
    pub mention_names: Interner,
    pub urls: ListColumn,
    pub url_names: Interner,
    pub has_media: Vec<bool>,
    pub metrics: Vec<Metrics>,
    pub any_metrics: bool,
    pub lines: Vec<u32>,
    pub raw_start: Vec<u64>,
    pub raw_len: Vec<u32>,
    pub rows_in: u64,
    /// Rows of the source left out by a slice (counted in `rows_in`).
    pub outside_slice: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    pub rejected_by_kind: FxHashMap<RejectKind, u64>,
    pub rejected_rows: Vec<(u64, RawSpan)>,
    pub warnings: WarningSink,
    pub naive_timestamps: u64,
    /// The slice being loaded: a post outside it is counted in `outside_slice`, not
    /// stored (`None` stores every post).
    pub slice: Option<std::sync::Arc<RowTest>>,
    scratch_a: Vec<u32>,
    scratch_b: Vec<u32>,
}

impl ChunkBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder sized for about `posts` posts of `text_bytes` text.
    pub fn with_capacity(posts: usize, text_bytes: usize) -> Self {
        let mut b = Self::default();
        b.ids.reserve(posts);
        b.ref_ids.reserve(posts);
        b.created_at.reserve(posts);
        b.author.reserve(posts);
        b.lang.reserve(posts);
        b.kind.reserve(posts);
        b.has_media.reserve(posts);
        b.metrics.reserve(posts);
        b.lines.reserve(posts);
        b.text = TextColumn::with_capacity(posts, text_bytes);
        b
    }

    pub fn len(&self) -> usize {
        self.created_at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.created_at.is_empty()
    }

    /// A builder for the rows of one reader, which stores only the posts of `slice`.
    pub fn for_slice(slice: Option<std::sync::Arc<RowTest>>) -> Self {
        Self {
            slice,
            ..Self::default()
        }
    }

    /// Adds a post, or counts it as outside the slice. The caller has already counted the
    /// row in `rows_in`.
    pub fn push(&mut self, rec: PostRecord<'_>) {
        if self
            .slice
            .as_ref()
            .is_some_and(|s| !s.admits_time(rec.created_at))
        {
            self.outside_slice += 1;
            return;
        }
        // Hashtags first: the slice may keep the post only for one of them.
        if !self.push_hashtags_in_slice(&rec) {
            self.outside_slice += 1;
            return;
        }
        let id = self.id_strings.encode(&rec.id);
        self.ids.push(id);
        let r = self.id_strings.encode(&rec.ref_id);
        self.ref_ids.push(r);
        self.created_at.push(rec.created_at);
        if rec.naive_time {
            self.naive_timestamps += 1;
        }
        self.push_author_lang_community(&rec);
        self.kind.push(rec.kind);
        self.push_mentions(&rec);
        self.push_urls(&rec);
        self.text.push(&rec.text);
        self.has_media.push(rec.has_media);
        if !rec.metrics.is_empty() {
            self.any_metrics = true;
        }
        self.metrics.push(rec.metrics);
        self.lines.push(rec.line.min(u32::MAX as u64) as u32);
        if let Some(raw) = rec.raw {
            self.raw_start.push(raw.start);
            self.raw_len.push(raw.len);
        }
    }

    /// Pushes the post's hashtags if the slice keeps it (for one of them, or as a repost
    /// that takes its original's); whether it does.
    #[inline]
    fn push_hashtags_in_slice(&mut self, rec: &PostRecord<'_>) -> bool {
        let (norm, spell) = self.hashtags_of(rec);
        let in_slice = self.slice.as_ref().is_none_or(|s| {
            let empty_repost = rec.kind == PostKind::Retweet
                && rec.text.is_empty()
                && !text::fast_trim(&rec.ref_id).is_empty();
            let names = &self.hashtag_names;
            s.admits_tags(norm.iter().map(|&n| names.resolve(n)), empty_repost)
        });
        if in_slice {
            self.hashtags.push(norm.iter().copied());
            self.hashtag_spellings.push(spell.iter().copied());
        }
        self.scratch_a = norm;
        self.scratch_b = spell;
        in_slice
    }

    #[inline]
    fn push_author_lang_community(&mut self, rec: &PostRecord<'_>) {
        let handle = text::fast_trim(&rec.handle).trim_start_matches('@');
        let a = self.authors.intern(text::fast_trim(&rec.author_id), handle);
        self.author.push(a);
        let lang = text::fast_trim(&rec.lang);
        // Runs of posts share a language: try the previous one before hashing.
        let l = match self.lang.last() {
            Some(&prev) if self.langs.resolve(prev as u32) == lang => prev as u32,
            _ => self.langs.intern(lang),
        };
        self.lang.push(l.min(u16::MAX as u32) as u16);
        let community = text::fast_trim(&rec.community);
        let c = match self.community.last() {
            Some(&prev) if self.communities.resolve(prev) == community => prev,
            _ => self.communities.intern(community),
        };
        self.community.push(c);
    }

    /// The post's mentions, given or found in its text, lower-cased, each once.
    #[inline]
    fn push_mentions(&mut self, rec: &PostRecord<'_>) {
        let mut ms = std::mem::take(&mut self.scratch_a);
        ms.clear();
        let mut add_mention = |b: &mut Self, m: &str| {
            let m = text::fast_trim(m).trim_start_matches('@');
            if !m.is_empty() {
                let i = if m.bytes().all(|c| c.is_ascii() && !c.is_ascii_uppercase()) {
                    b.mention_names.intern(m)
                } else {
                    b.mention_names.intern(&m.to_lowercase())
                };
                if !ms.contains(&i) {
                    ms.push(i);
                }
            }
        };
        match &rec.mentions {
            Some(list) => list.iter().for_each(|m| add_mention(self, m)),
            None => text::for_each_mention(&rec.text, |m| add_mention(self, m)),
        }
        self.mentions.push(ms.iter().copied());
        self.scratch_a = ms;
    }

    /// The post's links, given or found in its text, each once.
    #[inline]
    fn push_urls(&mut self, rec: &PostRecord<'_>) {
        let mut us = std::mem::take(&mut self.scratch_a);
        us.clear();
        let mut add_url = |b: &mut Self, u: &str| {
            let u = text::fast_trim(u);
            if !u.is_empty() {
                let i = b.url_names.intern(u);
                if !us.contains(&i) {
                    us.push(i);
                }
            }
        };
        match &rec.urls {
            Some(list) => list.iter().for_each(|u| add_url(self, u)),
            None => text::for_each_url(&rec.text, |u| add_url(self, u)),
        }
        self.urls.push(us.iter().copied());
        self.scratch_a = us;
    }

    /// A post's hashtags, given or found in its text: their normalised names and their
    /// spellings, interned, each tag once (the vectors are the builder's scratch space).
    fn hashtags_of(&mut self, rec: &PostRecord<'_>) -> (Vec<u32>, Vec<u32>) {
        let mut norm = std::mem::take(&mut self.scratch_a);
        let mut spell = std::mem::take(&mut self.scratch_b);
        norm.clear();
        spell.clear();
        let mut add_tag = |b: &mut Self, t: &str| {
            // A source's hashtag value may carry punctuation (`Zomato.`, `.`): strip it.
            let t = text::fast_trim(t)
                .trim_start_matches(['#', '＃'])
                .trim_matches(|c: char| {
                    (c.is_ascii_punctuation() && c != '_')
                        || "。、…«»“”‘’！？，：；「」『』".contains(c)
                        || c.is_whitespace()
                });
            if t.is_empty() {
                return;
            }
            let before = b.hashtag_display.len();
            let d = b.hashtag_display.intern(t);
            if b.hashtag_display.len() > before {
                let n = b.hashtag_names.intern(&text::normalize_hashtag(t));
                b.display_to_norm.push(n);
            }
            let n = b.display_to_norm[d as usize];
            if !norm.contains(&n) {
                norm.push(n);
                spell.push(d);
            }
        };
        match &rec.hashtags {
            Some(tags) => {
                for t in tags {
                    add_tag(self, t);
                }
            }
            None => text::for_each_hashtag(&rec.text, |t| add_tag(self, t)),
        }
        (norm, spell)
    }

    /// Counts a record that is not a post (a like, a follow, a service message): rejected
    /// as [`RejectKind::NotAPost`] and tallied by `what` in a warning, so the report says
    /// how many of each there were. The caller has already counted the row in `rows_in`.
    pub fn not_post(&mut self, line: u64, what: &str) {
        self.reject(
            line,
            None,
            RejectKind::NotAPost,
            format!("{what}, not a post"),
            None,
        );
        let code = format!("not_posts: {what}");
        self.warnings.add(
            &code,
            || format!("records that are not posts, counted and not loaded: {what}"),
            line,
        );
    }

    /// Counts a rejected row. `raw` is the row's span in a delimited source.
    pub fn reject(
        &mut self,
        line: u64,
        column: Option<&str>,
        kind: RejectKind,
        reason: String,
        raw: Option<RawSpan>,
    ) {
        self.rejected += 1;
        *self.rejected_by_kind.entry(kind).or_default() += 1;
        if self.rejections.len() < MAX_DETAILED_REJECTIONS {
            self.rejections.push(Rejection {
                file: None,
                line,
                column: column.map(str::to_string),
                kind,
                reason,
            });
        }
        if let Some(raw) = raw {
            self.rejected_rows.push((line, raw));
        }
    }
}

/// Quotes a value for a message, shortened to `max` characters.
pub fn quote_value(v: &str, max: usize) -> String {
    let short: String = v.chars().take(max).collect();
    if short.len() < v.len() {
        format!("{:?}…", short)
    } else {
        format!("{short:?}")
    }
}

fn remap_interner(global: &mut Interner, local: &Interner) -> Vec<u32> {
    local.iter().map(|s| global.intern(s)).collect()
}

/// Accumulates chunks, in input order, into the columns of a dataset. Chunks are appended
/// as soon as they are parsed, so their chunk-local interners are freed early.
pub struct DatasetBuilder {
    ds: Dataset,
    pub report: LoadReport,
    warnings: WarningSink,
    rejected_by_kind: FxHashMap<RejectKind, u64>,
    any_metrics: bool,
}

impl DatasetBuilder {
    pub fn new(report: LoadReport) -> Self {
        let mut ds = Dataset {
            source: SourceInfo {
                path: Default::default(),
                format: report.format,
                file_bytes: 0,
                fingerprint: String::new(),
                columns: Vec::new(),
                delimiter: None,
                compression: String::new(),
                encoding: String::new(),
                header_span: None,
                line_ending: "\n".into(),
            },
            ids: Vec::new(),
            ref_ids: Vec::new(),
            id_strings: IdStrings::default(),
            created_at: Vec::new(),
            author: Vec::new(),
            authors: Authors::default(),
            text: TextColumn::new(),
            lang: Vec::new(),
            langs: Interner::new(),
            community: Vec::new(),
            communities: Interner::new(),
            kind: Vec::new(),
            hashtags: ListColumn::new(),
            hashtag_names: Interner::new(),
            hashtag_spellings: ListColumn::new(),
            hashtag_display: Interner::new(),
            mentions: ListColumn::new(),
            mention_names: Interner::new(),
            urls: ListColumn::new(),
            url_names: Interner::new(),
            has_media: Vec::new(),
            metrics: Vec::new(),
            lines: Vec::new(),
            raw_start: Vec::new(),
            raw_len: Vec::new(),
            id_occurrence: Vec::new(),
            files: Vec::new(),
            file_of: Vec::new(),
            time_order: Default::default(),
        };
        // The empty language is index 0 so "no language" is cheap to test.
        ds.langs.intern("");
        ds.communities.intern("");
        DatasetBuilder {
            ds,
            report,
            warnings: WarningSink::default(),
            rejected_by_kind: FxHashMap::default(),
            any_metrics: false,
        }
    }

    /// Reserves room for about `posts` more posts.
    pub fn reserve(&mut self, posts: usize) {
        let d = &mut self.ds;
        d.ids.reserve(posts);
        d.ref_ids.reserve(posts);
        d.created_at.reserve(posts);
        d.author.reserve(posts);
        d.lang.reserve(posts);
        d.kind.reserve(posts);
        d.has_media.reserve(posts);
        d.lines.reserve(posts);
    }

    pub fn append(&mut self, mut c: ChunkBuilder) {
        let report = &mut self.report;
        report.rows_in += c.rows_in;
        report.outside_slice += c.outside_slice;
        report.rejected += c.rejected;
        report.naive_timestamps += c.naive_timestamps;
        for r in c.rejections.drain(..) {
            if report.rejections.len() < MAX_DETAILED_REJECTIONS {
                report.rejections.push(r);
            }
        }
        for (k, n) in c.rejected_by_kind.drain() {
            *self.rejected_by_kind.entry(k).or_default() += n;
        }
        report.rejected_rows.append(&mut c.rejected_rows);
        self.warnings.merge(std::mem::take(&mut c.warnings));
        let ds = &mut self.ds;
        let before = ds.len();
        let base = ds.id_strings.append(std::mem::take(&mut c.id_strings));
        ds.ids
            .extend(c.ids.iter().map(|&i| IdStrings::rebase(i, base)));
        ds.ref_ids
            .extend(c.ref_ids.iter().map(|&i| IdStrings::rebase(i, base)));
        ds.created_at.extend_from_slice(&c.created_at);

        let author_map: Vec<u32> = (0..c.authors.len() as u32)
            .map(|a| {
                ds.authors.intern(
                    if c.authors.key(a).starts_with('@') {
                        ""
                    } else {
                        c.authors.key(a)
                    },
                    c.authors.handles.resolve(c.authors.handle_of[a as usize]),
                )
            })
            .collect();
        ds.author
            .extend(c.author.iter().map(|&a| author_map[a as usize]));

        let lang_map = remap_interner(&mut ds.langs, &c.langs);
        ds.lang.extend(
            c.lang
                .iter()
                .map(|&l| lang_map[l as usize].min(u16::MAX as u32) as u16),
        );
        let community_map = remap_interner(&mut ds.communities, &c.communities);
        ds.community
            .extend(c.community.iter().map(|&x| community_map[x as usize]));
        ds.kind.extend_from_slice(&c.kind);

        let tag_map = remap_interner(&mut ds.hashtag_names, &c.hashtag_names);
        ds.hashtags.append_mapped(&c.hashtags, &tag_map);
        let spell_map = remap_interner(&mut ds.hashtag_display, &c.hashtag_display);
        ds.hashtag_spellings
            .append_mapped(&c.hashtag_spellings, &spell_map);
        let m_map = remap_interner(&mut ds.mention_names, &c.mention_names);
        ds.mentions.append_mapped(&c.mentions, &m_map);
        let u_map = remap_interner(&mut ds.url_names, &c.url_names);
        ds.urls.append_mapped(&c.urls, &u_map);

        ds.text.append(std::mem::take(&mut c.text));
        ds.has_media.extend_from_slice(&c.has_media);
        // Metrics are stored only once some post has them.
        if c.any_metrics && !self.any_metrics {
            self.any_metrics = true;
            ds.metrics.resize(before, Metrics::default());
        }
        if self.any_metrics {
            ds.metrics.extend_from_slice(&c.metrics);
        }
        ds.lines.extend_from_slice(&c.lines);
        ds.raw_start.extend_from_slice(&c.raw_start);
        ds.raw_len.extend_from_slice(&c.raw_len);
    }

    pub fn finish(self, source: SourceInfo) -> Loaded {
        let DatasetBuilder {
            mut ds,
            mut report,
            mut warnings,
            rejected_by_kind,
            ..
        } = self;
        ds.source = source;
        report.rejected_by_kind = rejected_by_kind
            .into_iter()
            .map(|(k, n)| (k.name().to_string(), n))
            .collect();
        report.rejections.sort_by_key(|r| r.line);
        report.rejected_rows.sort_by_key(|r| r.0);
        report.loaded = ds.len() as u64;
        let t = std::time::Instant::now();
        crate::load::reposts::inherit_repost_content(&mut ds, &mut warnings);
        let t_reposts = t.elapsed().as_secs_f64();
        check_dataset(&mut ds, &mut warnings, &mut report);
        if std::env::var_os("DERAIL_DEBUG").is_some() {
            eprintln!(
                "[debug] reposts {t_reposts:.3}s, checks {:.3}s",
                t.elapsed().as_secs_f64() - t_reposts
            );
        }
        report.warnings = warnings.into_vec();
        ds.hashtags.shrink_to_fit();
        ds.hashtag_spellings.shrink_to_fit();
        ds.mentions.shrink_to_fit();
        ds.urls.shrink_to_fit();
        ds.text.shrink_to_fit();
        ds.ids.shrink_to_fit();
        ds.ref_ids.shrink_to_fit();
        ds.created_at.shrink_to_fit();
        ds.author.shrink_to_fit();
        ds.lang.shrink_to_fit();
        ds.kind.shrink_to_fit();
        ds.has_media.shrink_to_fit();
        ds.metrics.shrink_to_fit();
        ds.lines.shrink_to_fit();
        ds.raw_start.shrink_to_fit();
        ds.raw_len.shrink_to_fit();
        Loaded {
            dataset: ds,
            report,
        }
    }
}

/// Merges chunks (in input order) into a dataset and runs the whole-dataset checks.
pub fn merge_chunks(chunks: Vec<ChunkBuilder>, source: SourceInfo, report: LoadReport) -> Loaded {
    let mut b = DatasetBuilder::new(report);
    b.reserve(chunks.iter().map(|c| c.len()).sum());
    for c in chunks {
        b.append(c);
    }
    b.finish(source)
}

/// Whole-dataset checks: duplicate ids (and the occurrence numbering of the duplicate-id
/// rule), ids rounded through floats or written in scientific notation, timestamps shared
/// by many posts, implausible times.
fn check_dataset(ds: &mut Dataset, warnings: &mut WarningSink, report: &mut LoadReport) {
    report.duplicate_ids = check_duplicate_ids(ds, warnings);
    check_float_rounded_ids(ds, warnings);
    check_scientific_ids(ds, warnings);
    check_same_second(ds, warnings);
    check_implausible_times(ds, warnings);
}

/// Duplicate ids: (key, row) pairs sorted in parallel; runs of equal keys are repeats,
/// numbered in row order (`Dataset::id_occurrence`).
fn check_duplicate_ids(ds: &mut Dataset, warnings: &mut WarningSink) -> DuplicateIds {
    use rayon::prelude::*;
    let n = ds.len();
    let mut keyed: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .with_min_len(8192)
        .filter(|&i| ds.ids[i] != ID_NONE)
        .map(|i| {
            let code = ds.ids[i];
            let key = if IdStrings::is_string(code) {
                xxhash_rust::xxh3::xxh3_64(ds.id_strings.decode(code).as_bytes()) | (1 << 63)
            } else {
                code
            };
            (key, i as u32)
        })
        .collect();
    keyed.par_sort_unstable();
    let mut occurrence: Vec<u32> = Vec::new();
    let mut dup = DuplicateIds {
        rule: DUPLICATE_ID_RULE.to_string(),
        ..Default::default()
    };
    let mut repeats: Vec<(usize, usize)> = Vec::new(); // (row, first row of its id)
    let mut k = 0;
    while k < keyed.len() {
        let mut e = k + 1;
        while e < keyed.len() && keyed[e].0 == keyed[k].0 {
            e += 1;
        }
        if e - k > 1 {
            if occurrence.is_empty() {
                occurrence = vec![0u32; n];
            }
            dup.ids_repeated += 1;
            if dup.examples.len() < 10 {
                dup.examples.push(ds.id(keyed[k].1 as usize).into_owned());
            }
            let first = keyed[k].1 as usize;
            for (occ, &(_, row)) in keyed[k..e].iter().enumerate() {
                occurrence[row as usize] = occ as u32;
                if occ > 0 {
                    repeats.push((row as usize, first));
                }
            }
        }
        k = e;
    }
    drop(keyed);
    repeats.sort_unstable();
    for &(i, first) in &repeats {
        dup.extra_rows += 1;
        if ds.created_at[i] == ds.created_at[first]
            && ds.author[i] == ds.author[first]
            && ds.text(i) == ds.text(first)
        {
            dup.identical_rows += 1;
        }
        warnings.add(
            "duplicate_ids",
            || format!("post ids occur more than once; rule: {DUPLICATE_ID_RULE}"),
            ds.line(i),
        );
    }
    if dup.extra_rows > 0 {
        ds.id_occurrence = occurrence;
    }
    dup
}

/// Ids rounded through a float: long numeric ids that mostly end in 000.
fn check_float_rounded_ids(ds: &Dataset, warnings: &mut WarningSink) {
    let long: Vec<u64> = ds
        .ids
        .iter()
        .copied()
        .filter(|&c| !IdStrings::is_string(c) && c != ID_NONE && c >= 1_000_000_000_000_000)
        .collect();
    if long.len() >= 20 {
        let round = long.iter().filter(|&&c| c % 1000 == 0).count();
        if round * 10 >= long.len() * 9 {
            let example = long.iter().find(|&&c| c % 1000 == 0).copied().unwrap_or(0);
            warnings.add(
                "float_rounded_ids",
                || format!(
                    "{round} of {} post ids end in 000 (e.g. {example}): they were rounded through a \
                     floating-point number (a spreadsheet?) and are not the real ids; duplicates among \
                     them are collisions of different posts",
                    long.len()
                ),
                0,
            );
            if let Some(w) = warnings.get_mut("float_rounded_ids") {
                w.count = round as u64;
            }
        }
    }
}

/// Ids a spreadsheet wrote in scientific notation (5.70306E+17), their digits lost.
fn check_scientific_ids(ds: &Dataset, warnings: &mut WarningSink) {
    let n = ds.len();
    let sci = (0..n)
        .filter(|&i| IdStrings::is_string(ds.ids[i]))
        .filter(|&i| {
            let s = ds.id(i);
            s.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && s.contains(['e', 'E'])
                && s.replace(['e', 'E', '.', '+', '-'], "")
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        })
        .take(1)
        .count();
    if sci > 0 {
        for i in 0..n {
            let s = ds.id(i);
            if s.contains(['E', 'e']) && s.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                warnings.add(
                    "scientific_notation_ids",
                    || "post ids written in scientific notation (e.g. 5.70306E+17) lost their digits in a spreadsheet; they are kept as text".into(),
                    ds.line(i),
                );
            }
        }
    }
}

/// Many posts in the same second: coarse or collection-time timestamps.
fn check_same_second(ds: &Dataset, warnings: &mut WarningSink) {
    use rayon::prelude::*;
    let n = ds.len();
    if n >= 20 {
        let mut secs: Vec<i64> = ds
            .created_at
            .par_iter()
            .map(|t| t.div_euclid(1000))
            .collect();
        secs.par_sort_unstable();
        let (mut best_sec, mut best) = (0i64, 0usize);
        let mut k = 0;
        while k < secs.len() {
            let mut e = k + 1;
            while e < secs.len() && secs[e] == secs[k] {
                e += 1;
            }
            if e - k > best {
                best = e - k;
                best_sec = secs[k];
            }
            k = e;
        }
        let (sec, count) = (best_sec, best);
        if count >= 20 && count * 4 >= n {
            let iso = crate::time::format_iso(sec * 1000);
            warnings.add(
                "same_second",
                || {
                    format!(
                        "{count} of {n} posts share the timestamp {iso}: the source has coarse or \
                     collection-time timestamps, so bursts within that second cannot be resolved"
                    )
                },
                0,
            );
            if let Some(w) = warnings.get_mut("same_second") {
                w.count = count as u64;
            }
        }
    }
}

/// Implausible times: before 2006 (before Twitter) or more than a day in the future.
fn check_implausible_times(ds: &Dataset, warnings: &mut WarningSink) {
    use rayon::prelude::*;
    let n = ds.len();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(i64::MAX);
    let odd: Vec<usize> = (0..n)
        .into_par_iter()
        .with_min_len(8192)
        .filter(|&i| {
            let t = ds.created_at[i];
            t < 1_136_073_600_000 || t > now_ms.saturating_add(86_400_000)
        })
        .collect();
    for i in odd {
        let iso = crate::time::format_iso(ds.created_at[i]);
        warnings.add(
            "implausible_time",
            || format!("timestamps before 2006 or in the future (e.g. {iso}); kept as given"),
            ds.line(i),
        );
    }
}
