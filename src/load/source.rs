//! Opening a source file: compression (gzip, zstd, bzip2, xz, zip), byte-order marks,
//! UTF-16 and binary detection, and a block reader over the decoded byte stream that
//! hashes what it reads (the dataset fingerprint). Compressed files are streamed, never
//! unpacked to disk; progress counts the compressed bytes read.
//!
//! Every byte offset stored in a dataset refers to this decoded stream, so an export can
//! reopen the file, decode it the same way, and copy original rows back byte for byte.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use xxhash_rust::xxh3::Xxh3;

/// The text encoding of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le { bom: true } => "UTF-16LE with BOM",
            TextEncoding::Utf16Le { bom: false } => "UTF-16LE without BOM",
            TextEncoding::Utf16Be { bom: true } => "UTF-16BE with BOM",
            TextEncoding::Utf16Be { bom: false } => "UTF-16BE without BOM",
        }
    }
}

/// How a source is compressed, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    /// One data file inside a zip archive.
    Zip,
}

impl Compression {
    pub fn from_magic(b: &[u8]) -> Compression {
        if b.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if b.starts_with(b"BZh") && b.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
            Compression::Bzip2
        } else if b.starts_with(b"\xfd7zXZ\x00") {
            Compression::Xz
        } else if b.starts_with(b"PK\x03\x04") {
            Compression::Zip
        } else {
            Compression::None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zip => "zip",
        }
    }

    /// How much text usually grows when decompressed, for the memory estimate when the
    /// file does not record its decompressed size.
    pub fn typical_ratio(self) -> u64 {
        match self {
            Compression::None => 1,
            Compression::Gzip | Compression::Zip => 6,
            Compression::Zstd | Compression::Bzip2 | Compression::Xz => 8,
        }
    }
}

/// Where the one data file of a zip archive is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub data_start: u64,
    pub compressed_size: u64,
    pub size: u64,
    pub deflated: bool,
}

/// What sniffing the first bytes found.
#[derive(Debug, Clone)]
pub struct SourceKind {
    pub compression: Compression,
    pub encoding: TextEncoding,
    pub file_bytes: u64,
    /// The decompressed size where the file records it (a gzip trailer, a zstd frame
    /// header, a zip directory).
    pub decoded_bytes: Option<u64>,
    pub zip_entry: Option<ZipEntry>,
}

impl SourceKind {
    /// The size of the decoded stream: recorded, else estimated.
    pub fn estimated_decoded_bytes(&self) -> u64 {
        self.decoded_bytes.unwrap_or_else(|| {
            self.file_bytes
                .saturating_mul(self.compression.typical_ratio())
        })
    }

    pub fn is_compressed(&self) -> bool {
        self.compression != Compression::None
    }
}

/// Finds the data file of a zip archive: the one file that is not a folder, a macOS
/// resource fork or a hidden file. An archive of several data files is refused with their
/// names (unpack it and open the folder).
pub fn zip_entry<R: Read + io::Seek>(reader: R) -> io::Result<ZipEntry> {
    let bad = |e: zip::result::ZipError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let mut ar = zip::ZipArchive::new(reader).map_err(bad)?;
    let mut found: Vec<ZipEntry> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for i in 0..ar.len() {
        let f = ar.by_index_raw(i).map_err(bad)?;
        let name = f.name().map_err(bad)?.into_owned();
        let base = name.rsplit('/').next().unwrap_or(&name);
        if f.is_dir() || name.starts_with("__MACOSX/") || base.starts_with('.') || base.is_empty() {
            continue;
        }
        let deflated = match f.compression() {
            zip::CompressionMethod::Stored => false,
            zip::CompressionMethod::Deflated => true,
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{name} in the zip is compressed with {other:?}; derail reads stored and deflated entries"
                    ),
                ));
            }
        };
        names.push(name.clone());
        found.push(ZipEntry {
            data_start: f.data_start().unwrap_or(0),
            compressed_size: f.compressed_size(),
            size: f.size(),
            deflated,
            name,
        });
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the zip archive holds no data file",
        )),
        n => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the zip archive holds {n} data files ({}); unpack it and open the folder",
                names.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The decompressed size a file records: a gzip trailer (modulo 4 GiB, so only trusted
/// when it is at least the compressed size), a zstd frame header.
fn recorded_size(
    compression: Compression,
    head: &[u8],
    tail: &[u8],
    file_bytes: u64,
) -> Option<u64> {
    match compression {
        Compression::Gzip if tail.len() >= 4 => {
            let n = u32::from_le_bytes([
                tail[tail.len() - 4],
                tail[tail.len() - 3],
                tail[tail.len() - 2],
                tail[tail.len() - 1],
            ]) as u64;
            (n >= file_bytes).then_some(n)
        }
        Compression::Zstd => zstd::zstd_safe::get_frame_content_size(head).ok().flatten(),
        _ => None,
    }
}

/// A decompressing reader over a raw stream. A zip entry is reached by reading on to its
/// data (the stream need not seek).
fn decompressor(
    compression: Compression,
    zip: Option<&ZipEntry>,
    raw: Box<dyn Read + Send>,
) -> io::Result<Box<dyn Read + Send>> {
    Ok(match compression {
        Compression::None => raw,
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::new(raw)?;
            // Reddit's Pushshift and Arctic Shift dumps are written with a 2 GiB window.
            d.window_log_max(31)?;
            Box::new(d)
        }
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(raw)),
        Compression::Xz => Box::new(xz4rust::XzReader::new(raw)),
        Compression::Zip => {
            let e = zip
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "zip entry not found"))?;
            let mut raw = raw;
            io::copy(&mut (&mut raw).take(e.data_start), &mut io::sink())?;
            let data = raw.take(e.compressed_size);
            if e.deflated {
                Box::new(flate2::read::DeflateDecoder::new(data))
            } else {
                Box::new(data)
            }
        }
    })
}

/// Why a file cannot be read as text at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    Empty,
    Binary { what: String, offset: u64 },
}

/// Counts raw bytes read from the file, for progress.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Transcodes UTF-16 to UTF-8 as a stream.
struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    in_buf: Vec<u8>,
    out_buf: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out_buf.len() {
                let n = (self.out_buf.len() - self.out_pos).min(buf.len());
                buf[..n].copy_from_slice(&self.out_buf[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            self.in_buf.resize(64 * 1024, 0);
            let n = self.inner.read(&mut self.in_buf)?;
            let last = n == 0;
            self.eof = last;
            self.out_buf.clear();
            self.out_pos = 0;
            let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.out_buf.resize(cap, 0);
            let (_, _, written, _) =
                self.decoder
                    .decode_to_utf8(&self.in_buf[..n], &mut self.out_buf, last);
            self.out_buf.truncate(written);
        }
    }
}

/// Reads up to `n` bytes from the start of a file, decompressed.
fn peek_decompressed(
    path: &Path,
    n: usize,
) -> io::Result<(Vec<u8>, Compression, Option<ZipEntry>)> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 8];
    let got = read_full(&mut f, &mut magic)?;
    let compression = Compression::from_magic(&magic[..got]);
    let zip = match compression {
        Compression::Zip => Some(zip_entry(BufReader::new(File::open(path)?))?),
        _ => None,
    };
    let f = File::open(path)?;
    let mut r = decompressor(compression, zip.as_ref(), Box::new(BufReader::new(f)))?;
    let mut buf = vec![0u8; n];
    let got = read_full(&mut r, &mut buf).or_else(|e| {
        // A truncated archive still has a readable start.
        if compression != Compression::None {
            Ok(0)
        } else {
            Err(e)
        }
    })?;
    buf.truncate(got);
    Ok((buf, compression, zip))
}

/// The last bytes of a file (a gzip trailer).
fn tail_of(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    use io::Seek;
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    f.seek(io::SeekFrom::Start(len.saturating_sub(n)))?;
    let mut v = Vec::new();
    f.read_to_end(&mut v)?;
    Ok(v)
}

fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Known binary formats people open by mistake.
fn binary_magic(b: &[u8]) -> Option<&'static str> {
    let table: &[(&[u8], &str)] = &[
        (
            b"PK\x03\x04",
            "a ZIP archive (an .xlsx workbook? export it as CSV first)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"%PDF", "a PDF document"),
        (b"SQLite format 3", "an SQLite database"),
        (b"PAR1", "a Parquet file (convert it to CSV or JSONL first)"),
        (
            b"\xd0\xcf\x11\xe0",
            "an old Excel/Office file (export it as CSV first)",
        ),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"GIF8", "a GIF image"),
    ];
    table
        .iter()
        .find(|(m, _)| b.starts_with(m))
        .map(|(_, w)| *w)
}

/// Sniffs compression, encoding and binary content from the first 64 KiB.
pub fn sniff_source(path: &Path) -> io::Result<Result<SourceKind, NotText>> {
    let file_bytes = std::fs::metadata(path)?.len();
    if file_bytes == 0 {
        return Ok(Err(NotText::Empty));
    }
    let (head, compression, zip) = match peek_decompressed(path, 64 * 1024) {
        Ok(x) => x,
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Ok(Err(NotText::Binary {
                what: format!("an archive derail cannot read: {e}"),
                offset: 0,
            }));
        }
        Err(e) => return Err(e),
    };
    let mut raw_head = vec![0u8; 64];
    let got = read_full(&mut File::open(path)?, &mut raw_head)?;
    raw_head.truncate(got);
    let tail = tail_of(path, 4)?;
    Ok(sniff_head(&head, compression, file_bytes).map(|mut k| {
        k.decoded_bytes = match &zip {
            Some(z) => Some(z.size),
            None => recorded_size(compression, &raw_head, &tail, file_bytes),
        };
        k.zip_entry = zip;
        k
    }))
}

/// Sniffs an in-memory input.
pub fn sniff_bytes(bytes: &[u8]) -> Result<SourceKind, NotText> {
    if bytes.is_empty() {
        return Err(NotText::Empty);
    }
    let compression = Compression::from_magic(bytes);
    let zip = match compression {
        Compression::Zip => match zip_entry(io::Cursor::new(bytes)) {
            Ok(z) => Some(z),
            Err(e) => {
                return Err(NotText::Binary {
                    what: format!("an archive derail cannot read: {e}"),
                    offset: 0,
                });
            }
        },
        _ => None,
    };
    let head: Vec<u8> = if compression == Compression::None {
        bytes[..bytes.len().min(64 * 1024)].to_vec()
    } else {
        let owned: Box<dyn Read + Send> = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut buf = vec![0u8; 64 * 1024];
        let got = decompressor(compression, zip.as_ref(), owned)
            .and_then(|mut d| read_full(&mut d, &mut buf))
            .unwrap_or(0);
        buf.truncate(got);
        buf
    };
    sniff_head(&head, compression, bytes.len() as u64).map(|mut k| {
        let tail = &bytes[bytes.len().saturating_sub(4)..];
        k.decoded_bytes = match &zip {
            Some(z) => Some(z.size),
            None => recorded_size(compression, bytes, tail, bytes.len() as u64),
        };
        k.zip_entry = zip;
        k
    })
}

/// Decides encoding and rejects binary data from the first (decompressed) bytes.
pub fn sniff_head(
    head: &[u8],
    compression: Compression,
    file_bytes: u64,
) -> Result<SourceKind, NotText> {
    if head.is_empty() {
        return Err(NotText::Empty);
    }
    if let Some(what) = binary_magic(head) {
        return Err(NotText::Binary {
            what: what.to_string(),
            offset: 0,
        });
    }
    let encoding = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        TextEncoding::Utf8Bom
    } else if head.starts_with(&[0xFF, 0xFE]) {
        TextEncoding::Utf16Le { bom: true }
    } else if head.starts_with(&[0xFE, 0xFF]) {
        TextEncoding::Utf16Be { bom: true }
    } else {
        // UTF-16 without a BOM: text is mostly ASCII, so one byte of each pair is zero.
        let sample = &head[..head.len().min(4096) & !1];
        let pairs = sample.len() / 2;
        let zero_odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        if pairs >= 4 && zero_odd * 10 >= pairs * 6 && zero_even * 10 <= pairs {
            TextEncoding::Utf16Le { bom: false }
        } else if pairs >= 4 && zero_even * 10 >= pairs * 6 && zero_odd * 10 <= pairs {
            TextEncoding::Utf16Be { bom: false }
        } else {
            TextEncoding::Utf8
        }
    };
    if matches!(encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom) {
        // Binary: many control bytes that text never has.
        let sample = &head[..head.len().min(8192)];
        let controls = sample
            .iter()
            .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
            .count();
        if controls * 10 > sample.len() || (sample.len() >= 16 && controls * 100 > sample.len() * 3)
        {
            let offset = sample
                .iter()
                .position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
                .unwrap_or(0) as u64;
            return Err(NotText::Binary {
                what: format!(
                    "binary data ({controls} control bytes in the first {} bytes)",
                    sample.len()
                ),
                offset,
            });
        }
    }
    Ok(SourceKind {
        compression,
        encoding,
        file_bytes,
        decoded_bytes: None,
        zip_entry: None,
    })
}

/// Opens the decoded stream of a source. `raw_read` counts raw file bytes read.
pub fn open_decoded(
    path: &Path,
    kind: &SourceKind,
    raw_read: Arc<AtomicU64>,
) -> io::Result<Box<dyn Read + Send>> {
    let f = File::open(path)?;
    decode_stream(
        Box::new(BufReader::with_capacity(1 << 20, f)),
        kind,
        raw_read,
    )
}

/// The decoded stream of any raw stream (a file, or bytes in memory).
pub fn decode_stream(
    raw: Box<dyn Read + Send>,
    kind: &SourceKind,
    raw_read: Arc<AtomicU64>,
) -> io::Result<Box<dyn Read + Send>> {
    let counted = CountingReader {
        inner: raw,
        count: raw_read,
    };
    let mut base: Box<dyn Read + Send> = if kind.is_compressed() {
        Box::new(BufReader::with_capacity(
            1 << 20,
            decompressor(kind.compression, kind.zip_entry.as_ref(), Box::new(counted))?,
        ))
    } else {
        Box::new(counted)
    };
    Ok(match kind.encoding {
        TextEncoding::Utf8 => base,
        TextEncoding::Utf8Bom => {
            let mut bom = [0u8; 3];
            read_full(&mut base, &mut bom)?;
            base
        }
        TextEncoding::Utf16Le { bom } | TextEncoding::Utf16Be { bom } => {
            let le = matches!(kind.encoding, TextEncoding::Utf16Le { .. });
            if bom {
                let mut b = [0u8; 2];
                read_full(&mut base, &mut b)?;
            }
            let enc = if le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            Box::new(Utf16Reader {
                inner: base,
                decoder: enc.new_decoder_without_bom_handling(),
                in_buf: Vec::new(),
                out_buf: Vec::new(),
                out_pos: 0,
                eof: false,
            })
        }
    })
}

/// Reads the decoded stream in blocks, keeping the unconsumed tail of the previous block.
pub struct BlockReader {
    src: Box<dyn Read + Send>,
    pub buf: Vec<u8>,
    /// Decoded offset of `buf[0]`.
    pub offset: u64,
    pub eof: bool,
    hasher: Xxh3,
    /// A read error that happened mid-stream (e.g. a truncated gzip): the data before it
    /// is kept and the error is reported.
    pub read_error: Option<String>,
    /// Buffers given back after parsing, reused so their pages need not be faulted in again.
    spare: Vec<Vec<u8>>,
}

impl BlockReader {
    pub fn new(src: Box<dyn Read + Send>) -> Self {
        Self {
            src,
            buf: Vec::new(),
            offset: 0,
            eof: false,
            hasher: Xxh3::new(),
            read_error: None,
            spare: Vec::new(),
        }
    }

    /// Reads until `buf` holds at least `want` bytes or the stream ends.
    pub fn fill(&mut self, want: usize) {
        if self.eof || self.buf.len() >= want {
            return;
        }
        let start = self.buf.len();
        self.buf.reserve(want - start);
        // `take` + `read_to_end` reads into spare capacity without zeroing it first.
        loop {
            let need = (want - self.buf.len()) as u64;
            match (&mut self.src).take(need).read_to_end(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(_) if self.buf.len() >= want => break,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.read_error = Some(e.to_string());
                    self.eof = true;
                    break;
                }
            }
        }
        self.hasher.update(&self.buf[start..]);
    }

    /// Takes the first `n` bytes out as an owned block (for parsing while the reader reads
    /// on); only the short tail is copied.
    pub fn take_block(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.buf.len());
        let mut tail = self.spare.pop().unwrap_or_default();
        tail.clear();
        tail.reserve((self.buf.len() - n).max(self.buf.capacity()));
        tail.extend_from_slice(&self.buf[n..]);
        self.buf.truncate(n);
        let block = std::mem::replace(&mut self.buf, tail);
        self.offset += n as u64;
        block
    }

    /// Gives a block's buffer back for reuse.
    pub fn recycle(&mut self, block: Vec<u8>) {
        if self.spare.len() < 2 {
            self.spare.push(block);
        }
    }

    /// Drops the first `n` bytes of the buffer.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
        self.offset += n as u64;
    }

    /// Reads everything that is left (for formats parsed as one document).
    pub fn read_to_end(&mut self) {
        while !self.eof {
            let want = (self.buf.len() * 2).max(1 << 20);
            self.fill(want);
        }
    }

    /// The fingerprint of everything read so far (call after the stream is exhausted).
    pub fn fingerprint(&self) -> String {
        format!("{:016x}", self.hasher.digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn decoded(bytes: &[u8]) -> (SourceKind, Vec<u8>) {
        let f = write(bytes);
        let kind = sniff_source(f.path()).unwrap().unwrap();
        let mut r = BlockReader::new(open_decoded(f.path(), &kind, Default::default()).unwrap());
        r.read_to_end();
        (kind, r.buf)
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "id,text\n1,héllo 방탄\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (k, out) = decoded(&le);
        assert_eq!(k.encoding, TextEncoding::Utf16Le { bom: true });
        assert_eq!(out, text.as_bytes());
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let (k, out) = decoded(&be);
        assert_eq!(k.encoding, TextEncoding::Utf16Be { bom: false });
        assert_eq!(out, text.as_bytes());
    }

    #[test]
    fn gzip_and_bom() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"\xEF\xBB\xBFa,b\n1,2\n").unwrap();
        let (k, out) = decoded(&gz.finish().unwrap());
        assert_eq!(k.compression, Compression::Gzip);
        assert_eq!(k.encoding, TextEncoding::Utf8Bom);
        assert_eq!(out, b"a,b\n1,2\n");
    }

    #[test]
    fn empty_and_binary() {
        let f = write(b"");
        assert_eq!(sniff_source(f.path()).unwrap().unwrap_err(), NotText::Empty);
        let f = write(b"PK\x03\x04rest");
        assert!(matches!(
            sniff_source(f.path()).unwrap(),
            Err(NotText::Binary { .. })
        ));
        let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        let f = write(&junk);
        assert!(matches!(
            sniff_source(f.path()).unwrap(),
            Err(NotText::Binary { .. })
        ));
    }
}
