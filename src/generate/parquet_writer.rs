//! Writes generated posts as Parquet, laid out the way a warehouse export of posts often
//! is (BigQuery, a DuckDB or Spark job): names unlike twarc's, a typed UTC timestamp,
//! integer counts, the hashtags as a list, and about twenty row groups (of 4,096 to
//! 131,072 rows, DuckDB writes 122,880), so slices by time skip whole groups.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int64Builder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::{GenAuthor, GenPost};
use crate::model::PostKind;
use crate::text::extract_hashtags;

/// Rows per row group: about a twentieth of the file, within these bounds.
const GROUP_ROWS: std::ops::RangeInclusive<usize> = 4096..=131_072;

fn io_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

pub fn write_parquet(posts: &[GenPost], authors: &[GenAuthor], path: &Path) -> io::Result<()> {
    let tags = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let schema = Arc::new(Schema::new(vec![
        Field::new("post_id", DataType::Utf8, false),
        Field::new(
            "posted_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("user_id", DataType::Utf8, false),
        Field::new("user_screen_name", DataType::Utf8, false),
        Field::new("body", DataType::Utf8, false),
        Field::new("language", DataType::Utf8, true),
        Field::new("reposted_post_id", DataType::Utf8, true),
        Field::new("hashtags", tags, true),
        Field::new("has_media", DataType::Boolean, false),
        Field::new("like_count", DataType::Int64, false),
        Field::new("repost_count", DataType::Int64, false),
    ]));
    let group_rows = (posts.len() / 20).clamp(*GROUP_ROWS.start(), *GROUP_ROWS.end());
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(group_rows))
        .build();
    let file = File::create(path)?;
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(io_error)?;
    for chunk in posts.chunks(group_rows) {
        let mut id = StringBuilder::new();
        let mut at = TimestampMillisecondBuilder::new().with_timezone("UTC");
        let mut user = StringBuilder::new();
        let mut handle = StringBuilder::new();
        let mut body = StringBuilder::new();
        let mut lang = StringBuilder::new();
        let mut repost_of = StringBuilder::new();
        let mut hashtags = ListBuilder::new(StringBuilder::new());
        let mut media = BooleanBuilder::new();
        let mut likes = Int64Builder::new();
        let mut reposts = Int64Builder::new();
        for p in chunk {
            let a = &authors[p.author as usize];
            id.append_value(p.id.to_string());
            at.append_value(p.time_ms);
            user.append_value(a.id.to_string());
            handle.append_value(&a.handle);
            body.append_value(&p.text);
            lang.append_option((!p.lang.is_empty()).then_some(p.lang));
            repost_of.append_option(match (p.kind, p.ref_id) {
                (PostKind::Retweet, Some(r)) => Some(r.to_string()),
                _ => None,
            });
            for t in extract_hashtags(&p.text) {
                hashtags.values().append_value(t);
            }
            hashtags.append(true);
            media.append_value(p.has_media);
            likes.append_value(p.likes as i64);
            reposts.append_value(p.reposts as i64);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(id.finish()),
            Arc::new(at.finish()),
            Arc::new(user.finish()),
            Arc::new(handle.finish()),
            Arc::new(body.finish()),
            Arc::new(lang.finish()),
            Arc::new(repost_of.finish()),
            Arc::new(hashtags.finish()),
            Arc::new(media.finish()),
            Arc::new(likes.finish()),
            Arc::new(reposts.finish()),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(io_error)?;
        w.write(&batch).map_err(io_error)?;
    }
    w.close().map_err(io_error)?;
    Ok(())
}
