//! Parquet in and out: a Parquet corpus gives the answer its CSV gives; damaged Parquet
//! rows are rejected with their row and column; an annotated Parquet export holds every
//! input row with typed columns; `--hashtag`/`--since`/`--until` slices read only what they
//! need; a hive-partitioned folder opens as one dataset; and DuckDB reads an export back
//! and joins it to the corpus (skipped with a message where DuckDB's Python package is
//! absent).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use common::{analyse, derail_bin, load};
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::load::Loaded;
use derail::load::slice::Slice;
use derail::load::{LoadOptions, load_path};
use derail::model::Format;
use derail::progress::Progress;

fn load_sliced(path: &Path, slice: Slice) -> Loaded {
    let opts = LoadOptions {
        slice,
        ..LoadOptions::default()
    };
    load_path(path, &opts, &Progress::new()).unwrap()
}

fn ids(ds: &Loaded) -> BTreeSet<String> {
    (0..ds.len()).map(|i| ds.id(i).into_owned()).collect()
}

/// Every batch of a Parquet file, read with arrow-rs.
fn read_batches(path: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a ArrayRef {
    batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn export(ds: &Loaded, an: Option<&derail::analysis::Analysis>, out: &Path) {
    derail::export::export_annotated(ds, an, None, out, &Default::default(), &Progress::new())
        .unwrap();
}

#[test]
fn a_parquet_corpus_gives_the_csv_answer_and_exports_every_row_typed() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 20_000, 7));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("w.csv");
    let pq = dir.path().join("w.parquet");
    write(&posts, &authors, OutFormat::Csv, &csv).unwrap();
    write(&posts, &authors, OutFormat::Parquet, &pq).unwrap();
    let a = load(&csv);
    let b = load(&pq);
    assert_eq!(b.source.format, Format::Parquet);
    assert_eq!(ids(&a), ids(&b));
    assert!(b.report.check_accounting(b.len()).is_ok());
    let (an_a, an_b) = (analyse(&a), analyse(&b));
    let moments = |an: &derail::analysis::Analysis| -> Vec<(String, i64, i64)> {
        an.moments
            .iter()
            .map(|m| (m.hashtag.clone(), m.onset_ms, m.end_ms))
            .collect()
    };
    assert!(!an_a.moments.is_empty());
    assert_eq!(
        moments(&an_a),
        moments(&an_b),
        "the same moments in both layouts"
    );
    let marked = |ds: &Loaded, an: &derail::analysis::Analysis| -> BTreeSet<String> {
        (0..ds.len())
            .filter(|&i| an.is_takeover(i))
            .map(|i| ds.id(i).into_owned())
            .collect()
    };
    assert_eq!(marked(&a, &an_a), marked(&b, &an_b));

    // The annotated Parquet keeps the input's own columns and types, then derail's.
    let out = dir.path().join("annotated.parquet");
    export(&b, Some(&an_b), &out);
    let batches = read_batches(&out);
    let rows: usize = batches.iter().map(|x| x.num_rows()).sum();
    assert_eq!(rows, posts.len(), "every input row");
    let schema = batches[0].schema();
    assert!(matches!(
        schema.field_with_name("posted_at").unwrap().data_type(),
        DataType::Timestamp(TimeUnit::Millisecond, _)
    ));
    assert_eq!(
        schema.field_with_name("like_count").unwrap().data_type(),
        &DataType::Int64
    );
    assert_eq!(
        schema
            .field_with_name("derail_takeover")
            .unwrap()
            .data_type(),
        &DataType::Boolean
    );
    assert!(matches!(
        schema.field_with_name("derail_tags").unwrap().data_type(),
        DataType::List(_)
    ));
    let mut exported_marked = BTreeSet::new();
    let mut row = 0i64;
    for batch in &batches {
        let id = column(batch, "post_id").as_string::<i32>();
        let flag = column(batch, "derail_takeover").as_boolean();
        let line = column(batch, "derail_row").as_primitive::<arrow_array::types::Int64Type>();
        for k in 0..batch.num_rows() {
            row += 1;
            assert_eq!(line.value(k), row, "rows in input order, numbered from 1");
            if flag.value(k) {
                exported_marked.insert(id.value(k).to_string());
            }
        }
    }
    assert_eq!(exported_marked, marked(&b, &an_b));

    // The same export as CSV: the Parquet columns as text, every row.
    let out_csv = dir.path().join("annotated.csv");
    export(&b, Some(&an_b), &out_csv);
    let mut r = csv::Reader::from_path(&out_csv).unwrap();
    assert_eq!(r.headers().unwrap().get(0), Some("post_id"));
    assert_eq!(r.records().count(), posts.len());

    // A CSV corpus exported as Parquet: its columns as text, every row.
    let out2 = dir.path().join("from_csv.parquet");
    export(&a, Some(&an_a), &out2);
    let batches = read_batches(&out2);
    assert_eq!(
        batches.iter().map(|x| x.num_rows()).sum::<usize>(),
        posts.len()
    );
    assert_eq!(
        batches[0]
            .schema()
            .field_with_name("text")
            .unwrap()
            .data_type(),
        &DataType::Utf8
    );
}

/// A small Parquet file with a text time column; `bad` rows get a null time, an
/// unreadable time, or a null text.
fn damaged_file(path: &Path) -> Vec<(u64, &'static str)> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("created_at", DataType::Utf8, true),
        Field::new("text", DataType::Utf8, true),
    ]));
    let (mut id, mut at, mut text) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let mut bad = Vec::new();
    for r in 0..200u64 {
        id.append_value(format!("p{r}"));
        let t = format!("2021-03-0{}T{:02}:00:00Z", 1 + r / 100, r % 24);
        match r {
            17 | 150 => {
                at.append_null();
                bad.push((r + 1, "created_at"));
            }
            42 => {
                at.append_value("next tuesday");
                bad.push((r + 1, "created_at"));
            }
            _ => at.append_value(t),
        }
        if r == 99 {
            text.append_null();
        } else {
            text.append_value(format!("post {r} about #things"));
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(at.finish()),
        Arc::new(text.finish()),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    bad
}

#[test]
fn damaged_parquet_rows_are_rejected_with_their_row_and_column_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.parquet");
    let bad = damaged_file(&path);
    let ds = load(&path);
    assert_eq!(ds.report.rows_in, 200);
    assert!(ds.report.check_accounting(ds.len()).is_ok());
    let rejected: Vec<(u64, String)> = ds
        .report
        .rejections
        .iter()
        .map(|r| (r.line, r.column.clone().unwrap_or_default()))
        .collect();
    for (line, col) in &bad {
        assert!(
            rejected.iter().any(|(l, c)| l == line && c == col),
            "row {line} ({col}) not rejected by name: {rejected:?}"
        );
    }
    assert_eq!(ds.report.rejected as usize, rejected.len());
    // The post with no text is kept or rejected, but counted either way.
    assert_eq!(ds.report.loaded + ds.report.rejected, 200);

    let out = dir.path().join("annotated.parquet");
    export(&ds, None, &out);
    let batches = read_batches(&out);
    let mut rejected_rows = Vec::new();
    let mut n = 0;
    for b in &batches {
        let tags = column(b, "derail_tags").as_list::<i32>();
        let line = column(b, "derail_row").as_primitive::<arrow_array::types::Int64Type>();
        let id = column(b, "id").as_string::<i32>();
        for k in 0..b.num_rows() {
            n += 1;
            let t = tags.value(k);
            let t = t.as_string::<i32>();
            if t.len() == 1 && t.value(0) == "rejected" {
                rejected_rows.push(line.value(k) as u64);
                assert_eq!(id.value(k), format!("p{}", line.value(k) - 1));
            }
        }
    }
    assert_eq!(n, 200, "every input row");
    let want: Vec<u64> = ds.report.rejections.iter().map(|r| r.line).collect();
    assert_eq!(rejected_rows, want);
}

#[test]
fn slices_read_only_what_they_need_and_match_a_full_load() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 20_000, 11));
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("corpus.parquet");
    let csv = dir.path().join("corpus.csv");
    write(&posts, &authors, OutFormat::Parquet, &pq).unwrap();
    write(&posts, &authors, OutFormat::Csv, &csv).unwrap();
    let full = load(&pq);
    let tag = "ProudBoys";
    let by_tag = Slice {
        hashtag: Some(tag.into()),
        ..Slice::default()
    };
    let want: BTreeSet<String> = (0..full.len())
        .filter(|&i| by_tag.holds(&full, i))
        .map(|i| full.id(i).into_owned())
        .collect();
    assert!(want.len() > 100 && want.len() < full.len() / 2);
    for path in [&pq, &csv] {
        let s = load_sliced(path, by_tag.clone());
        assert_eq!(ids(&s), want, "{}", path.display());
        assert!(s.report.check_accounting(s.len()).is_ok());
        assert_eq!(s.report.rows_in, posts.len() as u64);
        assert_eq!(s.report.outside_slice, (posts.len() - want.len()) as u64);
    }
    let s = load_sliced(&pq, by_tag.clone());
    assert!(
        s.report
            .format_detail
            .contains(&format!("and {} rows of them", want.len())),
        "the Parquet reader read only the tag's rows: {}",
        s.report.format_detail
    );

    // A time slice skips whole row groups (the file is in time order, 4,096 rows a group).
    let t0 = full.created_at.iter().min().copied().unwrap();
    let t1 = full.created_at.iter().max().copied().unwrap();
    let since = t0 + (t1 - t0) / 2;
    let until = t0 + (t1 - t0) * 3 / 4;
    let by_time = Slice {
        since: Some(since),
        until: Some(until),
        ..Slice::default()
    };
    let want: BTreeSet<String> = (0..full.len())
        .filter(|&i| by_time.holds(&full, i))
        .map(|i| full.id(i).into_owned())
        .collect();
    for path in [&pq, &csv] {
        let s = load_sliced(path, by_time.clone());
        assert_eq!(ids(&s), want, "{}", path.display());
        assert!(s.report.check_accounting(s.len()).is_ok());
    }
    let s = load_sliced(&pq, by_time);
    let groups = s
        .report
        .format_detail
        .split("read ")
        .nth(1)
        .and_then(|r| r.split(" of ").next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap();
    assert!(
        groups <= 3,
        "a quarter of 5 row groups should need at most 3: {}",
        s.report.format_detail
    );

    // The CLI takes the same slice.
    let out = std::process::Command::new(derail_bin())
        .args(["inspect", "--hashtag", "#proudboys", "--until"])
        .arg(derail::time::format_iso(until))
        .arg(&pq)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("outside the slice"), "{text}");
}

#[test]
fn a_hive_partitioned_folder_of_parquet_opens_as_one_dataset() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Kpop, 3_000, 5));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let half = posts.len() / 2;
    for (k, part) in [&posts[..half], &posts[half..]].iter().enumerate() {
        let d = root.join(format!("part_no={k}"));
        std::fs::create_dir_all(&d).unwrap();
        write(
            part,
            &authors,
            OutFormat::Parquet,
            &d.join("data-0.parquet"),
        )
        .unwrap();
    }
    let ds = load(&root);
    assert_eq!(ds.source.format, Format::Folder);
    assert_eq!(ds.len(), posts.len());
    assert_eq!(ds.files.len(), 2);
    assert!(ds.report.check_accounting(ds.len()).is_ok());
}

/// Rewrites a Parquet file without the named columns, as a partitioned write leaves the
/// partition columns out of its files.
fn write_without_columns(from: &Path, to: &Path, drop: &[&str]) {
    let batches = read_batches(from);
    let schema = batches[0].schema();
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&k| !drop.contains(&schema.field(k).name().as_str()))
        .collect();
    assert_eq!(keep.len() + drop.len(), schema.fields().len(), "{drop:?}");
    let out_schema = Arc::new(schema.project(&keep).unwrap());
    let f = std::fs::File::create(to).unwrap();
    let mut w = ArrowWriter::try_new(f, out_schema, None).unwrap();
    for b in &batches {
        w.write(&b.project(&keep).unwrap()).unwrap();
    }
    w.close().unwrap();
}

#[test]
fn hive_partition_values_are_read_as_the_columns_their_files_lack() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 4_000, 6));
    let dir = tempfile::tempdir().unwrap();
    let whole_path = dir.path().join("whole.parquet");
    write(&posts, &authors, OutFormat::Parquet, &whole_path).unwrap();
    let whole = load(&whole_path);
    // As `PARTITION_BY (language, collector)` writes it: the files hold neither column,
    // the directories name them; a post of no language lands in the default partition.
    let root = dir.path().join("by_language");
    let mut langs: Vec<&str> = posts.iter().map(|p| p.lang).collect();
    langs.sort_unstable();
    langs.dedup();
    assert!(langs.len() >= 3, "{langs:?}");
    for (k, lang) in langs.iter().enumerate() {
        let part: Vec<_> = posts.iter().filter(|p| p.lang == *lang).cloned().collect();
        let value = if lang.is_empty() {
            "__HIVE_DEFAULT_PARTITION__"
        } else {
            lang
        };
        let d = root
            .join(format!("language={value}"))
            .join(format!("collector=team_{}", k % 2));
        std::fs::create_dir_all(&d).unwrap();
        let full = dir.path().join(format!("part_{k}.parquet"));
        write(&part, &authors, OutFormat::Parquet, &full).unwrap();
        write_without_columns(&full, &d.join("data_0.parquet"), &["language"]);
    }
    let parts = load(&root);
    assert_eq!(parts.len(), whole.len());
    assert!(parts.report.check_accounting(parts.len()).is_ok());
    let by_id: std::collections::HashMap<String, usize> = (0..whole.len())
        .map(|i| (whole.id(i).into_owned(), i))
        .collect();
    let mut with_lang = 0;
    for i in 0..parts.len() {
        let j = by_id[parts.id(i).as_ref()];
        assert_eq!(parts.lang(i), whole.lang(j), "post {}", parts.id(i));
        assert_eq!(
            parts.created_at[i],
            whole.created_at[j],
            "post {}",
            parts.id(i)
        );
        assert!(
            parts.hashtags(i).eq(whole.hashtags(j)),
            "post {}",
            parts.id(i)
        );
        with_lang += usize::from(!parts.lang(i).is_empty());
    }
    assert!(
        with_lang > parts.len() / 2,
        "{with_lang} of {}",
        parts.len()
    );
}

#[test]
fn a_slice_of_a_partitioned_folder_opens_only_the_partitions_that_can_hold_it() {
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 6_000, 8));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("by_tag");
    // As DuckDB's PARTITION_BY (tag) writes a corpus: one directory per tag (one of them
    // percent-encoded), each file holding the posts of its tag.
    let tags = ["proudboys", "whitelivesmatter", "방탄소년단"];
    let mut files = Vec::new();
    for tag in tags {
        let part: Vec<_> = posts
            .iter()
            .filter(|p| {
                derail::text::extract_hashtags(&p.text)
                    .iter()
                    .any(|t| derail::text::normalize_hashtag(t) == tag)
            })
            .cloned()
            .collect();
        assert!(part.len() > 10, "{tag}: {}", part.len());
        let encoded: String = tag
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let d = root.join(format!("tag={encoded}"));
        std::fs::create_dir_all(&d).unwrap();
        write(
            &part,
            &authors,
            OutFormat::Parquet,
            &d.join("data_0.parquet"),
        )
        .unwrap();
        files.push((tag, part.len()));
    }
    let all_rows: usize = files.iter().map(|(_, n)| n).sum();
    for (tag, n) in &files {
        let s = load_sliced(
            &root,
            Slice {
                hashtag: Some(tag.to_uppercase()),
                ..Slice::default()
            },
        );
        assert_eq!(s.len(), *n, "#{tag}");
        assert!(s.report.check_accounting(s.len()).is_ok(), "#{tag}");
        assert_eq!(
            s.report.rows_in, all_rows as u64,
            "#{tag}: the unopened files' rows are counted"
        );
        assert_eq!(s.report.outside_slice, (all_rows - n) as u64, "#{tag}");
        assert!(
            s.report.format_detail.contains("left 2 Parquet files"),
            "#{tag}: {}",
            s.report.format_detail
        );
    }
    // A tag no partition names: every file is left unopened, and the error says why.
    let e = load_path(
        &root,
        &LoadOptions {
            slice: Slice {
                hashtag: Some("nosuchtag".into()),
                ..Slice::default()
            },
            ..LoadOptions::default()
        },
        &Progress::new(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("partitions of all 3 files rule it out"), "{e}");
}

#[test]
fn a_corpus_sorted_by_hashtag_is_read_only_where_the_statistics_allow() {
    // One hashtag per row, sorted, 200 rows a row group and 50 a page: the statistics of
    // the hashtag column rule out every group and page that cannot hold the tag, whatever
    // its case or its '#'.
    let tags = ["Alpha", "#beta", "BETA", "Gamma", "delta", "ｂｅｔａ"];
    let mut rows: Vec<(String, &str)> = (0..3_000)
        .map(|i| (format!("{i}"), tags[i % tags.len()]))
        .collect();
    rows.sort_by(|a, b| a.1.cmp(b.1));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new(
            "created_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("text", DataType::Utf8, false),
        Field::new("hashtag", DataType::Utf8, false),
    ]));
    let mut id = StringBuilder::new();
    let mut at = arrow_array::builder::TimestampMillisecondBuilder::new().with_timezone("UTC");
    let mut text = StringBuilder::new();
    let mut tag = StringBuilder::new();
    for (k, (i, t)) in rows.iter().enumerate() {
        id.append_value(i);
        at.append_value(1_591_000_000_000 + k as i64 * 60_000);
        text.append_value(format!("post {i} about {t}"));
        tag.append_value(t);
    }
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(id.finish()),
            Arc::new(at.finish()),
            Arc::new(text.finish()),
            Arc::new(tag.finish()),
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sorted.parquet");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(200))
        .set_data_page_row_count_limit(50)
        .set_write_batch_size(50)
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let full = load(&path);
    for want_tag in ["beta", "GAMMA", "#alpha"] {
        let slice = Slice {
            hashtag: Some(want_tag.into()),
            ..Slice::default()
        };
        let want: BTreeSet<String> = (0..full.len())
            .filter(|&i| slice.holds(&full, i))
            .map(|i| full.id(i).into_owned())
            .collect();
        assert!(!want.is_empty(), "{want_tag}");
        let s = load_sliced(&path, slice);
        assert_eq!(ids(&s), want, "{want_tag}: the same posts as a full read");
        assert!(s.report.check_accounting(s.len()).is_ok());
        assert!(
            s.report.format_detail.contains("statistics ruled out"),
            "{want_tag}: {}",
            s.report.format_detail
        );
    }
    // "beta" in three spellings (one full-width) is half the file; "GAMMA" a sixth: read
    // only its row groups.
    let s = load_sliced(
        &path,
        Slice {
            hashtag: Some("gamma".into()),
            ..Slice::default()
        },
    );
    let groups: usize = s
        .report
        .format_detail
        .split("read ")
        .nth(1)
        .and_then(|r| r.split(" of ").next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        groups <= 4,
        "500 sorted rows span at most 4 groups of 200: {}",
        s.report.format_detail
    );
}

#[test]
fn a_hashtag_slice_keeps_the_reposts_that_take_the_tag_from_their_original() {
    // Reposts stored without content (as Bluesky's are) take their original's text and
    // hashtags once loaded: a slice keeps them as a full read would.
    let list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new(
            "created_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("text", DataType::Utf8, true),
        Field::new("hashtags", list, true),
        Field::new("retweeted_id", DataType::Utf8, true),
    ]));
    let mut id = StringBuilder::new();
    let mut at = arrow_array::builder::TimestampMillisecondBuilder::new().with_timezone("UTC");
    let mut text = StringBuilder::new();
    let mut tags = arrow_array::builder::ListBuilder::new(StringBuilder::new());
    let mut rt = StringBuilder::new();
    for k in 0..400u32 {
        // Every tenth post is an empty repost of the post before it.
        let (body, tag, of) = match k % 10 {
            9 => (String::new(), None, Some(format!("{}", k - 1))),
            8 => (format!("post {k} #LoveWins"), Some("LoveWins"), None),
            _ => (format!("post {k} #Cats"), Some("Cats"), None),
        };
        id.append_value(format!("{k}"));
        at.append_value(1_591_000_000_000 + k as i64 * 60_000);
        text.append_value(body);
        if let Some(t) = tag {
            tags.values().append_value(t);
        }
        tags.append(true);
        match of {
            Some(o) => rt.append_value(o),
            None => rt.append_null(),
        }
    }
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(id.finish()),
            Arc::new(at.finish()),
            Arc::new(text.finish()),
            Arc::new(tags.finish()),
            Arc::new(rt.finish()),
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reposts.parquet");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(100))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let full = load(&path);
    let slice = Slice {
        hashtag: Some("lovewins".into()),
        ..Slice::default()
    };
    let want: BTreeSet<String> = (0..full.len())
        .filter(|&i| slice.holds(&full, i))
        .map(|i| full.id(i).into_owned())
        .collect();
    assert!(
        want.contains("9") && want.contains("8") && want.len() == 80,
        "the full read gives the empty reposts their original's tag: {want:?}"
    );
    let s = load_sliced(&path, slice);
    assert_eq!(ids(&s), want);
    assert!(s.report.check_accounting(s.len()).is_ok());
}

/// Whether `python3 -c "import duckdb"` works here.
fn duckdb_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn duckdb_cuts_a_slice_derail_annotates_it_and_duckdb_joins_it_back() {
    if !duckdb_available() {
        eprintln!(
            "SKIPPED: DuckDB's Python package is absent (pip install duckdb); the round trip is not checked"
        );
        return;
    }
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 20_000, 3));
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.csv");
    write(&posts, &authors, OutFormat::Csv, &corpus).unwrap();
    let slice = dir.path().join("slice.parquet");
    let annotated = dir.path().join("annotated.parquet");
    // 1. The engine cuts the slice of the big corpus and writes it as Parquet.
    let cut = format!(
        "import duckdb\n\
         duckdb.sql(\"\"\"copy (select * from read_csv('{corpus}', all_varchar=true)\n\
           where regexp_matches(text, '#(whitelivesmatter|proudboys)([^a-z0-9_]|$)', 'i'))\n\
           to '{slice}' (format parquet)\"\"\")\n",
        corpus = corpus.display(),
        slice = slice.display()
    );
    let py = |code: &str| {
        let o = std::process::Command::new("python3")
            .args(["-c", code])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    py(&cut);
    // 2. derail analyses the slice and writes the annotated Parquet.
    let o = std::process::Command::new(derail_bin())
        .arg("analyze")
        .arg(&slice)
        .arg("--out")
        .arg(&annotated)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ds = load(&slice);
    let an = analyse(&ds);
    let marked = (0..ds.len()).filter(|&i| an.is_takeover(i)).count();
    assert!(marked > 0);
    // 3. DuckDB reads every row back and joins it to the corpus by id.
    let join = format!(
        "import duckdb\n\
         print(duckdb.sql(\"\"\"select count(*), count(c.id), count_if(a.derail_takeover)\n\
           from '{annotated}' a left join read_csv('{corpus}', all_varchar=true) c using (id)\"\"\").fetchall()[0])\n",
        annotated = annotated.display(),
        corpus = corpus.display()
    );
    let got = py(&join);
    assert_eq!(got, format!("({}, {}, {marked})", ds.len(), ds.len()));
}

#[test]
fn a_duckdb_partitioned_corpus_gives_the_posts_of_the_whole_files_slice() {
    if !duckdb_available() {
        eprintln!(
            "SKIPPED: DuckDB's Python package is absent (pip install duckdb); PARTITION_BY folders are not checked"
        );
        return;
    }
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, 20_000, 4));
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.parquet");
    write(&posts, &authors, OutFormat::Parquet, &corpus).unwrap();
    let by_tag = dir.path().join("by_tag");
    let code = format!(
        "import duckdb\n\
         duckdb.sql(\"\"\"copy (select *, lower(unnest(hashtags)) as tag from '{corpus}')\n\
           to '{by_tag}' (format parquet, partition_by (tag))\"\"\")\n",
        corpus = corpus.display(),
        by_tag = by_tag.display()
    );
    let o = std::process::Command::new("python3")
        .args(["-c", &code])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for tag in ["WhiteLivesMatter", "방탄소년단"] {
        let slice = Slice {
            hashtag: Some(tag.into()),
            ..Slice::default()
        };
        let whole = load_sliced(&corpus, slice.clone());
        let parts = load_sliced(&by_tag, slice);
        assert!(whole.len() > 50, "#{tag}");
        assert_eq!(ids(&parts), ids(&whole), "#{tag}");
        assert!(parts.report.check_accounting(parts.len()).is_ok());
        assert!(
            parts
                .report
                .format_detail
                .contains("unopened by their partitions"),
            "{}",
            parts.report.format_detail
        );
    }
}
