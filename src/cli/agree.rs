//! `derail agree`: agreement between labellers: Cohen's kappa, Krippendorff's alpha, confusion matrices, disagreements.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct AgreeArgs {
    /// Two or more annotated CSVs (with derail_label).
    #[arg(required = true, num_args = 2..)]
    files: Vec<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn run(args: AgreeArgs) -> Result<()> {
    let AgreeArgs { files, json } = args;
    use crate::labels::agreement;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let annotated = files
        .iter()
        .zip(&names)
        .map(|(f, n)| {
            Ok((
                n.clone(),
                agreement::read_annotated(f).map_err(anyhow::Error::msg)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let (key, codings) = agreement::common_key(&annotated).map_err(anyhow::Error::msg)?;
    let mut pairs = Vec::new();
    for a in 0..codings.len() {
        for b in a + 1..codings.len() {
            pairs.push(agreement::compare(
                &names[a],
                &codings[a],
                &names[b],
                &codings[b],
            ));
        }
    }
    let alpha = agreement::krippendorff_alpha(&codings);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "files": names,
                "matched_on": key,
                "pairs": pairs,
                "krippendorff_alpha": alpha,
            }))?
        );
    } else {
        println!("rows matched on {}", key.describe());
        for p in &pairs {
            println!("{} vs {}", p.a, p.b);
            println!("  posts labelled by both: {}", p.common);
            println!("  raw agreement: {:.3}", p.agreement);
            match p.kappa {
                Some(k) => println!("  Cohen's kappa: {k:.3}"),
                None => {
                    println!("  Cohen's kappa: undefined (no overlap, or one label only)")
                }
            }
            println!("  confusion matrix (rows: {}, columns: {}):", p.a, p.b);
            let w = p.labels.iter().map(|l| l.len()).max().unwrap_or(4).max(4);
            print!("  {:w$}", "");
            for l in &p.labels {
                print!(" {l:>w$}");
            }
            println!();
            for (i, l) in p.labels.iter().enumerate() {
                print!("  {l:w$}");
                for c in &p.matrix[i] {
                    print!(" {c:>w$}");
                }
                println!();
            }
            println!("  disagreements to adjudicate: {}", p.disagreements.len());
            for (k, x, y) in p.disagreements.iter().take(50) {
                println!("    {k}: {x} / {y}");
            }
        }
        if codings.len() > 2 {
            match alpha {
                Some(a) => {
                    println!("Krippendorff's alpha ({} labellers): {a:.3}", codings.len())
                }
                None => println!("Krippendorff's alpha: undefined"),
            }
        }
    }
    Ok(())
}
