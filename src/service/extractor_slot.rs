//! The extractor in use, replaceable while the server runs: `rasad serve` swaps in a freshly
//! loaded knowledge base on SIGHUP. Articles already being extracted finish with the extractor
//! they started with; streams and subscriptions are untouched.

use std::sync::{Arc, RwLock};

use super::EventExtractor;

/// A shared, swappable extractor. Cheap to clone.
#[derive(Clone)]
pub struct ExtractorSlot(Arc<RwLock<Arc<dyn EventExtractor>>>);

impl ExtractorSlot {
    pub fn new(extractor: Arc<dyn EventExtractor>) -> ExtractorSlot {
        ExtractorSlot(Arc::new(RwLock::new(extractor)))
    }

    /// The extractor for the next article.
    pub fn current(&self) -> Arc<dyn EventExtractor> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Makes `extractor` the one every later article uses.
    pub fn replace(&self, extractor: Arc<dyn EventExtractor>) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = extractor;
    }
}

impl From<Arc<dyn EventExtractor>> for ExtractorSlot {
    fn from(extractor: Arc<dyn EventExtractor>) -> Self {
        ExtractorSlot::new(extractor)
    }
}
