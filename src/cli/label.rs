//! `derail label`: label posts from a script: reads commands on stdin (`set POST LABEL`, `clear POST`, `undo`, `redo`, `list`, `queue NAME` (the queue later labels come from), `layer adjudicated` (label into a layer; `layer` alone goes back to your own), `quit`) and prints `saved` once each change is durable.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{LoadArgs, load_with_bar};

#[derive(Args, Debug)]
pub struct LabelArgs {
    input: PathBuf,
    #[command(flatten)]
    load: LoadArgs,
}

pub fn run(args: LabelArgs) -> Result<()> {
    let LabelArgs { input, load } = args;
    use std::io::{BufRead, Write};
    let ds = load_with_bar(&input, &load)?;
    let mut labels = crate::labels::Labels::open(&ds.source.path, &ds.source.fingerprint)?;
    for w in &labels.warnings {
        eprintln!("derail: warning: {w}");
    }
    let keys: std::collections::HashSet<String> = (0..ds.len()).map(|i| ds.post_key(i)).collect();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "ready {} posts; journal {}",
        ds.len(),
        labels
            .journal_path()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    )?;
    out.flush()?;
    for line in stdin.lock().lines() {
        let line = line?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let cmd = match parts.as_slice() {
            ["set", post, label @ ..] if !label.is_empty() => {
                let name = label.join(" ");
                match labels.by_name(&name) {
                    Some(id) if keys.contains(*post) => Some(crate::labels::LabelCommand::Assign {
                        posts: vec![post.to_string()],
                        label: Some(id),
                    }),
                    Some(_) => {
                        writeln!(out, "error: no post {post}")?;
                        None
                    }
                    None => {
                        writeln!(out, "error: no label {name:?}")?;
                        None
                    }
                }
            }
            ["clear", post] => Some(crate::labels::LabelCommand::Assign {
                posts: vec![post.to_string()],
                label: None,
            }),
            ["queue", name] => {
                labels.queue = Some(name.to_string());
                writeln!(out, "queue {name}")?;
                None
            }
            ["layer", name] => {
                labels.set_active_layer(name);
                writeln!(out, "layer {name}")?;
                None
            }
            ["layer"] => {
                labels.set_active_layer("");
                writeln!(out, "layer own")?;
                None
            }
            ["queue"] => {
                labels.queue = None;
                writeln!(out, "queue by hand")?;
                None
            }
            ["undo"] => Some(crate::labels::LabelCommand::Undo),
            ["redo"] => Some(crate::labels::LabelCommand::Redo),
            ["list"] => {
                for (k, e) in labels.iter() {
                    writeln!(
                        out,
                        "{k} {}",
                        labels.def(e.label).map(|d| d.name.as_str()).unwrap_or("?")
                    )?;
                }
                None
            }
            ["quit"] => break,
            [] => None,
            _ => {
                writeln!(out, "error: unknown command {line:?}")?;
                None
            }
        };
        if let Some(c) = cmd {
            match labels.apply(c) {
                Ok(()) => writeln!(out, "saved")?,
                Err(e) => writeln!(out, "error: {e}")?,
            }
        }
        out.flush()?;
    }
    Ok(())
}
