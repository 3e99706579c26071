#!/usr/bin/env python3
"""gen3: an independent synthetic-world generator for testing hashtag-takeover detection.

    python3 gen3.py --seed S --posts N --out FILE

Writes three files (Python 3 standard library only; the same seed and size give
byte-identical output):

FILE
    A social-listening export (Brandwatch / Meltwater / Talkwalker style): UTF-8 with BOM,
    comma-separated, CRLF or LF line ends (by seed), quoted texts that may hold real newlines,
    rows newest first. Always present: `id` (digits, unique), `Date`, `Author` (handle,
    no @), `Full Name`, `Full Text`, `Url` (https://twitter.com/{handle}/status/{id}),
    `Thread Id`, `Retweets`, `Likes`, `Language`, `Page Type`; some of `Hashtags`,
    `Thread Author`, `Followers`, `Sentiment`, `Country`, `Domain`, `Query Name` by seed.
    `Date` is UTC in one format per file, chosen by seed from
    `2021-03-04 17:05:12`, `04/03/2021 17:05` (day first) and `2021-03-04 17:05`.
    A retweet's text is "RT @user: original text".

FILE.truth.csv
    `id,role,family,template,hashtags`, oldest first. role: baseline (a takeover target's own
    crowd), takeover, counter_speech, campaign, organic_surge, background. family is
    group/name (bg.cooking/tip, flood.kpop/fancam_link, counter/redirect, ...); template is
    family + "#" + phrasing index; hashtags are the ones in the text, lower-case, no '#',
    ';'-separated. A retweet carries its original's role, family and template.

FILE.truth.json
    takeovers [{hashtag, kind (kpop|reclaim|spam), onset, end, flood_start, flood_last,
    ...counts and rates}], quiet_tags, quiet_events [{hashtag, kind, start, end}],
    background_tags, damaged [], layout "listening_csv", order "newest", plus world facts.

The world: 5-8 days; 6-10 background hashtags (plus secondary tags their posts add now and
then), each with a community of recurring accounts in its own time zone and daily rhythm,
with replies and retweets (20-35% retweets overall); 1-2 takeover targets (a political tag
flooded by K-pop fancams, an extremist group's tag reclaimed with couples' photos and jokes,
or a brand tag flooded by crypto-spam bots), each with its own baseline community from the
first day, the flood starting after at least 2.5 days. A flood: 4-12 families (always an
emoji-only one, a link-only one and one not in English), posted by accounts never seen on
the tag (a K-pop flood may borrow accounts from the fandom's own background tag), a convex
ramp of 30-120 min, a wobbling hold of 2-8 h, then exp(-x/tau)*(1-x/taper) decay.
Counter-speech (condemn, redirect to a counter-hashtag, ask to stop, explain, applaud) by
newcomers, 3-10% of the window's posts, a fifth of it as replies to flood posts. One quiet
event on one background tag: a campaign (30-80 new accounts, one near-identical message,
a few hours) for even seeds, an organic surge (a news event, mostly new accounts, varied
reactions) for odd seeds. Every post is sampled from a per-minute expected-rate curve.

Onset and end (what score.py compares a detector's window against):
    lambda_f(t)  expected flood rate on the target tag (originals + retweets + replies),
    lambda_b(t)  expected rate of the target's own baseline crowd,
    lambda_c(t)  expected counter-speech rate on the target tag,
    all evaluated on a one-minute grid (each minute's expected count).
    onset = the first minute at or after the flood's start where lambda_f > lambda_b;
            if the first sampled flood post comes later, onset is that post's time.
    end   = the first minute after the flood's peak minute where
            lambda_f < lambda_b + lambda_c; if the last sampled flood post comes earlier,
            end is that post's time.
    flood_start is where lambda_f becomes non-zero; flood_last the last flood post's time.
    Times are UTC ISO 8601 with a Z; truth times keep seconds even when the Date column
    shows minutes only (a post at 09:43:39 shows as 09:43, so it can sit up to 59 s before
    an onset taken from it).
"""
import argparse
import bisect
import csv
import json
import math
import os
import random
import re
from collections import ChainMap
from datetime import datetime, timedelta, timezone
from itertools import accumulate

TWEPOCH_MS = 1288834974657
HASHTAG_RE = re.compile(r"(?<![\w&/#])#(\w*[^\W\d_]\w*)")

# ============================================================================ shared words
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jonas", "Kemi", "Liam",
         "Maya", "Nico", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vera", "Wes", "Ximena",
         "Yusuf", "Zoe", "Marco", "Leah", "Omar", "Hana", "Pete", "Lucia", "Arjun", "Molly", "Dani", "Theo",
         "Aisha", "Kit", "Bruno", "Sofia", "Ravi", "Nell", "Otto", "Jade", "Tom", "Mei", "Carlos", "Fern"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Kowalski", "Nguyen", "Hughes", "Silva", "Brennan",
        "Haddad", "Yamada", "Fischer", "Rossi", "Adeyemi", "Kaur", "Novak", "Walsh", "Costa", "Park",
        "Murphy", "Sato", "Ibrahim", "Delgado", "Byrne", "Jensen", "Mendes", "Clarke", "Tanaka"]
CITIES = ["Leeds", "Denver", "Cork", "Tampa", "Lyon", "Porto", "Austin", "Bristol", "Calgary", "Dayton",
          "Hobart", "Galway", "Fresno", "Malmo", "Tucson", "Norwich", "Boise", "Perth", "Spokane", "Derby"]
ADJ = ["sunny", "quiet", "wild", "tiny", "lazy", "golden", "cosmic", "little", "salty", "midnight", "fuzzy",
       "rusty", "lucky", "velvet", "paper", "mellow", "brave", "odd"]
NOUN = ["fox", "otter", "moon", "pixel", "toast", "fern", "comet", "panda", "teacup", "river", "sparrow",
        "biscuit", "lantern", "pebble", "walrus", "mango", "kettle", "cactus"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ALNUM = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _code(rng, n):
    return "".join(rng.choice(ALNUM) for _ in range(n))


def _rep(choices, lo, hi):
    return lambda rng: rng.choice(choices) * rng.randint(lo, hi)


GLOBAL = {
    "first": FIRST, "last": LAST, "city": CITIES, "weekday": WEEKDAYS,
    "link": lambda rng: "https://t.co/" + _code(rng, 10),
    "pic": lambda rng: "pic.twitter.com/" + _code(rng, 10),
    "yt": lambda rng: rng.choice(["https://youtu.be/", "https://www.youtube.com/watch?v="]) + _code(rng, 11),
    "n": lambda rng: str(rng.randint(2, 12)),
    "smile": ["🙂", "😊", "😄", "🙌", "👍", "✨", "", ""],
    "laugh": ["lol", "haha", "😂", "lmao", "🤣", "😅"],
    "heart": ["💜", "💕", "❤️", "💖", "🥰", "😍", "💗", "🫶"],
    "cry": ["😭", "🥺", "😭😭", "🥹"],
    "pride": ["🏳️‍🌈", "🌈", "🏳️‍🌈✨", "💕🏳️‍🌈"],
    "money": ["$5", "$10", "twenty quid", "a tenner", "$20"],
    "hour": ["7am", "9am", "noon", "6pm", "7:30", "8pm"],
}

# ============================================================================ background topics
# Each topic: tags (one chosen as the main tag), sub (secondary tags used now and then),
# fam {name: [phrasings]} where a phrasing may start with "es:" / "pt:" / "ko:" / "ja:",
# reply [phrasings], vocab, campaign {message phrasings, fixed fill-ins}, surge {families}.
TOPICS = {
    "cooking": {
        "aside": ['The kitchen is a disaster zone now.', 'Leftovers for lunch tomorrow, at least.', '{first} had seconds, which is the real review.', 'Used the last of the {ingredient}, shopping list grows.', 'Took twice as long as the recipe said, as always.'],
        "tags": ["HomeCooking", "WhatsForDinner", "CookingAtHome"], "sub": ["Recipes", "Foodie"],
        "vocab": {
            "dish": ["lentil dal", "shakshuka", "mushroom risotto", "chicken tikka", "chili",
                     "focaccia", "pad thai", "miso ramen", "lemon roast chicken", "vegetable lasagne", "fish tacos",
                     "spinach pie", "pierogi", "black bean burgers", "roast squash"],
            "ingredient": ["smoked paprika", "miso", "brown butter", "preserved lemon", "fish sauce", "anchovies",
                           "fresh dill", "gochujang", "a splash of sherry vinegar", "toasted cumin"],
            "verdict": ["a keeper", "never again", "surprisingly good", "the kids actually ate it",
                        "needs more salt next time", "restaurant level, if I say so myself"],
            "tool": ["cast iron pan", "pressure cooker", "air fryer", "dutch oven", "wok"],
            "period": ["week", "month", "year"],
            "show": ["Kitchen Crown", "The Big Bake-Off Live", "Heat Check"],
        },
        "fam": {
            "meal": ["Made {dish} tonight and honestly it's the best thing I've cooked all {period}.",
                     "{dish} for dinner, with {ingredient} because that's what was in the fridge. Verdict: {verdict}.",
                     "Tonight's experiment was {dish} in the {tool}. Result: {verdict}.",
                     "Nothing fancy today, just {dish} and an early night {smile}"],
            "tip": ["Tip for anyone making {dish}: add the {ingredient} at the very end, not the start.",
                    "If your {dish} always turns out bland, try {ingredient}. Changed my life.",
                    "Reminder that a {tool} is worth every penny. I use mine four times a week.",
                    "Toast your spices in a dry pan for thirty seconds first. That's the whole tip."],
            "question": ["What do you all put in {dish}? Mine always feels like it's missing something.",
                         "Anyone got a good recipe for {dish} that doesn't need a {tool}?",
                         "Is it just me or does {ingredient} make everything better?"],
            "photo": ["Sunday batch cooking done: {dish} for the week {pic}",
                      "Not the prettiest {dish} but it tasted great {pic}",
                      "First attempt at {dish} {smile} {pic}"],
        },
        "reply": ["that looks amazing, saving this", "ooh I need to try it with {ingredient}",
                  "same thing happened to me last week {laugh}", "recipe please!!",
                  "honestly {ingredient} is so underrated"],
        "campaign": {"fix": {"city": None},
                     "msg": ["Every child deserves a hot meal at school. Sign the letter asking {city} council to fund free school lunches: {link}",
                             "Free school lunches for every child in {city}. Add your name before Friday: {link}",
                             "I signed. Will you? Free school meals for every kid in {city} {link}",
                             "No child in {city} should learn on an empty stomach. Sign here {link}"]},
        "surge": {"event": "the {show} final", "fix": ["show"],
                  "fam": {"reaction": ["Did anyone else just watch the {show} final?? Someone made {dish} in the last round and the judges lost it",
                                       "Still not over the {show} final. What a winner.",
                                       "The {show} final made me want to cook {dish} at midnight {laugh}",
                                       "Can't believe the judges marked down that {dish} in the {show} final",
                                       "Whoever won {show} tonight, their {dish} deserved its own trophy"],
                          "news": ["{show} crowns its winner after a nail-biting final: {link}",
                                   "Recipe from tonight's {show} final is already online {link}"]}},
    },
    "running": {
        "aside": ['Coffee first, stretching never.', 'Garmin says I need 40 hours of recovery {laugh}', 'Saw the same dog walker three times.', 'New shoes are finally broken in.', 'Legs are already complaining about tomorrow.'],
        "tags": ["RunningCommunity", "RunChat", "MarathonTraining"], "sub": ["Parkrun", "Running"],
        "vocab": {"dist": ["5k", "10k", "half marathon", "16 miles", "8k", "easy 6 miles"],
                  "pace": ["5:10/km", "8:45/mile", "4:55/km", "a very slow pace", "tempo pace"],
                  "weather": ["in the rain", "in 30 degrees", "into a headwind", "before sunrise", "in the snow"],
                  "body": ["calves", "left knee", "hamstrings", "shins", "lungs"],
                  "park": ["Riverside", "Eastfield", "Oak Hill", "Harbour"],
                  "race": ["the City Marathon", "the Coastal Half", "the Valley 10k"]},
        "fam": {
            "log": ["Ran {dist} {weather} this morning. Slow but done.", "{dist} today at {pace}. Legs felt heavy but we move.",
                    "Long run done: {dist}, {weather}, no regrets.", "Tried intervals for the first time. My {body} have filed a complaint."],
            "motivation": ["Nobody cares about your pace except you. Go run.", "The hardest step is the one out the front door.",
                           "Three months ago I couldn't run for a bus. Today I did {dist}.", "Slow miles are still miles."],
            "question": ["How do you all deal with sore {body} after a {dist}?", "Best shoes for a flat-footed runner? Asking for me.",
                         "Anyone else running {race}? Looking for someone to pace with."],
        },
        "reply": ["huge well done!", "you're flying {smile}", "ice bath and pray", "same, my {body} are done",
                  "see you at {park} saturday"],
        "campaign": {"fix": {"park": None},
                     "msg": ["Keep {park} parkrun free. The council wants to charge runners to use the paths. Sign: {link}",
                             "Don't let them charge for {park} parkrun. Sign the petition today {link}",
                             "{park} parkrun must stay free for everyone. Add your name {link}"]},
        "surge": {"event": "{race}", "fix": ["race"],
                  "fam": {"reaction": ["Watching {race} and the leaders are flying!! Course record pace",
                                       "Just finished {race}!!! Can't feel my {body} but what a day",
                                       "That sprint finish at {race}, I have chills",
                                       "Cheering everyone on at mile 20 of {race}, you're all heroes",
                                       "{race} done in the heat, proud of every single finisher"],
                          "news": ["Course record falls at {race}: {link}", "Live results from {race} here {link}"]}},
    },
    "gardening": {
        "aside": ['The robin supervised, as usual.', 'Forgot my gloves, hands are wrecked.', "Next door's cat dug up the carrots again.", 'Rain forecast for {weekday}, fingers crossed.', 'Compost bin is heaving.'],
        "tags": ["GardeningTwitter", "GrowYourOwn", "AllotmentLife"], "sub": ["Gardening"],
        "vocab": {"plant": ["tomatoes", "courgettes", "sweet peas", "dahlias", "garlic", "runner beans", "chillies", "strawberries"],
                  "pest": ["slugs", "aphids", "pigeons", "blackfly", "a very determined squirrel"],
                  "task": ["mulching", "potting on", "weeding the onion bed", "building a compost bay", "pruning the apple tree"]},
        "fam": {
            "update": ["The {plant} are finally flowering after weeks of nothing.", "Spent the whole afternoon {task}. Back aches, soul happy.",
                       "First harvest of {plant} this year {pic}", "Lost half my {plant} to {pest} overnight. Devastated."],
            "tip": ["Save your coffee grounds for the {plant}, they love it.", "Beer traps genuinely work on {pest}. Cheap pint, happy beds.",
                    "Water in the morning, not the evening. Fewer {pest}."],
            "question": ["What's everyone growing this year? I'm going heavy on {plant}.", "How do you keep {pest} off {plant} without chemicals?"],
        },
        "reply": ["gorgeous!", "ugh, {pest}. the worst", "I swear by copper tape", "look at them go {smile}"],
        "campaign": {"fix": {"site": ["Mill Lane", "Brook Street", "Gasworks Road"]},
                     "msg": ["The {site} allotments are going to be sold for car parking. 90 plots, 40 years of gardens. Object here: {link}",
                             "Save the {site} allotments! Objections close Monday {link}",
                             "Please object to the sale of {site} allotments, it takes two minutes {link}"]},
        "surge": {"event": "a hard late frost",
                  "fam": {"reaction": ["Woke up to frost on everything. Is it too late to save the {plant}?",
                                       "Minus four last night. My {plant} look like cooked spinach",
                                       "Who else got caught out by the frost? Lost all my {plant}",
                                       "Fleece on everything, fingers crossed for the {plant}"],
                          "news": ["Record late frost hits gardens across the region {link}"]}},
    },
    "football": {
        "aside": ['Pies were cold again.', 'The away end was bouncing.', '{player} looked knackered by the hour mark.', 'Long drive home after that one.', 'Ref needs a word with himself.'],
        "tags": ["UpTheRovers", "RoversFC", "MatchdayRovers"], "sub": ["COYR"],
        "vocab": {"ft": ["Job done.", "Could have been worse.", "We go again.", "Not good enough.", "Fair result."], "player": ["Okafor", "Lindgren", "Tavares", "McCall", "Brandt", "Sy", "Delaney"],
                  "rival": ["City", "Athletic", "Wanderers", "United"], "score": ["2-1", "1-1", "0-2", "3-0", "2-2"]},
        "fam": {
            "matchday": ["Matchday. {rival} away. Come on you Rovers!", "Team news: {player} starts, {player} on the bench.",
                         "{score} at half time, need more from midfield.", "Ref has been shocking today, that was never a penalty."],
            "opinion": ["{player} has been our best player all season and it's not close.", "We need a proper striker in January. Simple.",
                        "Unpopular opinion: {player} should be captain."],
            "result": ["Full time, {score}. {ft}", "Another {score} and another week of moaning {laugh}",
                       "What a goal from {player}! {link}"],
        },
        "reply": ["spot on", "never a pen", "{player} was everywhere", "we go again", "see you in the away end"],
        "campaign": {"fix": {},
                     "msg": ["Fans deserve a say. Sign the supporters' trust petition against the ticket price rise: {link}",
                             "Twenty pounds extra a ticket? No. Sign the supporters' petition {link}",
                             "Say no to the ticket price rise. Sign and share {link}"]},
        "surge": {"event": "a last-minute derby winner", "fix": ["player", "rival", "score"],
                  "fam": {"reaction": ["{player} IN THE 94TH MINUTE!!! I'm on the floor", "Scenes. Absolute scenes. {score} against {rival}",
                                       "Never leaving early again. {player} you beauty", "My neighbours definitely heard that one {laugh}",
                                       "That's why we love this club. Derby day winners"],
                          "news": ["Late {player} winner settles derby: {link}", "Watch: {player}'s stoppage-time goal {link}"]}},
    },
    "photography": {
        "aside": ['Shot from the hip, no idea how it came out.', 'Only took {n} frames all evening.', 'My feet hurt but the light was worth it.', 'Scanned it this morning.', 'Still learning this camera.'],
        "tags": ["StreetPhotography", "ShotOnFilm", "PhotoOfTheDay"], "sub": ["Photography"],
        "vocab": {"cam": ["Fuji X100V", "Leica M6", "Olympus OM-1", "Ricoh GR", "Canon AE-1"],
                  "film": ["Portra 400", "HP5", "Tri-X", "Ektar 100", "Cinestill 800T"],
                  "scene": ["rainy market street", "old man feeding pigeons", "neon laundromat", "harbour at dawn", "kids playing in a fountain"]},
        "fam": {
            "share": ["{scene}, {cam} {pic}", "Caught this {scene} on my walk home {pic}", "One from last week. {film}. {pic}",
                      "{weekday} evening in {city}, shot on {film} {pic}"],
            "gear": ["Finally got my {cam} back from repair.", "Is {film} worth the price now? Thinking of switching.",
                     "Sold my zoom lenses and only shoot a 35mm now. Best decision."],
            "talk": ["Light was perfect for about four minutes tonight and I used all of them.", "Shoot what you love, not what gets likes."],
        },
        "reply": ["beautiful light", "love the grain on this", "what a moment", "framing is perfect"],
        "campaign": {"fix": {},
                     "msg": ["Photography is not a crime. Tell the transit authority to drop the new camera ban {link}",
                             "Sign the letter against the camera ban on public transport {link}",
                             "Stop the camera ban. Sign and share {link}"]},
        "surge": {"event": "a spectacular sunset",
                  "fam": {"reaction": ["Did everyone see the sky tonight?! Pink and orange everywhere {pic}",
                                       "Ran out of the house without shoes for this sunset {pic}", "The whole city stopped to photograph that sky",
                                       "Best sunset in years, no filter {pic}"],
                          "news": ["Photos: readers share tonight's extraordinary sunset {link}"]}},
    },
    "books": {
        "aside": ['My TBR pile is now taller than me.', '{book} is next on the list.', 'Started it on the train and missed my stop.', 'The library fines are going to be grim.', 'Tea went cold while I read.'],
        "tags": ["BookTwitter", "AmReading", "CurrentlyReading"], "sub": ["Books"],
        "vocab": {"book": ["The Glass Orchard", "A Winter Ledger", "Salt and Embers", "The Cartographer's Daughter", "Ninety Rooms"],
                  "genre": ["cosy mysteries", "literary fiction", "fantasy", "memoirs", "sci-fi"],
                  "prize": ["the Larkspur Prize", "the Meridian Award"]},
        "fam": {
            "reading": ["Halfway through {book} and I can't put it down.", "Finished {book} at 2am. No regrets. Some regrets.",
                        "Currently reading {book}. The prose is gorgeous."],
            "rec": ["If you liked {book}, try anything in {genre}.", "Give me your best {genre} recs, I'm in a slump.",
                    "Unpopular opinion: {book} is overrated."],
            "haul": ["Library haul {smile} {pic}", "Bought {n} more books I don't have room for {pic}", "Charity shop finds today, including {book} {pic}",
                     "Reading corner on a {weekday} afternoon {pic}"],
        },
        "reply": ["adding to my list!", "that ending though", "omg I loved this", "it gets even better"],
        "campaign": {"fix": {"branch": ["Northgate", "Kingsway", "Elm Park"]},
                     "msg": ["{branch} library is set to close in March. Tell the council libraries matter: {link}",
                             "Save {branch} library. Sign today {link}", "Libraries are lifelines. Keep {branch} library open {link}"]},
        "surge": {"event": "{prize} announcement", "fix": ["book", "prize"],
                  "fam": {"reaction": ["{book} won {prize}!!! So deserved", "Screaming, my favourite book of the year just won {prize}",
                                       "Off to buy {book} now that it won {prize}", "Not sure {book} was the best on the shortlist, but happy for the author"],
                          "news": ["{book} wins {prize}: {link}"]}},
    },
    "gamedev": {
        "aside": ['Only {n} more bugs to go. Probably.', 'Commit message: fix stuff.', 'Coffee-powered as usual.', 'Playtesters are going to break this in minutes.', 'Still no idea how to market it.'],
        "tags": ["IndieDev", "GameDev", "MadeWithGodot"], "sub": ["PixelArt"],
        "vocab": {"feature": ["grappling hook", "day-night cycle", "dialogue system", "inventory UI", "boss fight", "procedural caves"],
                  "bug": ["physics glitch", "save bug", "memory leak", "softlock"]},
        "fam": {
            "progress": ["Finally got the {feature} working {pic}", "Devlog: rewrote the {feature} from scratch this week.",
                         "Found a {bug} that launches the player into orbit {laugh} {pic}"],
            "ask": ["How do you all handle save files for a {feature}?", "Any tips for marketing a tiny game with zero budget?"],
            "release": ["Our demo is live! Wishlists mean the world {link}", "One year of working on this after work. Trailer: {link}"],
        },
        "reply": ["this looks great!", "wishlisted", "love the art style", "that {bug} is art {laugh}"],
        "campaign": {"fix": {},
                     "msg": ["Crunch is not a badge of honour. Sign the open letter for fair hours in games {link}",
                             "Game workers deserve fair hours. Sign the open letter {link}", "I signed the open letter against crunch. Join us {link}"]},
        "surge": {"event": "an engine licence change",
                  "fam": {"reaction": ["The new engine fees would cost my tiny studio more than we earn", "Porting my whole {feature} to another engine this weekend I guess",
                                       "This licence change is a disaster for small devs", "Anyone else rethinking their engine after today?"],
                          "news": ["Engine maker announces per-install fees: {link}"]}},
    },
    "astronomy": {
        "aside": ['Fingers are frozen.', "The neighbours' security light ruined half the session.", 'Seeing was mediocre but transparency great.', 'Back out tomorrow if it stays clear.', 'The dog refused to come outside.'],
        "tags": ["Astrophotography", "NightSky", "Stargazing"], "sub": ["Astronomy"],
        "vocab": {"target": ["the Orion Nebula", "Andromeda", "Saturn", "the Pleiades", "Jupiter's moons"],
                  "kit": ["an 8-inch dob", "a tracker and a kit lens", "binoculars", "a secondhand refractor"]},
        "fam": {
            "obs": ["Clear skies finally! Spent two hours on {target}.", "Got {target} with {kit} last night {pic}",
                    "Clouds rolled in the second I set up. Classic."],
            "ask": ["Is {kit} enough to see {target}?", "Best app for planning a night out under dark skies?"],
            "fact": ["The light from {target} left before anyone you know was born.", "Look up tonight, {target} is well placed after 10pm."],
        },
        "reply": ["stunning capture", "so jealous of your skies", "clouds here too", "what settings?"],
        "campaign": {"fix": {},
                     "msg": ["Support the dark-sky lighting plan at Tuesday's council vote. Send a quick email: {link}",
                             "Dark skies are worth protecting. Email the council before Tuesday {link}", "Back the dark-sky plan {link}"]},
        "surge": {"event": "an aurora",
                  "fam": {"reaction": ["THE AURORA IS VISIBLE RIGHT NOW, go outside!!", "Never thought I'd see the northern lights this far south {pic}",
                                       "Pink and green pillars over the rooftops, I'm in tears {pic}", "Phone camera sees it better than my eyes but wow",
                                       "Woke the kids up for this aurora. Worth it."],
                          "news": ["Strong geomagnetic storm brings aurora to unusual latitudes {link}"]}},
    },
    "birding": {
        "aside": ['Bins fogged up at the worst moment.', 'Heard a chiffchaff too.', 'Flask of tea essential.', "Didn't get a photo, of course.", 'Year list is creeping up.'],
        "tags": ["BirdTwitter", "Birding", "Birdwatching"], "sub": ["BirdPhotography"],
        "vocab": {"bird": ["a kingfisher", "a pair of goldfinches", "a heron", "a treecreeper", "two buzzards", "a wren"],
                  "place": ["the reservoir", "the canal path", "my back garden", "the marsh"],
                  "rare": ["a hoopoe", "a snowy owl", "a bee-eater"]},
        "fam": {
            "sighting": ["Saw {bird} at {place} this morning!", "{bird} on the feeder again {pic}", "Quiet morning at {place}, just {bird}.",
                         "Walked {place} before work and got {bird} {pic}"],
            "id": ["Can anyone ID this? Spotted at {place} {pic}", "Is this {bird} or am I imagining things?"],
        },
        "reply": ["lovely spot!", "that's a juvenile I think", "great photo", "lucky you"],
        "campaign": {"fix": {"wet": ["Hollow Marsh", "Greyfen"]},
                     "msg": ["{wet} is home to 140 bird species and the bypass would split it in two. Object now {link}",
                             "Protect {wet}. Object to the bypass {link}", "Stand up for {wet}'s birds. Object here {link}"]},
        "surge": {"event": "{rare} turning up", "fix": ["rare", "place"],
                  "fam": {"reaction": ["There is {rare} at {place} right now!!!", "Twitchers everywhere at {place}, {rare} still showing {pic}",
                                       "Drove two hours for {rare}. Seen it. Crying.", "{rare} in this country? Unbelievable"],
                          "news": ["Rare {rare} draws crowds of birdwatchers {link}"]}},
    },
    "coffee": {
        "aside": ['Grinder was louder than the kids.', 'Grind one step finer tomorrow.', 'Milk jug needs replacing.', 'Water temp at 94, for the nerds.', 'Cup number {n}.'],
        "tags": ["CoffeeLovers", "HomeBarista", "CoffeeTime"], "sub": ["Espresso"],
        "vocab": {"bean": ["a washed Ethiopian", "a Colombian decaf", "a natural Kenyan", "a house blend"],
                  "brew": ["V60", "AeroPress", "moka pot", "french press", "espresso"]},
        "fam": {
            "cup": ["Morning {brew} with {bean}. Bright and fruity.", "Dialled in the {brew} finally {smile}", "Third coffee and it's not even ten."],
            "gear": ["Is a hand grinder enough for {brew}?", "Descaled the machine and it tastes brand new."],
            "cafe": ["Found a tiny cafe doing {bean} on {brew}. Heaven {pic}"],
        },
        "reply": ["that crema!", "need this right now", "V60 gang", "what grind size?"],
        "campaign": {"fix": {},
                     "msg": ["Pay farmers fairly. Take the fair-price coffee pledge with us {link}",
                             "I took the fair-price pledge. Farmers deserve a living wage {link}", "Fair prices for coffee farmers. Pledge here {link}"]},
        "surge": {"event": "a coffee price spike",
                  "fam": {"reaction": ["My beans just went up 40 percent overnight??", "Coffee prices are wild right now, switching to tea {laugh}",
                                       "Cafe near me now charges {money} for a flat white", "Stocking up on {bean} before prices climb again"],
                          "news": ["Coffee futures hit record high after harvest losses {link}"]}},
    },
    "knitting": {
        "aside": ['The cat keeps stealing the yarn.', 'Stitch markers everywhere.', 'Podcasts and purl rows.', 'Only {n} rows to go.', 'Blocking tomorrow.'],
        "tags": ["KnittersOfTwitter", "Knitting", "YarnLove"], "sub": ["Crochet"],
        "vocab": {"project": ["a cabled jumper", "socks", "a baby blanket", "a colourwork hat", "a shawl"],
                  "yarn": ["merino", "alpaca", "cotton", "hand-dyed sock yarn"]},
        "fam": {
            "wip": ["Finished {project} in {yarn} {pic}", "Progress on {project}, halfway there.", "Frogged {project} for the third time."],
            "ask": ["Best {yarn} for {project}?", "How do you stop your tension going wild on {project}?"],
        },
        "reply": ["gorgeous colours", "so cosy", "I feel your pain", "pattern name?"],
        "campaign": {"fix": {},
                     "msg": ["Knit a tiny hat for a newborn this winter. Drop-off points listed here {link}",
                             "Tiny hats for newborns, join us {link}", "One tiny hat, one warm baby. Join the drive {link}"]},
        "surge": {"event": "a viral pattern",
                  "fam": {"reaction": ["Everyone is knitting the same sweater this week and I'm here for it", "Caved and started the viral sweater",
                                       "My yarn shop is sold out of {yarn} because of that pattern"],
                          "news": ["The knitting pattern everyone is talking about {link}"]}},
    },
    "cycling": {
        "aside": ['Chain needs oil.', 'Saw a heron by the canal.', 'Cafe stop was the highlight.', 'Legs done.', 'Drivers were mostly fine today.'],
        "tags": ["BikeCommute", "CyclingLife", "BikeLife"], "sub": ["Cycling"],
        "vocab": {"road": ["Elm Road", "the ring road", "Station Street", "the high street"],
                  "ride": ["20 miles", "the hill loop", "a gravel route", "my commute"]},
        "fam": {
            "ride": ["Did {ride} before work, best start to the day.", "Headwind both ways on {ride}. How.", "Got a puncture on {road} {laugh}"],
            "safety": ["Close pass on {road} again today. Someone will get hurt.", "Lights on, folks, it's dark by five."],
        },
        "reply": ["ride safe", "that road is lethal", "nice one", "report it"],
        "campaign": {"fix": {"road": None},
                     "msg": ["Protected bike lanes on {road} now. Tell the council before the vote {link}",
                             "Safe lanes on {road} save lives. Sign {link}", "Two crashes this month on {road}. We need protected lanes {link}"]},
        "surge": {"event": "a classic race finish",
                  "fam": {"reaction": ["What a finish on the cobbles today!!", "That breakaway survived, incredible ride",
                                       "Screaming at the telly, what a sprint", "Best race of the season by a mile"],
                          "news": ["Race report: breakaway holds off the bunch {link}"]}},
    },
    "chess": {
        "aside": ['Blundered a knight in the first game.', 'Tilted, taking a break.', 'Blitz is bad for my health.', 'Analysis board says it was winning.', 'Coach would not be proud.'],
        "tags": ["ChessTwitter", "ChessCommunity"], "sub": ["Chess"],
        "vocab": {"opening": ["the London", "the Sicilian", "the Caro-Kann", "the King's Gambit"],
                  "gm": ["Ivanova", "Mendez", "Okoro", "Halvorsen"]},
        "fam": {
            "game": ["Lost on time in a winning position. Again.", "Played {opening} today and actually understood it.",
                     "Hit a new rating high {smile}"],
            "study": ["Anyone got good resources on {opening}?", "Doing 20 puzzles a day and it's working."],
        },
        "reply": ["gg", "time trouble is the worst", "congrats!", "try endgames first"],
        "campaign": {"fix": {},
                     "msg": ["Keep chess clubs in our schools. Sign the letter to the education board {link}",
                             "Chess in schools matters. Sign {link}", "Save school chess clubs {link}"]},
        "surge": {"event": "a huge upset", "fix": ["gm"],
                  "fam": {"reaction": ["{gm} just beat the world number one with black!!", "What a game from {gm}, that rook sacrifice",
                                       "Still shaking from that final round", "{gm} deserves every bit of this"],
                          "news": ["{gm} stuns the field in the final round {link}"]}},
    },
}

# a K-pop fandom's own tag: joins the background when the world has a K-pop flood (often)
KPOP_GROUPS = [
    {"group": "NOVA9", "tag": "NOVA9", "fandom": "Novas", "members": ["Jiho", "Taerin", "Minseo", "Hyunwoo", "Yejun", "Dami"],
     "ko": ["지호", "태린", "민서", "현우", "예준", "다미"], "songs": ["Firefly", "Neon Heart", "Gravity"]},
    {"group": "STARLIGHT KISS", "tag": "StarlightKiss", "fandom": "Kissies", "members": ["Yuna", "Sora", "Eunbi", "Rin", "Haeun"],
     "ko": ["유나", "소라", "은비", "린", "하은"], "songs": ["Sugar Rush", "Midnight Run", "Polaroid"]},
    {"group": "BLUE HOUR", "tag": "BLUEHOUR", "fandom": "Hourlies", "members": ["Dohyun", "Sungjae", "Kai", "Woojin", "Eden"],
     "ko": ["도현", "성재", "카이", "우진", "에덴"], "songs": ["Paradise Lost", "Tidal", "Young Forever Now"]},
]
FANDOM_TOPIC = {
    "fam": {
        "content": ["{member}'s vlive today was so soft {cry}", "{member} fancam from last night {heart} {yt}", "{group} really said serve {heart} {pic}",
                    "ko:{member_ko} 오늘도 너무 예뻐 {heart}", "ja:{member}くん今日も最高 {heart}"],
        "stream": ["Daily reminder to stream {song} {link}", "{song} streaming party at 9pm KST, be there {fandom}"],
        "chat": ["Which {group} era is your favourite and why is it this one", "{fandom} how are we feeling about the teaser"],
    },
    "reply": ["SCREAMING", "{member} my beloved {heart}", "not me crying again", "stream stream stream"],
}

# ============================================================================ takeover targets
TARGETS = {
    "kpop": {   # political tag; its baseline is rally/slogan posting
        "tags": ["HeritageFirst", "TakeBackOurTowns", "SilentMajorityRising", "FlagAndFamily"],
        "base_vocab": {"grp_name": ["the movement"], "cause": ["lower taxes", "our borders", "our monuments", "local control"]},
        "base": {
            "rally": ["Rally in {city} this {weekday} at noon. Bring a flag and a friend.", "{city}, we're meeting outside the courthouse {weekday}. Stand up and be counted.",
                      "Bus leaving from {city} for the {weekday} rally, message me for a seat."],
            "slogan": ["Proud of where we come from and not sorry about it.", "They call us a fringe. We're the majority and we vote.",
                       "Family, faith, flag. Simple as that.", "Nobody voted for this. We'll remember in November."],
            "news": ["Another {city} council vote we weren't told about. Read and share: {link}", "The papers won't cover this, so we will: {link}",
                     "Look what they're doing to {cause} now {link}"],
            "support": ["Welcome to everyone new from {city}. Glad you're here.", "Donated again today. If you can spare {money}, it matters.",
                        "Signs printed, stickers ordered. See you {weekday}."],
        },
        "reply": ["exactly this", "spot on", "see you there", "shared with my group", "they'll never report it"],
        "redirect": ["JusticeForAll", "StandTogether", "EqualityNow"],
    },
    "reclaim": {  # an extremist group's tag; its baseline is the group's own posting
        "tags": ["IronBrotherhood", "OldGuardSons", "WolfBrigade", "IronOathBoys"],
        "base_vocab": {},
        "base": {
            "meetup": ["Chapter meetup in {city} {weekday} night. Members only.", "Brothers from the {city} chapter, muster at the usual place {weekday}.",
                       "Road trip to {city} this weekend. Bring your colours."],
            "creed": ["Discipline. Loyalty. Strength.", "A man without brothers is a man alone.", "We don't apologise for who we are.",
                      "Train hard, stay loyal, say nothing."],
            "recruit": ["Tired of being told to sit down and shut up? We're recruiting in {city}. DM us.", "New prospects: training starts {weekday}. No excuses."],
            "gear": ["New patches just arrived, see your chapter lead {pic}", "Fresh colours for the {city} lads {pic}"],
        },
        "reply": ["hold the line", "see you there brother", "respect", "count me in"],
        "redirect": ["LoveWins", "LoveIsLove"],
    },
    "spam": {   # a brand's tag; its baseline is customers and the brand itself
        "brands": [
            {"tag": "NimbusPhone", "brand": "Nimbus", "product": "Nimbus X2", "support": "@NimbusHelp",
             "issue": ["restarting on its own", "draining overnight", "dropping wifi", "freezing in the camera app"]},
            {"tag": "VoltaBikes", "brand": "Volta", "product": "Volta e-bike", "support": "@VoltaCare",
             "issue": ["beeping at startup", "losing range in the cold", "showing error E4", "not pairing with the app"]},
            {"tag": "KestrelBank", "brand": "Kestrel", "product": "Kestrel app", "support": "@KestrelSupport",
             "issue": ["logging me out", "declining my card", "not showing my balance", "stuck on the loading screen"]},
            {"tag": "OrbitBuds", "brand": "Orbit", "product": "Orbit Buds Pro", "support": "@OrbitAudioHelp",
             "issue": ["dropping connection", "charging only one side", "crackling at high volume"]},
        ],
        "base": {
            "review": ["Three weeks with the {product} and I'm impressed.", "Honest review of the {product}: great build, software is just okay, price is steep.",
                       "Switched to the {product} last month. No going back.", "The {product} is fine but I expected more for the money."],
            "support": ["{support} my {product} keeps {issue} since the update, any fix?", "Anyone else's {product} {issue}? Started yesterday.",
                        "{support} third time asking: {product} {issue}. Help?"],
            "promo": ["Meet the new {product}. Available {weekday} in stores and online {link}", "Tell us how you use your {product} for a chance to be featured.",
                      "Update 4.2 for the {product} is rolling out now. Thanks for all the feedback!"],
            "unbox": ["Unboxing my new {product} {pic}", "It's here!! {product} day {smile} {pic}"],
        },
        "reply": ["same problem here", "try a reset, worked for me", "love mine", "support fixed it for me in a day"],
        "redirect": ["{brand}Help"],
    },
}

FLOOD = {
    "kpop": {
        "fancam_link": ["{member} fancam {heart}{heart} {yt}", "{member_up} FANCAM {heart} {yt}", "here's {member}'s fancam from {show} {yt}",
                        "{member} fancam bc why not {laugh}\n\n{yt}"],
        "jikcam_ko": ["ko:{member_ko} 직캠 {heart} {yt}", "ko:오늘 {member_ko} 직캠 미쳤다 {yt}", "ko:{member_ko} 직캠 보고 가세요 {heart} {yt}"],
        "fancam_ja": ["ja:{member}のファンカム見て{heart} {yt}", "ja:{member}くん最高すぎる… {yt}"],
        "fancam_es": ["es:{member} es arte y punto {heart} {yt}", "es:miren este fancam de {member} {cry} {yt}"],
        "fancam_pt": ["pt:olha esse fancam do {member} {heart} {yt}", "pt:{member} me destruiu nesse fancam {cry} {yt}"],
        "stream": ["stream {song} by {group} {heart} {link}", "STREAM {song_up}!!! {link}", "{group} - {song} MV {heart} go stream\n{yt}"],
        "vote": ["vote for {group} on {show} today!! {link}", "voting closes in {n} hours, {fandom} don't slack {link}"],
        "emoji_only": ["{heart}{heart}{heart}", "{heart}{heart}{heart}{heart}{heart}", "😭😭{heart}", "✨{heart}✨"],
        "link_only": ["{yt}", "{pic}"],
        "birthday": ["HAPPY {member_up} DAY 🎂{heart}", "happy birthday to the love of my life {member} 🎂"],
        "gif": ["{member} doing the {song} point choreo {pic}", "{member}'s face at the end of {song} {cry} {pic}"],
        "chart": ["{group} just hit number one on {chart} {heart} {fandom} we did that", "{song} trending worldwide, keep streaming {link}"],
        "comeback": ["D-{n} until {group} comeback {heart}", "{group} comeback teaser is OUT {yt}"],
    },
    "reclaim": {
        "couple_photo": ["me and my {partner} {pride} {pic}", "my {partner} and I at {place} last summer {heart} {pic}",
                         "{partner_cap} says hi {pride} {pic}", "just two boys in love {pride} {pic}"],
        "anniversary": ["{n} years with this man today {heart} {pic}", "celebrating {n} years married to my best friend {pride} {pic}"],
        "wedding": ["our wedding day, still the best day of my life {pride} {pic}", "throwback to saying I do {heart}\n\n{pic}"],
        "pun": ["{pun}", "{pun} {pride}", "{pun} {laugh}"],
        "flag_emoji": ["{pride}{pride}{pride}", "🏳️‍🌈💕🏳️‍🌈", "🏳️‍🌈"],
        "photo_only": ["{pic}"],
        "pareja_es": ["es:mi esposo y yo {pride} {pic}", "es:{n} años juntos y contando {heart} {pic}"],
        "casal_pt": ["pt:eu e meu marido {pride} {pic}", "pt:meu namorado e eu na praia {heart} {pic}"],
        "couple_ko": ["ko:남편이랑 {n}주년 {pride} {pic}"],
        "couple_ja": ["ja:彼氏と記念日{heart} {pic}"],
        "brunch": ["Sunday brunch with the boys {pride} {pic}", "two dads at soccer practice, again {laugh} {pic}"],
        "pets": ["our dog has two dads and zero complaints {pride} {pic}", "date night, the cat is judging us {pic}"],
    },
    "spam": {
        "airdrop": ["🚀 {coin} AIRDROP is LIVE 🚀 claim {big} free tokens 👉 {scam}", "{coin} airdrop round {n} open! Connect wallet and claim: {scam}",
                    "FREE {coin} 🎁 first {big} wallets only {scam}"],
        "giveaway": ["{brand} x {coin} giveaway 🎉 {big} USDT to {n} winners. Follow + RT + claim: {scam}", "Celebrating {big} users! {brand} is giving away {n} ETH {scam}"],
        "pump": ["{coin} about to 100x 🚀🚀🚀 don't miss it {scam}", "{coin} just listed, still early. {scam}", "turned {usd} into {usd2} with {coin}, you can too {scam}"],
        "fake_support": ["Having trouble with your {brand}? Our support team is here 24/7, visit {scam}", "{brand} users: verify your account to avoid suspension {scam}"],
        "signals": ["Join our VIP signal group, {n}% daily gains {tg}", "free signals today only 👉 {tg}"],
        "link_only": ["{scam}", "👉 {scam}"],
        "emoji_ticker": ["🚀🚀🚀 {coin}", "💰💰 {coin} 💰💰", "{coin} 🔥🔥🔥"],
        "nft": ["Free mint live now ✨ only {n}00 left {scam}", "{brand} NFT collection drop, mint before it's gone {scam}"],
        "spam_es": ["es:¡Gana {big} USDT gratis! Solo hoy 👉 {scam}", "es:Airdrop de {coin} abierto, reclama ya {scam}"],
        "spam_pt": ["pt:Ganhe {big} USDT grátis agora 👉 {scam}", "pt:Airdrop {coin} liberado, corre {scam}"],
        "spam_ko": ["ko:{coin} 무료 에어드랍 진행중 {scam}", "ko:선착순 {n}명 {coin} 지급 {scam}"],
        "spam_ja": ["ja:{coin}エアドロップ配布中🎁 {scam}", "ja:今だけ{coin}無料プレゼント {scam}"],
    },
}
FLOOD_MUST = {"kpop": ("emoji_only", "link_only"), "reclaim": ("flag_emoji", "photo_only"), "spam": ("emoji_ticker", "link_only")}
FLOOD_COTAGS = {"kpop": [], "reclaim": ["LoveWins", "Pride", "LoveIsLove"], "spam": ["crypto", "airdrop", "giveaway", "NFT", "Bitcoin"]}
RECLAIM_PUNS = [
    "the only brotherhood I'm in is my husband's book club", "my husband and I are very proud. of our sourdough",
    "joined for the discipline, stayed for the matching outfits", "loyalty? strength? I've been married to this man for {n} years",
    "the old guard is my grandpa and he's bringing his boyfriend to thanksgiving", "we're recruiting. for brunch. sunday at 11",
    "my chapter meets on tuesdays and it's a knitting circle", "wolf brigade? more like woof brigade, meet our dog {pic}",
]

# ============================================================================ counter-speech
# per family: cores; {TAG} the target tag, {CTAG} the redirect tag, {crowd} the flood's crowd,
# {ref} a reference to the tag without the words "tag"/"hashtag"
COUNTER = {
    "condemn": {
        "kpop": ["{TAG} was always a dog whistle and everyone knows it.", "The people who started {TAG} are not your friends.",
                 "I refuse to pretend {ref} is harmless.", "This movement has been stirring up hate for months, don't fall for it.",
                 "es:{TAG} siempre fue un discurso de odio.", "pt:{TAG} nunca foi inocente, gente."],
        "reclaim": ["{TAG} is a hate group's tag, full stop.", "These guys have been intimidating people in my town for years.",
                    "Never forget what {ref} actually stands for.", "es:Ese grupo es violento, no es broma.", "pt:Esse grupo é perigoso de verdade.",
                    "es:No olviden lo que hizo {ref_es} en {city}.", "pt:Lembrem do que {ref_pt} fizeram em {city}."],
        "spam": ["The spam in {TAG} is out of control.", "{brand} really needs to do something about these bots.",
                 "Can't find a single real post in {ref} anymore, it's all scams.", "es:Puro spam en {TAG}, qué desastre."],
    },
    "redirect": {
        "any": ["If you actually care, post under {CTAG} instead.", "Use {CTAG}, not {TAG}.", "Please move the conversation to {CTAG}.",
                "Put that energy into {CTAG} today.", "es:Usen {CTAG} en vez de {TAG}, por favor.", "pt:Usem {CTAG} em vez de {TAG}.",
                "ko:{TAG} 말고 {CTAG} 써주세요"],
        "spam": ["Real {brand} owners: the help thread is {CTAG}, this one is lost to bots.", "Looking for actual {brand} help? Try {CTAG}.",
                 "Moving to {CTAG} until they clean this up."],
    },
    "ask_stop": {
        "any": ["Please stop using {TAG}, even ironically, it keeps it trending.", "Don't quote or RT anything in {ref}. Let it die.",
                "Every time you use it you boost it. Stop.", "Do not engage. Mute it and move on.", "ja:{TAG} は使わないでください",
                "pt:Gente, parem de usar {TAG}.", "Please don't use this hashtag, not even to dunk on it.", "Mute the tag and move on."],
        "spam": ["Don't click any links in {TAG}, they're wallet drainers.", "Report and block, don't reply to the bots.",
                 "Nobody is giving away free ETH. Don't connect your wallet to anything here.", "ko:링크 절대 누르지 마세요, 사기입니다"],
    },
    "explain": {
        "kpop": ["For anyone confused: {crowd} flooded {TAG} so the original posts get buried.", "Context: {ref} started trending after the rally and {crowd} decided to drown it out.",
                 "If your timeline is suddenly all fancams, this is why.", "The hashtag got flooded by {crowd} about an hour ago.", "What happened overnight: {crowd} took over {TAG}.",
                 "es:Para quien no entienda: {crowd_es} inundaron {TAG} con fancams.", "ja:{TAG} で何が起きてるか説明すると、ファンが荒らしてる"],
        "reclaim": ["For anyone confused: {crowd} took over {TAG} to bury the group's posts.", "Context: the group used {ref} to recruit, so people started posting couples instead.",
                    "If you're wondering why this is all wedding photos now, that's the point.", "pt:Explicando: {crowd_pt} tomaram conta da {TAG}.",
                    "pt:Pra quem não entendeu: {TAG} era de um grupo de ódio e agora é só casal feliz", "es:Contexto: {crowd_es} se adueñaron de {TAG} para tapar al grupo."],
        "spam": ["Heads up: {TAG} got hijacked by crypto bots this afternoon.", "This tag has been wall-to-wall bot spam for hours.", "Why is {ref} all airdrops? A bot network picked it up, it happens to brand names.",
                 "If you're seeing giveaways from {brand}, they're fake. The real account never does this."],
    },
    "applaud": {
        "kpop": ["{crowd_cap} are doing the lord's work.", "Thank you {crowd}, never change.", "Best use of {TAG} I've ever seen {laugh}",
                 "ko:케이팝 팬들 최고 {heart}"],
        "reclaim": ["Whoever started the couples thing, I love you.", "This is the most wholesome takeover of all time {laugh}",
                    "Beautiful. Keep posting the weddings."],
    },
}
COUNTER_LOWER = set("""for context if use please don't every do these can't never nothing put why thank best this real looking moving
nobody report mute heads whoever that""".split())
COUNTER_OPENERS = ["", "", "", "PSA:", "Honestly,", "Okay,", "Friendly reminder:", "Just so everyone knows,", "Real talk:", "Heads up,",
                   "Not gonna lie,", "Seriously,", "Folks,", "Y'all,"]
COUNTER_CLOSERS = ["", "", "", "🙏", "Thanks.", "smh", "That's all.", "✊", "Please.", "🙄", "😂", "Spread the word.", "👇"]
CROWDS = {
    "kpop": (["the kpop stans", "kpop twitter", "the fancam army", "the stans", "K-pop fans"], ["los fans del kpop"], ["as stans"]),
    "reclaim": (["the couples posting here", "gay twitter", "a lot of happy couples", "queer folks"], ["las parejas"], ["os casais"]),
    "spam": (["these bots", "crypto spammers", "the spam accounts", "a bot network"], ["los bots"], ["os bots"]),
}
REFS = {"kpop": ["this", "what's going on here", "that slogan", "it"], "reclaim": ["this group", "their colours", "these guys"],
        "spam": ["this", "the brand's feed", "the search results"]}


# ============================================================================ helpers
class World:
    pass


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


SLOT_RE = re.compile(r"\{(\w+)\}")
SPACES_RE = re.compile(r"(?<=\S) {2,}")


def fill(tpl, rng, vocab, depth=0):
    def rep(m):
        key = m.group(1)
        if key not in vocab:
            raise KeyError(f"slot {key} in {tpl!r}")
        v = vocab[key]
        if callable(v):
            return v(rng)
        if isinstance(v, str):
            return v
        s = rng.choice(v)
        return fill(s, rng, vocab, depth + 1) if "{" in s and depth < 4 else s
    return SLOT_RE.sub(rep, tpl)


def split_lang(tpl):
    if len(tpl) > 3 and tpl[2] == ":" and tpl[:2] in ("es", "pt", "ko", "ja"):
        return tpl[:2], tpl[3:]
    return "en", tpl


def tag_caser(rng, canonical, style="mixed"):
    """A function rendering #Tag in one of its casings (canonical, lower, upper, Capitalised)."""
    if style == "bot":
        w = [0.5, 0.2, 0.3, 0.0]
    elif style == "fan":
        w = [0.45, 0.4, 0.1, 0.05]
    else:
        w = [0.62, 0.26, 0.04, 0.08]
    forms = [canonical, canonical.lower(), canonical.upper(), canonical[:1].upper() + canonical[1:].lower()]
    return lambda r: "#" + r.choices(forms, w)[0]


def case_words(text, mode):
    """Recase the words of a text, leaving links, mentions and hashtags alone."""
    out = []
    for tok in text.split(" "):
        if "://" in tok or tok.startswith(("pic.", "@", "#", "t.me")):
            out.append(tok)
        else:
            out.append(tok.upper() if mode == "upper" else tok.lower())
    return " ".join(out)


def cum_sample(weights, k, rng, start, minute_offset=0):
    """k times (epoch seconds) drawn from per-minute weights."""
    cum = list(accumulate(weights))
    total = cum[-1]
    if total <= 0 or k <= 0:
        return []
    out = []
    for _ in range(k):
        i = bisect.bisect_right(cum, rng.random() * total)
        i = min(i, len(cum) - 1)
        out.append(start + (minute_offset + i) * 60 + rng.randrange(60))
    return out


def daily_curve(rng):
    base = [0.15, 0.1, 0.07, 0.05, 0.05, 0.08, 0.2, 0.4, 0.6, 0.65, 0.6, 0.6, 0.7, 0.65, 0.6, 0.6, 0.65, 0.75, 0.9, 1.0, 1.0, 0.9, 0.6, 0.3]
    return [b * rng.uniform(0.8, 1.2) for b in base]


def rhythm(rng, M, tz, days, flat=0.0):
    """Per-minute weights of a community's daily rhythm in time zone tz (hours)."""
    curve = daily_curve(rng)
    dayf = [rng.uniform(0.7, 1.3) for _ in range(days + 1)]
    w = []
    for m in range(M):
        h = (m / 60.0 + tz) % 24
        i = int(h)
        f = h - i
        c = curve[i] * (1 - f) + curve[(i + 1) % 24] * f
        w.append((flat + c) * dayf[m // 1440])
    return w


def burst_shape(M, s0, ramp, hold, tau, taper, wobble_rng=None, convex=0.0):
    """Per-minute shape: a ramp of `ramp` minutes (convex growth if convex>0), a hold of `hold`
    minutes (with a slow wobble), then exp(-x/tau)*(1-x/taper) down to zero."""
    w = [0.0] * M
    knots = [1.0]
    if wobble_rng is not None:
        knots += [wobble_rng.uniform(0.72, 1.25) for _ in range(int(hold // 30) + 2)]
    else:
        knots += [1.0] * (int(hold // 30) + 2)

    def wob(x):
        k = x / 30.0
        i = int(k)
        if i >= len(knots) - 1:
            return knots[-1]
        f = k - i
        return knots[i] * (1 - f) + knots[i + 1] * f

    total = ramp + hold + taper
    for x in range(int(total) + 1):
        m = s0 + x
        if m < 0 or m >= M:
            continue
        if x < ramp:
            u = (x + 0.5) / ramp
            v = (math.exp(convex * u) - 1) / (math.exp(convex) - 1) if convex > 0 else u
        elif x < ramp + hold:
            v = wob(x - ramp)
        else:
            y = x - ramp - hold
            v = wob(hold) * math.exp(-y / tau) * max(0.0, 1 - y / taper)
        w[m] = v
    return w


def zipf_weights(rng, n, a):
    w = [1.0 / (i + 1) ** a for i in range(n)]
    rng.shuffle(w)
    return w


# ============================================================================ accounts
class Accounts:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def handle(self, style, ctx=None):
        r = self.rng
        for attempt in range(50):
            if style == "stan":
                m = r.choice(ctx["members"]).lower()
                h = r.choice([f"{m}s{r.choice(NOUN)}", f"{m}isart", f"{ctx['tag'].lower()}_{m}", f"{r.choice(ADJ)}{m}{r.randint(1, 99)}",
                              f"bby{m}", f"{m}_archive{r.randint(1, 9)}", f"{ctx['fandom'].lower()}4{m}", f"{m}{r.choice(['luv', 'pics', 'daily', 'cams'])}"])
            elif style == "bot":
                h = r.choice([f"{r.choice(['Crypto', 'Moon', 'Gem', 'Airdrop', 'Whale', 'Degen', 'Alpha'])}{r.choice(['King', 'Hunter', 'Alerts', 'Calls', 'Daily', 'Guru'])}{r.randint(10, 99999)}",
                              _code(r, 8).lower() + str(r.randint(10, 999)), f"{r.choice(FIRST)}{_code(r, 4)}{r.randint(1000, 9999)}"])
            else:
                f, l = r.choice(FIRST), r.choice(LAST)
                h = r.choice([f"{f}{l}", f"{f.lower()}_{l.lower()}", f"{f}{l}{r.randint(1, 99)}", f"{r.choice(ADJ)}{r.choice(NOUN)}{r.randint(1, 999)}",
                              f"{f.lower()}{r.choice(NOUN)}", f"the{r.choice(ADJ)}{f.lower()}", f"{f[0].lower()}{l.lower()}{r.randint(70, 99)}",
                              f"{r.choice(NOUN)}_{f.lower()}"])
            h = h[:15]
            if h.lower() not in self.used:
                self.used.add(h.lower())
                return h
        h = "user" + str(r.randint(10 ** 8, 10 ** 9))
        self.used.add(h.lower())
        return h

    def make(self, style, ctx=None):
        r = self.rng
        h = self.handle(style, ctx)
        if style == "stan":
            name = r.choice([h, f"{r.choice(ctx['members'])} {r.choice(['💜', '🌙', '✨', '🫧'])}", f"{r.choice(FIRST)} | {ctx['fandom']}"])
            fol = int(r.lognormvariate(6.0, 1.2))
        elif style == "bot":
            name = r.choice([h, f"{r.choice(['Crypto', 'Web3', 'DeFi'])} {r.choice(['News', 'Alerts', 'Gems'])} 🚀", f"{r.choice(FIRST)} {r.choice(LAST)}"])
            fol = int(r.lognormvariate(3.0, 1.5))
        else:
            name = f"{r.choice(FIRST)} {r.choice(LAST)}" if r.random() < 0.7 else f"{r.choice(FIRST)} {r.choice(['🌻', '🏳️‍🌈', '☕', '📚', '', ''])}".strip()
            fol = int(r.lognormvariate(5.5, 1.3))
        return {"handle": h, "name": name, "followers": fol}


# ============================================================================ streams
class Stream:
    """One crowd posting on one tag: its times, authors, phrasings and reply/retweet habits."""

    def __init__(self, name, role, tag, families, vocab, rng, tag_style="mixed"):
        self.name, self.role, self.tag = name, role, tag
        self.families = families  # {family: [phrasings]}
        self.fam_names = list(families)
        self.fam_w = [1.0] * len(self.fam_names)
        self.vocab = vocab
        self.render_tag = tag_caser(rng, tag, tag_style)
        self.sub_tags = []  # (canonical, probability)
        self.rt_share = 0.2
        self.reply_share = 0.0
        self.reply_tpls = []
        self.reply_family = None
        self.reply_to_stream = None  # replies go to posts of this stream (default: self)
        self.accounts = []
        self.acc_cum = None
        self.originals = []
        self.rt_pool = []
        self.times = []
        self.tag_pos = (0.68, 0.22, 0.10)  # end, start, end after a blank line
        self.recase = 0.0
        self.extra_tail = []  # optional suffixes (emoji, links) for near-duplicates
        self.per_post = None  # optional hook(text, rng, family, lang) -> text
        self.chatter = False  # everyday openers and tails around English phrasings
        self.asides = ()
        self.fam_author = {}  # families that one account posts (a brand's own announcements)

    def set_accounts(self, accs, rng, a=1.0):
        self.accounts = accs
        self.acc_cum = list(accumulate(zipf_weights(rng, len(accs), a)))

    def pick_author(self, rng, avoid=None):
        for _ in range(6):
            i = bisect.bisect_right(self.acc_cum, rng.random() * self.acc_cum[-1])
            acc = self.accounts[min(i, len(self.accounts) - 1)]
            if acc is not avoid:
                return acc
        return acc


def place_tag(text, stream, rng, pos=None):
    """Put the stream's tag (and, now and then, secondary tags) in the text."""
    tags_in = "{TAG}" in text
    if tags_in:
        text = text.replace("{TAG}", stream.render_tag(rng), 1).replace("{TAG}", stream.render_tag(rng))
    else:
        tag = stream.render_tag(rng)
        p = rng.random()
        a, b, _ = pos or stream.tag_pos
        if p < a:
            text = f"{text} {tag}"
        elif p < a + b:
            text = f"{tag} {text}"
        else:
            text = f"{text}\n\n{tag}"
    for canon, prob in stream.sub_tags:
        if rng.random() < prob:
            form = rng.choice([canon, canon.lower(), canon])
            text = f"{text} #{form}"
    return text


CHAT_OPEN = ["Ok so", "Honestly,", "Update:", "Quick one:", "Small win:", "Not sure who needs this but", "Random thought:",
             "Right,", "Well,", "So", "Confession:", "Day off and", "Late post but", "Morning all!", "Evening!"]
CHAT_TAIL = ["Anyway.", "Thoughts?", "Happy {weekday} all.", "🙂", "Can't complain.", "More soon.", "Wish me luck.",
             "That's it, that's the post.", "Not bad for a {weekday}.", "{smile}", "Loving it.", "As you do.", "Send help {laugh}",
             "Right, back to work.", "Ha.", "x"]


LOWERABLE = set("""made tried tonight's nothing tip if reminder toast what anyone is sunday not first ran long three the how best saw
quiet spent lost save beer water matchday team full another we unpopular caught one finally light shoot halfway finished currently
give library bought devlog found our clear clouds got look morning dialled third descaled progress frogged did headwind close lights
played hit doing welcome donated signs rally bus proud they family nobody chapter brothers road discipline a train tired new fresh
honest switched unboxing it's meet tell daily which this there slow sold ran still whoever""".split())


GENERIC_ASIDE = ["Long week.", "It's been a {weekday} and a half.", "Raining again here in {city}.", "The cat disapproves.",
                 "{first} says hi.", "No regrets.", "Tomorrow's problem.", "Back at it after a break.", "Should be asleep.",
                 "Small pleasures.", "Worth it.", "Still thinking about it.", "Needed this today.", "Ask me how I know."]
BASE_ASIDE = {
    "kpop": ["They're counting on us staying home.", "Print it and hand it out.", "My whole street is with us.", "No more silence.",
             "Our kids deserve better.", "Call your representative.", "Ask {first} from the {city} group for details."],
    "reclaim": ["Bring water.", "No phones at the meet.", "Respect is earned.", "Ask your chapter lead.", "Same time as always."],
    "spam": ["Had it since {weekday}.", "Coming from an older model.", "My partner wants one now.", "Battery life matters most to me.",
             "Support chat took {n} minutes.", "Price went up again though."],
}
CHAT_BASE = {
    "kpop": (["Reminder:", "Again:", "Listen,", "Folks,", "Say it louder:", "Once more:"],
             ["Share this.", "Wake up.", "Enough is enough.", "Pass it on.", "We're not going anywhere.", "🇺🇸", "Read that again."]),
    "reclaim": (["Brothers,", "Reminder:", "Listen up.", "Once again:"], ["Stay strong.", "🐺", "Loyalty above all.", "Brothers only.", "Hold the line."]),
    "spam": (["Ok so", "Honestly,", "Update:", "Quick one:", "Right,", "So", "Well,"], ["Thoughts?", "Anyway.", "10/10.", "Pretty happy so far.", "🤷", "Not bad.", "We'll see."]),
}


REPLY_TAIL = ["!!", "😍", "honestly", "wow", "{heart}", "so good", "👏", "x", "haha", "💯", "tbh", "🙌", "!", "fr", "same"]


def chatter(text, rng, opens=CHAT_OPEN, tails=CHAT_TAIL, asides=(), vocab=GLOBAL):
    """Everyday openers, asides and tails, so that a community's posts are not verbatim repeats."""
    link = ""
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and ("://" in parts[1] or parts[1].startswith("pic.")):
        text, link = parts
    if rng.random() < 0.45 and not text.endswith(("?", "!")):
        a = rng.choice(asides) if asides and rng.random() < 0.65 else rng.choice(GENERIC_ASIDE)
        text = f"{text.rstrip('.')}. {fill(a, rng, vocab)}" if text[-1:].isalnum() or text.endswith(".") else f"{text} {fill(a, rng, vocab)}"
    if link:
        text = f"{text} {link}"
    if rng.random() < 0.4:
        o = rng.choice(opens)
        if o[-1] not in ".!:?" and text.split(" ")[0].strip(",.!?:").lower() in LOWERABLE:
            text = text[:1].lower() + text[1:]
        text = f"{o} {text}"
    if rng.random() < 0.35:
        text = f"{text} {fill(rng.choice(tails), rng, GLOBAL)}".rstrip()
    return text


class Post:
    __slots__ = ("t", "author", "text", "role", "family", "template", "lang", "rt_of", "reply_to", "thread", "id",
                 "stream", "rts", "likes", "tags")


def new_post(stream, t, author, text, family, template, lang, rt_of=None, reply_to=None):
    p = Post()
    p.t, p.author, p.text, p.role = t, author, text, stream.role
    p.family, p.template, p.lang = family, template, lang
    p.rt_of, p.reply_to = rt_of, reply_to
    p.thread = None
    p.id = None
    p.stream = stream
    p.rts = 0
    p.likes = 0
    p.tags = None
    return p


def make_post(stream, t, rng):
    """One post of a stream at time t: a retweet, a reply or an original."""
    r = rng.random()
    if r < stream.rt_share and stream.rt_pool:
        # retweet: recent originals, popular ones more often
        pool = stream.rt_pool[-300:]
        orig = pool[min(len(pool) - 1, int(len(pool) * (1 - rng.random() ** 1.8)))] if rng.random() < 0.5 else rng.choice(stream.originals[-60:])
        author = stream.pick_author(rng, avoid=orig.author)
        orig.rts += 1
        stream.rt_pool.append(orig)
        p = new_post(stream, t, author, f"RT @{orig.author['handle']}: {orig.text}", orig.family, orig.template, orig.lang, rt_of=orig)
        p.role = orig.role
        return p
    target = stream.reply_to_stream or stream
    if r < stream.rt_share + stream.reply_share and target.originals and stream.reply_tpls:
        parent = rng.choice(target.originals[-40:])
        author = stream.pick_author(rng, avoid=parent.author)
        idx = rng.randrange(len(stream.reply_tpls))
        lang, tpl = split_lang(stream.reply_tpls[idx])
        body = fill(tpl, rng, stream.vocab)
        if rng.random() < 0.4:
            body = f"{body} {fill(rng.choice(REPLY_TAIL), rng, GLOBAL)}"
        text = place_tag(f"@{parent.author['handle']} {body}", stream, rng, pos=(0.9, 0.0, 0.1))
        p = new_post(stream, t, author, text, stream.reply_family, f"{stream.reply_family}#{idx}", lang, reply_to=parent)
        stream.originals.append(p)
        stream.rt_pool.append(p)
        return p
    fi = rng.choices(range(len(stream.fam_names)), stream.fam_w)[0]
    fam = stream.fam_names[fi]
    author = stream.fam_author.get(fam) or stream.pick_author(rng)
    phr = stream.families[fam]
    idx = rng.randrange(len(phr))
    lang, tpl = split_lang(phr[idx])
    text = fill(tpl, rng, stream.vocab)
    if stream.per_post:
        text = stream.per_post(text, rng, fam, lang)
    if stream.chatter and lang == "en" and fam not in stream.fam_author:
        opens, tails = stream.chatter if isinstance(stream.chatter, tuple) else (CHAT_OPEN, CHAT_TAIL)
        text = chatter(text, rng, opens, tails, stream.asides, stream.vocab)
    if stream.recase and rng.random() < stream.recase:
        text = case_words(text, rng.choice(["lower", "lower", "upper"]))
    if stream.extra_tail and rng.random() < 0.3:
        text = f"{text} {fill(rng.choice(stream.extra_tail), rng, stream.vocab)}"
    text = place_tag(text, stream, rng)
    text = SPACES_RE.sub(" ", text).strip()
    family = f"{stream.name}/{fam}"
    p = new_post(stream, t, author, text, family, f"{family}#{idx}", lang)
    stream.originals.append(p)
    stream.rt_pool.append(p)
    return p


# ============================================================================ the world
def draw_world(seed, n_posts):
    rng = random.Random(f"gen3-world-{seed}")
    W = World()
    W.seed, W.n = seed, n_posts
    W.days = rng.randint(5, 8)
    W.date_fmt = rng.choice(["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"])
    day0 = datetime(2019, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randrange(0, 1600))
    if W.date_fmt.startswith("%d/") and day0.day + W.days - 1 <= 12:
        day0 = day0.replace(day=rng.randint(10, 20))  # a day above 12 shows the order of day and month
    W.start = int(day0.timestamp())
    W.M = W.days * 1440
    W.end = W.start + W.M * 60
    W.crlf = rng.random() < 0.5
    W.rng = rng
    return W


def build(seed, n_posts):
    W = draw_world(seed, n_posts)
    rng = W.rng
    accts = Accounts(random.Random(f"gen3-accounts-{seed}"))
    N, M, days = n_posts, W.M, W.days
    streams = []
    truth_takeovers, quiet_events = [], []

    # --- takeover targets
    n_targets = 1 if rng.random() < 0.55 else 2
    kinds = rng.sample(["kpop", "reclaim", "spam"], n_targets)
    kpop_group = rng.choice(KPOP_GROUPS)
    fandom_bg = "kpop" in kinds and rng.random() < 0.65

    # --- background topics
    n_bg = rng.randint(6, 10) - (1 if fandom_bg else 0)
    topic_names = rng.sample(sorted(TOPICS), n_bg)
    quiet_topic = rng.choice(topic_names)
    rng.random()
    quiet_kind = "campaign" if seed % 2 == 0 else "organic_surge"  # alternate, so that both kinds show up in a few seeds

    # --- post budget
    flood_n, base_n, cs_p = {}, {}, {}
    for k in kinds:
        flood_n[k] = int(N * (rng.uniform(0.10, 0.20) if n_targets == 1 else rng.uniform(0.07, 0.13)))
        base_n[k] = int(N * rng.uniform(0.015, 0.04))
        cs_p[k] = rng.uniform(0.03, 0.10)
    cs_n = {k: int(round(flood_n[k] * cs_p[k] / (1 - cs_p[k]))) for k in kinds}
    if quiet_kind == "campaign":
        camp_accounts = rng.randint(30, 80)
        quiet_n = int(camp_accounts * rng.uniform(1.4, 2.6))
    else:
        quiet_n = int(N * rng.uniform(0.02, 0.05))
    used = sum(flood_n.values()) + sum(base_n.values()) + sum(cs_n.values()) + quiet_n
    bg_total = N - used
    bg_topics = topic_names + (["fandom"] if fandom_bg else [])
    shares = [rng.lognormvariate(0, 0.5) for _ in bg_topics]
    bg_n = [int(bg_total * s / sum(shares)) for s in shares]
    bg_n[0] += bg_total - sum(bg_n)

    # retweet shares: background's is set so that the whole world lands on a drawn target share
    rt_target = rng.uniform(0.22, 0.33)
    rt_flood = {"kpop": rng.uniform(0.28, 0.45), "reclaim": rng.uniform(0.2, 0.35), "spam": rng.uniform(0.05, 0.2)}
    rt_cs, rt_base = rng.uniform(0.15, 0.35), rng.uniform(0.15, 0.3)
    rt_quiet = rng.uniform(0.3, 0.5) if quiet_kind == "campaign" else rng.uniform(0.15, 0.3)
    other_rt = sum(flood_n[k] * rt_flood[k] + cs_n[k] * rt_cs + base_n[k] * rt_base for k in kinds) + quiet_n * rt_quiet
    rt_bg = min(0.45, max(0.1, (rt_target * N - other_rt) / max(1, bg_total)))

    bg_tags = []
    all_people = []
    # --- background streams
    for ti, tname in enumerate(bg_topics):
        srng = random.Random(f"gen3-bg-{seed}-{tname}")
        if tname == "fandom":
            g = kpop_group
            vocab = ChainMap({"member": g["members"], "member_ko": g["ko"], "group": [g["group"]], "song": g["songs"],
                              "fandom": [g["fandom"]]}, GLOBAL)
            st = Stream("bg.fandom", "background", g["tag"], FANDOM_TOPIC["fam"], vocab, srng, "fan")
            st.reply_tpls = FANDOM_TOPIC["reply"]
            n_acc = max(20, int(bg_n[ti] / srng.uniform(5, 12)))
            st.set_accounts([accts.make("stan", g) for _ in range(n_acc)], srng, 0.9)
            tz = 9
            subs = []
        else:
            T = TOPICS[tname]
            tag = srng.choice(T["tags"])
            vocab = ChainMap(dict(T["vocab"]), GLOBAL)
            st = Stream(f"bg.{tname}", "background", tag, T["fam"], vocab, srng)
            st.reply_tpls = T["reply"]
            n_acc = max(15, int(bg_n[ti] / srng.uniform(4, 12)))
            shared = [a for o in all_people if o.name != "bg.fandom" for a in o.accounts[:40]]
            n_sh = min(len(shared), int(n_acc * srng.uniform(0.03, 0.12)))
            accs = srng.sample(shared, n_sh) + [accts.make("person") for _ in range(n_acc - n_sh)]
            st.set_accounts(accs, srng, srng.uniform(0.8, 1.2))
            tz = srng.choice([-8, -5, -5, 0, 0, 1, 1, 10])
            subs = [(s, srng.uniform(0.03, 0.12)) for s in T["sub"] if srng.random() < 0.7]
            st.sub_tags = subs
        st.fam_w = [srng.uniform(0.5, 1.5) for _ in st.fam_names]
        st.reply_family = f"{st.name}/reply"
        st.chatter = tname != "fandom"
        st.asides = TOPICS[tname]["aside"] if tname != "fandom" else ()
        st.rt_share = min(0.5, max(0.05, rt_bg * srng.uniform(0.8, 1.2)))
        st.reply_share = srng.uniform(0.08, 0.2)
        w = rhythm(srng, M, tz, days, flat=srng.uniform(0.02, 0.15))
        st.times = cum_sample(w, bg_n[ti], srng, W.start)
        st.tz = tz
        streams.append(st)
        bg_tags.append(st.tag.lower())
        bg_tags += [s.lower() for s, _ in subs]
        all_people.append(st)
    bg_by_topic = {st.name: st for st in streams}

    # --- takeover streams
    flood_windows = []
    for k in kinds:
        krng = random.Random(f"gen3-target-{seed}-{k}")
        T = TARGETS[k]
        if k == "spam":
            brand = krng.choice(T["brands"])
            tag = brand["tag"]
            bvocab = {"product": [brand["product"]], "support": [brand["support"]], "issue": brand["issue"], "brand": [brand["brand"]]}
        else:
            brand = None
            tag = krng.choice(T["tags"])
            bvocab = dict(T.get("base_vocab", {}))
        base_vocab = ChainMap(bvocab, GLOBAL)
        base = Stream(f"base.{k}", "baseline", tag, T["base"], base_vocab, krng)
        base.reply_tpls = T["reply"]
        base.reply_family = f"base.{k}/reply"
        base.chatter = CHAT_BASE[k]
        base.asides = BASE_ASIDE[k]
        base.rt_share, base.reply_share = rt_base, krng.uniform(0.08, 0.15)
        base.set_accounts([accts.make("person") for _ in range(max(12, int(base_n[k] / krng.uniform(4, 9))))], krng, 1.0)
        base.fam_w = [krng.uniform(0.5, 1.5) for _ in base.fam_names]
        if k == "spam":  # the brand's own account posts its announcements
            base.fam_author["promo"] = {"handle": brand["tag"], "name": brand["brand"], "followers": krng.randint(80000, 900000)}
            accts.used.add(brand["tag"].lower())
        btz = krng.choice([-6, -5, -5, 0, 1])
        wb = rhythm(krng, M, btz, days, flat=0.05)
        sb = sum(wb)
        lam_b = [base_n[k] * x / sb for x in wb]  # expected baseline posts per minute
        base.times = cum_sample(wb, base_n[k], krng, W.start)
        streams.append(base)

        # flood timing: start after >= 2.5 days of baseline, finish >= 3 h before the world ends
        ramp = krng.uniform(30, 120)
        hold = krng.uniform(120, 480)
        tau = krng.uniform(40, 150)
        taper = tau * krng.uniform(4, 7)
        length = ramp + hold + taper
        lo = int(2.5 * 1440)
        hi = int(M - length - 180)
        for _ in range(20):
            s0 = krng.randint(lo, max(lo, hi))
            if all(abs(s0 - o) > 600 for o in flood_windows):
                break
        flood_windows.append(s0)
        shape = burst_shape(M, s0, ramp, hold, tau, taper, wobble_rng=krng, convex=krng.uniform(1.5, 4.0))
        ssum = sum(shape)
        lam_f = [flood_n[k] * x / ssum for x in shape]

        # flood crowd
        fvocab = {}
        if k == "kpop":
            g = kpop_group
            fvocab = {"member": g["members"], "member_up": [m.upper() for m in g["members"]], "member_ko": g["ko"], "group": [g["group"]],
                      "song": g["songs"], "song_up": [s.upper() for s in g["songs"]], "fandom": [g["fandom"]],
                      "show": ["Music Core", "Inkigayo", "M Countdown", "the concert", "Show Champion"],
                      "chart": ["the global chart", "iTunes", "Melon", "the worldwide trends"]}
        elif k == "reclaim":
            fvocab = {"partner": ["husband", "boyfriend", "fiancé", "man", "hubby"],
                      "partner_cap": ["Husband", "Boyfriend", "My fiancé", "The hubby"],
                      "place": ["the beach", "Pride", "his mum's birthday", "the lake", "our first concert"], "pun": RECLAIM_PUNS}
        else:
            coins = krng.sample(["$ZORA", "$MOONX", "$PEPU", "$SAFU", "$KAIO", "$GLXY", "$NIMBX", "$FLOKZ"], 3)
            fvocab = {"coin": coins, "brand": [brand["brand"]],
                      "big": lambda r: str(r.choice([500, 1000, 2500, 5000, 10000, 50000])),
                      "usd": ["$200", "$500", "$1k"], "usd2": ["$14,000", "$31k", "$90k"],
                      "scam": lambda r: f"https://{r.choice(['claim', 'drop', 'get', 'app', 'web3'])}-{r.choice(['zora', 'moonx', 'rewards', 'bonus', 'wallet'])}.{r.choice(['xyz', 'io', 'site', 'live', 'top'])}/{_code(r, 6)}",
                      "tg": lambda r: f"t.me/{r.choice(['vip', 'alpha', 'gems', 'signals'])}{_code(r, 5)}"}
        fam_pool = FLOOD[k]
        n_fam = min(len(fam_pool), krng.randint(4, 12))
        # always an emoji-only and a link-only family, and at least one not in English
        must = list(FLOOD_MUST[k]) + [krng.choice([f for f in fam_pool if split_lang(fam_pool[f][0])[0] != "en"])]
        fams = must + krng.sample([f for f in fam_pool if f not in must], n_fam - len(must))
        krng.shuffle(fams)
        flood = Stream(f"flood.{k}", "takeover", tag, {f: fam_pool[f] for f in fams}, ChainMap(fvocab, GLOBAL), krng,
                       "bot" if k == "spam" else "fan")
        flood.fam_w = [krng.lognormvariate(0, 0.7) for _ in fams]
        flood.rt_share = rt_flood[k]
        flood.recase = 0.08 if k != "reclaim" else 0.04
        flood.extra_tail = ["{heart}", "{cry}", "{heart}{heart}"] if k == "kpop" else (["🚀", "💰", "🔥🔥"] if k == "spam" else ["{pride}", "{heart}"])
        flood.tag_pos = (0.55, 0.3, 0.15)
        cot = FLOOD_COTAGS[k] + ([kpop_group["tag"]] if k == "kpop" else [])
        flood.sub_tags = [(c, krng.uniform(0.03, 0.15)) for c in krng.sample(cot, min(len(cot), krng.randint(1, 3)))] if cot else []
        if k == "kpop":
            style, per, new_p = "stan", krng.uniform(1.5, 3.0), 0.0
        elif k == "spam":
            style, per, new_p = "bot", krng.uniform(6, 25), 0.0
        else:
            style, per, new_p = "person", krng.uniform(1.1, 1.8), 0.0
        n_fc = max(10, int(flood_n[k] * (1 - rt_flood[k]) / per))
        crowd = [accts.make(style, kpop_group) for _ in range(n_fc)]
        fans_reused = 0
        if k == "kpop" and fandom_bg:
            fan_st = bg_by_topic["bg.fandom"]
            n_re = int(len(crowd) * krng.uniform(0.15, 0.35))
            crowd[:n_re] = krng.sample(fan_st.accounts, min(n_re, len(fan_st.accounts)))
            fans_reused = min(n_re, len(fan_st.accounts))
        flood.set_accounts(crowd, krng, 0.8 if k != "spam" else 0.5)
        flood.times = cum_sample(shape, flood_n[k], krng, W.start)
        streams.append(flood)

        # counter-speech
        onset_m = next((m for m in range(s0, M) if lam_f[m] > lam_b[m]), s0)
        cs_start = onset_m + int(krng.uniform(10, 45))
        cs_ramp = krng.uniform(30, 90)
        cs_hold = max(30.0, (s0 + ramp + hold - cs_start - cs_ramp) + krng.uniform(0, 90))
        cs_tau = tau * krng.uniform(1.2, 2.0)
        cshape = burst_shape(M, cs_start, cs_ramp, cs_hold, cs_tau, cs_tau * 5)
        csum = sum(cshape)
        lam_c = [cs_n[k] * x / csum for x in cshape]
        ctag = (T["redirect"][0].replace("{brand}", brand["brand"]) if k == "spam" else krng.choice(T["redirect"]))
        cs = make_counter_stream(k, tag, ctag, brand, krng, accts, cs_n[k])
        cs.reply_to_stream = flood
        cs.rt_share = rt_cs
        cs.times = cum_sample(cshape, cs_n[k], krng, W.start)
        streams.append(cs)
        peak_m = max(range(M), key=lambda m: lam_f[m])
        end_m = next((m for m in range(peak_m + 1, M) if lam_f[m] < lam_b[m] + lam_c[m]), M - 1)
        truth_takeovers.append({"kind": k, "tag": tag, "s0": s0, "onset_m": onset_m, "end_m": end_m, "peak_m": peak_m,
                                "ramp": ramp, "hold": hold, "tau": tau, "lam_f": lam_f, "lam_b": lam_b, "lam_c": lam_c,
                                "flood": flood, "base": base, "cs": cs, "ctag": ctag, "fans_reused": fans_reused,
                                "families": fams})

    # --- quiet event on one background tag
    qst = bg_by_topic[f"bg.{quiet_topic}"]
    qrng = random.Random(f"gen3-quiet-{seed}")
    T = TOPICS[quiet_topic]
    qs0 = qrng.randint(int(0.8 * 1440), M - 12 * 60)
    qs0 = qs0 - (qs0 % 1440) + int(((13 - qst.tz) % 24) * 60) + qrng.randint(-180, 180)  # local early afternoon
    qs0 = min(max(qs0, 60), M - 10 * 60)
    if quiet_kind == "campaign":
        fix = {}
        for key, val in T["campaign"]["fix"].items():
            src = val if val is not None else (T["vocab"].get(key) or GLOBAL[key])
            fix[key] = [qrng.choice(src)]
        cvocab = ChainMap(fix, dict(T["vocab"]), GLOBAL)
        link = "https://t.co/" + _code(qrng, 10)
        cvocab.maps[0]["link"] = [link, link, link, "https://t.co/" + _code(qrng, 10)]
        q = Stream(f"campaign.{quiet_topic}", "campaign", qst.tag, {"message": T["campaign"]["msg"]}, cvocab, qrng)
        q.render_tag = tag_caser(qrng, qst.tag, "mixed")
        q.set_accounts([accts.make("person") for _ in range(camp_accounts)], qrng, 0.3)
        event = fill(T["campaign"]["msg"][0], qrng, cvocab)
        q.rt_share = rt_quiet
        q.recase = 0.0
        shape = burst_shape(M, qs0, qrng.uniform(15, 40), qrng.uniform(60, 180), qrng.uniform(25, 60), 200)
    else:
        ev = T["surge"]
        sfix = {key: [qrng.choice(T["vocab"][key])] for key in ev.get("fix", [])}
        svocab = ChainMap(sfix, dict(T["vocab"]), GLOBAL)
        event = fill(ev["event"], qrng, svocab)
        q = Stream(f"surge.{quiet_topic}", "organic_surge", qst.tag, ev["fam"], svocab, qrng)
        q.fam_w = [4.0 if f == "reaction" else 1.0 for f in q.fam_names]
        people = [accts.make("person") for _ in range(int(quiet_n * qrng.uniform(0.5, 0.8)))]
        regulars = qrng.sample(qst.accounts, max(1, int(len(qst.accounts) * qrng.uniform(0.2, 0.5))))
        q.set_accounts(people + regulars, qrng, 0.4)
        q.rt_share = rt_quiet
        opener = ["", "", "", "Wow.", "Okay so", "Honestly?", "Wait.", "Unreal.", "omg", "Well then.", "I can't.", "Update:"]
        closer = ["", "", "", "What a night.", "!!!", "😭", "Still buzzing.", "Never seen anything like it.", "Anyone else?", "🤯"]

        def surge_vary(text, r, fam, lang):
            if fam != "reaction":
                return text
            o, c = r.choice(opener), r.choice(closer)
            if o and o[-1].isalpha() and text[:1].isupper() and not text.startswith(("I ", "THE")):
                text = text[:1].lower() + text[1:]
            return " ".join(x for x in (o, text, c) if x)
        q.per_post = surge_vary
        shape = burst_shape(M, qs0, qrng.uniform(5, 20), qrng.uniform(20, 90), qrng.uniform(90, 300), 1200)
    q.times = cum_sample(shape, quiet_n, qrng, W.start)
    streams.append(q)
    quiet_events.append({"kind": quiet_kind, "tag": qst.tag, "stream": q, "event": event})

    W.streams, W.truth_takeovers, W.quiet_events = streams, truth_takeovers, quiet_events
    W.bg_tags, W.kinds, W.kpop_group, W.fandom_bg = bg_tags, kinds, kpop_group, fandom_bg
    W.rt_target = rt_target
    return W


def make_counter_stream(kind, tag, ctag, brand, rng, accts, n):
    fams = {}
    for fam, by in COUNTER.items():
        cores = list(by.get(kind, [])) + list(by.get("any", []))
        if kind == "spam" and fam == "redirect":
            cores = list(by["spam"]) + [c for c in by["any"] if "{CTAG}" in c][:3]
        if kind == "spam" and fam == "ask_stop":
            cores = list(by["spam"]) + list(by["any"])[:4]
        if cores:
            fams[fam] = cores
    crowd, crowd_es, crowd_pt = CROWDS[kind]
    vocab = ChainMap({"crowd": crowd, "crowd_cap": [c[:1].upper() + c[1:] for c in crowd], "crowd_es": crowd_es, "crowd_pt": crowd_pt,
                      "ref": REFS[kind], "ref_es": ["ese grupo", "esa gente"], "ref_pt": ["esse grupo", "esses caras"], "brand": [brand["brand"] if brand else ""],
                      "CTAG": lambda r: "#" + r.choice([ctag, ctag, ctag.lower()]),
                      "TAG": "{TAG}"}, GLOBAL)
    st = Stream("counter", "counter_speech", tag, fams, vocab, rng)
    w = {"condemn": 1.0, "redirect": 1.0, "ask_stop": 1.2, "explain": 1.0, "applaud": 0.6}
    st.fam_w = [w[f] * rng.uniform(0.5, 1.5) for f in st.fam_names]
    st.set_accounts([accts.make("person") for _ in range(max(5, int(n * rng.uniform(0.75, 0.95))))], rng, 0.3)
    st.reply_tpls = []
    st.tag_pos = (0.7, 0.15, 0.15)

    def vary(text, r, fam, lang):
        if lang == "en":  # openers and closers for the English cores
            o = r.choice(COUNTER_OPENERS)
            if o:
                w0 = text.split(" ")[0].strip(",.!?:").lower()
                first = text[:1].lower() if o.endswith(",") and (w0 in LOWERABLE or w0 in COUNTER_LOWER) else text[:1]
                text = f"{o} {first}{text[1:]}"
            c = r.choice(COUNTER_CLOSERS)
            if c:
                text = f"{text} {c}"
        elif r.random() < 0.5:
            text = f"{text} {r.choice(['🙏', '✊', '🙄', '😂', '👇', '💜', '‼️', '😤'])}"
        return text
    st.per_post = vary
    return st


def counter_reply(st, t, rng):
    """A counter-speech post written as a reply to a flood post."""
    parent = rng.choice(st.reply_to_stream.originals[-80:])
    p = make_post_original(st, t, rng)
    p.text = f"@{parent.author['handle']} {p.text}"
    p.reply_to = parent
    return p


def make_post_original(st, t, rng):
    save = st.rt_share, st.reply_share
    st.rt_share, st.reply_share = 0.0, 0.0
    p = make_post(st, t, rng)
    st.rt_share, st.reply_share = save
    return p


# ============================================================================ simulate and write
def simulate(W):
    rng = random.Random(f"gen3-sim-{W.seed}")
    events = []
    for si, st in enumerate(W.streams):
        events += [(t, si) for t in st.times]
    events.sort()
    posts = []
    for t, si in events:
        st = W.streams[si]
        if st.role == "counter_speech" and st.reply_to_stream.originals and rng.random() < 0.2:
            p = counter_reply(st, t, rng)
        else:
            p = make_post(st, t, rng)
        posts.append(p)
    # ids in time order (snowflake-like), threads, counts
    used = set()
    for p in posts:
        ms = p.t * 1000 + rng.randrange(1000)
        while True:
            pid = ((ms - TWEPOCH_MS) << 22) | rng.getrandbits(22)
            if pid not in used:
                break
        used.add(pid)
        p.id = str(pid)
    for p in posts:
        if p.reply_to is not None:
            p.thread = p.reply_to.thread
        elif p.rt_of is not None:
            p.thread = p.rt_of.thread
        else:
            p.thread = p
        seen, tags = set(), []
        for m in HASHTAG_RE.finditer(p.text):
            tl = m.group(1).lower()
            if tl not in seen:
                seen.add(tl)
                tags.append(tl)
        p.tags = tags
    for p in posts:
        if p.rt_of is None:
            extra = int(rng.lognormvariate(0.3, 1.1)) if p.role not in ("takeover",) else int(rng.lognormvariate(0.0, 0.9))
            p.rts = p.rts + extra
            p.likes = int(p.rts * rng.uniform(1.5, 5)) + int(rng.lognormvariate(0.8, 1.2))
        else:
            p.rts, p.likes = 0, 0
    return posts


SENT = {"takeover": ["positive", "neutral", "neutral"], "counter_speech": ["negative", "negative", "neutral"],
        "baseline": ["neutral", "positive", "negative"], "background": ["positive", "neutral", "neutral"],
        "campaign": ["neutral", "positive"], "organic_surge": ["positive", "neutral", "negative"]}


def write_all(W, posts, out):
    crng = random.Random(f"gen3-columns-{W.seed}")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    core = ["Date", "Author", "Full Name", "Full Text", "Url", "Thread Id", "Retweets", "Likes", "Language", "Page Type"]
    optional = ["Hashtags", "Thread Author", "Followers", "Sentiment", "Country", "Domain", "Query Name"]
    extra = [c for c in optional if crng.random() < 0.55]
    cols = core[:]
    for c in extra:
        cols.insert(crng.randint(1, len(cols)), c)
    cols.insert(0 if crng.random() < 0.5 else crng.randint(1, 3), "id")
    qname = crng.choice(["Hashtag monitor", "Brand & trends", "Tags watchlist", "Social listening - tags"])
    countries = ["", "", "", "", "United States", "United Kingdom", "South Korea", "Brazil", "Mexico", "Japan", "Ireland"]
    acc_country = {}
    rows = []
    for p in sorted(posts, key=lambda p: (p.t, int(p.id)), reverse=True):
        h = p.author["handle"]
        if h not in acc_country:
            acc_country[h] = crng.choice(countries)
        rec = {
            "id": p.id,
            "Date": datetime.fromtimestamp(p.t, timezone.utc).strftime(W.date_fmt),
            "Author": h, "Full Name": p.author["name"], "Full Text": p.text,
            "Url": f"https://twitter.com/{h}/status/{p.id}",
            "Thread Id": p.thread.id, "Thread Author": p.thread.author["handle"],
            "Retweets": str(p.rts), "Likes": str(p.likes), "Language": p.lang, "Page Type": "twitter",
            "Hashtags": ", ".join("#" + t for t in p.tags), "Followers": str(p.author["followers"]),
            "Sentiment": crng.choice(SENT[p.role]), "Country": acc_country[h], "Domain": "twitter.com", "Query Name": qname,
        }
        rows.append([rec[c] for c in cols])
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        wr = csv.writer(f, lineterminator="\r\n" if W.crlf else "\n")
        wr.writerow(cols)
        wr.writerows(rows)

    with open(out + ".truth.csv", "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["id", "role", "family", "template", "hashtags"])
        for p in posts:
            wr.writerow([p.id, p.role, p.family, p.template, ";".join(p.tags)])

    # --- summary
    all_tags = set()
    for p in posts:
        all_tags.update(p.tags)
    targets = set()
    takeovers = []
    for tk in W.truth_takeovers:
        tag = tk["tag"].lower()
        targets.add(tag)
        fl = [p for p in posts if p.stream is tk["flood"]]
        onset = max(W.start + tk["onset_m"] * 60, fl[0].t)
        end = min(W.start + tk["end_m"] * 60, fl[-1].t)
        win = [p for p in posts if tag in p.tags and onset <= p.t <= end]
        n_win = len(win)
        n_cs = sum(1 for p in win if p.role == "counter_speech")
        n_fl = sum(1 for p in win if p.role == "takeover")
        before = {p.author["handle"] for p in posts if tag in p.tags and p.t < fl[0].t}
        fl_auth = {p.author["handle"] for p in fl}
        lf, lb, lc = tk["lam_f"], tk["lam_b"], tk["lam_c"]
        takeovers.append({
            "hashtag": tag, "kind": tk["kind"], "onset": iso(onset), "end": iso(end),
            "flood_start": iso(W.start + tk["s0"] * 60), "flood_last": iso(fl[-1].t), "flood_first": iso(fl[0].t),
            "peak": iso(W.start + tk["peak_m"] * 60),
            "ramp_minutes": round(tk["ramp"], 1), "hold_minutes": round(tk["hold"], 1), "decay_tau_minutes": round(tk["tau"], 1),
            "rate_peak_per_hour": round(60 * lf[tk["peak_m"]], 1),
            "baseline_rate_per_hour_at_onset": round(60 * lb[tk["onset_m"]], 2),
            "baseline_plus_counter_rate_per_hour_at_end": round(60 * (lb[tk["end_m"]] + lc[tk["end_m"]]), 2),
            "flood_posts": len(fl), "baseline_posts": sum(1 for p in posts if p.stream is tk["base"]),
            "counter_speech_posts": sum(1 for p in posts if p.stream is tk["cs"]),
            "window_posts": n_win, "window_takeover_share": round(n_fl / n_win, 3) if n_win else None,
            "window_counter_speech_share": round(n_cs / n_win, 3) if n_win else None,
            "flood_accounts": len(fl_auth), "flood_accounts_seen_on_tag_before": len(fl_auth & before),
            "flood_accounts_from_fandom_tag": tk["fans_reused"],
            "flood_families": sorted(tk["families"]), "counter_hashtag": tk["ctag"].lower(),
        })
    quiet = []
    for q in W.quiet_events:
        qp = [p for p in posts if p.stream is q["stream"]]
        quiet.append({"hashtag": q["tag"].lower(), "kind": q["kind"], "start": iso(qp[0].t), "end": iso(qp[-1].t),
                      "posts": len(qp), "accounts": len({p.author["handle"] for p in qp}),
                      "accounts_new_to_tag": len({p.author["handle"] for p in qp} - {p.author["handle"] for p in posts if p.stream is not q["stream"] and q["tag"].lower() in p.tags and p.t < qp[0].t}),
                      "event": q["event"]})
    n_rt = sum(1 for p in posts if p.rt_of is not None)
    summary = {
        "takeovers": takeovers,
        "quiet_tags": sorted(all_tags - targets),
        "quiet_events": quiet,
        "background_tags": sorted(set(W.bg_tags)),
        "damaged": [],
        "layout": "listening_csv",
        "order": "newest",
        "generator": "gen3", "seed": W.seed, "posts": len(posts),
        "start": iso(W.start), "end": iso(W.end), "days": W.days,
        "date_format": W.date_fmt, "date_timezone": "UTC", "columns": cols, "line_ends": "crlf" if W.crlf else "lf",
        "retweet_share": round(n_rt / len(posts), 3),
        "roles": {r: sum(1 for p in posts if p.role == r) for r in
                  ["baseline", "takeover", "counter_speech", "campaign", "organic_surge", "background"]},
    }
    with open(out + ".truth.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--posts", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.posts < 2000:
        ap.error("--posts must be at least 2000")
    W = build(args.seed, args.posts)
    posts = simulate(W)
    s = write_all(W, posts, args.out)
    tk = ", ".join(f"#{t['hashtag']} ({t['kind']}, {t['onset']}..{t['end']})" for t in s["takeovers"])
    print(f"{args.out}: {len(posts)} posts over {W.days} days; takeovers {tk}; quiet "
          f"{', '.join('#' + q['hashtag'] + ' (' + q['kind'] + ')' for q in s['quiet_events'])}")


if __name__ == "__main__":
    main()
