//! One progress-and-cancel handle shared by loading and analysis, read by both the CLI
//! (an indicatif bar) and the app (a progress bar with a Cancel button).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Returned by work that noticed a cancel request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

#[derive(Debug, Default)]
struct Inner {
    stage: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    /// Completed stages with their durations in milliseconds.
    finished: Mutex<Vec<(String, f64)>>,
}

/// A cheap, cloneable handle; every clone sees the same state.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    inner: Arc<Inner>,
}

/// What a progress display shows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressSnapshot {
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub cancelled: bool,
}

impl ProgressSnapshot {
    /// 0.0 ..= 1.0, or 0 when the total is unknown.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0) as f32
        }
    }
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a named stage with `total` units of work (bytes, posts, ...).
    pub fn begin(&self, stage: &str, total: u64) {
        if let Ok(mut s) = self.inner.stage.lock() {
            s.clear();
            s.push_str(stage);
        }
        self.inner.done.store(0, Ordering::Relaxed);
        self.inner.total.store(total, Ordering::Relaxed);
    }

    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
    }

    pub fn add(&self, n: u64) {
        self.inner.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn set(&self, n: u64) {
        self.inner.done.store(n, Ordering::Relaxed);
    }

    /// Records how long a stage took (for `--timings` and the app's stage list).
    pub fn finish_stage(&self, stage: &str, millis: f64) {
        if let Ok(mut f) = self.inner.finished.lock() {
            f.push((stage.to_string(), millis));
        }
    }

    pub fn finished_stages(&self) -> Vec<(String, f64)> {
        self.inner
            .finished
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once a cancel was requested; call it between units of work.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            stage: self
                .inner
                .stage
                .lock()
                .map(|s| s.clone())
                .unwrap_or_default(),
            done: self.inner.done.load(Ordering::Relaxed),
            total: self.inner.total.load(Ordering::Relaxed),
            cancelled: self.is_cancelled(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_state() {
        let p = Progress::new();
        let q = p.clone();
        p.begin("loading", 10);
        q.add(4);
        let s = p.snapshot();
        assert_eq!((s.stage.as_str(), s.done, s.total), ("loading", 4, 10));
        assert!((s.fraction() - 0.4).abs() < 1e-6);
        assert!(p.check().is_ok());
        q.cancel();
        assert_eq!(p.check(), Err(Cancelled));
    }
}
