//! A benchmark, not a test (it is ignored by `cargo test`): frame times of the app with 1M
//! posts loaded while scrolling the table, brushing the timeline and typing in the search
//! box, and the time of a search over all posts.
//!
//! ```sh
//! cargo test --release --test ui_speed -- --ignored --nocapture --test-threads=1
//! DERAIL_UI_BENCH_POSTS=200000 cargo test --test ui_speed -- --ignored --nocapture
//! ```
//!
//! A frame here is the CPU side of one egui frame (layout, widgets, tessellation) as the
//! kittest harness runs it; drawing the triangles is the GPU's share and is not included.

use std::sync::Arc;
use std::time::{Duration, Instant};

use derail::analysis::{Analysis, AnalysisConfig, analyze};
use derail::app::dialogs::ScriptedDialogs;
use derail::app::{DerailApp, Settings};
use derail::generate::writers::{OutFormat, write};
use derail::generate::{GenConfig, Scenario, generate};
use derail::load::Loaded;
use derail::load::{LoadOptions, load_path};
use derail::progress::Progress;
use derail::query::{Filter, NO_LABEL, Sort, compute_row_sets};
use egui::{Event, MouseWheelUnit, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn stats(name: &str, mut t: Vec<Duration>) {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p = |q: f64| ms(t[((t.len() - 1) as f64 * q).round() as usize]);
    println!(
        "{name:<28} frames {:>4}  median {:>6.2} ms  p95 {:>6.2} ms  max {:>6.2} ms",
        t.len(),
        p(0.5),
        p(0.95),
        ms(*t.last().unwrap())
    );
}

fn timed_step(h: &mut Harness<'_, DerailApp>, out: &mut Vec<Duration>) {
    let t = Instant::now();
    h.step();
    out.push(t.elapsed());
}

fn wait_idle(h: &mut Harness<'_, DerailApp>) {
    let start = Instant::now();
    while h.state().is_busy() {
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "the app stayed busy"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(4);
}

/// Writes the benchmark's dataset (`DERAIL_UI_BENCH_POSTS` posts, 1M by default) as CSV
/// into `dir`; returns its path and the number of posts.
fn bench_csv(dir: &std::path::Path) -> (std::path::PathBuf, usize) {
    let n: usize = std::env::var("DERAIL_UI_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = dir.join("bench.csv");
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Mixed, n, 42));
    write(&posts, &authors, OutFormat::Csv, &path).unwrap();
    (path, n)
}

#[test]
#[ignore = "benchmark: cargo test --release --test ui_speed -- --ignored --nocapture --test-threads=1"]
fn frame_times_with_a_million_posts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, n) = bench_csv(dir.path());

    let settings = Settings {
        labeller: "bench".into(),
        ..Settings::default()
    };
    let app = DerailApp::new(settings, Arc::new(ScriptedDialogs::new(vec![])));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut DerailApp| app.frame(ui), app);
    h.get_by_label("Path:").focus();
    h.run_steps(2);
    h.get_by_label("Path:")
        .type_text(&path.display().to_string());
    h.run_steps(2);
    h.get_by_label("Open path").click();
    h.run_steps(2);
    let t = Instant::now();
    wait_idle(&mut h);
    let posts = h.state().session.as_ref().map(|s| s.ds.len()).unwrap_or(0);
    assert_eq!(posts, n.max(100));
    println!(
        "{posts} posts loaded and analysed in the app in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Idle frames, for reference.
    let mut idle = Vec::new();
    for _ in 0..30 {
        timed_step(&mut h, &mut idle);
    }
    stats("idle", idle);

    // Scroll the post table (the bottom panel) down, a few rows per frame.
    let mut scroll = Vec::new();
    h.hover_at(Pos2::new(640.0, 700.0));
    for _ in 0..200 {
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: Vec2::new(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            modifiers: Default::default(),
            source: egui::MouseWheelSource::Wheel,
        });
        timed_step(&mut h, &mut scroll);
    }
    stats("scroll the table", scroll);

    // Brush a window on the timeline: press, drag across, release.
    h.get_by_label("Timeline").click();
    // The timeline indexes its rows on a worker; give it a moment, as a user would.
    for _ in 0..50 {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut brush = Vec::new();
    let (y, x0, x1) = (260.0, 300.0, 900.0);
    h.hover_at(Pos2::new(x0, y));
    timed_step(&mut h, &mut brush);
    h.drag_at(Pos2::new(x0, y));
    timed_step(&mut h, &mut brush);
    for k in 1..=60 {
        h.hover_at(Pos2::new(x0 + (x1 - x0) * k as f32 / 60.0, y));
        timed_step(&mut h, &mut brush);
    }
    h.drop_at(Pos2::new(x1, y));
    for _ in 0..30 {
        timed_step(&mut h, &mut brush);
        std::thread::sleep(Duration::from_millis(5));
    }
    stats("brush the timeline", brush);
    wait_idle(&mut h);
    let brushed = h
        .state()
        .session
        .as_ref()
        .map(|s| s.rows.len())
        .unwrap_or(0);
    println!("the brushed window holds {brushed} of {posts} posts");
    assert!(brushed < posts, "the brush did not filter");

    // Type into the search box, one key per frame.
    let mut typing = Vec::new();
    h.get_by_label("Search").focus();
    h.run_steps(2);
    for c in "fancam".chars() {
        h.event(Event::Text(c.to_string()));
        timed_step(&mut h, &mut typing);
        timed_step(&mut h, &mut typing);
    }
    for _ in 0..30 {
        timed_step(&mut h, &mut typing);
        std::thread::sleep(Duration::from_millis(5));
    }
    stats("type in the search box", typing);
    wait_idle(&mut h);

    // Clear the search: the timeline goes back to every post of the window's context.
    let mut clearing = Vec::new();
    for _ in 0.."fancam".len() {
        h.key_press(egui::Key::Backspace);
        timed_step(&mut h, &mut clearing);
    }
    for _ in 0..40 {
        timed_step(&mut h, &mut clearing);
        std::thread::sleep(Duration::from_millis(5));
    }
    stats("clear the search box", clearing);
    wait_idle(&mut h);

    // Pan the timeline with the secondary button (every frame shows a new range).
    let mut pan = Vec::new();
    h.event(Event::PointerButton {
        pos: Pos2::new(600.0, y),
        button: egui::PointerButton::Secondary,
        pressed: true,
        modifiers: Default::default(),
    });
    for k in 0..60 {
        h.hover_at(Pos2::new(600.0 - 5.0 * k as f32, y));
        timed_step(&mut h, &mut pan);
    }
    h.event(Event::PointerButton {
        pos: Pos2::new(300.0, y),
        button: egui::PointerButton::Secondary,
        pressed: false,
        modifiers: Default::default(),
    });
    timed_step(&mut h, &mut pan);
    stats("pan the timeline", pan);

    // The search itself, as the worker runs it, over all posts.
    let s = h.state().session.as_ref().unwrap();
    search_times(&s.ds, s.an.as_deref(), &s.label_of);
}

/// The searches of the worker, over all posts, best of 5 each.
fn search_times(ds: &Loaded, an: Option<&Analysis>, labels: &[u32]) {
    let posts = ds.len();
    for (what, search, regex) in [
        ("substring 'fancam'", "fancam", false),
        ("substring 'the'", "the", false),
        ("substring 'é'", "é", false),
        ("regex 'bit(coin)?s?'", "bit(coin)?s?", true),
        ("regex '\\bthe\\b'", "\\bthe\\b", true),
        ("regex '^rt\\b|\\bbts\\b'", "^rt\\b|\\bbts\\b", true),
        ("regex '\\b직캠\\b'", "\\b직캠\\b", true),
        ("regex '#\\w+ing\\b'", "#\\w+ing\\b", true),
        ("regex '#\\w+'", "#\\w+", true),
        ("regex '\\w+@'", "\\w+@", true),
        ("no search (all rows)", "", false),
    ] {
        let f = Filter {
            search: search.into(),
            regex,
            ..Filter::default()
        };
        let mut best = Duration::MAX;
        let mut hits = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let (rows, _) = compute_row_sets(ds, an, labels, &f, Sort::default()).unwrap();
            best = best.min(t.elapsed());
            hits = rows.len();
        }
        println!(
            "search {what:<24} over {posts} posts: {:>6.1} ms (best of 5), {hits} hits",
            best.as_secs_f64() * 1e3
        );
    }
}

/// The search times alone, without the window: quicker to run while working on search.
#[test]
#[ignore = "benchmark: cargo test --release --test ui_speed -- --ignored --nocapture --test-threads=1"]
fn search_times_with_a_million_posts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = bench_csv(dir.path());
    let progress = Progress::new();
    let ds = load_path(&path, &LoadOptions::default(), &progress).unwrap();
    let an = analyze(&ds, &AnalysisConfig::default(), &progress).unwrap();
    let labels = vec![NO_LABEL; ds.len()];
    search_times(&ds, Some(&an), &labels);
}
