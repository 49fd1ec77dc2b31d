//! Extraction: one article's text → mentions → events (pure, thread-safe).

use crate::proto::{Article, ExtractResponse};

/// Extracts events from articles with a loaded knowledge base. Cheap to share across threads.
pub struct Extractor {}

impl Extractor {
    /// The extractor with the knowledge base embedded in the binary (`data/`).
    pub fn embedded() -> Result<Self, String> {
        Ok(Extractor {})
    }

    /// Extracts the events of one article. Never fails: problems become `warnings`.
    pub fn extract(&self, article: &Article) -> ExtractResponse {
        ExtractResponse { article_id: article.id.clone(), events: vec![], warnings: vec![] }
    }
}
