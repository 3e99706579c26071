//! The search box's engine: one regex per search, checked over runs of concatenated
//! texts with a prefilter scan (and a lazy DFA where the pattern looks around), so a
//! search over a million posts does not run the regex a million times.

use rayon::prelude::*;

use super::Filter;
use crate::model::Dataset;

/// The search box, compiled once per filter run.
#[derive(Debug)]
pub struct Search {
    /// The search as one regex, for matching one string. Text whose only case variants
    /// are ASCII ones (most searches; Hangul, kana and Han have no case) is the escaped
    /// text as a `(?i-u)` regex; a regex, or text with non-ASCII case variants (`É`/`é`),
    /// folds case the Unicode way.
    re: regex::Regex,
    /// How the search goes over runs of texts.
    runs: RunScan,
}

/// How a search goes over runs of texts (see [`mark_run_hits`]): scanning a run costs
/// one call per post that matches, not one per post.
#[derive(Debug)]
pub enum RunScan {
    /// No look-around (`^`, `$`, `\b`) and no empty match: a match does not depend on
    /// the text around it, so a match found inside one text of a run is a match of its
    /// post. The scanner is the search itself, run forward only.
    Exact(Box<Scanner>),
    /// With look-around, the regex without its assertions matches a superset of posts:
    /// runs are scanned with it, and only the posts it finds are checked with the regex.
    Candidates(Box<Candidates>),
    /// The regex is run once per post (it can match the empty string even without its
    /// assertions, so it would find every post anyway).
    PerPost,
}

/// A regex that scans runs of texts. Only the end of a match is sought (forward search,
/// stopping at the first match state): the scan needs to know which posts hold a match,
/// not where each match begins, and the reverse search that finds a start costs as much
/// again — a lot when every post matches (`#\w+`).
#[derive(Debug)]
pub struct Scanner {
    re: regex_automata::meta::Regex,
    /// The longest a match can be, in bytes, if that is bounded.
    max_len: Option<usize>,
}

/// What a look-around search needs beyond the regex itself.
#[derive(Debug)]
pub struct Candidates {
    /// The regex with its assertions removed: scans runs for candidate posts.
    relaxed: Scanner,
    /// The regex as a forward lazy DFA, for checking a candidate: a third of all posts can
    /// be candidates (`\bthe\b`), and a bare DFA with a cache per worker costs a fraction of
    /// a `regex::Regex` call per post. It treats Unicode `\b` as ASCII and gives up on
    /// meeting a non-ASCII byte; the full regex then decides. `None` if it would not build.
    dfa: Option<regex_automata::hybrid::dfa::DFA>,
}

/// Per-worker scratch space of a search.
#[derive(Debug, Default)]
struct SearchCache {
    scan: Option<regex_automata::meta::Cache>,
    dfa: Option<regex_automata::hybrid::dfa::Cache>,
}

impl Scanner {
    fn new(hir: &regex_syntax::hir::Hir) -> Option<Scanner> {
        let re = regex_automata::meta::Builder::new()
            .configure(regex_automata::meta::Config::new().nfa_size_limit(Some(1 << 24)))
            .build_from_hir(hir)
            .ok()?;
        Some(Scanner {
            re,
            max_len: hir.properties().maximum_len(),
        })
    }

    /// The end of the first match to end in `haystack[from..]`, if any.
    fn first_end(&self, haystack: &str, from: usize, cache: &mut SearchCache) -> Option<usize> {
        let cache = cache.scan.get_or_insert_with(|| self.re.create_cache());
        let input = regex_automata::Input::new(haystack)
            .range(from..)
            .earliest(true);
        self.re.search_half_with(cache, &input).map(|m| m.offset())
    }
}

impl Candidates {
    /// Whether `re` (this search's regex) matches `text` at or after `from`, looking at
    /// the text before `from` for look-behind (`from` is a char boundary of `text`).
    fn verify(&self, re: &regex::Regex, text: &str, from: usize, cache: &mut SearchCache) -> bool {
        if let Some(dfa) = &self.dfa {
            let cache = cache.dfa.get_or_insert_with(|| dfa.create_cache());
            let input = regex_automata::Input::new(text)
                .range(from..)
                .earliest(true);
            if let Ok(found) = dfa.try_search_fwd(cache, &input) {
                return found.is_some();
            }
        }
        re.is_match_at(text, from)
    }
}

impl Search {
    /// Whether one string matches.
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }
}

/// Compiles the search box; `Ok(None)` when it is empty, `Err` a readable regex error.
pub fn compile_search(f: &Filter) -> Result<Option<Search>, String> {
    let s = f.search.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let caseless = |c: char| c.is_ascii() || (c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]));
    let ascii_literal = !f.regex && s.chars().all(caseless);
    let pattern = match (f.regex, ascii_literal) {
        (true, _) => s.to_string(),
        (false, true) => format!("(?i-u:{})", regex::escape(s)),
        (false, false) => regex::escape(s),
    };
    let re = regex::RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| match f.regex {
            true => format!("search pattern: {e}"),
            false => format!("search: {e}"),
        })?;
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(&pattern)
        .ok();
    let runs = match hir {
        Some(hir) if hir.properties().look_set().is_empty() => {
            match (hir.properties().minimum_len(), Scanner::new(&hir)) {
                (Some(n), Some(scanner)) if n > 0 => RunScan::Exact(Box::new(scanner)),
                _ => RunScan::PerPost,
            }
        }
        Some(hir) => {
            let relaxed = without_look_around(&hir);
            match (relaxed.properties().minimum_len(), Scanner::new(&relaxed)) {
                (Some(n), Some(relaxed)) if n > 0 => RunScan::Candidates(Box::new(Candidates {
                    relaxed,
                    dfa: verifying_dfa(&hir),
                })),
                _ => RunScan::PerPost,
            }
        }
        None => RunScan::PerPost,
    };
    Ok(Some(Search { re, runs }))
}

/// The search's regex as a forward lazy DFA for [`Candidates::verify`].
fn verifying_dfa(hir: &regex_syntax::hir::Hir) -> Option<regex_automata::hybrid::dfa::DFA> {
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::nfa::thompson;
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().nfa_size_limit(Some(1 << 24)))
        .build_from_hir(hir)
        .ok()?;
    DFA::builder()
        .configure(DFA::config().unicode_word_boundary(true))
        .build_from_nfa(nfa)
        .ok()
}

/// The regex with every look-around assertion (`^`, `$`, `\b`, ...) replaced by the empty
/// match: it matches wherever the original does, and maybe elsewhere.
fn without_look_around(h: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match h.kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(without_look_around(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(without_look_around(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(without_look_around).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(without_look_around).collect()),
        _ => h.clone(),
    }
}

/// Posts whose text or author handle the search matches, as a bitmap over posts.
pub(crate) fn search_hits(ds: &Dataset, search: &Search) -> Vec<bool> {
    // Handles are matched once per distinct handle, scanning the interner's arena as one
    // run of texts, not once per post.
    let handles = &ds.authors.handles;
    let mut handle_hit = vec![false; handles.len()];
    match handles.as_run() {
        Some((run, offsets)) => mark_search_hits(
            search,
            run,
            &offsets,
            &mut handle_hit,
            &mut SearchCache::default(),
        ),
        None => {
            for (k, h) in handle_hit.iter_mut().enumerate() {
                *h = search.is_match(handles.resolve(k as u32));
            }
        }
    }
    let author_hit: Vec<bool> = (0..ds.authors.len())
        .map(|a| {
            let h = ds.authors.handle_of.get(a).copied().unwrap_or(u32::MAX);
            handle_hit.get(h as usize).copied().unwrap_or(false)
        })
        .collect();
    const BLOCK: usize = 16_384;
    let n = ds.len();
    let blocks: Vec<Vec<bool>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let (lo, hi) = (b * BLOCK, ((b + 1) * BLOCK).min(n));
            let mut hit: Vec<bool> = (lo..hi)
                .map(|i| author_hit[ds.author[i] as usize])
                .collect();
            let mut cache = SearchCache::default();
            ds.text.for_each_run(lo, hi, |first, run, offsets| {
                let at = first - lo;
                let hit = &mut hit[at..at + offsets.len()];
                mark_search_hits(search, run, offsets, hit, &mut cache);
            });
            hit
        })
        .collect();
    blocks.concat()
}

/// Marks (sets, never clears) the texts of one run that the search matches: `offsets[k]`
/// is where text k starts in `run`.
fn mark_search_hits(
    search: &Search,
    run: &str,
    offsets: &[u32],
    hit: &mut [bool],
    cache: &mut SearchCache,
) {
    match &search.runs {
        RunScan::Exact(scanner) => {
            mark_run_hits(
                run,
                offsets,
                hit,
                scanner,
                cache,
                |text, from, inside, cache| {
                    // A match that may have begun in an earlier text: this text on its own.
                    inside || scanner.first_end(text, from, cache).is_some()
                },
            )
        }
        RunScan::Candidates(c) => mark_run_hits(
            run,
            offsets,
            hit,
            &c.relaxed,
            cache,
            |text, from, _, cache| c.verify(&search.re, text, from, cache),
        ),
        RunScan::PerPost => {
            for (k, h) in hit.iter_mut().enumerate() {
                *h = *h || search.re.is_match(text_of(run, offsets, k).unwrap_or(""));
            }
        }
    }
}

/// Text `k` of a run (`None` only for offsets the run does not have).
fn text_of<'r>(run: &'r str, offsets: &[u32], k: usize) -> Option<&'r str> {
    let start = *offsets.get(k)? as usize;
    let end = offsets.get(k + 1).map_or(run.len(), |&o| o as usize);
    run.get(start..end)
}

/// Marks the posts of a run of texts (`offsets[k]` = where post k's text starts) that
/// `scanner` finds a match in, as `confirm` judges it.
///
/// From the start of a text, the scan finds where the first match to end, ends; the
/// texts before the one holding that end have no match of their own (it would end
/// sooner), and neither does that text before `from`, the earliest that match (or any
/// other of the scanner's matches in it) can begin: its start, or the end less the
/// longest match when matches are bounded. `confirm(text, from, inside, cache)` judges
/// the text holding the end, `from` in its coordinates; `inside` when the match lies
/// inside the text, not maybe begun in an earlier one. The scan goes on from the next
/// text's start.
fn mark_run_hits(
    run: &str,
    offsets: &[u32],
    hit: &mut [bool],
    scanner: &Scanner,
    cache: &mut SearchCache,
    mut confirm: impl FnMut(&str, usize, bool, &mut SearchCache) -> bool,
) {
    let mut k = 0;
    while let Some(&start) = offsets.get(k) {
        let start = start as usize;
        let Some(end) = scanner.first_end(run, start, cache) else {
            break;
        };
        // The text holding the match's last byte: the last one starting at or before it
        // (empty texts share their offset with the next text). Matches are not empty.
        let last = end.saturating_sub(1).max(start);
        while k + 1 < offsets.len() && offsets[k + 1] as usize <= last {
            k += 1;
        }
        let lo = offsets[k] as usize;
        let earliest = scanner
            .max_len
            .map_or(start, |n| end.saturating_sub(n).max(start));
        if !hit[k]
            && let Some(text) = text_of(run, offsets, k)
        {
            let mut from = earliest.saturating_sub(lo).min(text.len());
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            hit[k] = confirm(text, from, earliest >= lo, cache);
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    impl Search {
        /// Whether this is literal text with ASCII-only case folding.
        fn folds_ascii_only(&self) -> bool {
            self.re.as_str().starts_with("(?i-u:")
        }
    }

    use super::*;
    use crate::query::{NO_LABEL, Sort, SortKey, compute_rows};

    /// Texts back to back, as a run, with where each starts.
    fn run_of<T: AsRef<str>>(texts: &[T]) -> (String, Vec<u32>) {
        let mut run = String::new();
        let mut offsets = Vec::new();
        for t in texts {
            offsets.push(run.len() as u32);
            run.push_str(t.as_ref());
        }
        (run, offsets)
    }

    /// Scans a run of texts with a search, as `search_hits` does, and checks the result
    /// against matching each text on its own.
    fn assert_scan_matches_per_text<T: AsRef<str> + std::fmt::Debug>(
        search: &Search,
        texts: &[T],
        what: &str,
    ) {
        let (run, offsets) = run_of(texts);
        let mut hit = vec![false; texts.len()];
        mark_search_hits(
            search,
            &run,
            &offsets,
            &mut hit,
            &mut SearchCache::default(),
        );
        let expected: Vec<bool> = texts.iter().map(|t| search.is_match(t.as_ref())).collect();
        assert_eq!(hit, expected, "{what} over {texts:?}");
    }

    /// Over a dataset stored in many chunks, every kind of search finds exactly the posts
    /// whose text or handle matches on its own, and rows come in time order.
    #[test]
    fn search_over_chunks_matches_per_post_search() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let words = [
            "the",
            "The",
            "xthe",
            "theme",
            "ab",
            "é",
            "É",
            "café",
            "직캠",
            "ファン",
            "bitcoins",
            "a.b",
            "🎉",
            "",
            "THE",
            "th",
            "e",
            "직캠the",
            "the직캠",
            "éthe",
            "\nthe",
        ];
        let mut csv = String::from("id,created_at,author,text\n");
        for i in 0..20_000 {
            let text: Vec<&str> = (0..rng.random_range(0..6))
                .map(|_| words[rng.random_range(0..words.len())])
                .collect();
            let t = 1_600_000_000 + rng.random_range(0..100_000);
            let author = ["ann", "theo", "bob", "zoé"][rng.random_range(0..4)];
            csv.push_str(&format!(
                "{i},{t},{author},\"{}\"\n",
                text.join(if rng.random_bool(0.5) { " " } else { "" })
            ));
        }
        let opts = crate::load::LoadOptions {
            block_bytes: 4096,
            ..Default::default()
        };
        let progress = crate::progress::Progress::new();
        let ds = crate::load::load_bytes(csv.as_bytes(), "s.csv", &opts, &progress).unwrap();
        assert_eq!(ds.len(), 20_000);
        assert!(
            ds.text.chunk_count() > 4,
            "the test needs several chunks, not {}",
            ds.text.chunk_count()
        );
        let by_time: Vec<i64> = ds
            .time_order()
            .iter()
            .map(|&i| ds.created_at[i as usize])
            .collect();
        assert!(by_time.is_sorted());
        for (search, regex) in [
            ("the", false),
            ("THE", false),
            ("é", false),
            ("直캠", false),
            ("직캠", false),
            ("a.b", false),
            ("theo", false),
            (r"\bthe\b", true),
            (r"^the", true),
            (r"e$", true),
            (r"the|é", true),
            (r"b(itcoin)?s?", true),
            (r"(?:^|\s)th", true),
            ("x*", true),
            (r"\Bthe", true),
            (r"the\b", true),
            (r"\b직캠\b", true),
            (r"(?m)^the\b", true),
            (r"\b{end}", true),
        ] {
            let f = Filter {
                search: search.into(),
                regex,
                ..Filter::default()
            };
            let compiled = compile_search(&f).unwrap().unwrap();
            let hits = search_hits(&ds, &compiled);
            for (i, &hit) in hits.iter().enumerate() {
                let expected = compiled.is_match(ds.text(i)) || compiled.is_match(ds.handle(i));
                assert_eq!(hit, expected, "{search:?} on post {i}: {:?}", ds.text(i));
            }
            let rows = compute_rows(&ds, None, &[], &f, Sort::default()).unwrap();
            assert_eq!(rows.len(), hits.iter().filter(|h| **h).count());
            assert!(rows.windows(2).all(
                |w| (ds.created_at[w[0] as usize], w[0]) < (ds.created_at[w[1] as usize], w[1])
            ));
        }
    }

    /// Every sort key orders rows by its key, ties in time order (then post order), and
    /// descending is the exact reverse.
    #[test]
    fn sorts_keep_ties_in_time_order() {
        let csv = "id,created_at,author,text\n\
                   1,2020-06-01T00:00:05Z,bob,b\n\
                   2,2020-06-01T00:00:01Z,Alice,a\n\
                   3,2020-06-01T00:00:03Z,bob,a\n\
                   4,2020-06-01T00:00:01Z,alice,c\n\
                   5,2020-06-01T00:00:02Z,Bob,b\n\
                   6,2020-06-01T00:00:01Z,carol,a\n";
        let progress = crate::progress::Progress::new();
        let ds = crate::load::load_bytes(csv.as_bytes(), "s.csv", &Default::default(), &progress)
            .unwrap();
        let labels = vec![1, NO_LABEL, 0, 1, NO_LABEL, 0];
        let time = |i: u32| (ds.created_at[i as usize], i);
        type Key<'a> = Box<dyn Fn(u32) -> String + 'a>;
        let keys: [(SortKey, Key); 4] = [
            (SortKey::Time, Box::new(|_| String::new())),
            (
                SortKey::Author,
                Box::new(|i| ds.handle(i as usize).to_lowercase()),
            ),
            (SortKey::Text, Box::new(|i| ds.text(i as usize).to_string())),
            (
                SortKey::Label,
                Box::new(|i| format!("{:010}", labels[i as usize])),
            ),
        ];
        for (key, of) in keys {
            let f = Filter::default();
            let up = compute_rows(
                &ds,
                None,
                &labels,
                &f,
                Sort {
                    key,
                    descending: false,
                },
            )
            .unwrap();
            let mut expected: Vec<u32> = (0..6).collect();
            expected.sort_by_key(|&i| (of(i), time(i)));
            assert_eq!(up, expected, "{key:?}");
            let mut down = compute_rows(
                &ds,
                None,
                &labels,
                &f,
                Sort {
                    key,
                    descending: true,
                },
            )
            .unwrap();
            down.reverse();
            assert_eq!(down, up, "{key:?}");
        }
    }

    #[test]
    fn bad_regex_is_an_error_not_a_panic() {
        let f = Filter {
            search: "(".into(),
            regex: true,
            ..Default::default()
        };
        assert!(compile_search(&f).is_err());
        let f = Filter {
            search: "(".into(),
            regex: false,
            ..Default::default()
        };
        assert!(compile_search(&f).unwrap().unwrap().is_match("a (b"));
        let f = Filter {
            search: "FANCAM".into(),
            ..Default::default()
        };
        assert!(compile_search(&f).unwrap().unwrap().is_match("my fancam"));
    }

    /// The run scan finds exactly the posts a per-post match finds, including matches at
    /// the edges of texts, empty texts, and a match that would straddle two texts.
    #[test]
    fn literal_run_scan_matches_per_post_search() {
        let texts = ["xxab", "", "ab", "a", "bab", "AB", "aab", "b", "ba", "ab"];
        let (run, offsets) = run_of(&texts);
        for needle in ["ab", "a", "b", "ba", "bab", "aab", "xxab"] {
            let f = Filter {
                search: needle.into(),
                ..Default::default()
            };
            let Some(search) = compile_search(&f).unwrap() else {
                panic!("{needle} should compile");
            };
            assert!(
                search.folds_ascii_only(),
                "{needle} should be a literal search"
            );
            assert!(
                matches!(search.runs, RunScan::Exact(_)),
                "{needle} scans runs"
            );
            let mut hit = vec![false; texts.len()];
            mark_search_hits(
                &search,
                &run,
                &offsets,
                &mut hit,
                &mut SearchCache::default(),
            );
            let expected: Vec<bool> = texts
                .iter()
                .map(|t| t.to_ascii_lowercase().contains(needle))
                .collect();
            assert_eq!(hit, expected, "{needle}");
        }
    }

    /// Regexes without look-around scan runs too, and agree with a per-post match even
    /// when the leftmost match in the run straddles two texts ("a.*b" over "ab" + "b").
    #[test]
    fn regex_run_scan_matches_per_post_search() {
        let texts = ["xxab", "", "ab", "a", "bab", "AB", "aab", "b", "ba", "ab"];
        for pattern in ["a.*b", "b+a", "ab|ba", "x+a?b", "(?:ab){2}", "[ab]{3}"] {
            let f = Filter {
                search: pattern.into(),
                regex: true,
                ..Default::default()
            };
            let search = compile_search(&f).unwrap().unwrap();
            assert!(
                matches!(search.runs, RunScan::Exact(_)),
                "{pattern} scans runs"
            );
            assert_scan_matches_per_text(&search, &texts, pattern);
        }
    }

    /// Look-around: runs are scanned without the assertions, then candidates checked, by
    /// the DFA or (next to non-ASCII text) by the regex.
    #[test]
    fn look_around_candidates_match_per_post_search() {
        let texts = [
            "xxab",
            "",
            "ab",
            "a",
            "bab",
            "AB",
            "aab",
            "b",
            "ba",
            "ab",
            "직ab",
            "ab캠",
            "é b",
            "🎉b🎉",
            "b\nab",
            "x ab",
        ];
        for pattern in [
            "^ab",
            "b$",
            r"\bab",
            r"\bb\b",
            r"(?:^|x)a",
            "a*",
            r"\Bb",
            r"(?m)^ab",
            r"b\b",
            r"\b{start}a",
            r"é\b",
            r"\bab\b|^b",
        ] {
            let f = Filter {
                search: pattern.into(),
                regex: true,
                ..Default::default()
            };
            let search = compile_search(&f).unwrap().unwrap();
            match &search.runs {
                RunScan::Candidates(c) => assert!(c.dfa.is_some(), "{pattern} has a DFA"),
                RunScan::PerPost => assert_eq!(pattern, "a*", "{pattern} should scan runs"),
                RunScan::Exact(_) => panic!("{pattern} has look-around"),
            }
            assert_scan_matches_per_text(&search, &texts, pattern);
        }
    }

    /// Caseless scripts take the fast path; Latin letters with non-ASCII case do not.
    #[test]
    fn literal_search_folds_ascii_case_only() {
        let f = |s: &str| Filter {
            search: s.into(),
            ..Default::default()
        };
        let korean = compile_search(&f("직캠 ファン")).unwrap().unwrap();
        assert!(korean.folds_ascii_only());
        assert!(korean.is_match("오늘 직캠 ファン 🎉"));
        assert!(!korean.is_match("직캠ファン"));
        // A literal is literal: regex syntax in it means itself, and only ASCII case
        // folds (no Kelvin sign for k, no long s for s).
        let dots = compile_search(&f("a.b (x")).unwrap().unwrap();
        assert!(dots.is_match("A.B (X"));
        assert!(!dots.is_match("axb (x"));
        let ks = compile_search(&f("ks")).unwrap().unwrap();
        assert!(ks.is_match("KS") && !ks.is_match("\u{212A}\u{17F}"));
        let e = compile_search(&f("É")).unwrap().unwrap();
        assert!(!e.folds_ascii_only() && matches!(e.runs, RunScan::Exact(_)));
        assert!(
            compile_search(&f("CAFÉ"))
                .unwrap()
                .unwrap()
                .is_match("café")
        );
    }

    /// Random runs of short texts over a small alphabet, where matches often straddle
    /// texts and sit next to non-ASCII letters: the run scan agrees with a per-post match.
    #[test]
    fn run_scan_agrees_with_per_post_match_on_random_runs() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let pieces = ["a", "b", "x", " ", "é", "É", "직", "🎉", "\n", "ab", "ba"];
        let patterns: Vec<(&str, bool)> = vec![
            ("ab", false),
            ("b a", false),
            ("é", false),
            ("x직", false),
            ("a.*b", true),
            ("b+a", true),
            ("(?:ab){2}", true),
            ("[^x]{3}", true),
            (r"\bab\b", true),
            (r"\Bb", true),
            (r"^a|b$", true),
            (r"(?m)^b", true),
            (r"\b직", true),
            (r"é\b", true),
            (r"\w+x", true),
            (r"a\b{end}", true),
        ];
        for round in 0..400 {
            let texts: Vec<String> = (0..rng.random_range(1..12))
                .map(|_| {
                    (0..rng.random_range(0..5))
                        .map(|_| pieces[rng.random_range(0..pieces.len())])
                        .collect()
                })
                .collect();
            for &(pattern, regex) in &patterns {
                let f = Filter {
                    search: pattern.into(),
                    regex,
                    ..Default::default()
                };
                let search = compile_search(&f).unwrap().unwrap();
                assert!(!matches!(search.runs, RunScan::PerPost), "{pattern}");
                assert_scan_matches_per_text(
                    &search,
                    &texts,
                    &format!("round {round}, {pattern:?}"),
                );
            }
        }
    }
}
