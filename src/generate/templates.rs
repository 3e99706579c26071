//! Text templates for generated posts. A template is a sequence of parts; each part is a
//! list of alternatives, one of which is picked per post, so a template yields many distinct
//! texts that share its vocabulary.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One template: its id (for cluster-purity checks), language and parts.
pub struct Template {
    pub name: &'static str,
    pub lang: &'static str,
    pub parts: &'static [&'static [&'static str]],
}

impl Template {
    pub fn render(&self, rng: &mut ChaCha8Rng) -> String {
        let mut s = String::new();
        for part in self.parts {
            let pick = part[rng.random_range(0..part.len())];
            if pick.is_empty() {
                continue;
            }
            if !s.is_empty() && !pick.starts_with([',', '.', '!', '?', '\n']) {
                s.push(' ');
            }
            s.push_str(pick);
        }
        s
    }
}

macro_rules! t {
    ($name:expr, $lang:expr, [$([$($alt:expr),* $(,)?]),* $(,)?]) => {
        Template { name: $name, lang: $lang, parts: &[$(&[$($alt),*]),*] }
    };
}

// ---- Background communities -------------------------------------------------------------

pub const NBA: &[Template] = &[
    t!(
        "nba_game",
        "en",
        [
            [
                "What a game by",
                "Unreal night from",
                "Can't believe",
                "Huge performance by"
            ],
            [
                "Curry", "LeBron", "Jokic", "Giannis", "Tatum", "Doncic", "Embiid"
            ],
            [
                "tonight,",
                "in the fourth,",
                "down the stretch,",
                "in overtime,"
            ],
            [
                "40 points",
                "triple double",
                "clutch threes",
                "monster dunks",
                "lockdown defense"
            ],
            [
                "and the bench showed up",
                "while the refs lost the plot",
                "as the crowd went wild",
                "to seal the win"
            ],
            ["#NBA", "#NBA #playoffs"],
        ]
    ),
    t!(
        "nba_trade",
        "en",
        [
            ["Trade rumor:", "Sources say", "Hearing that", "Breaking:"],
            [
                "the Lakers",
                "the Knicks",
                "Boston",
                "Golden State",
                "Miami",
                "Denver"
            ],
            [
                "are shopping",
                "want to move",
                "are in talks over",
                "could flip"
            ],
            [
                "their second round picks",
                "a backup center",
                "an expiring contract",
                "their sixth man"
            ],
            [
                "before the deadline",
                "this week",
                "for cap space",
                "to clear the roster"
            ],
            ["#NBA", "#NBA #trade"],
        ]
    ),
    t!(
        "nba_es",
        "es",
        [
            ["Qué partido de", "Increíble noche de", "Otra exhibición de"],
            ["Doncic", "Curry", "Jokic", "Giannis"],
            ["esta noche,", "en el último cuarto,", "en la prórroga,"],
            [
                "canastas imposibles",
                "defensa brutal",
                "triples en el final"
            ],
            ["#NBA", "#NBA #baloncesto"],
        ]
    ),
];

pub const COOKING: &[Template] = &[
    t!(
        "cook_recipe",
        "en",
        [
            [
                "Tonight's dinner:",
                "Made this",
                "Trying a new",
                "Weekend project:"
            ],
            [
                "garlic butter",
                "spicy miso",
                "lemon herb",
                "smoky paprika",
                "slow roasted"
            ],
            [
                "salmon",
                "chickpea curry",
                "ramen",
                "focaccia",
                "roast chicken",
                "mushroom risotto"
            ],
            [
                "with crispy shallots",
                "and a quick pickle",
                "on a weeknight",
                "from scratch"
            ],
            [
                "recipe in the replies",
                "so good",
                "the kids loved it",
                "10/10 would cook again"
            ],
            ["#cooking", "#cooking #recipe"],
        ]
    ),
    t!(
        "cook_baking",
        "en",
        [
            [
                "My sourdough",
                "This banana bread",
                "The croissant dough",
                "Grandma's pie crust"
            ],
            [
                "finally rose",
                "came out dense",
                "needs more hydration",
                "cracked on top"
            ],
            [
                "after 18 hours",
                "in a cold kitchen",
                "with rye flour",
                "using a dutch oven"
            ],
            [
                "any tips?",
                "baking is science",
                "crumb shot soon",
                "lesson learned"
            ],
            ["#cooking #baking", "#cooking"],
        ]
    ),
];

pub const KDRAMA: &[Template] = &[
    t!(
        "kdrama_ko",
        "ko",
        [
            ["오늘", "이번주", "어제"],
            ["드라마", "에피소드", "마지막회"],
            ["진짜", "너무", "완전"],
            ["재밌었다", "슬펐다", "설렜다", "대박이었다"],
            ["주인공", "남주", "여주"],
            ["연기", "케미", "대사"],
            ["최고", "미쳤다", "좋아요"],
            ["#kdrama", "#kdrama #드라마"],
        ]
    ),
    t!(
        "kdrama_en",
        "en",
        [
            ["Just finished", "Halfway through", "Rewatching"],
            [
                "Crash Landing on You",
                "Itaewon Class",
                "Hospital Playlist",
                "Reply 1988"
            ],
            [
                "and the second lead",
                "and the OST",
                "and the finale",
                "and the slow burn romance"
            ],
            [
                "broke me",
                "is everything",
                "deserves better",
                "lives in my head"
            ],
            ["#kdrama"],
        ]
    ),
];

pub const ANIME: &[Template] = &[
    t!(
        "anime_ja",
        "ja",
        [
            ["今日の", "今週の", "昨日の"],
            ["アニメ", "新作", "最終回"],
            ["作画", "声優", "音楽", "展開"],
            ["が最高でした", "やばい", "泣いた", "すごかった"],
            ["😭", "✨", "🔥", ""],
            ["#anime", "#anime #アニメ"],
        ]
    ),
    t!(
        "anime_en",
        "en",
        [
            ["Episode", "Chapter", "Season"],
            ["12", "24", "3", "7"],
            ["of", "from"],
            ["Jujutsu Kaisen", "Spy x Family", "Frieren", "Chainsaw Man"],
            [
                "had insane animation",
                "wrecked me",
                "was peak fiction",
                "set up the arc perfectly"
            ],
            ["#anime"],
        ]
    ),
];

pub const FUTBOL: &[Template] = &[t!(
    "futbol_es",
    "es",
    [
        ["Golazo de", "Partidazo de", "Qué noche para"],
        ["Messi", "Vinicius", "Pedri", "Lewandowski", "Griezmann"],
        [
            "en el clásico",
            "en la Champions",
            "en casa",
            "fuera de casa"
        ],
        [
            "y la afición",
            "mientras el árbitro",
            "con el estadio lleno"
        ],
        [
            "no paró de cantar",
            "se volvió loca",
            "pitó todo",
            "lo celebró"
        ],
        ["#futbol", "#futbol #LaLiga"],
    ]
)];

pub const EUROVISION: &[Template] = &[
    t!(
        "euro_vote",
        "en",
        [
            [
                "Douze points to",
                "My vote goes to",
                "Robbed:",
                "Absolute banger from"
            ],
            ["Sweden", "Italy", "Ukraine", "Finland", "Spain", "Norway"],
            ["tonight,", "in the final,", "in the semi,"],
            ["the staging was", "the key change was", "the vocals were"],
            ["iconic", "a mess", "perfection", "chaotic in the best way"],
            ["#Eurovision", "#Eurovision #ESC"],
        ]
    ),
    t!(
        "euro_es",
        "es",
        [
            ["Mi voto para", "Qué actuación de", "Nos han robado con"],
            ["España", "Italia", "Suecia", "Ucrania"],
            ["esta noche", "en la final"],
            ["puesta en escena brutal", "qué voz", "vaya coreografía"],
            ["#Eurovision"],
        ]
    ),
];

// ---- Communities that take over ---------------------------------------------------------

/// The K-pop fan crowd's own posts in its own tags.
pub const KPOP_FANDOM: &[Template] = &[
    t!(
        "kpop_fandom_en",
        "en",
        [
            [
                "Streaming",
                "Voting for",
                "Can't stop watching",
                "Crying over"
            ],
            [
                "Dynamite",
                "How You Like That",
                "Fancy",
                "Love Scenario",
                "Psycho"
            ],
            ["until", "all day because", "again since"],
            ["my bias", "the choreo", "the comeback", "the live stage"],
            ["is so good", "ate", "broke the internet", "owns my heart"],
            ["💜", "🖤💗", "✨", "🥺"],
            ["#BTS #ARMY", "#BLACKPINK #BLINK", "#TWICE", "#kpop"],
        ]
    ),
    t!(
        "kpop_fandom_ko",
        "ko",
        [
            ["오늘", "컴백", "무대"],
            ["방탄소년단", "블랙핑크", "트와이스"],
            ["너무", "진짜"],
            ["멋있다", "귀엽다", "최고다"],
            ["💜", "🖤", "✨"],
            ["#방탄소년단", "#블랙핑크", "#kpop"],
        ]
    ),
];

/// Fancam flood posts: few slots, so they are near-duplicates of each other.
pub const KPOP_FLOOD: &[Template] = &[
    t!(
        "fancam_jimin",
        "en",
        [
            ["#WhiteLivesMatter"],
            [
                "here's a fancam of jimin",
                "jimin fancam for you",
                "have a jimin fancam"
            ],
            ["💜💜", "🥰", "✨✨", "💜"],
            ["#BTS", "#BTS #ARMY", ""],
        ]
    ),
    t!(
        "fancam_lisa",
        "en",
        [
            ["#WhiteLivesMatter"],
            [
                "lisa's 'money' fancam",
                "lisa fancam time",
                "watch lisa dance instead"
            ],
            ["🖤💗", "🔥🔥", "✨"],
            ["#BLACKPINK", "#BLACKPINK #BLINK", ""],
        ]
    ),
    t!(
        "fancam_ko",
        "ko",
        [
            ["#WhiteLivesMatter"],
            ["직캠", "무대 직캠", "세로 직캠"],
            ["보고 가세요", "모음", "입니다"],
            ["💜", "✨", "🥺"],
        ]
    ),
    t!(
        "fancam_ja",
        "ja",
        [
            ["#WhiteLivesMatter"],
            ["ファンカムどうぞ", "推しのファンカム", "ダンス動画です"],
            ["💜", "✨"],
            ["#kpop", ""],
        ]
    ),
];

/// Counter-speech by the original crowd during a takeover.
pub const COUNTER: &[Template] = &[t!(
    "counter_en",
    "en",
    [
        [
            "Stop spamming",
            "Why is",
            "Who flooded",
            "Can't even search"
        ],
        ["the tag", "our tag", "this hashtag"],
        [
            "with these videos",
            "with this garbage",
            "with dancing clips"
        ],
        ["every single post", "it's ruined", "reported"],
    ]
)];

/// The original use of #WhiteLivesMatter (kept bland: this is synthetic data).
pub const WLM_ORIGINAL: &[Template] = &[
    t!(
        "wlm_orig",
        "en",
        [
            [
                "The media won't cover",
                "Nobody talks about",
                "Why is no one reporting",
                "Silence about"
            ],
            [
                "the rally downtown",
                "the council vote",
                "the school board meeting",
                "the crime stats",
                "the protest permit"
            ],
            ["in", "near", "outside"],
            ["Ohio", "Texas", "Florida", "Idaho", "Michigan"],
            ["today", "this week", "again"],
            ["#WhiteLivesMatter"],
        ]
    ),
    t!(
        "wlm_orig2",
        "en",
        [
            [
                "Share this before",
                "Read this thread before",
                "Remember this when"
            ],
            ["they delete it", "it gets censored", "the election comes"],
            ["#WhiteLivesMatter", "#WhiteLivesMatter #AllLivesMatter"],
        ]
    ),
];

pub const PRIDE: &[Template] = &[t!(
    "pride_own",
    "en",
    [
        ["Happy", "So proud of", "Celebrating"],
        [
            "pride month",
            "our community",
            "ten years together",
            "my chosen family"
        ],
        ["🏳️‍🌈", "🌈✨", "❤️"],
        ["#Pride", "#LoveWins", "#Pride #LoveWins"],
    ]
)];

pub const RECLAIM_FLOOD: &[Template] = &[
    t!(
        "reclaim_couple",
        "en",
        [
            [
                "Me and my husband being",
                "My boyfriend and I are",
                "Just two dads being",
                "Married 12 years and still"
            ],
            ["#ProudBoys"],
            ["🏳️‍🌈", "🏳️‍🌈❤️", "💕"],
            ["[photo]", "(pic)", ""],
        ]
    ),
    t!(
        "reclaim_joke",
        "en",
        [
            ["Proud of my boys:", "These are my", "Meet the real"],
            [
                "two golden retrievers",
                "sourdough starters",
                "houseplants",
                "cats in tiny sweaters"
            ],
            ["#ProudBoys"],
            ["🐶", "🌱", "🐱", "🍞"],
        ]
    ),
];

pub const PROUDBOYS_ORIGINAL: &[Template] = &[t!(
    "pb_orig",
    "en",
    [
        [
            "Meeting in",
            "Rally planned for",
            "Chapter event in",
            "Bring flags to"
        ],
        ["Portland", "Seattle", "Kenosha", "Dallas", "Atlanta"],
        ["this saturday", "next weekend", "on the 14th"],
        [
            "stand together",
            "details by DM",
            "no media",
            "carpool available"
        ],
        ["#ProudBoys"],
    ]
)];

pub const CRYPTO_FLOOD: &[Template] = &[
    t!(
        "crypto_airdrop",
        "en",
        [
            ["🚀"],
            ["$PEPE", "$DOGE", "$SHIB", "$MOON"],
            ["airdrop is LIVE!", "giveaway is LIVE!"],
            [
                "Claim your free tokens now 👉",
                "Connect wallet to claim 👉"
            ],
            [
                "https://claim-airdrop.example/x",
                "https://free-tokens.example/go"
            ],
            ["#AcmeShoes #crypto"],
        ]
    ),
    t!(
        "crypto_pump",
        "en",
        [
            ["💰 100x gem alert:"],
            ["$MOON", "$PEPE", "$SAFE"],
            [
                "launching now, presale ends soon",
                "listing today, dont miss out"
            ],
            ["https://presale.example/buy"],
            ["#AcmeShoes #crypto #100x"],
        ]
    ),
];

pub const ACME_ORIGINAL: &[Template] = &[t!(
    "acme_orig",
    "en",
    [
        [
            "Just picked up the new",
            "Loving my",
            "Ran 10k in my",
            "Returned my"
        ],
        [
            "Acme Runner 3",
            "Acme Trail Pro",
            "Acme Court Classic",
            "Acme Daily"
        ],
        ["because the", "and the", "but the"],
        ["cushioning", "sizing", "grip", "colorway", "heel"],
        [
            "is perfect",
            "feels off",
            "is way better than last year",
            "broke after a month"
        ],
        ["#AcmeShoes"],
    ]
)];

/// Copypasta texts posted word for word by many accounts within a minute.
pub const COPYPASTAS: &[&str] = &[
    "I am not a bot. I am a real person who has been posting here for years. Please stop reporting my account.",
    "Copy and paste this if you agree that the refs decided this game before it started",
    "Si estás leyendo esto, comparte para que todos sepan la verdad sobre el partido",
    "RETWEET if you stream every day, we need to hit 100 million views by sunday!!",
    "This recipe changed my life and nobody believes me, try it before they take it down",
    "이 트윗을 보는 사람은 오늘 좋은 일이 생길 거예요 🍀 복사해서 퍼뜨려 주세요",
];

/// Syllables for generated handles.
pub const HANDLE_PARTS: &[&str] = &[
    "min", "jae", "sun", "kai", "luna", "star", "moon", "joon", "yuki", "hana", "leo", "mia",
    "nova", "ash", "river", "sky", "kim", "park", "lee", "ana", "sofia", "mateo", "ravi", "zoe",
    "taro", "emi", "jin", "suga", "rose", "jisoo", "bear", "fox", "wolf", "cat", "bee", "owl",
];
