//! Rasad: Arabic political event extraction.
pub mod proto;
