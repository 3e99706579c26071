//! Lexicon taggers: terms, hashtags and regexes with weights and a threshold, read from
//! TOML files. The shipped ones (`assets/taggers/*.toml`) are built in; users add their own
//! files in a taggers folder without recompiling.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::analysis::tokens::{TokenKind, for_each_token, token_hash};

/// The taggers shipped with derail.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "fandom.toml",
        include_str!("../../assets/taggers/fandom.toml"),
    ),
    (
        "counter_speech.toml",
        include_str!("../../assets/taggers/counter_speech.toml"),
    ),
    (
        "spam_crypto.toml",
        include_str!("../../assets/taggers/spam_crypto.toml"),
    ),
];

#[derive(Deserialize)]
struct RegexSpec {
    pattern: String,
    #[serde(default = "one")]
    weight: f32,
}

fn one() -> f32 {
    1.0
}

#[derive(Deserialize)]
struct TaggerFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "one")]
    threshold: f32,
    #[serde(default)]
    terms: BTreeMap<String, f32>,
    #[serde(default)]
    hashtags: BTreeMap<String, f32>,
    #[serde(default)]
    regex: Vec<RegexSpec>,
}

/// A compiled tagger.
#[derive(Debug, Clone)]
pub struct Tagger {
    pub name: String,
    pub description: String,
    pub threshold: f32,
    pub source: String,
    terms: FxHashMap<u32, f32>,
    phrases: Vec<(String, f32)>,
    hashtags: FxHashMap<String, f32>,
    /// Hashtags as token hashes (`#name`), to score from a post's tokens.
    hashtag_tokens: FxHashMap<u32, f32>,
    regexes: Vec<(Regex, f32)>,
}

impl Tagger {
    pub fn parse(toml_text: &str, source: &str) -> Result<Tagger, String> {
        let f: TaggerFile = toml::from_str(toml_text).map_err(|e| format!("{source}: {e}"))?;
        let name = f.name.trim().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "{source}: name {name:?} must be letters, digits, '_' or '-'"
            ));
        }
        let mut terms = FxHashMap::default();
        let mut phrases = Vec::new();
        for (term, w) in f.terms {
            let t = term.trim().to_lowercase();
            let mut toks = Vec::new();
            for_each_token(&t, |k, s| {
                if k != TokenKind::Hashtag {
                    toks.push(s.to_string());
                }
            });
            if toks.len() == 1 && !t.contains(char::is_whitespace) {
                terms.insert(token_hash(&toks[0]), w);
            } else if !t.is_empty() {
                phrases.push((t, w));
            }
        }
        let hashtags: FxHashMap<String, f32> = f
            .hashtags
            .into_iter()
            .map(|(h, w)| (crate::text::normalize_hashtag(&h).into_owned(), w))
            .collect();
        let hashtag_tokens = hashtags
            .iter()
            .map(|(h, w)| (token_hash(&format!("#{h}")), *w))
            .collect();
        let mut regexes = Vec::new();
        for r in f.regex {
            let re = Regex::new(&r.pattern)
                .map_err(|e| format!("{source}: bad regex {:?}: {e}", r.pattern))?;
            regexes.push((re, r.weight));
        }
        Ok(Tagger {
            name,
            description: f.description,
            threshold: f.threshold,
            source: source.to_string(),
            terms,
            phrases,
            hashtags,
            hashtag_tokens,
            regexes,
        })
    }

    /// The weight of evidence in a text: terms and hashtags from its tokens, phrases from
    /// its lowercase form, regexes from the text as written.
    pub fn score_lower(&self, text: &str, lower: &str, tokens: &[u32]) -> f32 {
        let mut s = 0.0;
        for t in tokens {
            if let Some(w) = self.terms.get(t) {
                s += w;
            }
            if let Some(w) = self.hashtag_tokens.get(t) {
                s += w;
            }
        }
        for (p, w) in &self.phrases {
            if lower.contains(p.as_str()) {
                s += w;
            }
        }
        for (re, w) in &self.regexes {
            if re.is_match(text) {
                s += w;
            }
        }
        s
    }

    /// The weight of evidence in a post.
    pub fn score<'a>(
        &self,
        text: &str,
        tokens: &[u32],
        hashtags: impl Iterator<Item = &'a str>,
    ) -> f32 {
        let mut s = 0.0;
        for t in tokens {
            if let Some(w) = self.terms.get(t) {
                s += w;
            }
        }
        for h in hashtags {
            if let Some(w) = self.hashtags.get(h) {
                s += w;
            }
        }
        if !self.phrases.is_empty() {
            let lower = text.to_lowercase();
            for (p, w) in &self.phrases {
                if lower.contains(p.as_str()) {
                    s += w;
                }
            }
        }
        for (re, w) in &self.regexes {
            if re.is_match(text) {
                s += w;
            }
        }
        s
    }
}

/// The taggers in effect: built-in ones, overridden or extended by files in `dirs`.
/// Problems with user files are returned as warnings, not errors.
pub fn load_taggers(dirs: &[PathBuf]) -> (Vec<Tagger>, Vec<String>) {
    let mut by_name: BTreeMap<String, Tagger> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (file, text) in BUILT_IN {
        match Tagger::parse(text, &format!("built-in {file}")) {
            Ok(t) => {
                by_name.insert(t.name.clone(), t);
            }
            Err(e) => warnings.push(e),
        }
    }
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for f in files {
            match std::fs::read_to_string(&f) {
                Ok(text) => match Tagger::parse(&text, &f.display().to_string()) {
                    Ok(t) => {
                        by_name.insert(t.name.clone(), t);
                    }
                    Err(e) => warnings.push(format!("tagger not loaded: {e}")),
                },
                Err(e) => warnings.push(format!("tagger not loaded: {}: {e}", f.display())),
            }
        }
    }
    (by_name.into_values().collect(), warnings)
}

/// Default folders searched for user taggers: `./taggers` and the user config folder.
pub fn default_tagger_dirs() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from("taggers")];
    if let Some(d) = directories::ProjectDirs::from("org", "derail", "derail") {
        v.push(d.config_dir().join("taggers"));
    }
    v
}

pub fn is_tagger_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::post_tokens;

    #[test]
    fn built_ins_parse_and_score() {
        let (taggers, warnings) = load_taggers(&[]);
        assert!(warnings.is_empty(), "{warnings:?}");
        let fandom = taggers.iter().find(|t| t.name == "fandom").unwrap();
        let text = "here's a fancam of jimin 💜 #BTS";
        let toks = post_tokens(text);
        let s = fandom.score(text, &toks.set, ["bts"].into_iter());
        assert!(s >= fandom.threshold, "{s}");
        let plain = "the council vote downtown";
        assert!(
            fandom.score(plain, &post_tokens(plain).set, std::iter::empty()) < fandom.threshold
        );
        let spam = taggers.iter().find(|t| t.name == "spam_crypto").unwrap();
        let t = "🚀 $PEPE airdrop is LIVE! Claim your free tokens now 👉 https://claim-airdrop.example/x";
        assert!(spam.score(t, &post_tokens(t).set, std::iter::empty()) >= spam.threshold);
    }

    #[test]
    fn user_files_extend_and_report_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "name = \"birds\"\nthreshold = 1\n[terms]\nowl = 1\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.toml"), "name = [").unwrap();
        let (taggers, warnings) = load_taggers(&[dir.path().to_path_buf()]);
        assert!(taggers.iter().any(|t| t.name == "birds"));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("bad.toml"));
    }
}
