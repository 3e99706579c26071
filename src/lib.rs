//! derail: a lab for hashtag takeovers.
//!
//! The core — loading, the dataset model, analysis, labels and export — knows nothing of the
//! GUI; the `app` module is a thin layer on top of it.

pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod audit;
pub mod cli;
pub mod export;
pub mod generate;
pub mod labels;
pub mod load;
pub mod model;
pub mod progress;
pub mod query;
pub mod summary;
pub mod text;
pub mod time;
