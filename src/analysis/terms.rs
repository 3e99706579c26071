//! Readable names for token hashes (the top terms of clusters and moments).
//!
//! Scripts written without spaces are tokenized as character bigrams, which are good for
//! matching and bad for reading ("シカ", "カム"). A bigram is shown as the word it came
//! from instead: the run of one script (katakana, hiragana or Han) around it, when that
//! run is short enough to be a word, and the most common such run in the posts sampled.

use rustc_hash::FxHashMap;

use crate::analysis::tokens::{TokenKind, is_unspaced, token_hash, token_strings};
use crate::model::Dataset;

/// Longest run of one script shown in place of a bigram.
const MAX_WORD_CHARS: usize = 8;

#[derive(PartialEq, Clone, Copy)]
enum Script {
    Katakana,
    Hiragana,
    Han,
}

fn script(c: char) -> Option<Script> {
    match c as u32 {
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Some(Script::Katakana),
        0x3040..=0x309F => Some(Script::Hiragana),
        _ if is_unspaced(c) => Some(Script::Han),
        _ => None,
    }
}

/// The runs of one unspaced script in a (lower-cased, normalised) text.
fn script_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    let mut cur_script = None;
    for c in text.chars() {
        let s = script(c);
        // The prolonged sound mark belongs to the katakana word it follows.
        let s = if c == 'ー' && cur_script == Some(Script::Katakana) {
            cur_script
        } else {
            s
        };
        if s != cur_script && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        cur_script = s;
        if s.is_some() {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Finds the strings of token hashes by re-tokenizing some posts.
pub fn resolve_terms(
    ds: &Dataset,
    want: &[u32],
    posts: impl Iterator<Item = usize>,
) -> FxHashMap<u32, String> {
    let mut out: FxHashMap<u32, String> = FxHashMap::default();
    if want.is_empty() {
        return out;
    }
    // For bigrams: the words (script runs) they were seen in, with counts.
    let mut words_of: FxHashMap<u32, FxHashMap<String, u32>> = FxHashMap::default();
    let mut bigrams_open = 0usize;
    for i in posts {
        let text = ds.text(i);
        let mut saw_bigram = false;
        for (h, s, kind) in token_strings(text) {
            if !want.contains(&h) {
                continue;
            }
            if kind == TokenKind::Bigram {
                saw_bigram = true;
            }
            if out.insert(h, s).is_none() && kind == TokenKind::Bigram {
                bigrams_open += 1;
            }
        }
        if saw_bigram {
            let lower = crate::analysis::tokens::normalized_lower(text);
            for run in script_runs(&lower) {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() < 2 || chars.len() > MAX_WORD_CHARS {
                    continue;
                }
                for w in chars.windows(2) {
                    let h = token_hash(&w.iter().collect::<String>());
                    if want.contains(&h) {
                        *words_of
                            .entry(h)
                            .or_default()
                            .entry(run.clone())
                            .or_default() += 1;
                    }
                }
            }
        }
        if out.len() == want.len() && bigrams_open == 0 {
            break;
        }
        if out.len() == want.len() && words_of.len() >= bigrams_open {
            break;
        }
    }
    for (h, words) in words_of {
        if let Some(best) = words
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            out.insert(h, best.0);
        }
    }
    // A bigram across two scripts ("ムど") or a short run of hiragana ("しの": a particle
    // or a verb's ending) is not a word a reader would recognise: no name.
    out.retain(|_, name| readable(name));
    out
}

fn readable(name: &str) -> bool {
    let scripts: Vec<Option<Script>> = name.chars().map(script).collect();
    if scripts.iter().all(Option::is_none) {
        return true;
    }
    let first = scripts[0];
    let one_script = scripts
        .iter()
        .all(|s| *s == first || (*s == Some(Script::Katakana) && first == Some(Script::Katakana)));
    if !one_script && scripts.len() <= 2 {
        return false;
    }
    !(first == Some(Script::Hiragana) && one_script && scripts.len() <= 2)
}

/// Distinct names in the order of `hashes` (two bigrams of one word give it once).
pub fn distinct_names(hashes: &[u32], names: &FxHashMap<u32, String>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for h in hashes {
        if let Some(n) = names.get(h)
            && !v.contains(n)
        {
            v.push(n.clone());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_script_changes() {
        assert_eq!(
            script_runs("今日のファンカム最高"),
            vec!["今日", "の", "ファンカム", "最高"]
        );
        assert_eq!(script_runs("bts ジョングク!"), vec!["ジョングク"]);
        assert_eq!(script_runs("スーパー"), vec!["スーパー"]);
    }

    #[test]
    fn fragments_are_not_terms() {
        assert!(readable("ファンカム"));
        assert!(readable("直播"));
        assert!(readable("fancam"));
        assert!(!readable("ムど"));
        assert!(!readable("日の"));
        assert!(!readable("しの"));
    }
}
