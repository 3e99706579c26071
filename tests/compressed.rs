//! Compressed inputs open with no flags: real files (and a generated CSV) written as .gz,
//! .zst, .bz2, .xz and .zip load exactly as the plain file does, and an annotated export
//! of a compressed CSV writes every input row back.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{load, real_data_dir};
use derail::load::Loaded;

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn zstd_long(b: &[u8]) -> Vec<u8> {
    // A long window, as the Reddit dumps use (`zstd --long`).
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 9).unwrap();
    e.long_distance_matching(true).unwrap();
    e.window_log(27).unwrap();
    // As the `zstd` tool does for a file: the frame records its decompressed size.
    e.set_pledged_src_size(Some(b.len() as u64)).unwrap();
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn bzip2(b: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn xz(b: &[u8]) -> Vec<u8> {
    let mut e =
        lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6)).unwrap();
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn zip(name: &str, b: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A folder entry and a macOS resource fork, as archives made on a Mac carry.
    w.add_directory("__MACOSX/", zip::write::SimpleFileOptions::default())
        .unwrap();
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file(format!("data/{name}"), opts).unwrap();
    w.write_all(b).unwrap();
    w.finish().unwrap().into_inner()
}

/// What must be the same however the file is compressed.
fn fingerprint(ds: &Loaded) -> (usize, u64, Vec<String>, Vec<String>) {
    (
        ds.len(),
        ds.report.rows_in,
        (0..ds.len()).map(|i| ds.post_key(i)).collect(),
        (0..ds.len()).map(|i| ds.text(i).to_string()).collect(),
    )
}

fn check_all_compressions(name: &str, plain: &[u8], dir: &Path) {
    let plain_path = dir.join(name);
    std::fs::write(&plain_path, plain).unwrap();
    let want = load(&plain_path);
    let variants: Vec<(PathBuf, Vec<u8>, &str)> = vec![
        (dir.join(format!("{name}.gz")), gzip(plain), "gzip"),
        (dir.join(format!("{name}.zst")), zstd_long(plain), "zstd"),
        (dir.join(format!("{name}.bz2")), bzip2(plain), "bzip2"),
        (dir.join(format!("{name}.xz")), xz(plain), "xz"),
        (dir.join(format!("{name}.zip")), zip(name, plain), "zip"),
    ];
    for (path, bytes, what) in variants {
        std::fs::write(&path, &bytes).unwrap();
        let got = load(&path);
        assert_eq!(got.source.format, want.source.format, "{what} {name}");
        assert_eq!(got.source.compression, what, "{name}");
        assert!(
            got.report.encoding.contains(what),
            "{}",
            got.report.encoding
        );
        assert_eq!(fingerprint(&got), fingerprint(&want), "{what} {name}");
        assert!(got.report.check_accounting(got.len()).is_ok());
        // Memory is estimated from the decompressed size where the file records it.
        if matches!(what, "zip" | "zstd" | "gzip") {
            let kind = derail::load::source::sniff_source(&path).unwrap().unwrap();
            assert_eq!(kind.decoded_bytes, Some(plain.len() as u64), "{what}");
        }
    }
}

#[test]
fn real_files_in_every_compression() {
    let Some(real) = real_data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "twarc2_kpop_20210922.jsonl",
        "kpop_bts_army_matchamillion_20200607.csv",
        "platforms/reddit_pushshift_submissions.ndjson",
        "platforms/telegram_desktop_channel_result.json",
    ] {
        let bytes = std::fs::read(real.join(name)).unwrap();
        let base = Path::new(name).file_name().unwrap().to_string_lossy();
        check_all_compressions(&base, &bytes, dir.path());
    }
}

#[test]
fn a_compressed_csv_exports_every_row() {
    use derail::generate::writers::{OutFormat, write};
    use derail::generate::{GenConfig, Scenario, generate};
    let dir = tempfile::tempdir().unwrap();
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Spam, 3000, 5));
    let plain = dir.path().join("g.csv");
    write(&posts, &authors, OutFormat::Csv, &plain).unwrap();
    let bytes = std::fs::read(&plain).unwrap();
    check_all_compressions("g.csv", &bytes, dir.path());
    for ext in ["zst", "bz2", "xz", "zip"] {
        let path = dir.path().join(format!("g.csv.{ext}"));
        let ds = load(&path);
        let out = dir.path().join(format!("out-{ext}.csv"));
        derail::export::export_annotated(
            &ds,
            None,
            None,
            &out,
            &Default::default(),
            &derail::progress::Progress::new(),
        )
        .unwrap();
        let rows = csv::Reader::from_path(&out).unwrap().records().count();
        assert_eq!(rows, posts.len(), "{ext}: every input row exported");
    }
}

#[test]
fn an_archive_of_several_files_names_them() {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for n in ["a.csv", "b.csv"] {
        w.start_file(n, opts).unwrap();
        w.write_all(b"id,created_at,text\n1,2020-01-01T00:00:00Z,hello there\n")
            .unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.zip");
    std::fs::write(&path, bytes).unwrap();
    let e = derail::load::load_path(
        &path,
        &Default::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("two.zip") && e.contains("a.csv") && e.contains("b.csv"),
        "{e}"
    );
}
