//! Agreement between labellers: Cohen's kappa (two), Krippendorff's alpha (nominal, any
//! number, missing values allowed), the confusion matrix and the disagreements.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

/// Labels of one labeller: post key → label.
pub type Coding = BTreeMap<String, String>;

/// Cohen's kappa over the posts both labelled. `None` when none overlap or when chance
/// agreement is total.
pub fn cohen_kappa(a: &Coding, b: &Coding) -> Option<f64> {
    let common: Vec<(&String, &String)> = a
        .iter()
        .filter_map(|(k, va)| b.get(k).map(|vb| (va, vb)))
        .collect();
    let n = common.len() as f64;
    if n == 0.0 {
        return None;
    }
    let po = common.iter().filter(|(x, y)| x == y).count() as f64 / n;
    let mut ca: BTreeMap<&str, f64> = BTreeMap::new();
    let mut cb: BTreeMap<&str, f64> = BTreeMap::new();
    for (x, y) in &common {
        *ca.entry(x.as_str()).or_default() += 1.0;
        *cb.entry(y.as_str()).or_default() += 1.0;
    }
    let pe: f64 = ca
        .iter()
        .map(|(k, v)| (v / n) * (cb.get(k).copied().unwrap_or(0.0) / n))
        .sum();
    if (1.0 - pe).abs() < 1e-12 {
        return None;
    }
    Some((po - pe) / (1.0 - pe))
}

/// Krippendorff's alpha for nominal data. Units with fewer than two values are ignored.
pub fn krippendorff_alpha(codings: &[Coding]) -> Option<f64> {
    let mut units: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in codings {
        for (k, v) in c {
            units.entry(k.as_str()).or_default().push(v.as_str());
        }
    }
    let mut o: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for values in units.values() {
        let m = values.len();
        if m < 2 {
            continue;
        }
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if i != j {
                    *o.entry((a, b)).or_default() += 1.0 / (m as f64 - 1.0);
                }
            }
        }
    }
    let mut nc: BTreeMap<&str, f64> = BTreeMap::new();
    for ((c, _), v) in &o {
        *nc.entry(c).or_default() += v;
    }
    let n: f64 = nc.values().sum();
    if n <= 1.0 {
        return None;
    }
    let disagree_obs: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    let mut disagree_exp = 0.0;
    for (c, a) in &nc {
        for (k, b) in &nc {
            if c != k {
                disagree_exp += a * b;
            }
        }
    }
    if disagree_exp == 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * disagree_obs / disagree_exp)
}

/// A pairwise comparison.
#[derive(Debug, Clone, Serialize)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    pub common: usize,
    pub agreement: f64,
    pub kappa: Option<f64>,
    /// Labels in order; `matrix[i][j]` counts posts labelled `labels[i]` by A and `labels[j]` by B.
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<u64>>,
    /// Posts they labelled differently: (post, label by A, label by B).
    pub disagreements: Vec<(String, String, String)>,
}

pub fn compare(a_name: &str, a: &Coding, b_name: &str, b: &Coding) -> PairReport {
    let labels: Vec<String> = a
        .values()
        .chain(b.values())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let idx = |l: &str| labels.iter().position(|x| x == l).unwrap_or(0);
    let mut matrix = vec![vec![0u64; labels.len()]; labels.len()];
    let mut common = 0;
    let mut same = 0;
    let mut disagreements = Vec::new();
    for (k, va) in a {
        if let Some(vb) = b.get(k) {
            common += 1;
            matrix[idx(va)][idx(vb)] += 1;
            if va == vb {
                same += 1;
            } else {
                disagreements.push((k.clone(), va.clone(), vb.clone()));
            }
        }
    }
    PairReport {
        a: a_name.to_string(),
        b: b_name.to_string(),
        common,
        agreement: if common > 0 {
            same as f64 / common as f64
        } else {
            0.0
        },
        kappa: cohen_kappa(a, b),
        labels,
        matrix,
        disagreements,
    }
}

/// What the rows of annotated files were matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// The posts' ids (`ID#N` for repeats): works across layouts of the same posts.
    PostId,
    /// derail's row key: `derail_row` (and `source_file` for a dataset of several files).
    /// Works for files with no id column, when both exports came from the same input.
    Row,
}

impl MatchKey {
    pub fn describe(self) -> &'static str {
        match self {
            MatchKey::PostId => "post ids",
            MatchKey::Row => "derail_row (the input row's line, and its file)",
        }
    }
}

/// The first column of a labelling packet: the sampling plan it was drawn from.
pub const PACKET_COLUMN: &str = "derail_packet";

/// The labels of one annotated CSV, keyed both ways it can be matched.
#[derive(Debug, Clone, Default)]
pub struct Annotated {
    /// By post id, when the file has an id column.
    pub by_id: Option<Coding>,
    /// By row key (`line:N`, or `FILE:line:N` for a dataset of several files), when the
    /// file has a `derail_row` column.
    pub by_row: Option<Coding>,
    /// The file is a labelling packet (or an export of one): its `id` column holds the
    /// original dataset's post keys, and its rows are the packet's, not the dataset's.
    pub packet: bool,
}

impl Annotated {
    pub fn coding(&self, key: MatchKey) -> Option<&Coding> {
        match key {
            MatchKey::PostId => self.by_id.as_ref(),
            MatchKey::Row => self.by_row.as_ref(),
        }
    }
}

/// The row key of a post with no id: its line, and its file in a dataset of several files.
/// The same string is a post's key in derail when it has no id.
pub fn row_key(file: &str, line: u64) -> String {
    if file.is_empty() {
        format!("line:{line}")
    } else {
        format!("{file}:line:{line}")
    }
}

/// Picks the key all the files share: ids when every file has them, else derail's row key.
pub fn common_key(files: &[(String, Annotated)]) -> Result<(MatchKey, Vec<Coding>), String> {
    for key in [MatchKey::PostId, MatchKey::Row] {
        if files.iter().all(|(_, a)| a.coding(key).is_some()) {
            let codings = files
                .iter()
                .filter_map(|(_, a)| a.coding(key).cloned())
                .collect();
            return Ok((key, codings));
        }
    }
    let missing: Vec<&str> = files
        .iter()
        .filter(|(_, a)| a.by_id.is_none() && a.by_row.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    Err(if missing.is_empty() {
        "the files share no key: some have only an id column and others only derail_row; \
         export them again with this derail, which writes both"
            .to_string()
    } else {
        format!(
            "{}: neither an id column nor derail_row; export it again with this derail, which writes derail_row for every row",
            missing.join(", ")
        )
    })
}

/// Reads the labels of an annotated CSV (`derail_label`), keyed by the id column and by
/// `derail_row` (with `source_file`), whichever it has. Repeated ids are addressed as
/// `ID#N`, as everywhere in derail.
pub fn read_annotated(path: &Path) -> Result<Annotated, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let label_col = headers
        .iter()
        .position(|h| h == "derail_label")
        .ok_or_else(|| {
            format!(
                "{}: no derail_label column (export it with derail export or the app)",
                path.display()
            )
        })?;
    let key_col = headers.iter().position(|h| h == "derail_post_key");
    let id_col = headers.iter().position(|h| {
        let n = crate::load::mapping::normalize_name(h);
        ["id", "tweetid", "idstr", "postid", "statusid"].contains(&n.as_str())
    });
    let row_col = headers.iter().position(|h| h == "derail_row");
    let packet = headers.iter().any(|h| h == PACKET_COLUMN);
    let file_col = row_col.and(headers.iter().position(|h| h == "source_file"));
    let mut by_id = (id_col.is_some() || key_col.is_some()).then(Coding::new);
    let mut by_row = row_col.map(|_| Coding::new());
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: row {}: {e}", path.display(), row + 2))?;
        let label = rec.get(label_col).unwrap_or("").trim();
        let id_key = match key_col.and_then(|k| rec.get(k)).filter(|k| !k.is_empty()) {
            Some(k) => Some(k.to_string()),
            None => id_col.map(|c| {
                let id = rec.get(c).unwrap_or("").trim().to_string();
                let n = seen.entry(id.clone()).or_insert(0);
                *n += 1;
                if *n == 1 { id } else { format!("{id}#{n}") }
            }),
        };
        if label.is_empty() {
            continue;
        }
        if let (Some(c), Some(k)) = (by_id.as_mut(), id_key) {
            c.insert(k, label.to_string());
        }
        if let (Some(c), Some(rc)) = (by_row.as_mut(), row_col) {
            let cell = rec.get(rc).unwrap_or("").trim();
            let line: u64 = cell.parse().map_err(|_| {
                format!(
                    "{}: row {}, column derail_row: {cell:?} is not a row number",
                    path.display(),
                    row + 2
                )
            })?;
            let file = file_col.and_then(|f| rec.get(f)).unwrap_or("");
            c.insert(row_key(file, line), label.to_string());
        }
    }
    Ok(Annotated {
        by_id,
        by_row,
        packet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(pairs: &[(&str, &str)]) -> Coding {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Worked by hand: 10 items, A/B agree on 7.
    /// A: y y y y y n n n n n   B: y y y y n n n n y y
    /// po = 0.7; pA(y)=0.5, pB(y)=0.6 → pe = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7-0.5)/0.5 = 0.4
    #[test]
    fn kappa_by_hand() {
        let a = coding(&[
            ("1", "y"),
            ("2", "y"),
            ("3", "y"),
            ("4", "y"),
            ("5", "y"),
            ("6", "n"),
            ("7", "n"),
            ("8", "n"),
            ("9", "n"),
            ("10", "n"),
        ]);
        let b = coding(&[
            ("1", "y"),
            ("2", "y"),
            ("3", "y"),
            ("4", "y"),
            ("5", "n"),
            ("6", "n"),
            ("7", "n"),
            ("8", "n"),
            ("9", "y"),
            ("10", "y"),
        ]);
        let k = cohen_kappa(&a, &b).unwrap();
        assert!((k - 0.4).abs() < 1e-12, "{k}");
        let r = compare("a", &a, "b", &b);
        assert_eq!(r.common, 10);
        assert_eq!(r.labels, ["n", "y"]);
        assert_eq!(r.matrix, vec![vec![3, 2], vec![1, 4]]);
        assert_eq!(r.disagreements.len(), 3);
    }

    /// Krippendorff's alpha, two coders, no missing values, by hand:
    /// units (a,a) (a,b) (b,b) (b,b): o_aa=2, o_ab=o_ba=1, o_bb=4; n_a=3, n_b=5, n=8
    /// α = 1 - (n-1)·(o_ab+o_ba) / (n_a·n_b + n_b·n_a) = 1 - 7·2/30 = 0.5333…
    #[test]
    fn alpha_by_hand() {
        let a = coding(&[("1", "a"), ("2", "a"), ("3", "b"), ("4", "b")]);
        let b = coding(&[("1", "a"), ("2", "b"), ("3", "b"), ("4", "b")]);
        let alpha = krippendorff_alpha(&[a.clone(), b.clone()]).unwrap();
        assert!((alpha - (1.0 - 14.0 / 30.0)).abs() < 1e-12, "{alpha}");
        // Perfect agreement gives 1.
        assert!((krippendorff_alpha(&[a.clone(), a.clone(), a]).unwrap() - 1.0).abs() < 1e-12);
    }
}
