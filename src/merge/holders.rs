//! The people of the day: two articles that name different holders of one office of one state
//! tell different days.
//!
//! A report without a date is placed by what it shares with stored events: the same sides, the
//! same place, the same mode. The same two sides meet again at the same place years later
//! (Sánchez in Morocco in 2018 and 2023, the Astana-format summits in Tehran in 2018 and 2022),
//! and what tells the occurrences apart is often who held office: the Moroccan head of
//! government who received him ("سعد الدين العثماني" then "عزيز أخنوش"), Iran's president
//! ("حسن روحاني" then "إبراهيم رئيسي"). An article names them in any of its events, not always in
//! the one that leads it, so merging keeps, per article, the holders its reports name, and an
//! undated report does not join, nor does a dated report place, a stored event whose articles
//! name another holder of an office its article names a holder of. An article that names both
//! (a recollection of the earlier occurrence) rules nothing out.

use rustc_hash::FxHashMap;

use super::{
    Merger,
    compare::{Holder, other_holders},
};
use crate::proto::Event;

/// The holders of offices that each article's reports name.
#[derive(Default)]
pub(super) struct Named {
    by_article: FxHashMap<String, Vec<Holder>>,
}

impl Named {
    /// Notes the holders `events` of article `article_id` name.
    pub(super) fn hear<'e>(&mut self, article_id: &str, events: impl IntoIterator<Item = &'e Event>) {
        let mut holders = events.into_iter().flat_map(Holder::named_by).peekable();
        if holders.peek().is_none() {
            return;
        }
        let named = self.by_article.entry(article_id.to_string()).or_default();
        for holder in holders {
            if !named.contains(&holder) {
                named.push(holder);
            }
        }
    }

    fn of(&self, article_id: &str) -> &[Holder] {
        self.by_article.get(article_id).map_or(&[], Vec::as_slice)
    }
}

impl Merger {
    /// Whether the article `article_id` and the articles of stored event `number` name different
    /// holders of one office, and neither the holder the other names.
    pub(super) fn of_another_day(&self, article_id: &str, number: u64) -> bool {
        let ours = self.named.of(article_id);
        if ours.is_empty() {
            return false;
        }
        other_holders(ours, self.profiles[&number].articles.iter().flat_map(|a| self.named.of(a)))
    }
}
