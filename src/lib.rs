//! Rasad: Arabic political event extraction, served over gRPC.
//!
//! The pipeline, one module per layer: `text` (normalisation, tokens, sentences) → `kb`
//! (knowledge base and matchers) → `extract` (mentions, triggers, events) → service.
pub mod article;
pub mod text;
pub mod extract;
pub mod proto;
