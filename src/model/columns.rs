//! Column building blocks: an interner, a chunked string arena and a list column.
//!
//! These are written by hand because they are small and their memory layout matters:
//! 10M posts must fit on a 16 GB laptop, so every per-post cost is counted in bytes.

/// Interns strings into dense `u32` indices. Index order is first-seen order.
///
/// Each string is stored once, back to back in one arena, so interning a new string costs
/// no allocation of its own (a load interns hundreds of thousands of author keys and
/// handles per chunk); the lookup table holds only indices (hashbrown's `HashTable`).
#[derive(Default, Clone)]
pub struct Interner {
    arena: String,
    /// End offset in `arena` of each value; value `i` starts where `i - 1` ends.
    ends: Vec<usize>,
    lookup: hashbrown::HashTable<u32>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.ends.len())
            .finish()
    }
}

/// FxHash: the cheapest hash for the short strings interned here (ids, handles, tags).
fn str_hash(s: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(s)
}

/// Where value `i` lies in an arena (`i` must be below `ends.len()`).
#[inline]
fn arena_span(ends: &[usize], i: usize) -> std::ops::Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    start..ends[i]
}

/// Value `i` of an arena.
#[inline]
fn arena_value<'a>(arena: &'a str, ends: &[usize], i: usize) -> &'a str {
    &arena[arena_span(ends, i)]
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Self {
            arena: String::with_capacity(n * 8),
            ends: Vec::with_capacity(n),
            lookup: hashbrown::HashTable::with_capacity(n),
        }
    }

    /// Returns the index of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = str_hash(s);
        let (arena, ends) = (&self.arena, &self.ends);
        if let Some(&i) = self
            .lookup
            .find(h, |&i| arena_value(arena, ends, i as usize) == s)
        {
            return i;
        }
        let i = self.ends.len() as u32;
        self.arena.push_str(s);
        self.ends.push(self.arena.len());
        let (arena, ends) = (&self.arena, &self.ends);
        self.lookup
            .insert_unique(h, i, |&j| str_hash(arena_value(arena, ends, j as usize)));
        i
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        let (arena, ends) = (&self.arena, &self.ends);
        self.lookup
            .find(str_hash(s), |&i| arena_value(arena, ends, i as usize) == s)
            .copied()
    }

    pub fn resolve(&self, i: u32) -> &str {
        let i = i as usize;
        if i < self.ends.len() {
            arena_value(&self.arena, &self.ends, i)
        } else {
            ""
        }
    }

    /// All values back to back as one string, with where each starts (`offsets[i]` for
    /// value `i`), for scanning them in one pass; `None` if the arena outgrew `u32`.
    pub fn as_run(&self) -> Option<(&str, Vec<u32>)> {
        u32::try_from(self.arena.len()).ok()?;
        let offsets = std::iter::once(0)
            .chain(self.ends.iter().map(|&e| e as u32))
            .take(self.ends.len())
            .collect();
        Some((&self.arena, offsets))
    }

    /// The length in bytes of value `i` (0 for an unknown index).
    #[inline]
    pub fn get_len(&self, i: u32) -> usize {
        let i = i as usize;
        if i < self.ends.len() {
            arena_span(&self.ends, i).len()
        } else {
            0
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| arena_value(&self.arena, &self.ends, i))
    }

    /// Heap bytes used, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * 8 + self.lookup.capacity() * 5
    }
}

/// Where one string lives inside a [`TextColumn`].
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    chunk: u32,
    start: u32,
    len: u32,
}

/// Strings stored in a few large chunks (one per load chunk), so that merging the chunks
/// of a parallel load never copies the text.
#[derive(Debug, Default, Clone)]
pub struct TextColumn {
    chunks: Vec<String>,
    spans: Vec<Span>,
}

/// Chunks are capped below `u32::MAX` bytes so spans stay 12 bytes.
const CHUNK_LIMIT: usize = (u32::MAX as usize) - (1 << 20);

impl TextColumn {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(posts: usize, bytes: usize) -> Self {
        Self {
            chunks: vec![String::with_capacity(bytes.min(CHUNK_LIMIT))],
            spans: Vec::with_capacity(posts),
        }
    }

    pub fn push(&mut self, s: &str) {
        if self.chunks.is_empty()
            || self.chunks.last().map(|c| c.len() + s.len()).unwrap_or(0) > CHUNK_LIMIT
        {
            self.chunks.push(String::new());
        }
        let chunk = self.chunks.len() - 1;
        let buf = &mut self.chunks[chunk];
        let start = buf.len();
        buf.push_str(s);
        self.spans.push(Span {
            chunk: chunk as u32,
            start: start as u32,
            len: s.len() as u32,
        });
    }

    pub fn get(&self, i: usize) -> &str {
        match self.spans.get(i) {
            Some(sp) => self.chunks[sp.chunk as usize]
                .get(sp.start as usize..(sp.start + sp.len) as usize)
                .unwrap_or(""),
            None => "",
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Walks posts `lo..hi` in runs: each run is the texts of consecutive posts lying
    /// back to back in one chunk, as one `&str`, and `f(first_post, run, offsets)` gets
    /// the offset of each post's text in it (`offsets[k]` for post `first_post + k`).
    /// Texts are pushed in post order, so a run ends only at a chunk boundary. Scanning a
    /// run is much cheaper than calling a matcher once per post.
    pub fn for_each_run(&self, lo: usize, hi: usize, mut f: impl FnMut(usize, &str, &[u32])) {
        let hi = hi.min(self.spans.len());
        let mut offsets: Vec<u32> = Vec::new();
        let mut k = lo;
        while k < hi {
            let first = self.spans[k];
            let mut end = first.start;
            let mut m = k;
            offsets.clear();
            while m < hi {
                let sp = self.spans[m];
                if sp.chunk != first.chunk || sp.start != end {
                    break;
                }
                offsets.push(sp.start - first.start);
                end += sp.len;
                m += 1;
            }
            match self
                .chunks
                .get(first.chunk as usize)
                .and_then(|c| c.get(first.start as usize..end as usize))
            {
                Some(run) => f(k, run, &offsets),
                // Not reachable for spans this column made; still, never skip a post.
                None => (k..m).for_each(|p| f(p, self.get(p), &[0])),
            }
            k = m;
        }
    }

    /// Appends all strings of `other`, moving its chunks (no text is copied).
    pub fn append(&mut self, mut other: TextColumn) {
        // Drop an empty trailing chunk of ours so chunk indices stay dense.
        if self.chunks.last().is_some_and(|c| c.is_empty()) && self.spans.is_empty() {
            self.chunks.clear();
        }
        let base = self.chunks.len() as u32;
        for c in &mut other.chunks {
            c.shrink_to_fit();
        }
        self.chunks.append(&mut other.chunks);
        self.spans.extend(other.spans.into_iter().map(|mut s| {
            s.chunk += base;
            s
        }));
    }

    /// How many chunks hold the texts (one per load chunk).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity()).sum::<usize>()
            + self.spans.capacity() * std::mem::size_of::<Span>()
    }

    pub fn shrink_to_fit(&mut self) {
        for c in &mut self.chunks {
            c.shrink_to_fit();
        }
        self.spans.shrink_to_fit();
    }
}

/// A list of `u32` values per post (hashtags, mentions, urls as interned indices).
#[derive(Debug, Clone)]
pub struct ListColumn {
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl Default for ListColumn {
    fn default() -> Self {
        Self {
            offsets: vec![0],
            values: Vec::new(),
        }
    }
}

impl ListColumn {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, items: impl IntoIterator<Item = u32>) {
        self.values.extend(items);
        self.offsets.push(self.values.len() as u32);
    }

    pub fn get(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.values[a as usize..b as usize],
            _ => &[],
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn total_values(&self) -> usize {
        self.values.len()
    }

    /// Appends `other` as it is.
    pub fn append(&mut self, other: &ListColumn) {
        self.append_mapped(other, &[]);
    }

    /// Appends `other`, remapping each value through `remap` (a value past its end stays
    /// as it is).
    pub fn append_mapped(&mut self, other: &ListColumn, remap: &[u32]) {
        let base = self.values.len() as u32;
        self.values.extend(
            other
                .values
                .iter()
                .map(|&v| remap.get(v as usize).copied().unwrap_or(v)),
        );
        self.offsets
            .extend(other.offsets.iter().skip(1).map(|&o| o + base));
    }

    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.values.capacity()) * 4
    }

    pub fn shrink_to_fit(&mut self) {
        self.offsets.shrink_to_fit();
        self.values.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_dedups_and_resolves() {
        let mut i = Interner::new();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern("b"), 1);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.resolve(1), "b");
        assert_eq!(i.resolve(7), "");
    }

    #[test]
    fn text_column_append_keeps_order() {
        let mut a = TextColumn::new();
        a.push("one");
        let mut b = TextColumn::new();
        b.push("two");
        b.push("");
        b.push("three");
        a.append(b);
        assert_eq!(
            (0..a.len()).map(|i| a.get(i)).collect::<Vec<_>>(),
            ["one", "two", "", "three"]
        );
        // Runs stay inside one chunk.
        let runs = |lo, hi| {
            let mut v = Vec::new();
            a.for_each_run(lo, hi, |p, run, offs| {
                v.push((p, run.to_string(), offs.to_vec()))
            });
            v
        };
        assert_eq!(
            runs(0, 4),
            [
                (0, "one".to_string(), vec![0]),
                (1, "twothree".to_string(), vec![0, 3, 3])
            ]
        );
        assert_eq!(runs(2, 9), [(2, "three".to_string(), vec![0, 0])]);
        assert_eq!(runs(4, 9), []);
    }

    #[test]
    fn list_column_remaps() {
        let mut a = ListColumn::new();
        a.push([0, 1]);
        let mut b = ListColumn::new();
        b.push([]);
        b.push([1, 0]);
        a.append_mapped(&b, &[5, 6]);
        assert_eq!(a.get(0), &[0, 1]);
        assert_eq!(a.get(1), &[] as &[u32]);
        assert_eq!(a.get(2), &[6, 5]);
        assert_eq!(a.len(), 3);
    }
}
