//! Any other JSON: each object is flattened to dotted paths (`data.caption.text`), and the
//! paths are mapped to roles by the same engine that maps CSV columns
//! ([`crate::load::mapping::map_columns`]: name hints checked against a sample of
//! values, with confidences and `--map text=data.caption.text`). Rows then go through the
//! CSV row conversion ([`crate::load::row_to_post::convert_row`]), so a flattened object
//! is read exactly as a CSV row with those columns would be.
//!
//! Arrays are kept whole as JSON text under their path (`entities.hashtags`), which the
//! list-cell reader understands (strings, or objects with `tag`/`text`/`name`/...).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::load::builder::ChunkBuilder;
use crate::load::csv_format::{CsvContext, Dialect};
use crate::load::json::{JsonContext, Piece, split_document};
use crate::load::mapping::{self, MapOverride, MappingError, Role};
use crate::load::readers::JsonReader;
use crate::load::row_to_post::{Row, convert_row};
use crate::model::Format;
use crate::time::TimeParser;

/// How the paths of a file map to roles: the "header" of a JSON file.
pub struct PathMapping {
    pub csv: CsvContext,
    index: rustc_hash::FxHashMap<String, usize>,
}

/// How deep objects are flattened.
const MAX_DEPTH: usize = 8;
/// How many values are sampled to decide the mapping.
const SAMPLE_VALUES: usize = 200;

/// Appends the dotted paths and scalar texts of `v` under `prefix`.
pub fn flatten(v: &Value, prefix: &mut String, out: &mut Vec<(String, String)>, depth: usize) {
    match v {
        Value::Object(o) if depth < MAX_DEPTH => {
            for (k, x) in o {
                let len = prefix.len();
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(k);
                flatten(x, prefix, out, depth + 1);
                prefix.truncate(len);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.clone(), s.clone())),
        Value::Number(n) => out.push((prefix.clone(), n.to_string())),
        Value::Bool(b) => out.push((prefix.clone(), b.to_string())),
        other => out.push((prefix.clone(), other.to_string())),
    }
}

/// A flattened object as a row of the mapping's columns.
struct FlatRow {
    fields: Vec<Option<String>>,
}

impl Row for FlatRow {
    fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        self.fields.get(i)?.as_deref().map(Cow::Borrowed)
    }
    fn len(&self) -> usize {
        self.fields.len()
    }
    fn raw_field(&self, i: usize) -> &[u8] {
        self.fields
            .get(i)
            .and_then(|f| f.as_deref())
            .unwrap_or("")
            .as_bytes()
    }
}

/// Why no mapping could be made, with the paths that were seen.
pub enum PathMappingError {
    NotObjects,
    NoText {
        paths: Vec<String>,
    },
    NoTime {
        paths: Vec<String>,
    },
    UnknownPath {
        role: Role,
        path: String,
        paths: Vec<String>,
    },
    NoUsableText {
        message: String,
    },
}

/// Decides the mapping of a JSON file from the values in its head.
pub fn map_paths(
    head: &[u8],
    overrides: &[MapOverride],
    base: &TimeParser,
    max_field_bytes: usize,
) -> Result<Arc<PathMapping>, PathMappingError> {
    let mut header: Vec<String> = Vec::new();
    let mut index: rustc_hash::FxHashMap<String, usize> = Default::default();
    let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
    let mut values = Vec::new();
    for p in split_document(head) {
        if let Piece::Value { start, end, .. } = p
            && let Ok(v) = serde_json::from_slice::<Value>(&head[start..end])
        {
            match v {
                Value::Array(items) => values.extend(items.into_iter().filter(Value::is_object)),
                Value::Object(_) => values.push(v),
                _ => {}
            }
        }
        if values.len() >= SAMPLE_VALUES {
            break;
        }
    }
    if values.is_empty() {
        return Err(PathMappingError::NotObjects);
    }
    for v in values.iter().take(SAMPLE_VALUES) {
        let mut flat = Vec::new();
        flatten(v, &mut String::new(), &mut flat, 0);
        let row = flat
            .into_iter()
            .map(|(path, value)| {
                let n = header.len();
                let i = *index.entry(path.clone()).or_insert(n);
                if i == n {
                    header.push(path);
                }
                (i, value)
            })
            .collect();
        rows.push(row);
    }
    let sample: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            let mut full = vec![String::new(); header.len()];
            for (i, v) in r {
                full[i] = v;
            }
            full
        })
        .collect();
    let mapping = mapping::map_columns(&header, &sample, overrides, base).map_err(|e| match e {
        MappingError::UnknownColumn { role, column } => PathMappingError::UnknownPath {
            role,
            path: column,
            paths: header.clone(),
        },
        MappingError::NoUsableText { message } => PathMappingError::NoUsableText { message },
    })?;
    if mapping.get(Role::Text).is_none() {
        return Err(PathMappingError::NoText { paths: header });
    }
    if mapping.get(Role::Time).is_none() {
        return Err(PathMappingError::NoTime { paths: header });
    }
    let time_parser = crate::load::csv_format::time_parser_for(base, &mapping);
    let dialect = Dialect {
        delimiter: b',',
        quoting: true,
        trim: false,
        has_header: true,
    };
    Ok(Arc::new(PathMapping {
        csv: CsvContext::new(dialect, header, mapping, time_parser, max_field_bytes),
        index,
    }))
}

/// Objects read through a [`PathMapping`].
pub struct Reader;

impl JsonReader for Reader {
    fn format(&self) -> Format {
        Format::GenericJson
    }
    fn recognises(&self, _o: &Map<String, Value>) -> bool {
        // Decided for a whole file, never for one value.
        false
    }
    fn convert(
        &self,
        bytes: &[u8],
        line: u64,
        ctx: &JsonContext,
        out: &mut ChunkBuilder,
    ) -> Result<(), serde_json::Error> {
        let Some(paths) = &ctx.paths else {
            return Err(serde::de::Error::custom("no path mapping for this JSON"));
        };
        let v: Value = serde_json::from_slice(bytes)?;
        if !v.is_object() {
            return Err(serde::de::Error::custom("not a JSON object"));
        }
        let mut flat = Vec::new();
        flatten(&v, &mut String::new(), &mut flat, 0);
        let mut fields = vec![None; paths.csv.header.len()];
        for (path, value) in flat {
            if let Some(&i) = paths.index.get(&path) {
                fields[i] = Some(value);
            }
        }
        out.rows_in += 1;
        convert_row(&FlatRow { fields }, None, line, bytes, &paths.csv, out);
        Ok(())
    }
}
