//! Rasad: Arabic political event extraction, served over gRPC.
//!
//! The pipeline, one module per layer: `text` (normalisation, tokens, sentences) → `kb`
//! (knowledge base and matchers) → `extract` (mentions, triggers, events) → `merge` (extracted
//! events → changes to the stored events) → `store` (durable articles, events and update log,
//! one writer) → `service` (what the service answers, its gRPC handlers, ingest pipeline, subscriber
//! fan-out) → `http` (the live page, JSON API and metrics over the same service); `server` runs
//! both. `export` writes the
//! stored events as PLOVER records (JSON lines, CSV). `cli` holds the subcommands of the `rasad`
//! binary; `wire` reads protobuf encodings field by field.
pub mod article;
pub mod bus;
pub mod cli;
pub mod export;
pub mod extract;
pub mod http;
pub mod kb;
pub mod merge;
pub mod proto;
pub mod server;
pub mod service;
pub mod store;
pub mod text;
pub mod wire;
pub mod worker;
