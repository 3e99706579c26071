//! Topic clusters of posts without words: told apart by what they carry (emoji alone, emoji
//! and a link, a video link, a photo), never one catch-all, and never joined to a worded
//! cluster for sharing its hashtag.

mod common;

use std::collections::HashMap;

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }

    fn code(&mut self) -> String {
        format!("{:010x}", self.next() % 0xff_ffff_ffff)
    }
}

const HEARTS: [&str; 6] = ["💗", "🥰", "❤️", "💖", "💜", "🫶"];
const SHOWS: [&str; 6] = [
    "the finale",
    "the new season",
    "episode four",
    "the pilot",
    "the reunion",
    "the premiere",
];

/// Posts of #Fanbase of six kinds, by kind: emoji alone, emoji and a shortened link, a
/// video link, a photo, and two worded templates.
fn posts(seed: u64) -> Vec<(&'static str, String)> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    for _ in 0..60 {
        let n = 3 + rng.next() % 3;
        let hearts: String = (0..n).map(|_| rng.pick(&HEARTS)).collect();
        out.push(("emoji", format!("{hearts} #Fanbase")));
        let hearts: String = (0..n).map(|_| rng.pick(&HEARTS)).collect();
        let link = format!("https://t.co/{}", rng.code());
        out.push(("emoji and link", format!("{hearts} {link} #Fanbase")));
        let video = format!("https://youtu.be/{}", rng.code());
        out.push(("video", format!("#Fanbase {video}")));
        let photo = format!("pic.twitter.com/{}", rng.code());
        out.push(("photo", format!("{photo} #Fanbase")));
        let show = rng.pick(&SHOWS);
        out.push(("loving", format!("loving {show} so much today #Fanbase")));
        let show = rng.pick(&SHOWS);
        out.push((
            "tonight",
            format!("who else is watching {show} tonight? #Fanbase"),
        ));
    }
    out
}

fn csv(posts: &[(&str, String)]) -> String {
    let mut s = String::from("id,created_at,author,text\n");
    for (i, (_, text)) in posts.iter().enumerate() {
        let minute = i % 600;
        s.push_str(&format!(
            "{},2024-05-01T{:02}:{:02}:00Z,fan{},\"{}\"\n",
            1000 + i,
            minute / 60,
            minute % 60,
            i % 97,
            text
        ));
    }
    s
}

/// Per kind: its posts' clusters, and the clusters' top terms, for the posts in this order.
fn clusters_by_kind(
    posts: &[(&'static str, String)],
) -> (HashMap<&'static str, Vec<i32>>, Vec<Vec<String>>) {
    let (_dir, path) = common::temp_file("fanbase.csv", csv(posts));
    let ds = common::load(&path);
    assert_eq!(ds.len(), posts.len());
    let a = common::analyse(&ds);
    let mut by_kind: HashMap<&str, Vec<i32>> = HashMap::new();
    for (i, (kind, _)) in posts.iter().enumerate() {
        by_kind.entry(kind).or_default().push(a.cluster[i]);
    }
    let terms = a.clusters.iter().map(|c| c.top_terms.clone()).collect();
    (by_kind, terms)
}

/// The cluster most of `clusters` are in, and how many are.
fn main_cluster(clusters: &[i32]) -> (i32, usize) {
    let mut count: HashMap<i32, usize> = HashMap::new();
    for &c in clusters {
        *count.entry(c).or_default() += 1;
    }
    count
        .into_iter()
        .max_by_key(|&(c, n)| (n, -c))
        .unwrap_or((-1, 0))
}

#[test]
fn posts_without_words_are_clustered_by_what_they_carry() {
    for seed in 1..=5 {
        let posts = posts(seed);
        let (by_kind, terms) = clusters_by_kind(&posts);
        let mut mains = HashMap::new();
        for (kind, clusters) in &by_kind {
            let (main, n) = main_cluster(clusters);
            assert!(main >= 0, "seed {seed}: {kind} posts are in no cluster");
            assert!(
                n * 10 >= clusters.len() * 9,
                "seed {seed}: only {n} of {} {kind} posts share a cluster: {clusters:?}",
                clusters.len()
            );
            if let Some(other) = mains.insert(main, *kind) {
                panic!("seed {seed}: {kind} and {other} posts share cluster {main}");
            }
        }
        let video = main_cluster(&by_kind["video"]).0 as usize;
        assert!(
            terms[video].iter().any(|t| t == "youtube.com"),
            "seed {seed}: the video links' cluster is not named by their site: {:?}",
            terms[video]
        );
    }
}

#[test]
fn short_posts_cluster_the_same_in_another_order() {
    let posts = posts(7);
    let mut reversed = posts.clone();
    reversed.reverse();
    let (a, _) = clusters_by_kind(&posts);
    let (mut b, _) = clusters_by_kind(&reversed);
    for clusters in b.values_mut() {
        clusters.reverse();
    }
    // Cluster numbers may differ only where two clusters have the same size; compare the
    // partitions.
    let partition = |m: &HashMap<&str, Vec<i32>>| {
        let mut pairs: Vec<(&str, usize, i32)> = m
            .iter()
            .flat_map(|(k, v)| v.iter().enumerate().map(move |(i, &c)| (*k, i, c)))
            .collect();
        pairs.sort();
        let mut first_seen: HashMap<i32, usize> = HashMap::new();
        pairs
            .iter()
            .enumerate()
            .map(|(i, &(_, _, c))| {
                if c < 0 {
                    usize::MAX
                } else {
                    *first_seen.entry(c).or_insert(i)
                }
            })
            .collect::<Vec<usize>>()
    };
    assert_eq!(partition(&a), partition(&b));
}
