//! Builds columns from parsed records. Each load chunk fills its own [`ChunkBuilder`] on a
//! rayon worker; the chunks are then merged in input order into one [`Dataset`].

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::load::report::{
    DUPLICATE_ID_RULE, DuplicateIds, LoadReport, MAX_DETAILED_REJECTIONS, RejectKind, Rejection,
    WarningSink,
};
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
    pub line: u64,
    pub raw: Option<RawSpan>,
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
    pub lines: Vec<u64>,
    pub raw: Vec<RawSpan>,
    pub rows_in: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    pub rejected_by_kind: FxHashMap<RejectKind, u64>,
    pub rejected_rows: Vec<(u64, RawSpan)>,
    pub warnings: WarningSink,
    pub naive_timestamps: u64,
}

impl ChunkBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.created_at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.created_at.is_empty()
    }

    /// Adds a post. The caller has already counted the row in `rows_in`.
    pub fn push(&mut self, rec: PostRecord<'_>) {
        let id = self.id_strings.encode(&rec.id);
        self.ids.push(id);
        let r = self.id_strings.encode(&rec.ref_id);
        self.ref_ids.push(r);
        self.created_at.push(rec.created_at);
        if rec.naive_time {
            self.naive_timestamps += 1;
        }
        let handle = rec.handle.trim().trim_start_matches('@');
        let a = self.authors.intern(rec.author_id.trim(), handle);
        self.author.push(a);

        let lang = rec.lang.trim();
        let l = self.langs.intern(lang);
        self.lang.push(l.min(u16::MAX as u32) as u16);
        self.kind.push(rec.kind);

        // Hashtags: given, or found in the text.
        let mut norm = Vec::new();
        let mut spell = Vec::new();
        let mut add_tag = |b: &mut Self, t: &str| {
            let t = t.trim().trim_start_matches(['#', '＃']);
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
            None => {
                for t in text::extract_hashtags(&rec.text) {
                    add_tag(self, t);
                }
            }
        }
        self.hashtags.push(norm);
        self.hashtag_spellings.push(spell);

        let mut ms = Vec::new();
        let mut add_mention = |b: &mut Self, m: &str| {
            let m = m.trim().trim_start_matches('@');
            if !m.is_empty() {
                let i = b.mention_names.intern(&m.to_lowercase());
                if !ms.contains(&i) {
                    ms.push(i);
                }
            }
        };
        match &rec.mentions {
            Some(list) => list.iter().for_each(|m| add_mention(self, m)),
            None => text::extract_mentions(&rec.text)
                .into_iter()
                .for_each(|m| add_mention(self, m)),
        }
        self.mentions.push(ms);

        let mut us = Vec::new();
        let mut add_url = |b: &mut Self, u: &str| {
            let u = u.trim();
            if !u.is_empty() {
                let i = b.url_names.intern(u);
                if !us.contains(&i) {
                    us.push(i);
                }
            }
        };
        match &rec.urls {
            Some(list) => list.iter().for_each(|u| add_url(self, u)),
            None => text::extract_urls(&rec.text)
                .into_iter()
                .for_each(|u| add_url(self, u)),
        }
        self.urls.push(us);

        self.text.push(&rec.text);
        self.has_media.push(rec.has_media);
        if !rec.metrics.is_empty() {
            self.any_metrics = true;
        }
        self.metrics.push(rec.metrics);
        self.lines.push(rec.line);
        if let Some(raw) = rec.raw {
            self.raw.push(raw);
        }
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

/// Merges chunks (in input order) into a dataset and runs the whole-dataset checks.
pub fn merge_chunks(chunks: Vec<ChunkBuilder>, source: SourceInfo, mut report: LoadReport) -> Dataset {
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let mut ds = Dataset {
        source,
        report: LoadReport::new("", crate::model::Format::Csv),
        ids: Vec::with_capacity(total),
        ref_ids: Vec::with_capacity(total),
        id_strings: IdStrings::default(),
        created_at: Vec::with_capacity(total),
        author: Vec::with_capacity(total),
        authors: Authors::default(),
        text: TextColumn::new(),
        lang: Vec::with_capacity(total),
        langs: Interner::new(),
        kind: Vec::with_capacity(total),
        hashtags: ListColumn::new(),
        hashtag_names: Interner::new(),
        hashtag_spellings: ListColumn::new(),
        hashtag_display: Interner::new(),
        mentions: ListColumn::new(),
        mention_names: Interner::new(),
        urls: ListColumn::new(),
        url_names: Interner::new(),
        has_media: Vec::with_capacity(total),
        metrics: Vec::new(),
        lines: Vec::with_capacity(total),
        raw: Vec::new(),
        id_occurrence: Vec::new(),
    };
    // The empty language is index 0 so "no language" is cheap to test.
    ds.langs.intern("");
    let any_metrics = chunks.iter().any(|c| c.any_metrics);
    if any_metrics {
        ds.metrics.reserve_exact(total);
    }
    let any_raw = chunks.iter().any(|c| !c.raw.is_empty());
    if any_raw {
        ds.raw.reserve_exact(total);
    }
    let mut warnings = WarningSink::default();
    let mut rejected_by_kind: FxHashMap<RejectKind, u64> = FxHashMap::default();
    for mut c in chunks {
        report.rows_in += c.rows_in;
        report.rejected += c.rejected;
        report.naive_timestamps += c.naive_timestamps;
        for r in c.rejections.drain(..) {
            if report.rejections.len() < MAX_DETAILED_REJECTIONS {
                report.rejections.push(r);
            }
        }
        for (k, n) in c.rejected_by_kind.drain() {
            *rejected_by_kind.entry(k).or_default() += n;
        }
        report.rejected_rows.append(&mut c.rejected_rows);
        warnings.merge(std::mem::take(&mut c.warnings));

        let base = ds.id_strings.append(std::mem::take(&mut c.id_strings));
        ds.ids.extend(c.ids.iter().map(|&i| IdStrings::rebase(i, base)));
        ds.ref_ids.extend(c.ref_ids.iter().map(|&i| IdStrings::rebase(i, base)));
        ds.created_at.extend_from_slice(&c.created_at);

        let author_map: Vec<u32> = (0..c.authors.len() as u32)
            .map(|a| ds.authors.intern(
                if c.authors.key(a).starts_with('@') { "" } else { c.authors.key(a) },
                c.authors.handles.resolve(c.authors.handle_of[a as usize]),
            ))
            .collect();
        ds.author.extend(c.author.iter().map(|&a| author_map[a as usize]));

        let lang_map = remap_interner(&mut ds.langs, &c.langs);
        ds.lang.extend(c.lang.iter().map(|&l| lang_map[l as usize].min(u16::MAX as u32) as u16));
        ds.kind.extend_from_slice(&c.kind);

        let tag_map = remap_interner(&mut ds.hashtag_names, &c.hashtag_names);
        ds.hashtags.append_mapped(&c.hashtags, &tag_map);
        let spell_map = remap_interner(&mut ds.hashtag_display, &c.hashtag_display);
        ds.hashtag_spellings.append_mapped(&c.hashtag_spellings, &spell_map);
        let m_map = remap_interner(&mut ds.mention_names, &c.mention_names);
        ds.mentions.append_mapped(&c.mentions, &m_map);
        let u_map = remap_interner(&mut ds.url_names, &c.url_names);
        ds.urls.append_mapped(&c.urls, &u_map);

        ds.text.append(std::mem::take(&mut c.text));
        ds.has_media.extend_from_slice(&c.has_media);
        if any_metrics {
            ds.metrics.extend_from_slice(&c.metrics);
        }
        ds.lines.extend_from_slice(&c.lines);
        if any_raw {
            ds.raw.extend_from_slice(&c.raw);
        }
    }
    report.rejected_by_kind = rejected_by_kind
        .into_iter()
        .map(|(k, n)| (k.name().to_string(), n))
        .collect();
    report.rejections.sort_by_key(|r| r.line);
    report.rejected_rows.sort_by_key(|r| r.0);
    report.loaded = ds.len() as u64;
    check_dataset(&mut ds, &mut warnings, &mut report);
    report.warnings = warnings.into_vec();
    ds.report = report;
    ds.hashtags.shrink_to_fit();
    ds.hashtag_spellings.shrink_to_fit();
    ds.mentions.shrink_to_fit();
    ds.urls.shrink_to_fit();
    ds.text.shrink_to_fit();
    ds
}

/// Whole-dataset checks: duplicate ids (and the occurrence numbering of the duplicate-id
/// rule), ids rounded through floats, timestamps shared by many posts, implausible times.
fn check_dataset(ds: &mut Dataset, warnings: &mut WarningSink, report: &mut LoadReport) {
    let n = ds.len();
    // Duplicate ids.
    let mut occurrence = vec![0u32; n];
    let mut seen: FxHashMap<u64, (u32, usize)> = FxHashMap::default();
    seen.reserve(n);
    let mut dup = DuplicateIds {
        rule: DUPLICATE_ID_RULE.to_string(),
        ..Default::default()
    };
    let mut string_seen: FxHashMap<String, (u32, usize)> = FxHashMap::default();
    for i in 0..n {
        let code = ds.ids[i];
        if code == ID_NONE {
            continue;
        }
        let entry = if IdStrings::is_string(code) {
            string_seen.entry(ds.id_strings.decode(code).into_owned()).or_insert((0, i))
        } else {
            seen.entry(code).or_insert((0, i))
        };
        let first = entry.1;
        occurrence[i] = entry.0;
        entry.0 += 1;
        if occurrence[i] > 0 {
            dup.extra_rows += 1;
            if occurrence[i] == 1 {
                dup.ids_repeated += 1;
                if dup.examples.len() < 10 {
                    dup.examples.push(ds.id(i).into_owned());
                }
            }
            if ds.created_at[i] == ds.created_at[first]
                && ds.author[i] == ds.author[first]
                && ds.text(i) == ds.text(first)
            {
                dup.identical_rows += 1;
            }
            warnings.add(
                "duplicate_ids",
                || format!("post ids occur more than once; rule: {DUPLICATE_ID_RULE}"),
                ds.lines[i],
            );
        }
    }
    if dup.extra_rows > 0 {
        ds.id_occurrence = occurrence;
    }
    report.duplicate_ids = dup;

    // Ids rounded through a float: long numeric ids that mostly end in 000.
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
    let sci = (0..n)
        .filter(|&i| IdStrings::is_string(ds.ids[i]))
        .filter(|&i| {
            let s = ds.id(i);
            s.contains(['e', 'E']) && s.replace(['e', 'E', '.', '+', '-'], "").bytes().all(|b| b.is_ascii_digit())
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
                    ds.lines[i],
                );
            }
        }
    }

    // Many posts in the same second.
    if n >= 20 {
        let mut secs: FxHashMap<i64, u32> = FxHashMap::default();
        for &t in &ds.created_at {
            *secs.entry(t.div_euclid(1000)).or_default() += 1;
        }
        if let Some((&sec, &count)) = secs.iter().max_by_key(|(s, c)| (**c, -**s))
            && count >= 20
            && count as usize * 4 >= n
        {
            let iso = crate::time::format_iso(sec * 1000);
            warnings.add(
                "same_second",
                || format!(
                    "{count} of {n} posts share the timestamp {iso}: the source has coarse or \
                     collection-time timestamps, so bursts within that second cannot be resolved"
                ),
                0,
            );
            if let Some(w) = warnings.get_mut("same_second") {
                w.count = count as u64;
            }
        }
    }

    // Implausible times: before 2006 (before Twitter) or more than a day in the future.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(i64::MAX);
    for i in 0..n {
        let t = ds.created_at[i];
        if t < 1_136_073_600_000 || t > now_ms.saturating_add(86_400_000) {
            let iso = crate::time::format_iso(t);
            warnings.add(
                "implausible_time",
                || format!("timestamps before 2006 or in the future (e.g. {iso}); kept as given"),
                ds.lines[i],
            );
        }
    }
}
