//! A labelling packet: a sampling plan's posts, in the plan's order and without any of
//! derail's verdicts, as a CSV a second coder opens in derail (which then labels blind)
//! or in a spreadsheet. Its `id` column holds the dataset's post keys, so the coder's
//! export comes back with `import-labels --coder NAME` whatever the dataset's layout.

use std::path::Path;

use super::plan::SamplePlan;
use crate::labels::agreement::PACKET_COLUMN;
use crate::model::Dataset;

/// What writing a packet did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketSummary {
    pub written: usize,
    /// Posts of the plan no longer in the dataset.
    pub missing: usize,
}

/// The packet's CSV bytes.
pub fn packet_bytes(ds: &Dataset, plan: &SamplePlan) -> Result<(Vec<u8>, PacketSummary), String> {
    let index: std::collections::HashMap<String, usize> =
        (0..ds.len()).map(|i| (ds.post_key(i), i)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| e.to_string();
    w.write_record([PACKET_COLUMN, "id", "created_at", "author", "text"])
        .map_err(err)?;
    let mut summary = PacketSummary {
        written: 0,
        missing: 0,
    };
    for key in &plan.order {
        let Some(&i) = index.get(key) else {
            summary.missing += 1;
            continue;
        };
        w.write_record([
            plan.id.as_str(),
            key.as_str(),
            &crate::time::format_iso(ds.created_at[i]),
            ds.handle(i),
            ds.text(i),
        ])
        .map_err(err)?;
        summary.written += 1;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok((bytes, summary))
}

/// Writes a packet atomically (a temporary file in the same folder, then a rename).
pub fn write_packet(ds: &Dataset, plan: &SamplePlan, out: &Path) -> Result<PacketSummary, String> {
    use std::io::Write;
    let (bytes, summary) = packet_bytes(ds, plan)?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| format!("{}: {e}", out.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(&bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(out).map_err(|e| fail(e.error))?;
    Ok(summary)
}
