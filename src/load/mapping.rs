//! Column roles for delimited text: which column holds the id, the time, the text, ...
//!
//! A role is found from the column name (hints from twarc-csv, DMI-TCAT, 4CAT, the QUT
//! coordination toolkit / CooRTweet and generic exports) and checked against a sample of
//! values. Every mapped role carries a confidence; the user can override any of them.

use serde::{Deserialize, Serialize};

use crate::time::{EpochPolicy, SlashOrder, TimeParser};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Id,
    Time,
    Author,
    AuthorId,
    Text,
    Lang,
    RetweetOf,
    ReplyTo,
    QuoteOf,
    Kind,
    IsRetweet,
    Referenced,
    Hashtags,
    Mentions,
    Urls,
    Media,
    Reposts,
    Replies,
    Likes,
    Quotes,
    Community,
}

pub const ALL_ROLES: [Role; 21] = [
    Role::Id,
    Role::Time,
    Role::Author,
    Role::AuthorId,
    Role::Text,
    Role::Lang,
    Role::RetweetOf,
    Role::ReplyTo,
    Role::QuoteOf,
    Role::Kind,
    Role::IsRetweet,
    Role::Referenced,
    Role::Hashtags,
    Role::Mentions,
    Role::Urls,
    Role::Media,
    Role::Reposts,
    Role::Replies,
    Role::Likes,
    Role::Quotes,
    Role::Community,
];

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::Time => "time",
            Role::Author => "author",
            Role::AuthorId => "author_id",
            Role::Text => "text",
            Role::Lang => "lang",
            Role::RetweetOf => "retweet_of",
            Role::ReplyTo => "reply_to",
            Role::QuoteOf => "quote_of",
            Role::Kind => "kind",
            Role::IsRetweet => "is_retweet",
            Role::Referenced => "referenced",
            Role::Hashtags => "hashtags",
            Role::Mentions => "mentions",
            Role::Urls => "urls",
            Role::Media => "media",
            Role::Reposts => "reposts",
            Role::Replies => "replies",
            Role::Likes => "likes",
            Role::Quotes => "quotes",
            Role::Community => "community",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        let alias = match s.as_str() {
            "created_at" | "timestamp" | "date" | "created" => Some(Role::Time),
            "handle" | "user" | "username" | "screen_name" => Some(Role::Author),
            "user_id" => Some(Role::AuthorId),
            "retweets" | "retweet_count" => Some(Role::Reposts),
            "language" => Some(Role::Lang),
            "subreddit" | "channel" | "group" => Some(Role::Community),
            _ => None,
        };
        alias.or_else(|| ALL_ROLES.iter().copied().find(|r| r.name() == s))
    }

    /// Column-name hints, already normalised (lowercase, only `[a-z0-9.]`), best first.
    fn hints(self) -> &'static [&'static str] {
        match self {
            Role::Id => ID_HINTS,
            Role::Time => TIME_HINTS,
            Role::Author => AUTHOR_HINTS,
            Role::AuthorId => AUTHOR_ID_HINTS,
            Role::Text => TEXT_HINTS,
            Role::Lang => LANG_HINTS,
            Role::RetweetOf => RETWEET_OF_HINTS,
            Role::ReplyTo => REPLY_TO_HINTS,
            Role::QuoteOf => QUOTE_OF_HINTS,
            Role::Kind => KIND_HINTS,
            Role::IsRetweet => IS_RETWEET_HINTS,
            Role::Referenced => REFERENCED_HINTS,
            Role::Hashtags => HASHTAGS_HINTS,
            Role::Mentions => MENTIONS_HINTS,
            Role::Urls => URLS_HINTS,
            Role::Media => MEDIA_HINTS,
            Role::Reposts => REPOSTS_HINTS,
            Role::Replies => REPLIES_HINTS,
            Role::Likes => LIKES_HINTS,
            Role::Quotes => QUOTES_HINTS,
            Role::Community => COMMUNITY_HINTS,
        }
    }
}

/// How a role was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// From the column name, confirmed by the values.
    Name,
    /// From the values alone.
    Values,
    /// Set by the user (`--map`).
    User,
    /// Fixed by a JSON format's schema.
    Format,
}

/// One role's column and confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleMapping {
    pub role: Role,
    pub column: String,
    #[serde(skip)]
    pub index: usize,
    /// 0.0 ..= 1.0
    pub confidence: f32,
    pub source: MappingSource,
}

/// Below this confidence a mapped role is a guess: shown as one, never applied silently.
pub const GUESS_BELOW: f32 = 0.6;

impl RoleMapping {
    /// A role decided from values alone, or with low confidence: the user should check it.
    pub fn is_guess(&self) -> bool {
        !matches!(self.source, MappingSource::User | MappingSource::Format)
            && (self.source == MappingSource::Values || self.confidence < GUESS_BELOW)
    }
}

/// The full mapping of a delimited file.
#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    pub roles: Vec<RoleMapping>,
    /// The slash order found for the time column's values.
    pub slash_order: SlashOrder,
    /// The sampled values hold slash dates that read either way (no number above 12 in
    /// either place), so `slash_order` is a guess the rest of the file may contradict.
    pub slash_order_guessed: bool,
    /// Whether bare epoch numbers are allowed in the time column (a name like `time` or
    /// `unix_timestamp` with numeric values).
    pub time_is_epoch: bool,
}

impl ColumnMapping {
    pub fn get(&self, role: Role) -> Option<usize> {
        self.roles.iter().find(|m| m.role == role).map(|m| m.index)
    }

    pub fn mapping(&self, role: Role) -> Option<&RoleMapping> {
        self.roles.iter().find(|m| m.role == role)
    }
}

/// Normalises a column name for matching: lowercase, keep only `[a-z0-9.]`.
pub fn normalize_name(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            (c.is_ascii_alphanumeric() || c == '.').then_some(c)
        })
        .collect()
}

/// Name score of `column` for `role`: 1.0 for the best hint, lower for later hints and for
/// suffix matches (`author.public_metrics.retweet_count` is not a post metric, so dotted
/// prefixes other than the usual containers are penalised).
fn name_score(role: Role, column: &str) -> f32 {
    let n = normalize_name(column);
    if n.is_empty() {
        return 0.0;
    }
    // Columns about the author's profile, not the post.
    let about_user_profile = (n.starts_with("author.") || n.starts_with("user."))
        && !matches!(role, Role::Author | Role::AuthorId);
    // A post's own `description` (TikTok, YouTube) may be its text; anyone's
    // `user_description` or `page_description` is a profile.
    let description = n.contains("description") && !(role == Role::Text && n == "description");
    if about_user_profile || description || n.contains("bio") {
        return 0.0;
    }
    if role == Role::Time && is_profile_time_name(&n) {
        return 0.0;
    }
    let hints = role.hints();
    for (rank, h) in hints.iter().enumerate() {
        if n == *h {
            return 1.0 - (rank as f32 * 0.02).min(0.3);
        }
    }
    for h in hints {
        if h.len() >= 4 && (n.ends_with(&format!(".{h}")) || n.ends_with(&format!("_{h}"))) {
            return 0.6;
        }
    }
    0.0
}

/// Value checks for a role over sampled values of one column; 0.0 ..= 1.0.
fn value_score(role: Role, values: &[&str], tp: &TimeParser) -> f32 {
    let non_empty: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if non_empty.is_empty() {
        // An empty column can still be a role that is often empty (replies, quotes, ...).
        return match role {
            Role::RetweetOf
            | Role::ReplyTo
            | Role::QuoteOf
            | Role::Referenced
            | Role::Hashtags
            | Role::Mentions
            | Role::Urls
            | Role::Media
            | Role::Lang => 0.5,
            _ => 0.0,
        };
    }
    let frac = |f: &dyn Fn(&str) -> bool| -> f32 {
        non_empty.iter().filter(|v| f(v)).count() as f32 / non_empty.len() as f32
    };
    let numeric = |v: &str| parse_count(v).is_some();
    match role {
        Role::Time => frac(&|v| tp.parse(v).is_some()),
        Role::Id => {
            let unique = {
                let mut s: Vec<&str> = non_empty.clone();
                s.sort_unstable();
                s.dedup();
                s.len() as f32 / non_empty.len() as f32
            };
            let idlike = frac(&|v| !v.contains(' ') && v.len() <= 200);
            (unique * 0.6 + idlike * 0.4).min(1.0)
        }
        Role::AuthorId | Role::RetweetOf | Role::ReplyTo | Role::QuoteOf => {
            frac(&|v| !v.contains(' ') && v.len() <= 200)
        }
        Role::Author => frac(&|v| !v.trim().contains(' ') && v.len() <= 64),
        Role::Text if names_or_ids_share(&non_empty) > 0.6 => 0.0,
        Role::Text => {
            let avg = non_empty.iter().map(|v| v.chars().count()).sum::<usize>() as f32
                / non_empty.len() as f32;
            let spaced = frac(&|v| v.trim().contains(char::is_whitespace));
            let not_time = 1.0 - frac(&|v| tp.parse(v).is_some());
            let len_score = (avg / 40.0).min(1.0);
            (len_score * 0.5 + spaced * 0.5) * not_time
        }
        Role::Lang => frac(&|v| {
            let v = v.trim_matches(|c| c == '"' || c == '[' || c == ']');
            let base = v.split(['-', '_']).next().unwrap_or("");
            (2..=3).contains(&base.len()) && base.bytes().all(|b| b.is_ascii_lowercase())
                || v == "und"
        }),
        Role::Reposts | Role::Replies | Role::Likes | Role::Quotes => frac(&numeric),
        Role::IsRetweet => frac(&|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "0" | "1" | "t" | "f"
            )
        }),
        Role::Kind => frac(&|v| parse_kind_value(v).is_some()),
        _ => 1.0,
    }
}

/// Reads a kind column value (`retweet`, `retweeted`, `reply`, `quote`, `original`, ...).
pub fn parse_kind_value(v: &str) -> Option<crate::model::PostKind> {
    use crate::model::PostKind;
    let v = v.trim().to_ascii_lowercase();
    Some(match v.as_str() {
        "retweet" | "retweeted" | "rt" | "repost" | "reblog" | "share" => PostKind::Retweet,
        "reply" | "replied_to" | "replied" => PostKind::Reply,
        "quote" | "quoted" | "quote_tweet" => PostKind::Quote,
        "original" | "tweet" | "post" | "status" | "" => PostKind::Original,
        _ => return None,
    })
}

/// A user override: `role=column`, where an empty column unmaps the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOverride {
    pub role: Role,
    pub column: String,
}

impl MapOverride {
    /// Parses `text="Tweet Text"` (quotes optional).
    pub fn parse(s: &str) -> Result<MapOverride, String> {
        let (role, column) = s
            .split_once('=')
            .ok_or_else(|| format!("expected ROLE=COLUMN, got {s:?}"))?;
        let role = Role::from_name(role).ok_or_else(|| {
            format!(
                "unknown role {role:?}; roles are: {}",
                ALL_ROLES.map(|r| r.name()).join(", ")
            )
        })?;
        let column = column
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        Ok(MapOverride { role, column })
    }
}

/// Errors of the mapping step.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingError {
    UnknownColumn {
        role: Role,
        column: String,
    },
    /// No column can be trusted to be the text; the message names the candidates.
    NoUsableText {
        message: String,
    },
}

/// Layouts known by their whole header, whose roles are fixed rather than guessed.
/// CSDS / CooRTweet (`account_id, content_id, object_id, timestamp_share`): the post is
/// `content_id`, its text is `object_id` when that holds text (else the file carries
/// none), its author `account_id`, its time `timestamp_share` (epoch seconds).
fn known_layout(
    header: &[String],
    column_values: &[Vec<&str>],
) -> Result<Vec<(Role, usize)>, MappingError> {
    let col = |name: &str| header.iter().position(|h| normalize_name(h) == name);
    if let (Some(account), Some(content), Some(object), Some(time)) = (
        col("accountid"),
        col("contentid"),
        col("objectid"),
        col("timestampshare"),
    ) {
        let values: Vec<&str> = column_values[object]
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if !values.is_empty() && names_or_ids_share(&values) > 0.6 {
            return Err(MappingError::NoUsableText {
                message: format!(
                    "this is a CSDS / CooRTweet file whose object_id holds ids or links (for example {:?}), not post text: it carries no text to analyse. Export the posts with their text, or choose a text column with --map text=COLUMN",
                    values[0]
                ),
            });
        }
        return Ok(vec![
            (Role::AuthorId, account),
            (Role::Id, content),
            (Role::Text, object),
            (Role::Time, time),
        ]);
    }
    Ok(Vec::new())
}

/// Decides the mapping from the header and a sample of rows.
pub fn map_columns(
    header: &[String],
    sample: &[Vec<String>],
    overrides: &[MapOverride],
    base_parser: &TimeParser,
) -> Result<ColumnMapping, MappingError> {
    let ncols = header.len();
    let columns = SampledColumns {
        header,
        values: (0..ncols)
            .map(|c| {
                sample
                    .iter()
                    .filter_map(|r| r.get(c).map(String::as_str))
                    .collect()
            })
            .collect(),
        base_parser,
        no_sample: sample.is_empty(),
    };
    let mut state = Assignment {
        mapping: ColumnMapping::default(),
        taken: vec![false; ncols],
        decided: Vec::new(),
    };
    // User overrides first, then a known layout's columns, then the best-scoring guesses.
    state.apply_overrides(header, overrides)?;
    for (role, idx) in known_layout(header, &columns.values)? {
        if !state.decided.contains(&role) && !state.taken[idx] {
            state.assign(role, header, idx, 1.0, MappingSource::Format);
        }
    }
    let mut candidates = columns.candidates(&state);
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    for (score, role, c, source) in candidates {
        if !state.taken[c] && !state.decided.contains(&role) {
            let confidence = (score * 100.0).round() / 100.0;
            state.assign(role, header, c, confidence, source);
        }
    }
    let mut mapping = state.mapping;
    columns.check_text_is_text(&mapping)?;
    if let Some(t) = mapping.get(Role::Time) {
        (mapping.slash_order, mapping.slash_order_guessed) = slash_evidence(&columns.values[t]);
        mapping.time_is_epoch = columns.parser_for(t).1;
    }
    mapping.roles.sort_by_key(|m| m.role);
    Ok(mapping)
}

/// The columns of a file as sampled for mapping: their names and a sample of their values.
struct SampledColumns<'a> {
    header: &'a [String],
    /// Per column: its sampled values.
    values: Vec<Vec<&'a str>>,
    base_parser: &'a TimeParser,
    no_sample: bool,
}

/// The roles decided so far and the columns they took.
struct Assignment {
    mapping: ColumnMapping,
    taken: Vec<bool>,
    decided: Vec<Role>,
}

impl Assignment {
    fn assign(
        &mut self,
        role: Role,
        header: &[String],
        c: usize,
        confidence: f32,
        source: MappingSource,
    ) {
        self.taken[c] = true;
        self.decided.push(role);
        self.mapping.roles.push(RoleMapping {
            role,
            column: header[c].clone(),
            index: c,
            confidence,
            source,
        });
    }

    /// The user's `--map ROLE=COLUMN` choices (an empty column: the role is left unmapped).
    fn apply_overrides(
        &mut self,
        header: &[String],
        overrides: &[MapOverride],
    ) -> Result<(), MappingError> {
        for o in overrides {
            self.decided.push(o.role);
            if o.column.is_empty() {
                continue;
            }
            let idx =
                find_column(header, &o.column).ok_or_else(|| MappingError::UnknownColumn {
                    role: o.role,
                    column: o.column.clone(),
                })?;
            self.taken[idx] = true;
            self.mapping.roles.retain(|m| m.role != o.role);
            self.mapping.roles.push(RoleMapping {
                role: o.role,
                column: header[idx].clone(),
                index: idx,
                confidence: 1.0,
                source: MappingSource::User,
            });
        }
        Ok(())
    }
}

impl SampledColumns<'_> {
    /// The time parser for sniffing column `c`: its slash order and epoch policy, and
    /// whether its name says it holds epoch times.
    fn parser_for(&self, c: usize) -> (TimeParser, bool) {
        let mut tp = self.base_parser.clone();
        let n = normalize_name(&self.header[c]);
        let epoch_name = n.contains("unix")
            || n == "time"
            || n.contains("epoch")
            || n.contains("timestampshare");
        tp.epoch = if epoch_name {
            EpochPolicy::Any
        } else {
            EpochPolicy::SecondsOrMillis
        };
        tp.slash_order = slash_order_of(&self.values[c]);
        (tp, epoch_name)
    }

    /// Every (score, role, column, source) still open whose name or values qualify it.
    fn candidates(&self, state: &Assignment) -> Vec<(f32, Role, usize, MappingSource)> {
        let mut candidates = Vec::new();
        for role in ALL_ROLES {
            if state.decided.contains(&role) {
                continue;
            }
            for c in 0..self.header.len() {
                if !state.taken[c]
                    && let Some((score, source)) = self.score(role, c)
                {
                    candidates.push((score, role, c, source));
                }
            }
        }
        candidates
    }

    /// How well column `c` fits `role`, by its name and its values, or `None` when it does
    /// not qualify.
    fn score(&self, role: Role, c: usize) -> Option<(f32, MappingSource)> {
        let name = &self.header[c];
        let (tp, _) = self.parser_for(c);
        let ns = name_score(role, name);
        let vs = value_score(role, &self.values[c], &tp);
        if ns > 0.0 {
            let required = match role {
                // A clearly named time column keeps its role even when many sampled
                // values are damaged; the bad rows are then rejected one by one.
                Role::Time if ns >= 0.9 => 0.3,
                Role::Time => 0.8,
                // A column plainly called `text` is the text, even when every
                // sampled post is one word long.
                Role::Text if ns >= 0.9 => 0.0,
                Role::Text => 0.2,
                _ => 0.3,
            };
            let all_blank = self.values[c].iter().all(|v| v.trim().is_empty());
            let named_time_but_empty = role == Role::Time && ns >= 0.9 && all_blank;
            if vs < required && !self.no_sample && !named_time_but_empty {
                return None;
            }
            return Some((0.55 * ns + 0.45 * vs, MappingSource::Name));
        }
        // Value-only guesses are allowed for the roles that matter most.
        let ok = match role {
            Role::Time => {
                vs >= 0.8
                    && !is_identifier_name(name)
                    && !is_profile_time_name(&normalize_name(name))
            }
            Role::Text => vs >= 0.55 && !is_profile_name(name),
            _ => false,
        };
        ok.then_some((0.45 * vs, MappingSource::Values))
    }

    /// A text column guessed (not chosen by the user) that holds names or ids is an error
    /// that lists the columns that may hold text.
    fn check_text_is_text(&self, mapping: &ColumnMapping) -> Result<(), MappingError> {
        let Some(m) = mapping.mapping(Role::Text) else {
            return Ok(());
        };
        if m.source == MappingSource::User {
            return Ok(());
        }
        let values: Vec<&str> = self.values[m.index]
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if names_or_ids_share(&values) <= 0.6 {
            return Ok(());
        }
        let mut others: Vec<(f32, &String)> = (0..self.header.len())
            .filter(|&c| c != m.index)
            .map(|c| {
                let (tp, _) = self.parser_for(c);
                (
                    value_score(Role::Text, &self.values[c], &tp),
                    &self.header[c],
                )
            })
            .filter(|(v, _)| *v > 0.2)
            .collect();
        others.sort_by(|a, b| b.0.total_cmp(&a.0));
        let list = if others.is_empty() {
            "no other column holds text either".to_string()
        } else {
            format!(
                "columns that may hold text: {}",
                others
                    .iter()
                    .take(5)
                    .map(|(v, h)| format!("{h:?} ({v:.2})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Err(MappingError::NoUsableText {
            message: format!(
                "the column that would be the text, {:?}, holds names or ids (for example {:?}), not post text; {list}. Choose one with --map text=COLUMN",
                m.column,
                values.first().copied().unwrap_or("")
            ),
        })
    }
}

/// A time that is not the post's: when a page, account or channel was made, when the row
/// was collected or last updated.
fn is_profile_time_name(n: &str) -> bool {
    let about_other = [
        "page",
        "account",
        "user",
        "author",
        "profile",
        "channel",
        "owner",
        "joined",
        "registered",
        "retrieved",
        "collected",
        "scraped",
        "updated",
        "modified",
        "refreshed",
        "edited",
        "birth",
    ]
    .iter()
    .any(|w| n.contains(w));
    about_other && !n.contains("post") && !n.contains("tweet")
}

/// Reads a count as exports write it: `407137`, `407.137` or `407,137` (thousands groups),
/// `1 234`, `12.0`, `1,4` (a decimal comma), `1.2K`, `3M`. `None` when it is not a count.
pub fn parse_count(v: &str) -> Option<u64> {
    let v = v.trim().trim_matches('"').trim();
    if v.is_empty() {
        return None;
    }
    if let Some(n) = crate::model::canonical_u64(v) {
        return Some(n);
    }
    let (num, scale) = match v.as_bytes()[v.len() - 1] {
        b'k' | b'K' => (&v[..v.len() - 1], 1_000.0),
        b'm' | b'M' => (&v[..v.len() - 1], 1_000_000.0),
        b'b' | b'B' => (&v[..v.len() - 1], 1_000_000_000.0),
        _ => (v, 1.0),
    };
    let num: String = num
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if num.is_empty()
        || !num
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let seps: Vec<u8> = num.bytes().filter(|b| !b.is_ascii_digit()).collect();
    let grouped = |sep: char| {
        let mut parts = num.split(sep);
        let first = parts.next().unwrap_or("");
        (1..=3).contains(&first.len()) && parts.all(|p| p.len() == 3)
    };
    let value: f64 = if seps.is_empty() {
        num.parse().ok()?
    } else if scale == 1.0 && seps.iter().all(|&b| b == seps[0]) && grouped(seps[0] as char) {
        // One kind of separator, in groups of three: thousands.
        num.replace(seps[0] as char, "").parse().ok()?
    } else {
        // The last separator is the decimal point; the others group thousands.
        let last = num.rfind(['.', ','])?;
        let int: String = num[..last].chars().filter(char::is_ascii_digit).collect();
        format!("{int}.{}", &num[last + 1..]).parse().ok()?
    };
    (value >= 0.0 && value.is_finite()).then(|| (value * scale).round() as u64)
}

/// The share of values that look like names or ids rather than post text: no spaces and
/// id-like (`3lkjtkaffnc2w`, `akokay.bsky.social`, a URL), or a short capitalised name
/// (`Neymar Jr.`, `Amazing Ideas`).
pub fn names_or_ids_share(values: &[&str]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let odd = values
        .iter()
        .filter(|v| {
            let v = v.trim();
            let words: Vec<&str> = v.split_whitespace().collect();
            let id_like = words.len() == 1
                && !v.starts_with('#')
                && v.chars()
                    .all(|c| c.is_alphanumeric() || "-_.:/@=?&%+".contains(c))
                && (v.len() >= 6 || v.bytes().all(|b| b.is_ascii_digit()));
            let name_like = (2..=4).contains(&words.len())
                && v.chars().count() <= 40
                && words.iter().all(|w| {
                    w.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                })
                && !v.contains(['!', '?', '#', '@', ',']);
            id_like || name_like
        })
        .count();
    odd as f32 / values.len() as f32
}

fn is_identifier_name(name: &str) -> bool {
    let n = normalize_name(name);
    n.ends_with("id") || n.ends_with("idstr") || n.contains("count")
}

fn is_profile_name(name: &str) -> bool {
    let n = normalize_name(name);
    [
        "description",
        "bio",
        "location",
        "name",
        "url",
        "source",
        "profile",
        "place",
        "title",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Finds a column by exact name, then case-insensitively, then by normalised name, then
/// as a 1-based `#N` index.
pub fn find_column(header: &[String], want: &str) -> Option<usize> {
    if let Some(i) = header.iter().position(|h| h == want) {
        return Some(i);
    }
    if let Some(i) = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(want.trim()))
    {
        return Some(i);
    }
    let nw = normalize_name(want);
    if let Some(i) = header
        .iter()
        .position(|h| normalize_name(h) == nw && !nw.is_empty())
    {
        return Some(i);
    }
    want.strip_prefix('#')
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n >= 1 && n <= header.len())
        .map(|n| n - 1)
}

/// Day-first when any slash date's first number is above 12 and none's second is.
fn slash_order_of(values: &[&str]) -> SlashOrder {
    slash_evidence(values).0
}

/// The slash order of these dates, and whether it is a guess: some are slash dates, and
/// none has a number above 12 in either place.
fn slash_evidence(values: &[&str]) -> (SlashOrder, bool) {
    let mut first_big = false;
    let mut second_big = false;
    let mut any = false;
    for v in values {
        let mut parts = v.trim().splitn(3, ['/', '-']);
        let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
            continue;
        };
        if a.len() > 2 || b.len() > 2 {
            continue;
        }
        any |= a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok();
        if a.parse::<u32>().is_ok_and(|a| a > 12) {
            first_big = true;
        }
        if b.parse::<u32>().is_ok_and(|b| b > 12) {
            second_big = true;
        }
    }
    let order = if first_big && !second_big {
        SlashOrder::DayFirst
    } else {
        SlashOrder::MonthFirst
    };
    (order, any && !first_big && !second_big)
}

// Column-name hints of each role, already normalised (lowercase, only `[a-z0-9.]`), best
// first.
const ID_HINTS: &[&str] = &[
    "id",
    "idstr",
    "tweetid",
    "tweetidstr",
    "statusid",
    "postid",
    "objectid",
    "messageid",
    "uri",
    "postidstr",
    "tweet.id",
    "data.id",
    "contentid",
    "commentid",
    "posturl",
    "permalink",
    "linktomessage",
    "url",
];

const TIME_HINTS: &[&str] = &[
    "createdat",
    "unixtimestamp",
    "timestamputc",
    "tweetcreated",
    "tweetcreatedat",
    "timestamp",
    "time",
    "date",
    "datetime",
    "created",
    "publishedat",
    "published",
    "postedat",
    "postdate",
    "tweetdate",
    "datetimeutc",
    "timestampshare",
    "timeutc",
    "dateutc",
    "createdatutc",
    "indexedat",
    "sortat",
    "publisheddate",
    "localtime",
    "postcreated",
    "creationtime",
    "createtime",
    "createdutc",
    "takenat",
    "dateunixtime",
];

const AUTHOR_HINTS: &[&str] = &[
    "screenname",
    "username",
    "authorusername",
    "author.username",
    "user.screenname",
    "fromusername",
    "userscreenname",
    "handle",
    "user",
    "author",
    "userhandle",
    "authorhandle",
    "twitterhandle",
    "accountname",
    "account",
    "acct",
    "fromuser",
    "name",
    "user.username",
    "author.handle",
    "usernametweet",
    "authorname",
    "authoruniqueid",
    "userhandle.name",
    "author.uniqueid",
];

const AUTHOR_ID_HINTS: &[&str] = &[
    "authorid",
    "userid",
    "userid.str",
    "useridstr",
    "fromuserid",
    "author.id",
    "accountid",
    "user.id",
    "user.idstr",
    "authordid",
    "author.did",
    "postowner.id",
    "userdid",
    "authorchannelid",
    "authorfullname",
];

const TEXT_HINTS: &[&str] = &[
    "text",
    "fulltext",
    "tweettext",
    "tweet",
    "content",
    "rawcontent",
    "body",
    "message",
    "renderedcontent",
    "posttext",
    "post",
    "statustext",
    "status",
    "caption",
    "tweetcontent",
    "textcontent",
    "record.text",
    "snippet",
    "contents",
    "comment",
    "originaltext",
    "description",
];

const LANG_HINTS: &[&str] = &["lang", "language", "tweetlang", "langs", "record.langs"];

const RETWEET_OF_HINTS: &[&str] = &[
    "referencedtweets.retweeted.id",
    "retweetedstatus.id",
    "retweetedstatus.idstr",
    "retweetedstatusid",
    "retweetedstatusidstr",
    "retweetid",
    "retweetedid",
    "retweetof",
    "rtid",
    "retweetedtweetid",
    "retweetedtweet.id",
    "sharedpostid",
    "crosspostparent",
];

const REPLY_TO_HINTS: &[&str] = &[
    "referencedtweets.repliedto.id",
    "inreplytostatusid",
    "inreplytostatusidstr",
    "inreplytotweetid",
    "replytoid",
    "repliedtoid",
    "replyto",
    "inreplytoid",
    "parentid",
    "parentcommentid",
    "totweetid",
    "toposturi",
    "inreplyto",
];

const QUOTE_OF_HINTS: &[&str] = &[
    "referencedtweets.quoted.id",
    "quotedstatusid",
    "quotedstatusidstr",
    "quotedstatus.id",
    "quoteid",
    "quotedtweetid",
    "quotedid",
    "quotedtweet.id",
    "quoteduri",
];

const KIND_HINTS: &[&str] = &["tweettype", "posttype", "kind", "tweetkind"];

const IS_RETWEET_HINTS: &[&str] = &["isretweet", "retweeted", "isrt", "rt"];

const REFERENCED_HINTS: &[&str] = &["referencedtweets"];

const HASHTAGS_HINTS: &[&str] = &[
    "hashtags",
    "entities.hashtags",
    "hashtag",
    "tags",
    "hashtagslist",
    "challengestitles",
];

const MENTIONS_HINTS: &[&str] = &[
    "mentions",
    "entities.mentions",
    "usermentions",
    "mentionednames",
    "mentionedusernames",
    "mentionedhandles",
    "mentionedusers",
    "entities.usermentions",
];

const URLS_HINTS: &[&str] = &[
    "urls",
    "entities.urls",
    "expandedurls",
    "links",
    "outlinks",
    "url.expanded",
];

const MEDIA_HINTS: &[&str] = &[
    "media",
    "attachments.mediakeys",
    "attachments.media",
    "hasmedia",
    "images",
    "mediaurl",
    "mediaurls",
    "photos",
    "entities.media",
    "mediatype",
];

const REPOSTS_HINTS: &[&str] = &[
    "retweetcount",
    "publicmetrics.retweetcount",
    "retweets",
    "repostcount",
    "reblogscount",
    "sharecount",
    "shares",
    "statistics.sharecount",
    "forwards",
];

const REPLIES_HINTS: &[&str] = &[
    "replycount",
    "publicmetrics.replycount",
    "replies",
    "repliescount",
    "comments",
    "commentcount",
    "numcomments",
    "statistics.commentcount",
];

const LIKES_HINTS: &[&str] = &[
    "likecount",
    "favoritecount",
    "publicmetrics.likecount",
    "likes",
    "favourites",
    "favouritescount",
    "favorites",
    "statistics.likecount",
    "points",
    "score",
    "numlikes",
    "reactions",
    "diggcount",
];

const QUOTES_HINTS: &[&str] = &["quotecount", "publicmetrics.quotecount", "quotes"];

const COMMUNITY_HINTS: &[&str] = &[
    "community",
    "subreddit",
    "channel",
    "channelname",
    "channeltitle",
    "chat",
    "chatname",
    "group",
    "groupname",
    "board",
    "forum",
    "pagename",
    "surface.name",
    "postsubreddit",
    "videoid",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|row| row.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn generic_export_names() {
        let header = h(&["Date", "Handle", "Tweet Text", "Likes"]);
        let sample = rows(&[
            &[
                "2020-06-03 10:00:00",
                "alice",
                "hello world this is a post",
                "3",
            ],
            &["2020-06-03 10:01:00", "bob", "another post with words", "0"],
        ]);
        let m = map_columns(&header, &sample, &[], &TimeParser::default()).unwrap();
        assert_eq!(m.get(Role::Time), Some(0));
        assert_eq!(m.get(Role::Author), Some(1));
        assert_eq!(m.get(Role::Text), Some(2));
        assert_eq!(m.get(Role::Likes), Some(3));
        assert!(m.mapping(Role::Text).unwrap().confidence > 0.5);
    }

    #[test]
    fn tcat_and_twarc_csv_names() {
        let header = h(&[
            "id",
            "time",
            "created_at",
            "from_user_name",
            "from_user_id",
            "text",
            "retweet_id",
            "in_reply_to_status_id",
            "lang",
        ]);
        let sample = rows(&[&[
            "1",
            "1591150447",
            "2020-06-03 02:14:07",
            "alice",
            "99",
            "a post text here",
            "",
            "",
            "en",
        ]]);
        let m = map_columns(&header, &sample, &[], &TimeParser::default()).unwrap();
        assert_eq!(m.get(Role::Time), Some(2));
        assert_eq!(m.get(Role::Author), Some(3));
        assert_eq!(m.get(Role::AuthorId), Some(4));
        assert_eq!(m.get(Role::RetweetOf), Some(6));
        assert_eq!(m.get(Role::ReplyTo), Some(7));
        let header = h(&[
            "referenced_tweets.retweeted.id",
            "author.username",
            "author.description",
            "text",
            "created_at",
        ]);
        let sample = rows(&[&[
            "",
            "bob",
            "I love cats and dogs",
            "post text with words",
            "2021-04-08T19:31:31.000Z",
        ]]);
        let m = map_columns(&header, &sample, &[], &TimeParser::default()).unwrap();
        assert_eq!(m.get(Role::RetweetOf), Some(0));
        assert_eq!(m.get(Role::Author), Some(1));
        assert_eq!(m.get(Role::Text), Some(3));
    }

    #[test]
    fn values_find_unnamed_columns_and_overrides_win() {
        let header = h(&["a", "b", "c"]);
        let sample = rows(&[
            &[
                "x1",
                "Sun Jun 07 00:14:24 +0000 2020",
                "this is a longer piece of text",
            ],
            &[
                "x2",
                "Sun Jun 07 00:15:24 +0000 2020",
                "and another longer piece of text",
            ],
        ]);
        let m = map_columns(&header, &sample, &[], &TimeParser::default()).unwrap();
        assert_eq!(m.get(Role::Time), Some(1));
        assert_eq!(m.get(Role::Text), Some(2));
        assert_eq!(m.mapping(Role::Time).unwrap().source, MappingSource::Values);
        let o = [
            MapOverride::parse("text=\"A\"").unwrap(),
            MapOverride::parse("id=").unwrap(),
        ];
        let m = map_columns(&header, &sample, &o, &TimeParser::default()).unwrap();
        assert_eq!(m.get(Role::Text), Some(0));
        assert_eq!(m.mapping(Role::Text).unwrap().source, MappingSource::User);
        let bad = [MapOverride::parse("text=nope").unwrap()];
        assert!(map_columns(&header, &sample, &bad, &TimeParser::default()).is_err());
        assert!(MapOverride::parse("colour=x").is_err());
    }

    #[test]
    fn day_first_dates() {
        assert_eq!(
            slash_order_of(&["31/12/2020 10:00", "01/02/2020"]),
            SlashOrder::DayFirst
        );
        assert_eq!(
            slash_order_of(&["12/31/2020 10:00"]),
            SlashOrder::MonthFirst
        );
    }
}

#[cfg(test)]
mod value_tests {
    use super::*;

    #[test]
    fn counts_as_exports_write_them() {
        for (v, n) in [
            ("407137", Some(407_137)),
            ("407.137", Some(407_137)),
            ("407,137", Some(407_137)),
            ("1.234.567", Some(1_234_567)),
            ("1 234", Some(1_234)),
            ("12.0", Some(12)),
            ("1,4", Some(1)),
            ("1.2K", Some(1_200)),
            ("3M", Some(3_000_000)),
            ("", None),
            ("n/a", None),
            ("-3", None),
        ] {
            assert_eq!(parse_count(v), n, "{v:?}");
        }
    }

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_text_column_of_names_or_ids_is_refused_with_candidates() {
        let h = header(&["id", "content", "when"]);
        let rows: Vec<Vec<String>> = (0..20)
            .map(|i| {
                vec![
                    i.to_string(),
                    ["Amazing Ideas", "Bob Smith", "Carol Jones"][i % 3].to_string(),
                    format!("2023-01-01 10:{i:02}"),
                ]
            })
            .collect();
        let e = map_columns(&h, &rows, &[], &TimeParser::default()).unwrap_err();
        let MappingError::NoUsableText { message } = e else {
            panic!("{e:?}")
        };
        assert!(
            message.contains("\"content\"") && message.contains("names or ids"),
            "{message}"
        );
        // The user's choice is never second-guessed.
        let o = [MapOverride::parse("text=content").unwrap()];
        assert!(map_columns(&h, &rows, &o, &TimeParser::default()).is_ok());
    }

    #[test]
    fn csds_without_text_says_so() {
        let h = header(&["account_id", "content_id", "object_id", "timestamp_share"]);
        let rows: Vec<Vec<String>> = (0..10)
            .map(|i| {
                vec![
                    format!("acc{i}"),
                    format!("c{i}"),
                    format!("https://example.org/p/{i}abcdef"),
                    (1_700_000_000 + i).to_string(),
                ]
            })
            .collect();
        let e = map_columns(&h, &rows, &[], &TimeParser::default()).unwrap_err();
        assert!(
            matches!(e, MappingError::NoUsableText { ref message } if message.contains("carries no text")),
            "{e:?}"
        );
    }

    #[test]
    fn the_post_time_is_preferred_to_a_page_time() {
        let h = header(&["Page Created", "Post Created", "Message"]);
        let rows: Vec<Vec<String>> = (0..10)
            .map(|i| {
                vec![
                    format!("2010-01-0{} 10:00:00", i % 9 + 1),
                    format!("2021-07-05 18:0{i}:45 BRT"),
                    "some words of a post here".to_string(),
                ]
            })
            .collect();
        let m = map_columns(&h, &rows, &[], &TimeParser::default()).unwrap();
        assert_eq!(
            m.mapping(Role::Time).map(|m| m.column.as_str()),
            Some("Post Created")
        );
    }
}
