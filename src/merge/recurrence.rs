//! The same people meet again: a stored event is not the happening of a later report without a
//! date once the stream has told its people meeting elsewhere since.
//!
//! A report without a date is read as news of the stream's present, and the stream clock
//! ([`clock`](super::clock)) bounds that present by publication days. Where nothing dated came
//! between two occurrences (Assad in Tehran in 2005 and in 2007, with Ahmadinejad in Damascus
//! in 2006 between them, all from undated articles), the clock has not moved, and the report
//! of the second visit fits the first as well as a report of the first does. What the stream
//! still tells is its order: after a stored event's last report, an article told the same
//! people meeting in another country. A report that comes after that news may be of the event
//! or of a later occurrence, and it carries nothing to say which; it stays apart. Every stored
//! report keeps the stored event number that was next when it came (`EventReport.next_event`),
//! so that order survives a restart.

use super::{Identity, Merger, compare::Symbol};

impl Merger {
    /// Whether, after the last report of stored event `number`, which names where it was held,
    /// the stream told the people of `identity` meeting in another country: a stored event of
    /// the same type and sides, first reported since by articles that told nothing of `number`
    /// (nor the report's own article), with a report that they met, in a country where no report
    /// of `number` places it.
    pub(super) fn met_elsewhere_since(&self, article_id: &str, identity: &Identity, number: u64) -> bool {
        let event = &self.profiles[&number];
        let countries: Vec<Symbol> = event.identities.iter().filter_map(Identity::place_country).collect();
        // Reports stored before `next_event` was kept give 0: their order is unknown.
        if event.last_reported == 0 || countries.is_empty() {
            return false;
        }
        let since = |n: &u64| *n != number && *n >= event.last_reported;
        let candidates = self.index.dated_candidates(identity).into_iter().chain(self.index.undated_candidates(identity));
        candidates.filter(since).any(|n| {
            let other = &self.profiles[&n];
            let elsewhere = |o: &Identity| {
                o.occurred() && o.place_country().is_some_and(|c| !countries.contains(&c)) && identity.people_agree(&self.config, o)
            };
            other.identities.iter().any(elsewhere) && !other.articles.contains(article_id) && other.articles.is_disjoint(&event.articles)
        })
    }
}
