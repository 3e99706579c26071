//! The desktop app driven by widget label, without a display: open the sample by its
//! path, wait for the analysis, click a takeover moment, search, label from the keyboard
//! with undo, see the error panel for a bad file, and render Korean text without boxes
//! (the harness fails on any glyph no font can draw).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::temp_file;
use derail::app::dialogs::ScriptedDialogs;
use derail::app::views::thousands;
use derail::app::{DerailApp, Settings};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/takeovers_sample.csv")
}

/// A copy of a file in a temporary folder (so label journals stay out of the repo).
fn copy_to_temp(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join(src.file_name().unwrap());
    std::fs::copy(src, &dst).unwrap();
    (dir, dst)
}

fn app() -> DerailApp {
    let settings = Settings {
        labeller: "tester".into(),
        ..Settings::default()
    };
    let mut a = DerailApp::new(settings, Arc::new(ScriptedDialogs::new(vec![])));
    a.config.tags.taggers_dirs.clear();
    a
}

fn harness(a: DerailApp) -> Harness<'static, DerailApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut DerailApp| app.frame(ui), a)
}

/// Steps frames until background work is done.
fn wait_idle(h: &mut Harness<'_, DerailApp>) {
    for _ in 0..3000 {
        h.step();
        if !h.state().is_busy() {
            h.run_steps(4);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the app stayed busy");
}

/// Focuses the field labelled `label` and types into it.
fn type_into(h: &mut Harness<'_, DerailApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(2);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

fn open_by_path(h: &mut Harness<'_, DerailApp>, path: &Path) {
    type_into(h, "Path:", &path.display().to_string());
    h.get_by_label("Open path").click();
    h.run_steps(2);
    wait_idle(h);
}

#[test]
fn open_sample_click_a_moment_and_the_table_shows_its_posts() {
    let (_dir, path) = copy_to_temp(&sample());
    let mut h = harness(app());
    open_by_path(&mut h, &path);
    let (n, first) = {
        let s = h.state().session.as_ref().expect("the sample is open");
        let an = s.an.as_ref().expect("the analysis finished");
        assert_eq!(s.ds.len(), 16_000);
        assert!(an.moments.len() >= 3, "the sample stages three takeovers");
        (s.ds.len(), an.moments[0].display.clone())
    };
    assert_eq!(h.state().session.as_ref().unwrap().rows.len(), n);
    // The Overview lists the moments; click the first.
    h.get_by_label_contains(&format!("#{first}  20")).click();
    h.run_steps(3);
    wait_idle(&mut h);
    let s = h.state().session.as_ref().unwrap();
    let an = s.an.as_ref().unwrap();
    let m = &an.moments[0];
    let expected: Vec<u32> = (0..s.ds.len() as u32)
        .filter(|&i| {
            let i = i as usize;
            let t = s.ds.created_at[i];
            an.is_takeover(i)
                && s.ds.hashtags.get(i).contains(&m.hashtag_index)
                && t >= m.marked_from_ms
                && t <= m.marked_to_ms
        })
        .collect();
    let mut rows = s.rows.to_vec();
    rows.sort_unstable();
    assert_eq!(
        rows, expected,
        "the table shows exactly the moment's takeover posts"
    );
    assert!(rows.len() > 500);
    let count = format!(
        "{} of {} posts",
        thousands(rows.len() as u64),
        thousands(n as u64)
    );
    h.get_by_label(&count);
    // The moment view compares before and during.
    h.get_by_label_contains("Before:");
    h.get_by_label_contains("During:");
    // Select the first takeover post: the detail pane says why it was marked.
    h.key_press(Key::J);
    h.run_steps(3);
    h.get_by_label_contains("Why marked");
    h.get_by_label_contains("the author is new to the tag");
}

#[test]
fn search_narrows_the_rows() {
    let (_dir, path) = copy_to_temp(&sample());
    let mut h = harness(app());
    open_by_path(&mut h, &path);
    let total = h.state().session.as_ref().unwrap().rows.len();
    type_into(&mut h, "Search", "FANCAM");
    wait_idle(&mut h);
    let s = h.state().session.as_ref().unwrap();
    assert!(
        !s.rows.is_empty() && s.rows.len() < total,
        "{} of {total}",
        s.rows.len()
    );
    assert!(
        s.rows
            .iter()
            .all(|&r| s.ds.text(r as usize).to_lowercase().contains("fancam"))
    );
    h.get_by_label(&format!(
        "{} of {} posts",
        thousands(s.rows.len() as u64),
        thousands(total as u64)
    ));
    // A broken regex is reported, not a crash.
    h.get_by_label("regex").click();
    h.run_steps(2);
    type_into(&mut h, "Search", "(");
    assert!(h.state().session.as_ref().unwrap().rows_error.is_some());
}

#[test]
fn keyboard_labelling_with_undo_and_redo() {
    let (_dir, path) = copy_to_temp(&sample());
    let mut h = harness(app());
    open_by_path(&mut h, &path);
    let keys: Vec<String> = {
        let s = h.state().session.as_ref().unwrap();
        s.rows
            .iter()
            .take(3)
            .map(|&r| s.ds.post_key(r as usize))
            .collect()
    };
    h.key_press(Key::J); // select the first row
    h.run_steps(2);
    h.key_press(Key::Num1); // takeover, then move on
    h.run_steps(2);
    h.key_press(Key::Num2); // original
    h.run_steps(2);
    {
        let l = &h.state().session.as_ref().unwrap().labels;
        assert_eq!(l.name_of(&keys[0]), Some("takeover"));
        assert_eq!(l.name_of(&keys[1]), Some("original"));
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state().session.as_ref().unwrap().labels.name_of(&keys[1]),
        None
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state().session.as_ref().unwrap().labels.name_of(&keys[1]),
        Some("original")
    );
    // K moves back; Backspace clears.
    h.key_press(Key::K);
    h.run_steps(2);
    h.key_press(Key::K);
    h.run_steps(2);
    h.key_press(Key::Backspace);
    h.run_steps(2);
    let s = h.state().session.as_ref().unwrap();
    assert_eq!(s.labels.name_of(&keys[0]), None);
    assert_eq!(s.labels.name_of(&keys[1]), Some("original"));
    // Everything shown is in the journal already.
    let reopened = derail::labels::Labels::open(&path, &s.ds.source.fingerprint).unwrap();
    assert_eq!(reopened.name_of(&keys[1]), Some("original"));
    assert_eq!(reopened.name_of(&keys[0]), None);
}

#[test]
fn a_bad_file_shows_the_error_panel_and_the_app_keeps_running() {
    let (_dir, bad) = temp_file(
        "broken.csv",
        "id,created_at,text\n1,,no time\n2,,still none\n",
    );
    let mut h = harness(app());
    open_by_path(&mut h, &bad);
    h.get_by_label("This file could not be opened");
    h.get_by_label_contains("broken.csv");
    h.get_by_label("Line 2:");
    h.get_by_label_contains("no time");
    // Still alive: open a good file afterwards.
    h.get_by_label("Dismiss").click();
    h.run_steps(2);
    let (_d2, good) = copy_to_temp(&sample());
    open_by_path(&mut h, &good);
    assert!(h.state().session.is_some());
}

#[test]
fn korean_and_japanese_text_render_as_glyphs() {
    let (_dir, p) = temp_file(
        "k.csv",
        "id,created_at,author,text\n1,2020-06-01T00:00:00Z,a,방탄소년단 직캠 최고 #방탄소년단\n2,2020-06-01T00:01:00Z,b,今日のアニメ最高 #アニメ\n3,2020-06-01T00:02:00Z,c,هذا نص عربي\n",
    );
    let mut h = harness(app());
    open_by_path(&mut h, &p);
    h.key_press(Key::J);
    h.run_steps(3);
    // The table and the detail pane show the texts; the harness panics on any glyph no
    // font can draw, so getting here means no boxes.
    assert!(h.query_all_by_label_contains("방탄소년단 직캠").count() >= 1);
    h.key_press(Key::J);
    h.run_steps(3);
    assert!(h.query_all_by_label_contains("今日のアニメ").count() >= 1);
    h.key_press(Key::J);
    h.run_steps(3);
    // Arabic is drawn in visual order: egui has no bidi pass, so derail reverses the
    // words of a right-to-left line (each word's letters stay for the shaper).
    assert!(h.query_all_by_label_contains("عربي نص هذا").count() >= 2);
    assert_eq!(h.query_all_by_label_contains("هذا نص عربي").count(), 0);
}

/// A snapshot of posts in several scripts: Hangul, kana and kanji, emoji, and Arabic
/// (mixed with English and digits) in the table, and a long Arabic post wrapped right to
/// left in the detail pane.
/// How long the analysis took varies from run to run: mask it in snapshots.
fn mask_timings(h: &mut Harness<'_, DerailApp>) {
    let rects: Vec<egui::Rect> = ["Analysed in", "coordinated episodes"]
        .iter()
        .flat_map(|l| {
            h.query_all_by_label_contains(l)
                .map(|n| n.rect())
                .collect::<Vec<_>>()
        })
        .collect();
    for r in rects {
        h.mask(r);
    }
}

#[test]
fn snapshot_of_posts_in_several_scripts() {
    let (_dir, p) = temp_file(
        "scripts.csv",
        "id,created_at,author,text\n\
         1,2020-06-01T00:00:00Z,army_kr,방탄소년단 직캠 최고 💜 #방탄소년단\n\
         2,2020-06-01T00:01:00Z,anime_jp,今日のアニメ最高！🎉 #アニメ\n\
         3,2020-06-01T00:02:00Z,fan_ar,أحب فرقة BTS منذ عام 2020 (كثيرا) 💜\n\
         4,2020-06-01T00:03:00Z,news_ar,\"هذا نص عربي طويل عن وسم #مرحبا مع BTS في عام 2020، وهو يستمر على عدة أسطر لكي نرى الالتفاف الصحيح للنص من اليمين إلى اليسار في لوحة التفاصيل\"\n\
         5,2020-06-01T00:04:00Z,mixed,I love مرحبا بالعالم today 🇰🇷👍🏽\n",
    );
    let Some(mut h) = rendering_harness() else {
        return;
    };
    open_by_path(&mut h, &p);
    for _ in 0..4 {
        h.key_press(Key::J);
        h.run_steps(2);
    }
    h.run_steps(4);
    mask_timings(&mut h);
    if let Err(e) = h.try_snapshot("scripts") {
        panic!("{e}");
    }
}

/// Damaged files, made here from a good one (as in tests/damaged.rs): each shows either
/// the error panel or the partial-load summary with its exact accounting, and the app
/// keeps running (it opens the good file afterwards).
#[test]
fn damaged_files_show_the_error_panel_or_a_partial_load_summary() {
    let good = std::fs::read(sample()).unwrap();
    let good = &good[..good.len().min(400_000)];
    let text = String::from_utf8_lossy(good).into_owned();
    let mut flipped = good.to_vec();
    for k in 0..200 {
        let i = (k * 7919 + 13) % flipped.len();
        flipped[i] = flipped[i].wrapping_mul(31).wrapping_add(7);
    }
    let utf16_no_bom: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let with_nuls: Vec<u8> = text.replacen('\n', "\n\0", 50).into_bytes();
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.csv", good[..good.len() / 3].to_vec()),
        ("flipped.csv", flipped),
        ("utf16-no-bom.csv", utf16_no_bom),
        ("nul-bytes.csv", with_nuls),
        ("header-only.csv", b"id,created_at,text\n".to_vec()),
        (
            "deep.json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("really-csv.jsonl", good[..20_000].to_vec()),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in damaged {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let mut h = harness(app());
        open_by_path(&mut h, &path);
        match &h.state().session {
            Some(s) => {
                let r = &s.ds.report;
                if let Err(e) = r.check_accounting(s.ds.len()) {
                    panic!("{name}: {e}");
                }
                let summary = format!(
                    "{} loaded of {} rows; {} rejected",
                    thousands(r.loaded),
                    thousands(r.rows_in),
                    thousands(r.rejected)
                );
                h.get_by_label(&summary);
                if r.rejected > 0 {
                    h.get_by_label_contains("rejected rows");
                }
            }
            None => {
                h.get_by_label("This file could not be opened");
                h.get_by_label_contains(name);
                h.get_by_label("Dismiss").click();
                h.run_steps(2);
            }
        }
        // Still alive and usable: open a good file (by path, over the damaged one when it
        // loaded).
        if h.state().session.is_some() {
            h.get_by_label("File").click();
            h.run_steps(2);
            h.get_by_label("Open by path…").click();
            h.run_steps(2);
        }
        let (_d, ok) = copy_to_temp(&sample());
        open_by_path(&mut h, &ok);
        assert!(
            h.state()
                .session
                .as_ref()
                .is_some_and(|s| s.ds.len() > 1000),
            "{name}"
        );
    }
}

/// A harness that renders images with wgpu, or `None` (after saying why) when this
/// machine has no Vulkan driver and snapshots are not required.
fn rendering_harness() -> Option<Harness<'static, DerailApp>> {
    // Rendering needs a Vulkan driver (Mesa's lavapipe on a machine without a GPU). Without
    // one, a plain `cargo test` says so and skips the images; `.ci/run` installs the driver
    // and sets DERAIL_REQUIRE_SNAPSHOTS, so there they always run.
    let built = std::panic::catch_unwind(|| {
        Harness::builder()
            .with_size([1280.0, 800.0])
            .wgpu()
            .build_ui_state(|ui, app: &mut DerailApp| app.frame(ui), app())
    });
    match built {
        Ok(h) => Some(h),
        Err(e) if std::env::var_os("DERAIL_REQUIRE_SNAPSHOTS").is_none() => {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            eprintln!(
                "skipped: no wgpu adapter to render snapshots ({why}); install mesa-vulkan-drivers or run .ci/run"
            );
            None
        }
        Err(e) => std::panic::resume_unwind(e),
    }
}

/// Image snapshots of the main screens, rendered with wgpu on the CPU (Mesa lavapipe;
/// `.ci/run` installs it). Reference images live in `tests/snapshots/`; after a deliberate
/// change to the look, re-create them with `UPDATE_SNAPSHOTS=1 cargo test --test app`.
#[test]
fn snapshots_of_the_main_screens() {
    let (_dir, path) = copy_to_temp(&sample());
    let Some(mut h) = rendering_harness() else {
        return;
    };
    open_by_path(&mut h, &path);
    let mut results = Vec::new();
    h.run_steps(4);
    mask_timings(&mut h);
    results.push(h.try_snapshot("overview"));
    for (tab, name) in [
        ("Timeline", "timeline"),
        ("Takeover moment", "moment"),
        ("Clusters", "clusters"),
    ] {
        h.get_by_label(tab).click();
        h.run_steps(4);
        mask_timings(&mut h);
        results.push(h.try_snapshot(name));
    }
    for r in results {
        if let Err(e) = r {
            panic!("{e}");
        }
    }
}

/// File › Export all posts… with the (scripted) save dialog: the export runs on a worker,
/// the window keeps drawing, and the file holds every post with derail's columns.
#[test]
fn export_from_the_file_menu_runs_in_the_background() {
    let (dir, path) = copy_to_temp(&sample());
    let out = dir.path().join("annotated.csv");
    let dialogs = ScriptedDialogs::new(vec![derail::app::dialogs::DialogOutcome::Picked(
        out.clone(),
    )]);
    let settings = Settings {
        labeller: "tester".into(),
        ..Settings::default()
    };
    let mut a = DerailApp::new(settings, Arc::new(dialogs));
    a.config.tags.taggers_dirs.clear();
    let mut h = harness(a);
    open_by_path(&mut h, &path);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Export all posts…").click();
    h.run_steps(2);
    wait_idle(&mut h);
    // The dialog answers on its own thread; then the export runs on another.
    for _ in 0..500 {
        if h.state().status.starts_with("Exported") {
            break;
        }
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        h.state().status.starts_with("Exported 16000 rows"),
        "{}",
        h.state().status
    );
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert!(r.headers().unwrap().iter().any(|c| c == "derail_takeover"));
    assert_eq!(r.records().count(), 16_000);
}

/// Where egui puts each word of an Arabic line: egui lays runs out left to right, so the
/// line goes through `visual_line` first, and the first word read must be the rightmost.
#[test]
fn arabic_words_are_drawn_right_to_left() {
    let ctx = egui::Context::default();
    derail::app::fonts::install(&ctx);
    // A first frame loads the fonts; its texture delta is not drawn anywhere.
    std::mem::forget(ctx.run_ui(Default::default(), |_ui| {}));
    let x_of = |line: &str, c: char| -> f32 {
        let galley = ctx.fonts_mut(|f| {
            f.layout_no_wrap(
                line.to_string(),
                egui::FontId::proportional(14.0),
                egui::Color32::WHITE,
            )
        });
        galley.rows[0]
            .glyphs
            .iter()
            .find(|g| g.chr == c)
            .map(|g| g.pos.x)
            .unwrap()
    };
    // "house pen": house (بيت) is read first, so it is drawn on the right.
    let logical = "بيت قلم";
    let drawn = derail::text::visual_line(logical);
    assert!(x_of(&drawn, 'ب') > x_of(&drawn, 'ق'), "{drawn}");
    // Without the reordering egui would draw it the other way round.
    assert!(x_of(logical, 'ب') < x_of(logical, 'ق'));
    // English inside Arabic: the Arabic word read first is still on the right.
    let drawn = derail::text::visual_line("بيت BTS قلم");
    assert!(x_of(&drawn, 'ب') > x_of(&drawn, 'B') && x_of(&drawn, 'B') > x_of(&drawn, 'ق'));
    // A number after the last word goes to its left, and reads left to right.
    let drawn = derail::text::visual_line("قلم 2020");
    assert!(x_of(&drawn, 'ق') > x_of(&drawn, '2') && x_of(&drawn, '2') < x_of(&drawn, '0'));
    // So do Arabic-Indic digits, though the shaper reverses them.
    let drawn = derail::text::visual_line("قلم ١٢");
    assert!(x_of(&drawn, 'ق') > x_of(&drawn, '١') && x_of(&drawn, '١') < x_of(&drawn, '٢'));
}

/// File > Open folder… opens a folder of files as one dataset, which can be labelled.
#[test]
fn a_folder_opens_as_one_dataset_and_can_be_labelled() {
    use derail::generate::writers::{OutFormat, write};
    use derail::generate::{GenConfig, Scenario, generate};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("collection");
    std::fs::create_dir_all(&data).unwrap();
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Spam, 1200, 4));
    // The same posts twice, in two formats: each is loaded once.
    write(&posts, &authors, OutFormat::Csv, &data.join("part1.csv")).unwrap();
    write(
        &posts,
        &authors,
        OutFormat::Twarc2Flat,
        &data.join("part2.jsonl"),
    )
    .unwrap();
    let dialogs = ScriptedDialogs::new(vec![derail::app::dialogs::DialogOutcome::Picked(
        data.clone(),
    )]);
    let settings = Settings {
        labeller: "tester".into(),
        ..Settings::default()
    };
    let mut app = DerailApp::new(settings, Arc::new(dialogs));
    app.config.tags.taggers_dirs.clear();
    let mut h = harness(app);
    h.get_by_label("Open a folder of files…").click();
    for _ in 0..500 {
        h.step();
        if h.state().session.is_some() && !h.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    wait_idle(&mut h);
    {
        let s = h.state().session.as_ref().expect("the folder is open");
        assert_eq!(s.ds.len(), posts.len());
        assert_eq!(s.ds.files, vec!["part1.csv", "part2.jsonl"]);
    }
    h.get_by_label_contains("a folder of 2 files");
    // Label the first post from the keyboard; the journal lives beside the folder and
    // survives a reopen.
    let key = {
        let s = h.state().session.as_ref().unwrap();
        s.ds.post_key(s.rows[0] as usize)
    };
    h.key_press(Key::J);
    h.run_steps(2);
    h.key_press(Key::Num1);
    h.run_steps(3);
    let s = h.state().session.as_ref().unwrap();
    assert_eq!(s.labels.name_of(&key), Some("takeover"));
    let reopened = derail::labels::Labels::open(&data, &s.ds.source.fingerprint).unwrap();
    assert_eq!(reopened.name_of(&key), Some("takeover"));
    // The journal is not taken for data the next time the folder opens.
    let again = derail::load::load_path(
        &data,
        &Default::default(),
        &derail::progress::Progress::new(),
    )
    .unwrap();
    assert_eq!(again.len(), posts.len());
}

/// The audit workflow from the keyboard: draw a blind sample of the first moment in the
/// Labels tab, see that derail's verdicts are hidden, label five posts of the sample with
/// the number keys (the queue moves on through the sample), undo one, and watch the
/// audit's counts follow; the plan and the labels are in the journal.
#[test]
fn a_blind_sample_is_labelled_from_the_keyboard_and_the_audit_follows() {
    let (_dir, path) = copy_to_temp(&sample());
    let mut h = harness(app());
    open_by_path(&mut h, &path);
    h.get_by_label("Audit").click();
    h.run_steps(3);
    h.get_by_label("Draw sample").click();
    h.run_steps(3);
    let (id, size, first) = {
        let s = h.state().session.as_ref().unwrap();
        let derail::app::session::QueueMode::Plan { id, order, blind } = &s.queue else {
            panic!(
                "the sample is not being served: {:?}; status {:?}",
                s.queue,
                h.state().status
            );
        };
        assert!(*blind && s.is_blind());
        assert_eq!(
            s.selected,
            Some(order[0] as usize),
            "the queue starts at the sample's first post"
        );
        (id.clone(), order.len(), s.ds.post_key(order[0] as usize))
    };
    h.get_by_label_contains("Blind labelling: derail's verdicts");
    h.get_by_label("hidden while labelling blind");
    h.get_by_label_contains(&format!("Sample {id}: 0 of {size} labelled"));
    for key in [Key::Num1, Key::Num2, Key::Num1, Key::Num1, Key::Num2] {
        h.key_press(key);
        h.run_steps(2);
    }
    h.get_by_label_contains(&format!("Sample {id}: 5 of {size} labelled"));
    {
        let s = h.state().session.as_ref().unwrap();
        assert_eq!(s.labels.name_of(&first), Some("takeover"));
        let e = s.labels.get(&first).unwrap();
        assert_eq!(e.queue.as_deref(), Some(format!("sample:{id}").as_str()));
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    h.get_by_label_contains(&format!("Sample {id}: 4 of {size} labelled"));
    // The figures stay hidden while blind; leaving the sample's queue shows them.
    h.get_by_label_contains("figures are hidden while labelling blind");
    h.get_by_label("Labels").click();
    h.run_steps(3);
    h.get_by_label("Back to table order").click();
    h.run_steps(3);
    h.get_by_label("Audit").click();
    h.run_steps(3);
    assert!(!h.state().session.as_ref().unwrap().is_blind());
    h.get_by_label_contains("Takeover precision");
    let s = h.state().session.as_ref().unwrap();
    let audits = derail::audit::audit(&s.ds, s.an.as_ref().unwrap(), &s.labels);
    let moment = s.moment.unwrap_or(0);
    assert_eq!(audits[moment].figures.n, 4);
    assert_eq!(audits[moment].plan.as_deref(), Some(id.as_str()));
    let reopened = derail::labels::Labels::open(&path, &s.ds.source.fingerprint).unwrap();
    assert_eq!(
        reopened
            .plan_for(&audits[moment].hashtag)
            .map(|p| p.id.as_str()),
        Some(id.as_str())
    );
    assert_eq!(reopened.len(), 4);
}

/// Audit → Packet for a second coder… with the (scripted) save dialog writes the sample,
/// in its order and without verdicts; opened in derail, the packet labels blind.
#[test]
fn the_audit_tab_writes_a_blind_packet_for_a_second_coder() {
    let (dir, path) = copy_to_temp(&sample());
    let out = dir.path().join("packet.csv");
    let dialogs = ScriptedDialogs::new(vec![derail::app::dialogs::DialogOutcome::Picked(
        out.clone(),
    )]);
    let settings = Settings {
        labeller: "tester".into(),
        ..Settings::default()
    };
    let mut a = DerailApp::new(settings, Arc::new(dialogs));
    a.config.tags.taggers_dirs.clear();
    let mut h = harness(a);
    open_by_path(&mut h, &path);
    h.get_by_label("Audit").click();
    h.run_steps(3);
    h.get_by_label("Draw sample").click();
    h.run_steps(3);
    let order: Vec<String> = {
        let s = h.state().session.as_ref().unwrap();
        s.labels.plans.last().unwrap().order.clone()
    };
    h.get_by_label("Packet for a second coder…").click();
    for _ in 0..500 {
        h.step();
        if h.state().status.starts_with("Wrote") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        h.state().status.starts_with("Wrote"),
        "{}",
        h.state().status
    );
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["derail_packet", "id", "created_at", "author", "text"]
    );
    let ids: Vec<String> = r.records().map(|x| x.unwrap()[1].to_string()).collect();
    assert_eq!(ids, order);
    // The second coder opens the packet: it labels blind.
    let mut h2 = harness(app());
    open_by_path(&mut h2, &out);
    assert!(h2.state().session.as_ref().unwrap().is_blind());
    h2.get_by_label_contains("Blind labelling: derail's verdicts");
}

/// Waits until the (scripted) dialog has answered and the load it started is done.
fn wait_for_dialog_and_load(h: &mut Harness<'_, DerailApp>) {
    for _ in 0..100 {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
        if h.state().is_busy() {
            break;
        }
    }
    wait_idle(h);
}

/// File › Open… with several files picked opens them as one dataset; File › Add files…
/// reads more files into the open dataset and carries the labels made so far.
#[test]
fn several_files_open_as_one_dataset_and_add_files_keeps_the_labels() {
    use derail::app::dialogs::DialogOutcome;
    use derail::generate::writers::{OutFormat, write};
    use derail::generate::{GenConfig, Scenario, generate};
    let (posts, authors, _) = generate(&GenConfig::new(Scenario::Kpop, 2_000, 9));
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("first.csv");
    let b = dir.path().join("second.parquet");
    let half = posts.len() / 2;
    write(&posts[..half], &authors, OutFormat::Csv, &a).unwrap();
    write(&posts[half..], &authors, OutFormat::Parquet, &b).unwrap();

    // Add files: open the CSV, label two posts from the keyboard, add the Parquet file.
    let dialogs = ScriptedDialogs::new(vec![
        DialogOutcome::PickedMany(vec![b.clone()]),
        DialogOutcome::PickedMany(vec![a.clone(), b.clone()]),
    ]);
    let settings = Settings {
        labeller: "tester".into(),
        ..Settings::default()
    };
    let mut app = DerailApp::new(settings, Arc::new(dialogs));
    app.config.tags.taggers_dirs.clear();
    let mut h = harness(app);
    open_by_path(&mut h, &a);
    assert_eq!(h.state().session.as_ref().unwrap().ds.len(), half);
    let keys: Vec<String> = {
        let s = h.state().session.as_ref().unwrap();
        s.rows
            .iter()
            .take(2)
            .map(|&r| s.ds.post_key(r as usize))
            .collect()
    };
    h.key_press(Key::J);
    h.run_steps(2);
    h.key_press(Key::Num1);
    h.run_steps(2);
    h.key_press(Key::Num2);
    h.run_steps(2);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Add files…").click();
    h.run_steps(2);
    wait_for_dialog_and_load(&mut h);
    {
        let s = h.state().session.as_ref().unwrap();
        assert_eq!(s.ds.len(), posts.len(), "both files, as one dataset");
        assert_eq!(s.ds.files.len(), 2);
        assert_eq!(s.inputs, vec![a.clone(), b.clone()]);
        assert_eq!(s.labels.name_of(&keys[0]), Some("takeover"));
        assert_eq!(s.labels.name_of(&keys[1]), Some("original"));
        assert_eq!(s.labels.len(), 2);
        assert!(
            h.state().status.contains("2 labels carried over"),
            "{}",
            h.state().status
        );
    }

    // Open…: two files picked at once open as one dataset.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open…").click();
    h.run_steps(2);
    wait_for_dialog_and_load(&mut h);
    let s = h.state().session.as_ref().unwrap();
    assert_eq!(s.ds.len(), posts.len());
    assert_eq!(s.ds.files.len(), 2);
    assert!(s.ds.report.check_accounting(s.ds.len()).is_ok());
}

/// The open-by-path window loads a slice, as `--hashtag`/`--since` do: only the posts of
/// the tag, the rest counted outside the slice; an unreadable time is refused in place.
#[test]
fn open_by_path_loads_only_the_slice_asked_for() {
    let (_dir, path) = copy_to_temp(&sample());
    let full = common::load(&path);
    let tag = derail::load::slice::Slice {
        hashtag: Some("WhiteLivesMatter".into()),
        ..Default::default()
    };
    let want = (0..full.len()).filter(|&i| tag.holds(&full, i)).count();
    assert!(want > 0 && want < full.len());
    let mut h = harness(app());
    h.get_by_label("Load only a slice (a hashtag, a time range)")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Path:", &path.display().to_string());
    type_into(&mut h, "From:", "next tuesday");
    h.get_by_label("Open path").click();
    h.run_steps(2);
    assert!(h.state().session.is_none() && h.state().job.is_none());
    assert!(
        h.state()
            .open_by_path
            .error
            .as_deref()
            .is_some_and(|e| e.contains("next tuesday")),
        "{:?}",
        h.state().open_by_path.error
    );
    h.state_mut().open_by_path.since.clear();
    type_into(&mut h, "Hashtag:", "#WhiteLivesMatter");
    h.get_by_label("Open path").click();
    h.run_steps(2);
    wait_idle(&mut h);
    let s = h.state().session.as_ref().unwrap();
    assert_eq!(s.ds.len(), want);
    assert_eq!(
        s.ds.report.outside_slice as usize,
        full.len() - want,
        "the rest is counted, not lost"
    );
    assert!(s.ds.report.check_accounting(s.ds.len()).is_ok());
}
