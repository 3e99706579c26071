//! Timestamp parsing and formatting, normalised to UTC milliseconds.
//!
//! The common formats are parsed by hand: a load parses one timestamp per post, millions of
//! times, and a general-purpose parser (jiff's `strptime`, chrono's `parse_from_str`) costs
//! several times more per call. jiff is used for IANA time zones, which are not hand work.

use std::fmt;

/// The zone assumed for timestamps that carry none.
#[derive(Clone, Debug, Default)]
pub enum NaiveZone {
    #[default]
    Utc,
    /// A fixed offset east of UTC, in seconds.
    Fixed(i32),
    /// An IANA zone such as `Europe/Berlin`.
    Named(String, jiff::tz::TimeZone),
}

impl NaiveZone {
    /// Parses `UTC`, `Z`, `+02:00`, `-0500`, `+2` or an IANA name.
    pub fn parse(s: &str) -> Result<NaiveZone, String> {
        let t = s.trim();
        if t.is_empty()
            || t.eq_ignore_ascii_case("utc")
            || t == "Z"
            || t.eq_ignore_ascii_case("gmt")
        {
            return Ok(NaiveZone::Utc);
        }
        if let Some(off) = parse_offset(t.as_bytes()).filter(|(_, used)| *used == t.len()) {
            return Ok(if off.0 == 0 {
                NaiveZone::Utc
            } else {
                NaiveZone::Fixed(off.0)
            });
        }
        match jiff::tz::TimeZone::get(t) {
            Ok(tz) => Ok(NaiveZone::Named(t.to_string(), tz)),
            Err(e) => Err(format!(
                "unknown time zone {t:?} ({e}); use UTC, an offset like +02:00, or an IANA name like Europe/Berlin"
            )),
        }
    }

    fn to_utc_ms(&self, local_ms: i64) -> Option<i64> {
        match self {
            NaiveZone::Utc => Some(local_ms),
            NaiveZone::Fixed(off) => Some(local_ms - *off as i64 * 1000),
            NaiveZone::Named(_, tz) => {
                let ts = jiff::Timestamp::from_millisecond(local_ms).ok()?;
                // Interpret the civil time of `ts` (read as UTC) in `tz`.
                let civil = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
                let zoned = civil.to_zoned(tz.clone()).ok()?;
                Some(zoned.timestamp().as_millisecond())
            }
        }
    }
}

impl fmt::Display for NaiveZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NaiveZone::Utc => write!(f, "UTC"),
            NaiveZone::Fixed(off) => {
                let sign = if *off < 0 { '-' } else { '+' };
                let a = off.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
            NaiveZone::Named(name, _) => write!(f, "{name}"),
        }
    }
}

/// Order of day and month in slash dates such as `03/04/2020`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SlashOrder {
    #[default]
    MonthFirst,
    DayFirst,
}

/// Which formats a value may be read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochPolicy {
    /// Bare numbers are not timestamps.
    Never,
    /// Bare numbers of 9–10 digits are seconds, 12–13 digits milliseconds (what a column
    /// sniffer should accept: 19-digit post ids must not look like nanoseconds).
    SecondsOrMillis,
    /// Also microseconds (15–16 digits) and nanoseconds (18–19 digits).
    Any,
}

#[derive(Clone, Debug)]
pub struct TimeParser {
    pub naive_zone: NaiveZone,
    pub slash_order: SlashOrder,
    pub epoch: EpochPolicy,
}

impl Default for TimeParser {
    fn default() -> Self {
        Self {
            naive_zone: NaiveZone::Utc,
            slash_order: SlashOrder::MonthFirst,
            epoch: EpochPolicy::SecondsOrMillis,
        }
    }
}

/// A parsed timestamp: UTC milliseconds, and whether the zone was assumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub ms: i64,
    pub naive: bool,
}

impl TimeParser {
    pub fn parse(&self, s: &str) -> Option<Parsed> {
        let t = s.trim().trim_matches('"').trim();
        let b = t.as_bytes();
        if b.is_empty() || b.len() > 64 {
            return None;
        }
        let (local_ms, offset) = if b[0].is_ascii_digit() {
            if b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
                return self.parse_epoch(t).map(|ms| Parsed { ms, naive: false });
            }
            if b.len() >= 5
                && b[..4].iter().all(u8::is_ascii_digit)
                && (b[4] == b'-' || b[4] == b'/')
            {
                parse_ymd(b)?
            } else {
                parse_numeric_dmy(b, self.slash_order).or_else(|| parse_words(b))?
            }
        } else if b[0] == b'+' || b[0] == b'-' {
            return None;
        } else {
            parse_words(b)?
        };
        match offset {
            Some(off) => Some(Parsed {
                ms: local_ms - off as i64 * 1000,
                naive: false,
            }),
            None => Some(Parsed {
                ms: self.naive_zone.to_utc_ms(local_ms)?,
                naive: true,
            }),
        }
    }

    /// Parses and returns only the milliseconds.
    pub fn parse_ms(&self, s: &str) -> Option<i64> {
        self.parse(s).map(|p| p.ms)
    }

    fn parse_epoch(&self, t: &str) -> Option<i64> {
        if self.epoch == EpochPolicy::Never {
            return None;
        }
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if int.is_empty() || frac.contains('.') || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: i64 = int.parse().ok()?;
        let digits = int.len();
        let frac_ms = |scale: i64| -> i64 {
            // milliseconds contributed by the fraction of a value in units of `scale` ms
            let mut v = 0i64;
            let mut div = 1i64;
            for c in frac.bytes().take(9) {
                v = v * 10 + (c - b'0') as i64;
                div *= 10;
            }
            v * scale / div
        };
        match digits {
            9 | 10 => Some(n.checked_mul(1000)? + frac_ms(1000)),
            12 | 13 => Some(n + frac_ms(1)),
            15 | 16 if self.epoch == EpochPolicy::Any => Some(n / 1000),
            18 | 19 if self.epoch == EpochPolicy::Any => Some(n / 1_000_000),
            _ => None,
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn civil_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 24 + h as i64) * 60 + mi as i64) * 60_000 + s.min(59) as i64 * 1000 + ms as i64)
}

/// Formats UTC milliseconds as ISO 8601 (`2020-06-07T00:14:24Z`, with `.mmm` when needed).
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let h = rem / 3_600_000;
    let mi = (rem / 60_000) % 60;
    let s = (rem / 1000) % 60;
    let milli = rem % 1000;
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+05}")
    };
    if milli == 0 {
        format!("{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// A cursor over ASCII bytes.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn new(b: &'a [u8]) -> Self {
        Self { b, i: 0 }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + (c - b'0') as u32;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }
    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn rest(&self) -> &'a [u8] {
        &self.b[self.i.min(self.b.len())..]
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

/// Parses `[.frac]` after seconds; returns milliseconds.
fn fraction_ms(c: &mut Cur) -> u32 {
    if c.peek() == Some(b'.') || c.peek() == Some(b',') {
        let save = c.i;
        c.i += 1;
        let start = c.i;
        let mut ms = 0u32;
        let mut n = 0;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            if n < 3 {
                ms = ms * 10 + (d - b'0') as u32;
            }
            n += 1;
            c.i += 1;
        }
        if c.i == start {
            c.i = save;
            return 0;
        }
        while n < 3 {
            ms *= 10;
            n += 1;
        }
        ms
    } else {
        0
    }
}

/// `HH:MM[:SS[.frac]]` → (h, m, s, ms).
fn hms(c: &mut Cur) -> Option<(u32, u32, u32, u32)> {
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mi = c.digits(2, 2)?;
    let (s, ms) = if c.eat(b':') {
        let s = c.digits(2, 2)?;
        (s, fraction_ms(c))
    } else {
        (0, 0)
    };
    Some((h, mi, s, ms))
}

/// A time-zone abbreviation as exports write it (`2021-07-05 18:02:45 BRT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneAbbreviation {
    pub name: &'static str,
    pub offset_seconds: i32,
    /// The abbreviation names more than one zone; `offset_seconds` is the reading listed
    /// first in [`ZONE_ABBREVIATIONS`], and loads report it.
    pub ambiguous: bool,
}

/// The documented table of zone abbreviations: (abbreviation, UTC offset in minutes,
/// meaning, other meanings). Only upper-case spellings are read. Where an abbreviation
/// names several zones, the first meaning is used and the load warns.
pub const ZONE_ABBREVIATIONS: &[(&str, i32, &str, &str)] = &[
    ("UT", 0, "Universal Time", ""),
    ("WET", 0, "Western European Time", ""),
    ("WEST", 60, "Western European Summer Time", ""),
    (
        "BST",
        60,
        "British Summer Time",
        "Bangladesh Standard Time (+06:00)",
    ),
    (
        "IST",
        330,
        "India Standard Time",
        "Irish Standard Time (+01:00), Israel Standard Time (+02:00)",
    ),
    ("CET", 60, "Central European Time", ""),
    ("CEST", 120, "Central European Summer Time", ""),
    ("MEZ", 60, "Mitteleuropäische Zeit", ""),
    ("MESZ", 120, "Mitteleuropäische Sommerzeit", ""),
    ("EET", 120, "Eastern European Time", ""),
    ("EEST", 180, "Eastern European Summer Time", ""),
    ("MSK", 180, "Moscow Time", ""),
    ("TRT", 180, "Turkey Time", ""),
    (
        "GST",
        240,
        "Gulf Standard Time",
        "South Georgia Time (-02:00)",
    ),
    ("PKT", 300, "Pakistan Standard Time", ""),
    ("NPT", 345, "Nepal Time", ""),
    ("ICT", 420, "Indochina Time", ""),
    ("WIB", 420, "Western Indonesia Time", ""),
    ("HKT", 480, "Hong Kong Time", ""),
    ("SGT", 480, "Singapore Time", ""),
    ("PHT", 480, "Philippine Time", ""),
    ("AWST", 480, "Australian Western Standard Time", ""),
    (
        "CST",
        -360,
        "Central Standard Time (North America)",
        "China Standard Time (+08:00), Cuba Standard Time (-05:00)",
    ),
    ("JST", 540, "Japan Standard Time", ""),
    ("KST", 540, "Korea Standard Time", ""),
    ("ACST", 570, "Australian Central Standard Time", ""),
    ("AEST", 600, "Australian Eastern Standard Time", ""),
    ("AEDT", 660, "Australian Eastern Daylight Time", ""),
    ("NZST", 720, "New Zealand Standard Time", ""),
    ("NZDT", 780, "New Zealand Daylight Time", ""),
    ("HST", -600, "Hawaii Standard Time", ""),
    ("AKST", -540, "Alaska Standard Time", ""),
    ("AKDT", -480, "Alaska Daylight Time", ""),
    (
        "PST",
        -480,
        "Pacific Standard Time",
        "Philippine Standard Time (+08:00)",
    ),
    ("PDT", -420, "Pacific Daylight Time", ""),
    ("MST", -420, "Mountain Standard Time", ""),
    ("MDT", -360, "Mountain Daylight Time", ""),
    (
        "CDT",
        -300,
        "Central Daylight Time (North America)",
        "Cuba Daylight Time (-04:00)",
    ),
    ("EST", -300, "Eastern Standard Time (North America)", ""),
    ("EDT", -240, "Eastern Daylight Time (North America)", ""),
    (
        "AST",
        -240,
        "Atlantic Standard Time",
        "Arabia Standard Time (+03:00)",
    ),
    ("ADT", -180, "Atlantic Daylight Time", ""),
    ("NST", -210, "Newfoundland Standard Time", ""),
    ("BRT", -180, "Brasília Time", ""),
    ("BRST", -120, "Brasília Summer Time", ""),
    ("ART", -180, "Argentina Time", ""),
    ("CLT", -240, "Chile Standard Time", ""),
    ("CLST", -180, "Chile Summer Time", ""),
    ("COT", -300, "Colombia Time", ""),
    ("PET", -300, "Peru Time", ""),
    ("VET", -240, "Venezuelan Standard Time", ""),
    ("SAST", 120, "South Africa Standard Time", ""),
    ("WAT", 60, "West Africa Time", ""),
    ("CAT", 120, "Central Africa Time", ""),
    ("EAT", 180, "East Africa Time", ""),
];

/// Looks up an upper-case zone abbreviation (`BRT`, `CET`, `EST`, ...).
pub fn zone_abbreviation(word: &[u8]) -> Option<ZoneAbbreviation> {
    if !(2..=4).contains(&word.len()) || !word.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    ZONE_ABBREVIATIONS
        .iter()
        .find(|(name, ..)| name.as_bytes() == word)
        .map(|&(name, minutes, _, others)| ZoneAbbreviation {
            name,
            offset_seconds: minutes * 60,
            ambiguous: !others.is_empty(),
        })
}

/// The ambiguous zone abbreviation a timestamp ends with, if any (for load warnings).
pub fn ambiguous_zone_in(s: &str) -> Option<&'static str> {
    let last = s.trim().rsplit([' ', '\t']).next()?;
    let z = zone_abbreviation(last.as_bytes())?;
    z.ambiguous.then_some(z.name)
}

/// Parses a zone designator at the start of `b`: `Z`, `UTC`, `GMT`, `±HH:MM`, `±HHMM`, `±HH`.
/// Returns (offset seconds east, bytes used).
fn parse_offset(b: &[u8]) -> Option<(i32, usize)> {
    let first = *b.first()?;
    if first == b'Z' || first == b'z' {
        return Some((0, 1));
    }
    if first.is_ascii_alphabetic() {
        let word = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if let Some(z) = zone_abbreviation(&b[..word]) {
            return Some((z.offset_seconds, word));
        }
    }
    let upper = |n: usize| b.get(..n).map(|s| s.to_ascii_uppercase());
    let mut used = 0;
    let mut rest = b;
    if let Some(w) = upper(3)
        && (w == b"UTC" || w == b"GMT")
    {
        used = 3;
        rest = &b[3..];
        if rest.is_empty() || !(rest[0] == b'+' || rest[0] == b'-') {
            return Some((0, used));
        }
    }
    let sign = match rest.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut c = Cur::new(&rest[1..]);
    let h = c.digits(1, 2)?;
    let m = if c.eat(b':') {
        c.digits(2, 2)?
    } else {
        c.digits(2, 2).unwrap_or(0)
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some((sign * (h as i32 * 3600 + m as i32 * 60), used + 1 + c.i))
}

/// Reads an optional trailing zone (after optional spaces); the whole input must be used.
fn trailing_zone(c: &mut Cur) -> Option<Option<i32>> {
    c.skip_spaces();
    if c.done() {
        return Some(None);
    }
    let (off, used) = parse_offset(c.rest())?;
    c.i += used;
    c.skip_spaces();
    // Allow a parenthesised zone name after an offset: "+0000 (UTC)".
    if c.peek() == Some(b'(') && c.rest().ends_with(b")") {
        c.i = c.b.len();
    }
    c.done().then_some(Some(off))
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][zone]` and `YYYY/MM/DD ...`.
fn parse_ymd(b: &[u8]) -> Option<(i64, Option<i32>)> {
    let mut c = Cur::new(b);
    let y = c.digits(4, 4)? as i64;
    let sep = c.peek()?;
    c.i += 1;
    let mo = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let d = c.digits(1, 2)?;
    let (mut h, mut mi, mut s, mut ms) = (0, 0, 0, 0);
    if c.eat(b'T')
        || c.eat(b't')
        || (c.peek() == Some(b' ') && {
            let save = c.i;
            c.skip_spaces();
            let ok = c.peek().is_some_and(|x| x.is_ascii_digit());
            if !ok {
                c.i = save;
            }
            ok
        })
    {
        (h, mi, s, ms) = hms(&mut c)?;
    }
    let off = trailing_zone(&mut c)?;
    Some((civil_ms(y, mo, d, h, mi, s, ms)?, off))
}

/// `MM/DD/YYYY[ HH:MM[:SS]][ AM|PM][zone]`, also with `.` or `-` separators (then day first
/// for `.` as in `31.12.2020`).
fn parse_numeric_dmy(b: &[u8], order: SlashOrder) -> Option<(i64, Option<i32>)> {
    let mut c = Cur::new(b);
    let a = c.digits(1, 2)?;
    let sep = c.peek()?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    c.i += 1;
    let m2 = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let mut y = c.digits(2, 4)? as i64;
    if y < 100 {
        y += if y < 70 { 2000 } else { 1900 };
    }
    let day_first = sep == b'.' || order == SlashOrder::DayFirst;
    let (mo, d) = if day_first { (m2, a) } else { (a, m2) };
    let (mut h, mut mi, mut s, mut ms) = (0, 0, 0, 0);
    c.skip_spaces();
    c.eat(b',');
    c.skip_spaces();
    if c.peek().is_some_and(|x| x.is_ascii_digit()) {
        (h, mi, s, ms) = hms(&mut c)?;
        c.skip_spaces();
        h = ampm(&mut c, h)?;
    }
    let off = trailing_zone(&mut c)?;
    Some((civil_ms(y, mo, d, h, mi, s, ms)?, off))
}

fn ampm(c: &mut Cur, h: u32) -> Option<u32> {
    let r = c.rest();
    if r.len() >= 2 {
        let w = [r[0].to_ascii_uppercase(), r[1].to_ascii_uppercase()];
        if w == *b"AM" || w == *b"PM" {
            if h == 0 || h > 12 {
                return None;
            }
            c.i += 2;
            let pm = w[0] == b'P';
            return Some(match (pm, h) {
                (false, 12) => 0,
                (false, h) => h,
                (true, 12) => 12,
                (true, h) => h + 12,
            });
        }
    }
    Some(h)
}

fn month_from_name(w: &[u8]) -> Option<u32> {
    if w.len() < 3 {
        return None;
    }
    let k = [
        w[0].to_ascii_lowercase(),
        w[1].to_ascii_lowercase(),
        w[2].to_ascii_lowercase(),
    ];
    let m = match &k {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn is_weekday(w: &[u8]) -> bool {
    if w.len() < 3 {
        return false;
    }
    let k = w[..3].to_ascii_lowercase();
    matches!(
        &k[..],
        b"mon" | b"tue" | b"wed" | b"thu" | b"fri" | b"sat" | b"sun"
    )
}

/// Word formats: Twitter v1.1 `Wed Jun 03 02:14:07 +0000 2020`, RFC 2822
/// `Wed, 03 Jun 2020 02:14:07 +0000`, and `Jun 3, 2020 2:14 PM`.
fn parse_words(b: &[u8]) -> Option<(i64, Option<i32>)> {
    let s = std::str::from_utf8(b).ok()?;
    let tokens: Vec<&str> = s
        .split([' ', ',', '\t'])
        .filter(|t| !t.is_empty())
        .collect();
    let mut it = tokens.iter().peekable();
    if it.peek().is_some_and(|t| is_weekday(t.as_bytes())) {
        it.next();
    }
    let (mut year, mut month, mut day) = (None::<i64>, None::<u32>, None::<u32>);
    let mut time = None;
    let mut offset = None;
    let mut ampm_tok = None;
    for tok in it {
        let tb = tok.as_bytes();
        if let Some(m) =
            month_from_name(tb).filter(|_| tb.len() <= 9 && tb[0].is_ascii_alphabetic())
        {
            if month.is_some() {
                return None;
            }
            month = Some(m);
        } else if tb.contains(&b':') && tb[0].is_ascii_digit() {
            let mut c = Cur::new(tb);
            time = Some(hms(&mut c)?);
            if !c.done() {
                // "02:14:07+0000"
                let (off, used) = parse_offset(c.rest())?;
                if used != c.rest().len() {
                    return None;
                }
                offset = Some(off);
            }
        } else if tb[0] == b'+'
            || tb[0] == b'-'
            || tb.eq_ignore_ascii_case(b"GMT")
            || tb.eq_ignore_ascii_case(b"UTC")
            || tb == b"Z"
            || zone_abbreviation(tb).is_some()
        {
            let (off, used) = parse_offset(tb)?;
            if used != tb.len() {
                return None;
            }
            offset = Some(off);
        } else if tb.eq_ignore_ascii_case(b"AM") || tb.eq_ignore_ascii_case(b"PM") {
            ampm_tok = Some(tb[0].eq_ignore_ascii_case(&b'P'));
        } else if tb.iter().all(u8::is_ascii_digit) {
            let v: i64 = tok.parse().ok()?;
            if tb.len() == 4 {
                year = Some(v);
            } else if tb.len() <= 2 && day.is_none() {
                day = Some(v as u32);
            } else {
                return None;
            }
        } else if tb.starts_with(b"(") {
            // "(UTC)" or "(Coordinated Universal Time)"
            continue;
        } else {
            return None;
        }
    }
    let (mut h, mi, s, ms) = time.unwrap_or((0, 0, 0, 0));
    if let Some(pm) = ampm_tok {
        if h == 0 || h > 12 {
            return None;
        }
        h = match (pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    Some((civil_ms(year?, month?, day?, h, mi, s, ms)?, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<i64> {
        TimeParser::default().parse_ms(s)
    }

    const T: i64 = 1_591_150_447_000; // 2020-06-03T02:14:07Z

    #[test]
    fn twitter_v1_and_rfc2822() {
        assert_eq!(p("Wed Jun 03 02:14:07 +0000 2020"), Some(T));
        assert_eq!(p("Wed, 03 Jun 2020 02:14:07 +0000"), Some(T));
        assert_eq!(p("Wed, 03 Jun 2020 02:14:07 GMT"), Some(T));
        assert_eq!(p("03 Jun 2020 04:14:07 +0200"), Some(T));
        assert_eq!(
            p("Sun Jun 07 00:14:24 +0000 2020  "),
            Some(1_591_488_864_000)
        );
    }

    #[test]
    fn iso_variants() {
        assert_eq!(p("2020-06-03T02:14:07Z"), Some(T));
        assert_eq!(p("2020-06-03T02:14:07.000Z"), Some(T));
        assert_eq!(p("2020-06-03T02:14:07.5Z"), Some(T + 500));
        assert_eq!(p("2020-06-03T04:14:07+02:00"), Some(T));
        assert_eq!(p("2020-06-03 02:14:07"), Some(T));
        assert_eq!(p("2020-06-02 19:14:07 -0700"), Some(T));
        assert_eq!(p("2020/06/03 02:14:07"), Some(T));
        assert_eq!(p("2020-06-03T02:14:07+00:00"), Some(T));
        assert_eq!(p("2020-06-03"), Some(T - (2 * 3600 + 14 * 60 + 7) * 1000));
        assert_eq!(p("0000-10-14T15:06:10.730Z").map(|v| v < 0), Some(true));
    }

    #[test]
    fn slash_and_epoch() {
        assert_eq!(p("06/03/2020 02:14"), Some(T - 7000));
        assert_eq!(p("6/3/2020 2:14:07 AM"), Some(T));
        assert_eq!(p("6/3/2020 2:14:07 PM"), Some(T + 12 * 3_600_000));
        let dmy = TimeParser {
            slash_order: SlashOrder::DayFirst,
            ..Default::default()
        };
        assert_eq!(dmy.parse_ms("03/06/2020 02:14:07"), Some(T));
        assert_eq!(p("1591150447"), Some(T));
        assert_eq!(p("1591150447000"), Some(T));
        assert_eq!(p("1591150447.25"), Some(T + 250));
        // A 19-digit post id is not a timestamp by default.
        assert_eq!(p("1574186989737459712"), None);
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "hello",
            "2020-13-01",
            "2020-02-30",
            "31/31/2020",
            "Wed Jun",
            "12:00",
            "+0000",
            "2020-06-03T25:00:00Z",
            "2020-06-03T02:14:07 nonsense",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn naive_zone_applies() {
        let berlin = TimeParser {
            naive_zone: NaiveZone::parse("+02:00").unwrap(),
            ..Default::default()
        };
        let r = berlin.parse("2020-06-03 04:14:07").unwrap();
        assert_eq!(r, Parsed { ms: T, naive: true });
        let named = TimeParser {
            naive_zone: NaiveZone::parse("Europe/Berlin").unwrap(),
            ..Default::default()
        };
        assert_eq!(named.parse_ms("2020-06-03 04:14:07"), Some(T));
        assert!(NaiveZone::parse("Mars/Olympus").is_err());
        // An explicit zone wins over the naive zone.
        assert_eq!(berlin.parse_ms("2020-06-03T02:14:07Z"), Some(T));
    }

    #[test]
    fn iso_format_round_trips() {
        for ms in [T, T + 1, 0, -1, 253_402_300_799_999, -62_135_596_800_000] {
            let s = format_iso(ms);
            let tp = TimeParser::default();
            assert_eq!(tp.parse_ms(&s), Some(ms), "{s}");
        }
        assert_eq!(format_iso(T), "2020-06-03T02:14:07Z");
    }

    #[test]
    fn civil_round_trip() {
        for d in [-800_000i64, -1, 0, 1, 18_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn zone_abbreviations_from_the_table() {
        let p = TimeParser::default();
        let utc = |s: &str| p.parse(s).map(|t| format_iso(t.ms));
        assert_eq!(
            utc("2021-07-05 18:02:45 BRT").as_deref(),
            Some("2021-07-05T21:02:45Z")
        );
        assert_eq!(
            utc("2021-07-05 18:02:45 CET").as_deref(),
            Some("2021-07-05T17:02:45Z")
        );
        assert_eq!(
            utc("2021-07-05 18:02:45 IST").as_deref(),
            Some("2021-07-05T12:32:45Z")
        );
        assert_eq!(
            utc("Mon Jul 05 18:02:45 EST 2021").as_deref(),
            Some("2021-07-05T23:02:45Z")
        );
        assert!(!p.parse("2021-07-05 18:02:45 BRT").unwrap().naive);
        // Lower case and unknown words are not zones.
        assert_eq!(utc("2021-07-05 18:02:45 brt"), None);
        assert_eq!(utc("2021-07-05 18:02:45 XYZ"), None);
        assert_eq!(ambiguous_zone_in("2021-07-05 18:02:45 IST"), Some("IST"));
        assert_eq!(ambiguous_zone_in("2021-07-05 18:02:45 BRT"), None);
        for (name, ..) in ZONE_ABBREVIATIONS {
            assert!(zone_abbreviation(name.as_bytes()).is_some(), "{name}");
        }
    }
}
