//! The analysis stages, one file each, in the order [`crate::analysis::analyze`] runs
//! them: texts → near-duplicates → coordination → clusters → tags → takeovers. Each is a
//! pure function of the dataset and the earlier stages' results.

pub mod clusters;
pub mod tags;
pub mod takeovers;
pub mod texts;
