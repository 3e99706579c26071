//! List cells of flat exports: a JSON array (of strings, or of objects such as twarc-csv's
//! `entities.hashtags` `[{"start": 10, "end": 22, "tag": "X"}]`), or a separated list.
//!
//! A JSON array is read in one pass without building its values: each string is taken as
//! it is, each object gives the value of the first of the wanted keys it holds as a string,
//! and everything else is skipped.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A list cell: a JSON array (of strings, or of objects with one of `keys`, the first of
/// them that holds a string winning) or a separated list (`#a, #b;c`, `['x', 'y']`).
pub fn parse_list_cell(v: &str, keys: &[&str]) -> Vec<String> {
    let v = v.trim();
    if v.is_empty() || v == "[]" {
        return Vec::new();
    }
    if v.starts_with('[')
        && let Some(items) = json_list(v, keys)
    {
        return items;
    }
    // Python list repr: ['a', 'b']
    let inner = v.trim_start_matches('[').trim_end_matches(']');
    inner
        .split([',', ';', '|', ' ', '\t', '\n'])
        .map(|s| s.trim().trim_matches(['\'', '"']).trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The items of a JSON array, or `None` when `v` is not one JSON array and nothing else.
fn json_list(v: &str, keys: &[&str]) -> Option<Vec<String>> {
    let mut de = serde_json::Deserializer::from_str(v);
    let items = (List { keys }).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(items)
}

/// The array.
struct List<'k> {
    keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(Item { keys: self.keys })? {
            out.extend(item);
        }
        Ok(out)
    }
}

/// One item of the array: its string, or its object's wanted string, or nothing.
struct Item<'k> {
    keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, an object or any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Some(s))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Per wanted key, its value when a string (a repeated key: its last value).
        let mut found: Vec<Option<String>> = vec![None; self.keys.len()];
        while let Some(k) = map.next_key_seed(KeyIndex { keys: self.keys })? {
            match k {
                // With no keys of its own, an item is its string or nothing.
                Some(k) => found[k] = map.next_value_seed(Item { keys: &[] })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found.into_iter().flatten().next())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An object's key, as its position among the wanted keys.
struct KeyIndex<'k> {
    keys: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for KeyIndex<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIndex<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, k: &str) -> Result<Self::Value, E> {
        Ok(self.keys.iter().position(|w| *w == k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the cell held when read through `serde_json::Value` (the reference).
    fn through_values(v: &str, keys: &[&str]) -> Option<Vec<String>> {
        let serde_json::Value::Array(items) = serde_json::from_str(v).ok()? else {
            return None;
        };
        Some(
            items
                .into_iter()
                .filter_map(|it| match it {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Object(o) => keys
                        .iter()
                        .find_map(|k| o.get(*k).and_then(|x| x.as_str()).map(str::to_string)),
                    _ => None,
                })
                .collect(),
        )
    }

    #[test]
    fn json_arrays_read_as_their_values_would() {
        let keys = ["expanded_url", "url"];
        for cell in [
            r#"[{"start": 1, "end": 9, "tag": "destiny"}]"#,
            r#"["a", "b\u2019c", "\"q\""]"#,
            r#"[{"url": "https://t.co/x", "expanded_url": "https://example.com/a"}]"#,
            r#"[{"url": "https://t.co/x", "expanded_url": null}]"#,
            r#"[{"url": "https://t.co/x", "expanded_url": 3, "url": "https://t.co/y"}]"#,
            r#"[{"images": [{"url": "no"}], "url": "yes"}, 1, true, null, [2], {"x": {}}]"#,
            r#"[]"#,
            r#"[{"tag": "a"}] trailing"#,
            r#"[{"tag": "a"}"#,
            r#"["a",]"#,
        ] {
            for keys in [&keys[..], &["tag", "text"], &[]] {
                assert_eq!(
                    json_list(cell, keys),
                    through_values(cell, keys),
                    "{cell} {keys:?}"
                );
            }
        }
    }

    #[test]
    fn list_cells() {
        assert_eq!(
            parse_list_cell("[{\"start\": 1, \"tag\": \"destiny\"}]", &["tag"]),
            ["destiny"]
        );
        assert_eq!(parse_list_cell("#a, #b;c", &["tag"]), ["#a", "#b", "c"]);
        assert_eq!(parse_list_cell("['x', 'y']", &["tag"]), ["x", "y"]);
        assert!(parse_list_cell("", &["tag"]).is_empty());
    }
}
