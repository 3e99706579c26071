#!/usr/bin/env python3
"""Seeded held-out worlds of hashtag takeovers, independent of derail's own generator.

  python3 worlds.py --seed S --posts N --layout twarc_csv|v1_jsonl|generic_csv --out FILE
                    [--damage 0.005] [--order shuffled|newest|oldest]

writes FILE, FILE.truth.csv (id,role,family,hashtags; one row per post, in time order) and
FILE.truth.json (takeover windows, quiet tags, quiet events, damaged rows).

One seed = one world: 7-10 days, 5-12 background hashtags with their own crowds, daily
rhythms and vocabularies, 1-3 takeover targets (K-pop fancam flood of a political tag,
reclaiming flood of a group's tag, crypto spam on brand tags) with counter-speech, and 1-3
quiet events (a campaign on a small tag, an organic news surge, a copypasta burst) that
must raise no alarm. All randomness comes from random.Random(seed); the posts do not depend
on the layout (layout, damage and order use their own seeded generators).
"""
import argparse
import bisect
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone

import layouts
import vocab_background as VB
import vocab_takeovers as VT

MINUTE, HOUR, DAY = 60, 3600, 86400
TWITTER_EPOCH_MS = 1288834974657
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
SLOT_RE = re.compile(r"\{([A-Za-z_]+?)(\d?)\}")
HASHTAG_RE = re.compile(r"#(\w+)")
# slots drawn afresh at every occurrence (the rest keep one value per template fill)
FRESH_SLOTS = {"link", "user", "emoji", "emojis", "code", "n6", "n19", "handle"}


# ----------------------------------------------------------------------------- people
@dataclass
class Account:
    id: str
    username: str
    name: str
    created: int
    followers: int
    following: int
    statuses: int
    listed: int
    verified: bool
    location: str
    description: str
    source: str


class Family(str):
    """A family name ("group/family") that also knows which of the family's phrasings a post
    was written from (`phrasing`, an index into its texts; 0 where a family has one text).
    A str, so everything that compares or writes families is unchanged; it draws nothing
    from the world's random stream."""

    def __new__(cls, name, phrasing=0):
        obj = super().__new__(cls, name)
        obj.phrasing = phrasing
        return obj


def template_of(family):
    """`group/family#phrasing`: the template a post was written from."""
    return f"{family}#{getattr(family, 'phrasing', 0)}" if family else ""


@dataclass
class Post:
    time: int                      # epoch seconds, UTC
    ms: int                        # millisecond part of the creation time
    author: Account
    text: str
    lang: str
    role: str
    family: str
    links: list                    # [(t.co url, expanded url)] in text order
    retweet_of: "Post" = None
    reply_to: "Post" = None
    quote_of: "Post" = None
    virality: float = 0.05
    id: str = ""
    conversation_id: str = ""
    metrics: dict = field(default_factory=dict)

    def hashtags(self):
        """Hashtags in text order, lower-cased, without repeats."""
        seen = []
        for tag in HASHTAG_RE.findall(self.text):
            tag = tag.lower()
            if tag not in seen:
                seen.append(tag)
        return seen


class Crowd:
    """A pool of accounts with Zipf-ish activity: account i posts ~ 1/(i+1)^a."""

    def __init__(self, accounts, zipf_a):
        self.accounts = accounts
        self.cum = []
        total = 0.0
        for i in range(len(accounts)):
            total += 1.0 / (i + 1) ** zipf_a
            self.cum.append(total)

    def pick(self, rng):
        return self.accounts[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


FIRST_NAMES = ["sarah", "mike", "jen", "dave", "ana", "luis", "kate", "tom", "priya", "omar", "lena", "chris", "mei",
               "sam", "jo", "nina", "ben", "ali", "rosa", "jake", "emma", "noah", "zoe", "leo", "maya", "ivan", "aisha"]
WORDS = ["cooks", "runs", "reads", "plays", "writes", "codes", "news", "fan", "daily", "life", "vibes", "world", "official",
         "photo", "talks", "hq", "online", "real", "the", "just", "mr", "ms", "dr", "its"]
STAN_WORDS = ["moon", "star", "lvr", "stan", "cams", "archive", "dreams", "bby", "angel", "luv", "4ever", "fancams", "bias"]
KO_ROMAN = ["minji", "jiwoo", "seoyeon", "haneul", "doyun", "yuna", "jisoo", "taemin", "eunbi", "sohee"]
JA_ROMAN = ["yuki", "haruka", "sakura", "ren", "aoi", "mio", "sora", "kaito", "hina", "riku"]
ES_NAMES = ["juan", "maria", "carlos", "lupita", "diego", "sofia", "pablo", "valeria", "andres", "camila"]
SYLLABLES = ["ka", "ri", "mo", "ne", "lu", "ta", "shi", "vo", "an", "el", "ro", "mi", "za", "po", "de", "ny"]
LOCATIONS = ["", "", "", "London", "NYC", "Los Angeles", "Toronto", "Seoul", "Tokyo", "México", "Madrid", "São Paulo",
             "Manila", "Texas, USA", "she/her", "🌍", "Berlin", "Sydney", "Chicago, IL", "he/him"]
DESCRIPTIONS = {
    "plain": ["", "", "just here for the memes", "coffee first", "views my own", "dog person", "trying my best",
              "opinions are my own", "reader, runner, eater"],
    "stan": ["", "fan account", "ot9 forever", "she/her | 💜", "streaming is free", "multi stan", "fancam archive 📹"],
    "couples": ["", "married to my best friend", "two dads and a dog", "love is love 🏳️‍🌈", "husband, teacher, baker"],
    "bot": ["", "crypto | NFT | web3", "100x gems daily 🚀", "DM for promo", "airdrop hunter 💰", "not financial advice"],
    "activist": ["", "abolitionist", "organiser", "history teacher", "community first", "they/them"],
}
SOURCES = [("Twitter for iPhone", 45), ("Twitter for Android", 30), ("Twitter Web App", 19), ("Twitter for iPad", 3),
           ("TweetDeck", 2), ("Hootsuite Inc.", 1)]
BOT_SOURCES = ["AutoPoster Pro", "crypto-broadcast", "IFTTT", "Twitter Web App", "bulkpost-v2"]


# ----------------------------------------------------------------------------- voices
@dataclass
class Voice:
    """How one stream of posts talks: template families, slots, emoji, links, language."""
    group: str                     # family prefix, e.g. "bg.football" or "flood.kpop"
    lang: str
    families: dict                 # name -> {"texts": [...], "lang": code, "short": bool}
    weights: dict                  # name -> weight
    slots: dict
    emoji: list
    links: list
    tag_styles: tuple = (("canon", 85), ("lower", 12), ("upper", 3))
    tag_positions: tuple = (("end", 75), ("start", 12), ("newline", 8), ("middle", 5))
    mention_crowd: Crowd = None
    mutate: float = 0.0            # share of posts given a near-duplicate mutation

    def pick_family(self, rng):
        names = list(self.weights)
        return rng.choices(names, weights=[self.weights[n] for n in names])[0]


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def iso(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------- the world
class World:
    def __init__(self, seed, n_posts):
        self.seed = seed
        self.n = n_posts
        self.rng = random.Random(seed)
        self.posts = []
        self.usernames = set()
        self.account_ids = set()
        self.accounts_by_name = {}     # lower-cased username -> Account (for mention ids)
        self.tags_in_use = set()
        self.takeovers = []        # truth windows
        self.quiet_events = []
        self.streams = {}          # tag (lower) -> list of posts of that tag's own stream

    # ------------------------------------------------------------------ setup
    def pick_span(self):
        rng = self.rng
        self.days = rng.randint(7, 10)
        day0 = datetime(2020, 3, 1, tzinfo=timezone.utc).timestamp() + rng.randrange(0, 900) * DAY
        self.start = int(day0)
        self.end = self.start + self.days * DAY

    def claim_tag(self, tag):
        """Register a hashtag name; returns False when it (case-insensitively) exists."""
        if tag.lower() in self.tags_in_use:
            return False
        self.tags_in_use.add(tag.lower())
        return True

    def pick_background_topics(self):
        rng = self.rng
        n_topics = rng.randint(5, 12)
        language = rng.choice(VB.LANGUAGE_TOPICS)
        others = [t for t in VB.TOPICS if t != language]
        rng.shuffle(others)
        chosen = [language] + others[: n_topics - 1]
        if rng.random() < 0.3:  # a second language topic now and then
            extra = [t for t in VB.LANGUAGE_TOPICS if t not in chosen]
            if extra:
                chosen.append(rng.choice(extra))
        rng.shuffle(chosen)
        self.topics = []
        for name in chosen:
            spec = VB.TOPICS[name]
            tag = rng.choice(spec["tags"])
            if "{city}" in tag:
                tag = tag.replace("{city}", rng.choice(spec["cities"]))
            if self.claim_tag(tag):
                self.topics.append({"name": name, "spec": spec, "tag": tag})

    def pick_takeovers(self):
        rng = self.rng
        kinds = ["kpop", "reclaim", "spam"]
        n_targets = rng.randint(1, 3)
        picked = rng.sample(kinds, rng.randint(1, min(3, n_targets)))
        counts = {k: 1 for k in picked}
        while sum(counts.values()) < n_targets:
            k = rng.choice([k for k in picked if k != "reclaim"] or picked)
            if k == "reclaim" or counts[k] >= 2:
                break
            counts[k] += 1
        self.waves = []
        for kind in picked:
            options = list(VT.TARGET_KINDS[kind]["targets"])
            rng.shuffle(options)
            chosen = [o for o in options if self.claim_tag(o[0])][: counts[kind]]
            first_onset = None
            for tag, counter in chosen:
                wave = self.draw_wave(kind, tag, counter, first_onset)
                first_onset = first_onset or wave["ramp_start"]
                self.waves.append(wave)

    def draw_wave(self, kind, tag, counter, near_onset):
        """Shape of one flood: share, ramp, plateau (with a slow wobble), decay; the onset comes
        after several baseline days. Onset and end are where the flood's expected rate crosses
        the rest of the tag's (its baseline, and at the end its counter-speech too)."""
        rng = self.rng
        share = rng.uniform(0.65, 0.95)
        counter_share = rng.uniform(0.03, 0.10)
        majority_h = rng.uniform(4, 30)
        ramp = rng.uniform(8, 50)                      # minutes from first flood post to full rate
        tau = rng.uniform(30, 150)                     # minutes of exponential decay
        odds = share / (1 - share)                     # flood rate / baseline rate at full rate
        counter_rate = counter_share / (1 - counter_share) * (1 + odds)
        end_odds = odds / (1 + counter_rate)
        ramp_to_majority = ramp / odds
        plateau = max(60.0, majority_h * 60 - (ramp - ramp_to_majority) - tau * math.log(end_odds))
        knots = [rng.uniform(0.85, 1.15) for _ in range(int(plateau // 60) + 2)]
        last = int(plateau) - 1
        k, frac = divmod(last / 60, 1)
        end_level = knots[int(k)] * (1 - frac) + knots[int(k) + 1] * frac
        decay_to_minority = tau * math.log(max(1.05, end_odds * end_level))
        length = ramp + plateau + decay_to_minority
        earliest = self.start + int(2.5 * DAY)
        latest = self.end - int(length * MINUTE) - 6 * HOUR
        if near_onset and rng.random() < 0.5:
            ramp_start = min(latest, max(earliest, near_onset + rng.randrange(0, 8 * HOUR)))
        else:
            ramp_start = rng.randrange(earliest, max(earliest + 1, latest))
        return {"kind": kind, "tag": tag, "counter": counter, "share": share, "ramp": ramp, "plateau": plateau,
                "tau": tau, "knots": knots, "ramp_start": ramp_start,
                "onset": ramp_start + int(ramp_to_majority * MINUTE),
                "end": ramp_start + int(length * MINUTE), "counter_share": counter_share}

    def pick_quiet_events(self):
        rng = self.rng
        kinds = rng.sample(["campaign", "organic_surge", "copypasta"], rng.randint(1, 3))
        self.quiet_plan = []
        surge_topics = [t for t in self.topics if "event" in t["spec"]]
        paste_topics = [t for t in self.topics if "copypasta" in t["spec"]]
        for kind in kinds:
            if kind == "campaign":
                options = [c for c in VT.CAMPAIGNS if c["tag"].lower() not in self.tags_in_use]
                camp = rng.choice(options)
                self.claim_tag(camp["tag"])
                self.quiet_plan.append({"kind": kind, "campaign": camp})
            else:  # organic_surge / copypasta: one event per background topic
                taken = [p["topic"]["name"] for p in self.quiet_plan if "topic" in p]
                pool = surge_topics if kind == "organic_surge" else paste_topics
                free = [t for t in pool if t["name"] not in taken]
                if free:
                    self.quiet_plan.append({"kind": kind, "topic": rng.choice(free)})

    # ------------------------------------------------------------------ budgets
    def allocate(self):
        """Post counts per stream, summing to exactly n."""
        rng, n = self.rng, self.n
        span_min = self.days * 1440
        for w in self.waves:
            w["baseline_frac"] = rng.uniform(0.04, 0.08)
            odds = w["share"] / (1 - w["share"])
            flood_minutes = w["ramp"] / 2 + w["plateau"] + w["tau"]
            w["flood_ratio"] = odds * flood_minutes / span_min       # flood posts per baseline post
            window_minutes = (w["end"] - w["onset"]) / MINUTE
            window_ratio = (1 + odds * 0.97) * window_minutes / span_min
            w["counter_ratio"] = w["counter_share"] / (1 - w["counter_share"]) * window_ratio
        heavy = sum(w["baseline_frac"] * (1 + w["flood_ratio"] + w["counter_ratio"]) for w in self.waves)
        scale = min(1.0, 0.45 / heavy) if heavy else 1.0
        for w in self.waves:
            base = max(40, int(n * w["baseline_frac"] * scale))
            w["n_baseline"] = base
            w["n_flood"] = max(60, int(base * w["flood_ratio"]))
            w["n_counter"] = max(8, int(round(base * w["counter_ratio"])))
        self.counter_tags = []
        for w in self.waves:
            if w["counter"] and w["counter"].lower() not in self.tags_in_use:
                self.claim_tag(w["counter"])
                self.counter_tags.append({"tag": w["counter"], "n": max(30, int(n * rng.uniform(0.005, 0.012)))})
        for plan in self.quiet_plan:
            if plan["kind"] == "campaign":
                plan["n_baseline"] = max(12, int(n * rng.uniform(0.002, 0.005)))
                plan["n_surge"] = max(60, int(n * rng.uniform(0.008, 0.02)))
        used = sum(w["n_baseline"] + w["n_flood"] + w["n_counter"] for w in self.waves)
        used += sum(c["n"] for c in self.counter_tags)
        used += sum(p["n_baseline"] + p["n_surge"] for p in self.quiet_plan if p["kind"] == "campaign")
        remaining = n - used
        if remaining < 0.3 * n:
            sys.exit(f"worlds: --posts {n} is too small for this world (seed {self.seed})")
        raw = [rng.uniform(0.7, 1.3) / (i + 1) ** 0.7 for i in range(len(self.topics))]
        rng.shuffle(raw)
        total = sum(raw)
        for topic, r in zip(self.topics, raw):
            topic["n"] = max(int(0.01 * n), int(remaining * r / total))
        self.topics[-1]["n"] += remaining - sum(t["n"] for t in self.topics)
        if self.topics[-1]["n"] < 20:
            sys.exit(f"worlds: --posts {n} is too small for this world (seed {self.seed})")

    # ------------------------------------------------------------------ accounts
    def new_username(self, style):
        rng = self.rng
        if style == "stan":
            base = rng.choice(VT.TARGET_KINDS["kpop"]["flood"]["slots"]["idol"]).lower()
            name = weighted(rng, [(f"{base}s_{rng.choice(STAN_WORDS)}", 4), (f"{rng.choice(STAN_WORDS)}4{base}", 2),
                                  (f"{base}_{rng.choice(STAN_WORDS)}{rng.randint(1, 99)}", 3)])
        elif style == "couples":
            a, b = rng.sample(["dave", "mike", "josh", "tom", "chris", "kev", "sam", "alex", "ryan", "matt", "leo"], 2)
            name = weighted(rng, [(f"{a}_and_{b}", 3), (f"{a}loves{b}", 2), (f"mr_and_mr_{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}", 1),
                                  (f"{a}{rng.randint(70, 99)}", 2)])
        elif style == "bot":
            name = weighted(rng, [(f"{rng.choice(FIRST_NAMES).title()}{rng.randint(10**7, 10**8 - 1)}", 5),
                                  (f"Crypto{rng.choice(['King', 'Gems', 'Moon', 'Whale', 'Alpha'])}_{rng.randint(100, 99999)}", 3),
                                  (f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{rng.randint(1000, 9999)}", 2)])
        elif style == "ko":
            name = f"{rng.choice(KO_ROMAN)}_{rng.randint(1, 1231):04d}"
        elif style == "ja":
            name = f"{rng.choice(JA_ROMAN)}_{rng.choice(['anime', 'art', 'chan', 'sub', 'note'])}{rng.randint(1, 99)}"
        elif style == "es":
            name = f"{rng.choice(ES_NAMES)}{rng.choice(['_', ''])}{rng.choice(['futbol', 'mx', 'ok', 'real', str(rng.randint(1, 99))])}"
        else:
            first = rng.choice(FIRST_NAMES)
            name = weighted(rng, [(f"{first}_{rng.choice(WORDS)}", 4), (f"{first}{rng.randint(1, 9999)}", 3),
                                  (f"{rng.choice(WORDS)}{first}", 1),
                                  ("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))), 2)])
        name = name[:15]
        while name.lower() in self.usernames:
            name = name[:11] + str(rng.randint(100, 9999))
        self.usernames.add(name.lower())
        return name

    def new_account(self, style, created_from, created_to):
        rng = self.rng
        created = rng.randrange(int(created_from), max(int(created_from) + 1, int(created_to)))
        if created < datetime(2016, 1, 1, tzinfo=timezone.utc).timestamp():
            acc_id = str(rng.randrange(10**6, 4 * 10**9))
        else:
            acc_id = str(((created * 1000 - TWITTER_EPOCH_MS) << 22) + rng.getrandbits(22))
        while acc_id in self.account_ids:
            acc_id = str(int(acc_id) + 1)
        self.account_ids.add(acc_id)
        username = self.new_username(style)
        display = username.replace("_", " ").title() if rng.random() < 0.5 else rng.choice(FIRST_NAMES).title()
        if style == "stan":
            display = f"{display} {rng.choice(['💜', '🌸', '✨', '| fan acc', '☁️'])}"
        followers = int(rng.lognormvariate(1.5, 1.0) if style == "bot" else rng.lognormvariate(5.0, 1.7))
        desc_style = style if style in DESCRIPTIONS else ("activist" if style == "activist" else "plain")
        account = Account(
            id=acc_id, username=username, name=display[:50], created=created, followers=followers,
            following=int(rng.lognormvariate(5.5, 1.0)), statuses=int(rng.lognormvariate(7.5, 1.5)),
            listed=int(followers * rng.uniform(0, 0.02)), verified=rng.random() < 0.01 and style != "bot",
            location=rng.choice(LOCATIONS), description=rng.choice(DESCRIPTIONS[desc_style]),
            source=rng.choice(BOT_SOURCES) if style == "bot" else weighted(rng, SOURCES))
        self.accounts_by_name[username.lower()] = account
        return account

    def new_crowd(self, size, style, zipf_a, created=("2009-03-01", None), mix=None):
        """size new accounts; `mix` = (crowd, share): draw that share from an existing crowd."""
        rng = self.rng
        lo = datetime.fromisoformat(created[0]).replace(tzinfo=timezone.utc).timestamp()
        hi = self.start - 7 * DAY if created[1] is None else created[1]
        accounts = []
        borrowed = set()
        for _ in range(max(3, size)):
            if mix and rng.random() < mix[1]:
                acc = mix[0].pick(rng)
                if acc.id not in borrowed:
                    borrowed.add(acc.id)
                    accounts.append(acc)
                    continue
            accounts.append(self.new_account(style, lo, hi))
        return Crowd(accounts, zipf_a)

    # ------------------------------------------------------------------ time
    def rhythm_times(self, n, peak, amp, weekend=1.0, t0=None, t1=None):
        """n times with a daily rhythm (peak hour in UTC), a weekend factor and day-to-day noise."""
        rng = self.rng
        t0 = self.start if t0 is None else t0
        t1 = self.end if t1 is None else t1
        hours = (t1 - t0) // HOUR
        day_noise = [rng.uniform(0.8, 1.2) for _ in range(hours // 24 + 2)]
        cum, total = [], 0.0
        for h in range(hours):
            ts = t0 + h * HOUR
            dt = datetime.fromtimestamp(ts, tz=timezone.utc)
            w = 1 + amp * math.cos(2 * math.pi * (dt.hour - peak) / 24)
            w *= (weekend if dt.weekday() >= 5 else 1.0) * day_noise[h // 24]
            total += w
            cum.append(total)
        picks = rng.choices(range(hours), cum_weights=cum, k=n)
        return sorted(t0 + h * HOUR + rng.randrange(HOUR) for h in picks)

    def wave_times(self, n, t0, ramp_min, plateau_min, tau_min, wobble=0.15, knots=None):
        """n times from a burst: linear ramp, plateau with a slow wobble (hourly knots,
        interpolated), exponential decay from the plateau's last level."""
        rng = self.rng
        if knots is None:
            knots = [rng.uniform(1 - wobble, 1 + wobble) for _ in range(int(plateau_min // 60) + 2)]
        weights = [(m + 0.5) / ramp_min for m in range(int(ramp_min))]
        level = 1.0
        for m in range(int(plateau_min)):
            k, frac = divmod(m / 60, 1)
            level = knots[int(k)] * (1 - frac) + knots[int(k) + 1] * frac
            weights.append(level)
        weights.extend(level * math.exp(-m / tau_min) for m in range(int(5 * tau_min)))
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        picks = rng.choices(range(len(weights)), cum_weights=cum, k=n)
        return sorted(min(self.end - 1, t0 + m * MINUTE + rng.randrange(MINUTE)) for m in picks)

    # ------------------------------------------------------------------ text
    def random_code(self, k=10):
        return "".join(self.rng.choice(ALNUM) for _ in range(k))

    def render_tag(self, tag, styles):
        style = weighted(self.rng, styles)
        if style == "lower":
            return "#" + tag.lower()
        if style == "upper":
            return "#" + tag.upper()
        if style == "first":
            return "#" + tag[:1].upper() + tag[1:].lower()
        return "#" + tag

    def fill(self, template, voice, links, values=None):
        """Replace {slot}s; links collects (t.co, expanded) pairs."""
        rng = self.rng
        values = {} if values is None else values

        def slot(m):
            name, idx = m.group(1), m.group(2)
            key = name.lower()
            if key not in FRESH_SLOTS and (key, idx) in values:
                val = values[(key, idx)]
            else:
                val = self.slot_value(key, voice, links, values, idx)
                values[(key, idx)] = val
            return val.upper() if name.isupper() and len(name) > 1 else val

        return SLOT_RE.sub(slot, template)

    def slot_value(self, key, voice, links, values, idx):
        rng = self.rng
        if key == "link":
            tco = "https://t.co/" + self.random_code()
            pattern = rng.choice(voice.links) if voice.links else "https://example.com/{n6}"
            links.append((tco, self.fill(pattern, voice, [], values)))
            return tco
        if key == "user":
            crowd = voice.mention_crowd
            return "@" + (crowd.pick(rng).username if crowd else self.new_username("plain"))
        if key == "emoji":
            return rng.choice(voice.slots.get("emoji") or voice.emoji or ["🙂"])
        if key == "emojis":
            pool = voice.slots.get("emoji") or voice.emoji or ["🙂"]
            if rng.random() < 0.5:
                return rng.choice(pool) * rng.randint(2, 5)
            return "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        if key in voice.slots and key != "emoji":
            options = voice.slots[key]
            taken = [v for (k, i), v in values.items() if k == key and i != idx]
            free = [o for o in options if o not in taken] or options
            return rng.choice(free)
        if key == "num":
            return str(rng.randint(2, 99))
        if key == "day":
            return rng.choice(VB.WEEKDAYS.get(voice.lang, VB.WEEKDAYS["en"]))
        if key == "time":
            h = rng.randint(7, 22)
            return rng.choice([f"{h % 12 or 12}pm" if h > 12 else f"{h}am", f"{h}:{rng.choice(['00', '30', '15'])}"])
        if key == "code":
            return self.random_code(rng.randint(6, 11))
        if key == "n6":
            return str(rng.randrange(10**5, 10**6))
        if key == "n19":
            return str(rng.randrange(10**18, 10**19))
        if key == "handle":
            return self.random_code(rng.randint(5, 12)).lower()
        if key.endswith("_lower"):
            base = key[: -len("_lower")]
            found = [v for (k, _), v in values.items() if k == base]
            if found:
                return found[0].lower()
            return (rng.choice(voice.slots[base]) if base in voice.slots else self.random_code(6)).lower()
        return key

    def compose(self, voice, tags, family=None):
        """One original post in this voice: (text, lang, family, links)."""
        rng = self.rng
        family = family or voice.pick_family(rng)
        spec = voice.families[family]
        links = []
        template = rng.choice(spec["texts"])
        rendered = [self.render_tag(t, voice.tag_styles) for t in tags]
        if "{tag}" in template:
            text = self.fill_with_tags(template, voice, links, rendered[0])
            text = " ".join([text] + rendered[1:])
        else:
            text = self.place_tags(self.fill(template, voice, links), rendered, voice)
        if voice.mutate and rng.random() < voice.mutate:
            text = self.mutate(text, voice)
        family_name = Family(f"{voice.group}/{family}", spec["texts"].index(template))
        return text, self.detect_lang(text, spec.get("lang", voice.lang)), family_name, links

    def fill_with_tags(self, template, voice, links, tag, counter=""):
        """fill() with {tag} and {counter} standing for already rendered hashtags."""
        body = self.fill(template.replace("{tag}", "\x00T").replace("{counter}", "\x00C"), voice, links)
        return body.replace("\x00T", tag).replace("\x00C", counter)

    def place_tags(self, body, rendered, voice):
        rng = self.rng
        tags_text = " ".join(rendered)
        where = weighted(rng, voice.tag_positions)
        if where == "start":
            return f"{tags_text} {body}".strip()
        if where == "newline":
            return f"{body}\n\n{tags_text}".strip()
        if where == "middle":
            words = body.split(" ")
            if len(words) > 3:
                cut = rng.randint(1, len(words) - 1)
                return " ".join(words[:cut] + [tags_text] + words[cut:])
        return f"{body} {tags_text}".strip()

    def mutate(self, text, voice):
        """A near-duplicate variant: casing, punctuation, an extra emoji, a dropped word, a lead-in.
        Links, mentions, hashtags, cashtags and the whitespace between words are left as they are."""
        rng = self.rng
        parts = re.split(r"(\s+)", text)              # words at even indexes, whitespace at odd
        plain = [i for i in range(0, len(parts), 2) if parts[i] and not parts[i].startswith(("http", "@", "#", "$"))]
        how = rng.choice(["lower", "upper", "emoji", "bang", "drop", "lead", "mention"])
        if how in ("lower", "upper") and plain:
            for i in plain:
                parts[i] = parts[i].lower() if how == "lower" else parts[i].upper()
        elif how == "emoji":
            parts.append(" " + rng.choice(voice.slots.get("emoji") or voice.emoji or ["✨"]))
        elif how == "bang" and plain:
            i = plain[-1]
            parts[i] = parts[i].rstrip(".!?") + rng.choice(["!!", "!!!", "?!", "..."])
        elif how == "drop" and len(plain) > 2:
            i = rng.choice(plain)
            parts[i] = ""
            if i + 1 < len(parts):
                parts[i + 1] = ""                     # and the space after it
        elif how == "lead":
            parts.insert(0, rng.choice(["omg", "ok but", "pls", "🚨", "guys", "ahhh"]) + " ")
        elif how == "mention" and voice.mention_crowd:
            parts.append(" @" + voice.mention_crowd.pick(rng).username)
        return "".join(parts).strip()

    @staticmethod
    def detect_lang(text, default):
        """Twitter-like: 'zxx' for link-only posts, 'und' for emoji-only posts."""
        stripped = re.sub(r"https?://\S+|#\w+|@\w+|\$[A-Z0-9]+", " ", text)
        if any(ch.isalpha() for ch in stripped):
            return default
        return "und" if stripped.strip() else "zxx"

    # ------------------------------------------------------------------ posting
    def add_post(self, t, author, text, lang, role, family, links, **kw):
        post = Post(time=int(t), ms=self.rng.randrange(1000), author=author, text=text, lang=lang, role=role,
                    family=family, links=links, **kw)
        post.virality = max(0.02, self.rng.random() ** 3)
        self.posts.append(post)
        return post

    def retweet(self, t, author, orig, role):
        target = orig.retweet_of or orig
        text = f"RT @{target.author.username}: {target.text}"
        return self.add_post(t, author, text, target.lang, role, target.family, list(target.links), retweet_of=target)

    def run_stream(self, times, voice, tags_for, pick_author, role, rt_share, reply_share=0.0, reply_pool=None,
                   reply_voice=None, rt_window=24 * HOUR, quote_share=0.0):
        """Posts at the given times: retweets of earlier originals of this stream (viral ones more
        often), replies to posts from reply_pool (default: this stream), else originals."""
        rng = self.rng
        originals, orig_times = [], []
        made = []
        reply_pool_times = [p.time for p in reply_pool] if reply_pool is not None else None
        for t in times:
            author = pick_author(t)
            r = rng.random()
            if r < rt_share and originals:
                orig = self.pick_recent(originals, orig_times, t, rt_window)
                if orig is not None and orig.author is not author:
                    made.append(self.retweet(t + rng.randint(1, 59), author, orig, role))
                    continue
            pool = reply_pool if reply_pool is not None else originals
            pool_times = reply_pool_times if reply_pool is not None else orig_times
            if r < rt_share + reply_share + quote_share and pool:
                parent = self.pick_recent(pool, pool_times, t, 48 * HOUR)
                if parent is not None and parent.author is not author:
                    quoting = r >= rt_share + reply_share
                    made.append(self.respond(t, author, parent, voice if reply_voice is None else reply_voice,
                                             tags_for(t), role, quoting))
                    originals.append(made[-1])
                    orig_times.append(t)
                    continue
            text, lang, family, links = self.compose(voice, tags_for(t))
            made.append(self.add_post(t, author, text, lang, role, family, links))
            originals.append(made[-1])
            orig_times.append(t)
        return made

    def respond(self, t, author, parent, voice, tags, role, quoting):
        """A reply (text starts with @parent) or a quote (comment + link to the quoted post)."""
        parent = parent.retweet_of or parent
        text, lang, family, links = self.compose(voice, tags)
        if quoting:
            tco = "https://t.co/" + self.random_code()
            links = links + [(tco, ("quote", parent))]
            return self.add_post(t, author, f"{text} {tco}", lang, role, family, links, quote_of=parent)
        return self.add_post(t, author, f"@{parent.author.username} {text}", lang, role, family, links, reply_to=parent)

    def pick_recent(self, pool, pool_times, t, window):
        """An earlier post of pool within window before t; viral posts are picked more often."""
        rng = self.rng
        lo = bisect.bisect_left(pool_times, t - window)
        hi = bisect.bisect_left(pool_times, t)
        if hi <= lo:
            return None
        for _ in range(30):
            cand = pool[rng.randrange(lo, hi)]
            if rng.random() < cand.virality:
                return cand
        return pool[rng.randrange(lo, hi)]

    # ------------------------------------------------------------------ streams
    def topic_voice(self, spec, group, crowd, extra_families=None):
        families = {name: {"texts": texts} for name, texts in spec["templates"].items()}
        if extra_families:
            families.update(extra_families)
        weights = {name: self.rng.uniform(0.5, 1.5) for name in families}
        return Voice(group=group, lang=spec["lang"], families=families, weights=weights, slots=spec.get("slots", {}),
                     emoji=spec.get("emoji", []), links=spec.get("links", []), mention_crowd=crowd)

    def reply_voice(self, lang, group, crowd):
        phrases = VB.REPLIES.get(lang, VB.REPLIES["en"])
        return Voice(group=group, lang=lang, families={"reply": {"texts": phrases}}, weights={"reply": 1},
                     slots={}, emoji=["🙂", "😂", "👍"], links=[], mention_crowd=crowd,
                     tag_positions=(("end", 1),))

    def tags_with_cotags(self, tag, cotags, p_one=0.12, p_two=0.03, with_topics=True):
        """Tags for a crowd post: its tag, sometimes a co-tag or another background tag."""
        rng = self.rng
        others = [t["tag"] for t in self.topics if t["tag"] != tag] if with_topics else []
        pool = list(cotags) + others[:3]

        def tags_for(_t):
            r = rng.random()
            if r < p_two and len(pool) >= 2:
                return [tag] + rng.sample(pool, 2)
            if r < p_one + p_two and pool:
                return [tag, rng.choice(pool)]
            return [tag]

        return tags_for

    def make_background(self):
        rng = self.rng
        self.general_public = self.new_crowd(max(20, self.n // 60), "plain", 1.0)
        lang_style = {"ko": "ko", "ja": "ja", "es": "es"}
        for topic in self.topics:
            spec = topic["spec"]
            n_total = topic["n"]
            surge = next((p for p in self.quiet_plan if p.get("topic") is topic), None)
            n_bg = n_total
            if surge and surge["kind"] == "organic_surge":
                n_bg = self.plan_organic_surge(surge, topic, n_total)
            elif surge and surge["kind"] == "copypasta":
                n_bg = self.plan_copypasta(surge, topic, n_total)
            style = lang_style.get(spec["lang"], "plain")
            crowd = self.new_crowd(int(n_bg * rng.uniform(0.22, 0.4)), style, rng.uniform(0.75, 1.05),
                                   mix=(self.general_public, 0.1))
            topic["crowd"] = crowd
            voice = self.topic_voice(spec, f"bg.{topic['name']}", crowd)
            topic["voice"] = voice
            times = self.rhythm_times(n_bg, spec["peak"], spec["amp"], spec["weekend"])
            made = self.run_stream(times, voice, self.tags_with_cotags(topic["tag"], spec["cotags"]),
                                   lambda t, c=crowd: c.pick(rng), "background", rng.uniform(0.2, 0.3),
                                   reply_share=rng.uniform(0.05, 0.1),
                                   reply_voice=self.reply_voice(spec["lang"], f"bg.{topic['name']}", crowd))
            self.streams[topic["tag"].lower()] = made
        for plan in self.quiet_plan:
            if plan["kind"] == "organic_surge":
                self.make_organic_surge(plan)
            elif plan["kind"] == "copypasta":
                self.make_copypasta(plan)

    def plan_organic_surge(self, plan, topic, n_total):
        rng = self.rng
        plan["mult"] = rng.uniform(2.5, 6.0)
        plan["hours"] = rng.uniform(3, 12)
        plan["ramp"] = rng.uniform(20, 90)
        plan["tau"] = rng.uniform(60, 180)
        extra = (plan["mult"] - 1) * (plan["hours"] * 60 + plan["tau"]) / (self.days * 1440)
        n_bg = int(n_total / (1 + extra))
        plan["n"] = n_total - n_bg
        plan["t0"] = rng.randrange(self.start + 2 * DAY, self.end - int(plan["hours"] * HOUR) - 8 * HOUR)
        return n_bg

    def make_organic_surge(self, plan):
        """A news event: many new accounts post about the topic with its usual vocabulary."""
        rng = self.rng
        topic = plan["topic"]
        spec = topic["spec"]
        newcomers = self.new_crowd(int(plan["n"] * 0.6), {"es": "es", "ko": "ko", "ja": "ja"}.get(spec["lang"], "plain"), 0.7,
                                   mix=(self.general_public, 0.1))
        events = {name: {"texts": texts} for name, texts in spec["event"].items()}
        voice = self.topic_voice(spec, f"bg.{topic['name']}", topic["crowd"], extra_families=events)
        for name in events:
            voice.weights[name] = sum(voice.weights.values()) * 1.5 / len(events)
        plateau = plan["hours"] * 60 - plan["ramp"] / 2
        times = self.wave_times(plan["n"], plan["t0"], plan["ramp"], plateau, plan["tau"], wobble=0.25)
        pick = lambda t: newcomers.pick(rng) if rng.random() < 0.7 else topic["crowd"].pick(rng)  # noqa: E731
        self.run_stream(times, voice, self.tags_with_cotags(topic["tag"], spec["cotags"], p_one=0.25),
                        pick, "organic_surge", rng.uniform(0.25, 0.4), reply_share=0.05,
                        reply_pool=self.streams[topic["tag"].lower()],
                        reply_voice=self.reply_voice(spec["lang"], f"bg.{topic['name']}", topic["crowd"]))
        self.quiet_events.append({"hashtag": topic["tag"].lower(), "kind": "organic_surge", "start": iso(plan["t0"]),
                                  "end": iso(plan["t0"] + int((plan["hours"] * 60 + plan["tau"]) * MINUTE)),
                                  "posts": plan["n"]})

    def plan_copypasta(self, plan, topic, n_total):
        rng = self.rng
        plan["minutes"] = rng.uniform(45, 180)
        per_min = n_total / (self.days * 1440)
        plan["n"] = max(15, int(rng.uniform(1.5, 4.0) * per_min * plan["minutes"]))
        plan["t0"] = rng.randrange(self.start + 2 * DAY, self.end - 6 * HOUR)
        return n_total - plan["n"]

    def make_copypasta(self, plan):
        """A short-lived near-duplicate, pasted by the tag's own crowd."""
        rng = self.rng
        topic = plan["topic"]
        spec = topic["spec"]
        earlier = self.streams[topic["tag"].lower()]
        regulars = []
        seen = set()
        for p in earlier:
            if p.time < plan["t0"] and p.author.id not in seen:
                seen.add(p.author.id)
                regulars.append(p.author)
        links = []
        base_voice = topic["voice"]
        paste = self.fill(rng.choice(spec["copypasta"]), base_voice, links)
        voice = Voice(group=f"copypasta.{topic['name']}", lang=spec["lang"], families={"paste": {"texts": [paste]}},
                      weights={"paste": 1}, slots={}, emoji=spec.get("emoji", []), links=[],
                      mention_crowd=topic["crowd"], mutate=0.5, tag_positions=(("end", 8), ("start", 1), ("newline", 1)))
        ramp = min(15.0, plan["minutes"] / 4)
        times = self.wave_times(plan["n"], plan["t0"], ramp, plan["minutes"] - ramp, 20, wobble=0.3)
        self.run_stream(times, voice, lambda t: [topic["tag"]], lambda t: rng.choice(regulars), "copypasta",
                        rng.uniform(0.2, 0.4), rt_window=3 * HOUR)
        self.quiet_events.append({"hashtag": topic["tag"].lower(), "kind": "copypasta", "start": iso(plan["t0"]),
                                  "end": iso(plan["t0"] + int(plan["minutes"] * MINUTE)), "posts": plan["n"]})

    def make_targets(self):
        """Each target tag: its own baseline crowd and content for the whole span."""
        rng = self.rng
        for w in self.waves:
            base = VT.TARGET_KINDS[w["kind"]]["baseline"]
            spec = dict(base)
            spec["slots"] = dict(base["slots"], brand=[w["tag"]], brand_lower=[w["tag"].lower()])
            crowd = self.new_crowd(int(w["n_baseline"] * rng.uniform(0.2, 0.35)), "plain", rng.uniform(0.9, 1.2),
                                   mix=(self.general_public, 0.05))
            w["crowd"] = crowd
            voice = self.topic_voice(spec, f"base.{w['kind']}", crowd)
            voice.tag_styles = (("canon", 80), ("lower", 15), ("upper", 5))
            times = self.rhythm_times(w["n_baseline"], base["peak"], base["amp"])
            cotags = [w2["tag"] for w2 in self.waves if w2["kind"] == w["kind"] and w2 is not w] + base["cotags"]
            made = self.run_stream(times, voice, self.tags_with_cotags(w["tag"], cotags, p_one=0.15, with_topics=False),
                                   lambda t, c=crowd: c.pick(rng), "baseline", rng.uniform(0.2, 0.3),
                                   reply_share=0.08, reply_voice=self.reply_voice("en", f"base.{w['kind']}", crowd))
            self.streams[w["tag"].lower()] = made

    def flood_voice(self, kind, mention_crowd):
        """The flood's 5-15 template families (always some short ones), with this seed's few
        idols/coins/partners so that many posts come out near-duplicates."""
        rng = self.rng
        flood = VT.TARGET_KINDS[kind]["flood"]
        names = list(flood["families"])
        short = [n for n in names if flood["families"][n].get("short")]
        longer = [n for n in names if n not in short]
        k = rng.randint(5, min(15, len(names)))
        keep_short = rng.sample(short, rng.randint(min(2, len(short)), len(short)))
        chosen = keep_short + rng.sample(longer, max(1, min(len(longer), k - len(keep_short))))
        families = {n: flood["families"][n] for n in chosen}
        weights = {n: rng.uniform(0.3, 1.5) * (0.6 if n in short else 1.0) for n in chosen}
        slots = {}
        for key, options in flood["slots"].items():
            slots[key] = options if key == "emoji" else rng.sample(options, min(len(options), rng.randint(2, 5)))
        slots.update(flood.get("extra_slots", {}))
        return Voice(group=f"flood.{kind}", lang="en", families=families, weights=weights, slots=slots,
                     emoji=slots.get("emoji", []), links=flood["links"], mention_crowd=mention_crowd,
                     tag_styles=(("canon", 50), ("lower", 30), ("upper", 12), ("first", 8)),
                     tag_positions=(("end", 55), ("start", 30), ("newline", 8), ("middle", 7)), mutate=0.35)

    def make_floods(self):
        rng = self.rng
        kind_crowds = {}
        for w in self.waves:
            kind = w["kind"]
            flood = VT.TARGET_KINDS[kind]["flood"]
            if kind not in kind_crowds:
                total = sum(x["n_flood"] for x in self.waves if x["kind"] == kind)
                created = ("2011-01-01", None)
                if kind == "spam":
                    created = (iso(w["ramp_start"] - 40 * DAY)[:10], w["ramp_start"] - DAY)
                korean = next((t for t in self.topics if t["spec"]["lang"] == "ko"), None)
                mix = (korean["crowd"], 0.15) if kind == "kpop" and korean else None
                crowd = self.new_crowd(int(total * rng.uniform(0.45, 0.8)), flood["crowd_style"],
                                       rng.uniform(0.4, 0.8), created=created, mix=mix)
                kind_crowds[kind] = (crowd, self.flood_voice(kind, crowd))
            crowd, voice = kind_crowds[kind]
            w["flood_crowd"] = crowd
            times = self.wave_times(w["n_flood"], w["ramp_start"], w["ramp"], w["plateau"], w["tau"], knots=w["knots"])
            siblings = [x for x in self.waves if x["kind"] == kind and x is not w]

            def tags_for(t, w=w, siblings=siblings):
                tags = [w["tag"]]
                for s in siblings:
                    if s["onset"] <= t <= s["end"] and rng.random() < 0.2:
                        tags.append(s["tag"])
                return tags

            reply_pool = self.streams[w["tag"].lower()]
            made = self.run_stream(times, voice, tags_for, lambda t, c=crowd: c.pick(rng), "takeover",
                                   rng.uniform(*flood["rt_share"]), reply_share=0.08, reply_pool=reply_pool,
                                   reply_voice=voice, rt_window=6 * HOUR)
            w["posts"] = made

    def counter_voice(self, w, lang):
        """Counter-speech about this wave's tag: pieces combined into varied sentences."""
        about = VT.TARGET_KINDS[w["kind"]]["counter"]["about"]
        bank = VT.COUNTER[about].get(lang) or VT.COUNTER[about]["en"]
        families = {}
        for kind, phrases in bank.items():
            usable = [p for p in phrases if "{counter}" not in p or w["counter"]]
            if usable:
                families[kind] = {"texts": usable, "lang": lang}
        return Voice(group="counter", lang=lang, families=families, weights={k: 1.0 for k in families},
                     slots={"brand": [w["tag"]]}, emoji=["🙄", "🙏", "💀", "😒"], links=["https://www.newsdesk.example/story/{n6}"],
                     mention_crowd=w["crowd"], tag_styles=(("canon", 70), ("lower", 25), ("upper", 5)))

    def counter_text(self, w, lang):
        rng = self.rng
        voice = self.counter_voice(w, lang)
        family = voice.pick_family(rng)
        template = rng.choice(voice.families[family]["texts"])
        tag = self.render_tag(w["tag"], voice.tag_styles)
        counter = self.render_tag(w["counter"], (("canon", 1),)) if w["counter"] else ""
        links = []
        core = self.fill_with_tags(template, voice, links, tag, counter)
        if tag not in core:
            core = f"{core} {tag}" if rng.random() < 0.7 else f"{tag} {core}"
        if rng.random() < 0.2 and len(voice.families) > 1:   # a second sentence of another kind
            other = rng.choice([f for f in voice.families if f != family])
            extra = self.fill_with_tags(rng.choice(voice.families[other]["texts"]), voice, links, tag, counter)
            core = f"{core}. {extra}"
        text = rng.choice(VT.COUNTER_OPENERS.get(lang, [""])) + core + rng.choice(VT.COUNTER_CLOSERS.get(lang, [""]))
        if rng.random() < 0.1:
            text += " " + self.fill("{link}", voice, links)
        if rng.random() < 0.12:  # all lower case, links excepted
            text = "".join(w if w.startswith("http") else w.lower() for w in re.split(r"(\s+)", text))
        family_name = Family(f"counter/{family}", voice.families[family]["texts"].index(template))
        return text, self.detect_lang(text, lang), family_name, links

    def make_counter_speech(self):
        """New accounts talking ABOUT the flooded tag: condemning, redirecting, asking to stop,
        explaining; some reply to or quote the tag's own users; several languages."""
        rng = self.rng
        for w in self.waves:
            langs = VT.TARGET_KINDS[w["kind"]]["counter"]["langs"]
            others = [t["crowd"] for t in self.topics]
            crowd = self.new_crowd(int(w["n_counter"] * 0.85), "activist", 0.5,
                                   mix=(rng.choice(others), 0.15) if others else None)
            start = w["onset"] + rng.randrange(5 * MINUTE, 40 * MINUTE)
            stop = w["end"] + rng.randrange(30 * MINUTE, 3 * HOUR)
            times = sorted(rng.randrange(start, stop) for _ in range(w["n_counter"]))
            baseline = self.streams[w["tag"].lower()]
            base_times = [p.time for p in baseline]
            made, made_times = [], []
            for t in times:
                author = crowd.pick(rng)
                lang = weighted(rng, list(langs.items()))
                r = rng.random()
                if r < 0.2 and made:
                    orig = self.pick_recent(made, made_times, t, 12 * HOUR)
                    if orig is not None and orig.author is not author:
                        self.retweet(t, author, orig, "counter_speech")
                        continue
                text, lang, family, links = self.counter_text(w, lang)
                parent = self.pick_recent(baseline, base_times, t, 72 * HOUR) if r > 0.72 else None
                if parent is not None and r > 0.9:
                    tco = "https://t.co/" + self.random_code()
                    post = self.add_post(t, author, f"{text} {tco}", lang, "counter_speech", family,
                                         links + [(tco, ("quote", parent))], quote_of=parent)
                elif parent is not None:
                    post = self.add_post(t, author, f"@{parent.author.username} {text}", lang, "counter_speech",
                                         family, links, reply_to=parent)
                else:
                    post = self.add_post(t, author, text, lang, "counter_speech", family, links)
                made.append(post)
                made_times.append(t)

    def make_counter_tags(self):
        """Counter-hashtags have an everyday use of their own before any flood."""
        rng = self.rng
        spec = VT.COUNTER_TAG_BASELINE
        for ct in self.counter_tags:
            crowd = self.new_crowd(int(ct["n"] * 0.3), "activist", 1.0, mix=(self.general_public, 0.1))
            voice = self.topic_voice(spec, "bg.counter_tag", crowd)
            times = self.rhythm_times(ct["n"], spec["peak"], spec["amp"])
            self.run_stream(times, voice, lambda t, tag=ct["tag"]: [tag], lambda t, c=crowd: c.pick(rng), "background",
                            0.25, reply_share=0.05, reply_voice=self.reply_voice("en", "bg.counter_tag", crowd))

    def make_campaigns(self):
        """A small tag, then many new accounts post one shared message about the tag's own subject."""
        rng = self.rng
        for plan in self.quiet_plan:
            if plan["kind"] != "campaign":
                continue
            camp = plan["campaign"]
            tag = camp["tag"]
            group = "campaign." + tag.lower()
            locals_ = self.new_crowd(max(5, plan["n_baseline"] // 3), "plain", 1.0, mix=(self.general_public, 0.2))
            base_voice = Voice(group=f"bg.{tag.lower()}", lang="en", families={"local": {"texts": camp["baseline"]}},
                               weights={"local": 1}, slots=camp["slots"], emoji=["📚", "🌳", "👋", "❤️"],
                               links=["https://www.localgazette.example/{n6}"], mention_crowd=locals_)
            times = self.rhythm_times(plan["n_baseline"], 15, 0.5)
            self.run_stream(times, base_voice, lambda t: [tag], lambda t: locals_.pick(rng), "background", 0.15)
            petition = f"https://petition.example.org/{tag.lower()}"
            msg_voice = Voice(group=group, lang="en", families={"message": {"texts": camp["messages"]}},
                              weights={"message": 1}, slots=camp["slots"], emoji=["✊", "🙏", "📣", "❤️"],
                              links=[petition], mention_crowd=locals_, mutate=0.4,
                              tag_styles=(("canon", 85), ("lower", 15)))
            hours = rng.uniform(4, 18)
            ramp, tau = rng.uniform(10, 40), rng.uniform(30, 90)
            t0 = rng.randrange(self.start + 2 * DAY, self.end - int(hours * HOUR) - 6 * HOUR)
            times = self.wave_times(plan["n_surge"], t0, ramp, hours * 60 - ramp, tau)
            supporters = self.new_crowd(int(plan["n_surge"] * 0.75), "plain", 0.5, mix=(self.general_public, 0.05))
            cotag = rng.choice(VT.CAMPAIGN_COTAGS)
            self.claim_tag(cotag)
            tags_for = lambda t: [tag, cotag] if rng.random() < 0.3 else [tag]  # noqa: E731
            self.run_stream(times, msg_voice, tags_for, lambda t: supporters.pick(rng), "campaign",
                            rng.uniform(0.3, 0.5), rt_window=12 * HOUR)
            self.quiet_events.append({"hashtag": tag.lower(), "kind": "campaign", "start": iso(t0),
                                      "end": iso(t0 + int((hours * 60 + tau) * MINUTE)), "posts": plan["n_surge"]})

    # ------------------------------------------------------------------ finishing
    def finalize(self):
        """Time order, snowflake ids, conversation ids, quote links and engagement counts."""
        rng = self.rng
        self.posts.sort(key=lambda p: (p.time, p.ms))
        last = 0
        for p in self.posts:
            pid = ((p.time * 1000 + p.ms - TWITTER_EPOCH_MS) << 22) + rng.getrandbits(22)
            pid = max(pid, last + 1)
            last = pid
            p.id = str(pid)
        for p in self.posts:
            root = p.reply_to
            p.conversation_id = root.conversation_id if root is not None else p.id
            p.links = [(tco, f"https://twitter.com/{exp[1].author.username}/status/{exp[1].id}"
                        if isinstance(exp, tuple) else exp) for tco, exp in p.links]
        counts = {}
        for p in self.posts:
            for ref, what in ((p.retweet_of, "rt"), (p.reply_to, "reply"), (p.quote_of, "quote")):
                if ref is not None:
                    counts.setdefault(ref.id, {"rt": 0, "reply": 0, "quote": 0})[what] += 1
        for p in self.posts:
            if p.retweet_of is not None:
                p.metrics = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0}
                continue
            c = counts.get(p.id, {"rt": 0, "reply": 0, "quote": 0})
            reach = p.author.followers * p.virality
            bot = p.role == "takeover" and p.family.startswith("flood.spam")
            likes = 0 if bot and rng.random() < 0.8 else int(c["rt"] * rng.uniform(1.5, 5) + reach * rng.uniform(0, 0.05))
            p.metrics = {"retweet_count": c["rt"] + int(reach * rng.uniform(0, 0.01)), "reply_count": c["reply"],
                         "like_count": likes, "quote_count": c["quote"]}
        # post times can drift past the end by a retweet's delay; keep them inside the span
        self.end = max(self.end, self.posts[-1].time + 1)

    def build(self):
        self.pick_span()
        self.pick_background_topics()
        self.pick_takeovers()
        self.pick_quiet_events()
        self.allocate()
        self.make_background()
        self.make_targets()
        self.make_floods()
        self.make_counter_speech()
        self.make_counter_tags()
        self.make_campaigns()
        self.finalize()
        return self

    # ------------------------------------------------------------------ truth
    def truth_rows(self):
        for p in self.posts:
            yield {"id": p.id, "role": p.role, "family": p.family, "template": template_of(p.family),
                   "hashtags": ";".join(p.hashtags())}

    def truth_summary(self):
        takeovers = []
        for w in self.waves:
            tag = w["tag"].lower()
            flood = [p for p in self.posts if p.role == "takeover" and tag in p.hashtags()]
            counter = [p for p in self.posts if p.role == "counter_speech" and tag in p.hashtags()]
            # the design onset, unless the first flood post came later (a small flood's first
            # minutes can be empty)
            onset = max(w["onset"], flood[0].time) if flood else w["onset"]
            takeovers.append({
                "hashtag": tag, "display": "#" + w["tag"], "kind": w["kind"], "onset": iso(onset), "end": iso(w["end"]),
                "flood_start": iso(flood[0].time) if flood else None, "flood_last": iso(flood[-1].time) if flood else None,
                "design_share": round(w["share"], 3), "posts": len(flood), "baseline_posts": len(self.streams[tag]),
                "counter_speech_posts": len(counter), "counter_hashtag": (w["counter"] or "").lower() or None,
                "new_accounts": len({p.author.id for p in flood})})
        target_tags = {t["hashtag"] for t in takeovers}
        quiet = sorted({t for p in self.posts for t in p.hashtags()} - target_tags)
        return {"generator": "scripts/heldout/worlds.py", "seed": self.seed, "posts": len(self.posts),
                "start": iso(self.start), "end": iso(self.end), "days": self.days,
                "takeovers": takeovers, "quiet_tags": quiet, "quiet_events": self.quiet_events,
                "background_tags": [t["tag"].lower() for t in self.topics]}


def write_truth(world, path, damaged, layout, order):
    import csv
    with open(path + ".truth.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["id", "role", "family", "template", "hashtags"], lineterminator="\n")
        w.writeheader()
        w.writerows(world.truth_rows())
    summary = world.truth_summary()
    summary["layout"] = layout
    summary["order"] = order
    summary["damaged"] = damaged
    with open(path + ".truth.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--layout", choices=sorted(layouts.LAYOUTS), required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--damage", type=float, default=0.0, help="share of rows to damage (e.g. 0.005)")
    ap.add_argument("--order", choices=["shuffled", "newest", "oldest"], default=None,
                    help="row order (default per layout: twarc_csv newest, v1_jsonl oldest, generic_csv shuffled)")
    args = ap.parse_args(argv)
    world = World(args.seed, args.posts).build()
    order = args.order or layouts.DEFAULT_ORDER[args.layout]
    damaged = layouts.write(world, args.layout, args.out, order, args.damage)
    write_truth(world, args.out, damaged, args.layout, order)
    s = world.truth_summary()
    print(f"[worlds] seed {args.seed}: {len(world.posts)} posts, {s['days']} days, layout {args.layout}, order {order}, "
          f"takeovers {[t['hashtag'] for t in s['takeovers']]}, quiet events "
          f"{[(e['kind'], e['hashtag']) for e in s['quiet_events']]}, damaged {len(damaged)}", file=sys.stderr)


if __name__ == "__main__":
    main()
