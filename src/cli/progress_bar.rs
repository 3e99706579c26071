//! Shows a [`Progress`] as an indicatif bar on a terminal (nothing when stderr is not one).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::Progress;

/// Draws the bar from a background thread until dropped.
pub struct TerminalBar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TerminalBar {
    pub fn start(progress: &Progress) -> TerminalBar {
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return TerminalBar { stop, thread: None };
        }
        let p = progress.clone();
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template("{prefix:>10} [{bar:40}] {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            while !s.load(Ordering::Relaxed) {
                let snap = p.snapshot();
                bar.set_prefix(snap.stage.clone());
                bar.set_length(snap.total.max(1));
                bar.set_position(snap.done.min(snap.total.max(1)));
                std::thread::sleep(Duration::from_millis(80));
            }
            bar.finish_and_clear();
        });
        TerminalBar {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for TerminalBar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
