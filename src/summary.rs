//! A summary of a loaded dataset: what `derail inspect` prints and the app's Overview shows.

use serde::Serialize;

use crate::load::Loaded;
use crate::load::mapping::RoleMapping;
use crate::load::report::{DuplicateIds, Rejection, Warning};
use crate::model::Dataset;
use crate::time::format_iso;

#[derive(Debug, Clone, Serialize)]
pub struct HashtagCount {
    /// Normalised form (lowercase, NFKC).
    pub tag: String,
    /// The most common spelling in the data.
    pub display: String,
    pub count: u64,
}

/// Everything `derail inspect --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub file: String,
    pub format: String,
    pub format_detail: String,
    pub encoding: String,
    pub delimiter: Option<String>,
    pub mapping: Vec<RoleMapping>,
    pub rows_in: u64,
    pub posts: u64,
    pub rejected: u64,
    /// Rows left out of a `--hashtag`/`--since`/`--until` slice.
    pub outside_slice: u64,
    pub rejections: Vec<Rejection>,
    pub rejected_by_kind: std::collections::BTreeMap<String, u64>,
    pub warnings: Vec<Warning>,
    pub time_min: Option<String>,
    pub time_max: Option<String>,
    pub naive_zone: String,
    pub naive_timestamps: u64,
    pub authors: u64,
    pub top_hashtags: Vec<HashtagCount>,
    pub kinds: std::collections::BTreeMap<String, u64>,
    /// The platform's word for each kind (`retweet` → `forward` on Telegram).
    pub kind_words: std::collections::BTreeMap<String, String>,
    /// The most frequent communities (subreddits, chats, videos, pages), if any.
    pub communities: Vec<(String, u64)>,
    /// What a community is called on this platform.
    pub community_word: String,
    pub languages: Vec<(String, u64)>,
    pub duplicate_ids: DuplicateIds,
    pub elapsed_ms: f64,
}

/// Counts posts per normalised hashtag; returns (hashtag index, count) sorted by count desc.
pub fn hashtag_counts(ds: &Dataset) -> Vec<(u32, u64)> {
    let mut counts = vec![0u64; ds.hashtag_names.len()];
    for i in 0..ds.len() {
        for &h in ds.hashtags.get(i) {
            counts[h as usize] += 1;
        }
    }
    let mut v: Vec<(u32, u64)> = counts
        .into_iter()
        .enumerate()
        .filter(|(_, c)| *c > 0)
        .map(|(i, c)| (i as u32, c))
        .collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1).then(
            ds.hashtag_names
                .resolve(a.0)
                .cmp(ds.hashtag_names.resolve(b.0)),
        )
    });
    v
}

/// The most common spelling of each normalised hashtag.
pub fn display_spellings(ds: &Dataset) -> Vec<String> {
    let mut best: Vec<rustc_hash::FxHashMap<u32, u64>> =
        vec![Default::default(); ds.hashtag_names.len()];
    for i in 0..ds.len() {
        for (&h, &sp) in ds.hashtags.get(i).iter().zip(ds.hashtag_spellings.get(i)) {
            *best[h as usize].entry(sp).or_default() += 1;
        }
    }
    best.iter()
        .enumerate()
        .map(|(h, m)| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&sp, _)| ds.hashtag_display.resolve(sp).to_string())
                .unwrap_or_else(|| ds.hashtag_names.resolve(h as u32).to_string())
        })
        .collect()
}

impl Summary {
    pub fn of(ds: &Loaded, top: usize) -> Summary {
        let r = &ds.report;
        let (tmin, tmax) = ds
            .time_range()
            .map(|(a, b)| (Some(format_iso(a)), Some(format_iso(b))))
            .unwrap_or((None, None));
        let counts = hashtag_counts(ds);
        let display = display_spellings(ds);
        let top_hashtags = counts
            .iter()
            .take(top)
            .map(|&(h, c)| HashtagCount {
                tag: ds.hashtag_names.resolve(h).to_string(),
                display: display[h as usize].clone(),
                count: c,
            })
            .collect();
        let mut kinds = std::collections::BTreeMap::new();
        let mut kind_words = std::collections::BTreeMap::new();
        for k in &ds.kind {
            *kinds.entry(k.as_str().to_string()).or_insert(0u64) += 1;
        }
        for k in [
            crate::model::PostKind::Original,
            crate::model::PostKind::Retweet,
            crate::model::PostKind::Quote,
            crate::model::PostKind::Reply,
        ] {
            kind_words.insert(
                k.as_str().to_string(),
                ds.source.format.kind_word(k).to_string(),
            );
        }
        let mut community_counts = vec![0u64; ds.communities.len()];
        for &c in &ds.community {
            community_counts[c as usize] += 1;
        }
        let mut communities: Vec<(String, u64)> = community_counts
            .iter()
            .enumerate()
            .filter(|&(c, &n)| c != 0 && n > 0 && !ds.communities.resolve(c as u32).is_empty())
            .map(|(c, &n)| (ds.communities.resolve(c as u32).to_string(), n))
            .collect();
        communities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        communities.truncate(10);
        let mut langs = vec![0u64; ds.langs.len()];
        for &l in &ds.lang {
            langs[l as usize] += 1;
        }
        let mut languages: Vec<(String, u64)> = langs
            .into_iter()
            .enumerate()
            .filter(|(_, c)| *c > 0)
            .map(|(i, c)| {
                let name = ds.langs.resolve(i as u32);
                (
                    if name.is_empty() {
                        "(none)".to_string()
                    } else {
                        name.to_string()
                    },
                    c,
                )
            })
            .collect();
        languages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        languages.truncate(top);
        Summary {
            file: r.path.clone(),
            format: r.format.name().to_string(),
            format_detail: r.format_detail.clone(),
            encoding: r.encoding.clone(),
            delimiter: r.delimiter.clone(),
            mapping: r.mapping.clone(),
            rows_in: r.rows_in,
            posts: r.loaded,
            rejected: r.rejected,
            outside_slice: r.outside_slice,
            rejections: r.rejections.iter().take(100).cloned().collect(),
            rejected_by_kind: r.rejected_by_kind.clone(),
            warnings: r.warnings.clone(),
            time_min: tmin,
            time_max: tmax,
            naive_zone: r.naive_zone.clone(),
            naive_timestamps: r.naive_timestamps,
            authors: ds.authors.len() as u64,
            top_hashtags,
            kinds,
            kind_words,
            communities,
            community_word: ds.source.format.community_word().to_string(),
            languages,
            duplicate_ids: r.duplicate_ids.clone(),
            elapsed_ms: r.elapsed_ms,
        }
    }

    /// The human-readable form printed by `derail inspect`.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "File         {}", self.file);
        let _ = writeln!(s, "Format       {} ({})", self.format_detail, self.encoding);
        self.write_mapping(&mut s);
        self.write_rows(&mut s);
        if let (Some(a), Some(b)) = (&self.time_min, &self.time_max) {
            let _ = writeln!(s, "Time range   {a} → {b}");
        }
        if self.naive_timestamps > 0 {
            let _ = writeln!(
                s,
                "Time zone    {} timestamps had no zone; read as {} (set with --tz)",
                self.naive_timestamps, self.naive_zone
            );
        }
        let _ = writeln!(s, "Authors      {}", self.authors);
        self.write_breakdowns(&mut s);
        self.write_warnings(&mut s);
        let _ = writeln!(s, "Loaded in    {:.0} ms", self.elapsed_ms);
        s
    }

    /// Each role's column, with its confidence and where it came from; guesses say so.
    fn write_mapping(&self, s: &mut String) {
        use std::fmt::Write;
        if self.mapping.is_empty() {
            return;
        }
        let _ = writeln!(s, "Columns      role → column (confidence, from)");
        for m in &self.mapping {
            let _ = writeln!(
                s,
                "               {:<11} {:?} ({:.2}, {:?}){}",
                m.role.name(),
                m.column,
                m.confidence,
                m.source,
                if m.is_guess() {
                    " — a guess: check it, or choose with --map"
                } else {
                    ""
                }
            );
        }
    }

    /// Rows in = loaded + rejected (+ outside the slice), and the first rejections.
    fn write_rows(&self, s: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            s,
            "Rows         {} in = {} loaded + {} rejected",
            self.rows_in, self.posts, self.rejected
        );
        if self.outside_slice > 0 {
            let _ = write!(s, " + {} outside the slice", self.outside_slice);
        }
        s.push('\n');
        if self.rejected == 0 {
            return;
        }
        for (k, n) in &self.rejected_by_kind {
            let _ = writeln!(s, "               {n} × {k}");
        }
        for r in self.rejections.iter().take(10) {
            let _ = writeln!(s, "               {r}");
        }
        if self.rejected > 10 {
            let _ = writeln!(
                s,
                "               … {} more (see --json)",
                self.rejected - 10
            );
        }
    }

    /// The posts by kind, community, language and hashtag.
    fn write_breakdowns(&self, s: &mut String) {
        use std::fmt::Write;
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", self.kind_words.get(k).unwrap_or(k)))
            .collect();
        let _ = writeln!(s, "Kinds        {}", kinds.join(", "));
        if !self.communities.is_empty() {
            let list: Vec<String> = self
                .communities
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            let word = match self.community_word.as_str() {
                "community" => String::new(),
                w => format!(" ({w}s)"),
            };
            let _ = writeln!(s, "Communities  {}{word}", list.join(", "));
        }
        let langs: Vec<String> = self
            .languages
            .iter()
            .take(8)
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        let _ = writeln!(s, "Languages    {}", langs.join(", "));
        let tags: Vec<String> = self
            .top_hashtags
            .iter()
            .map(|h| format!("#{} {}", h.display, h.count))
            .collect();
        let _ = writeln!(s, "Top hashtags {}", tags.join(", "));
    }

    /// Repeated ids and the rule applied to them, and the load's warnings.
    fn write_warnings(&self, s: &mut String) {
        use std::fmt::Write;
        if self.duplicate_ids.extra_rows > 0 {
            let _ = writeln!(
                s,
                "Duplicate ids {} ids repeat ({} extra rows, {} identical); rule: {}",
                self.duplicate_ids.ids_repeated,
                self.duplicate_ids.extra_rows,
                self.duplicate_ids.identical_rows,
                self.duplicate_ids.rule
            );
        }
        for w in &self.warnings {
            let _ = writeln!(
                s,
                "Warning      {} × {}{}",
                w.count,
                w.message,
                w.lines_note()
            );
        }
    }
}
