//! Mentions: the actors, places and states an article names, found with the knowledge base's
//! matchers and composed into units ("وزير الخارجية الأمريكي مايك بومبيو" is one actor;
//! "نظيره الروسي" a counterpart; "مسؤولون أميركيون وروس" two states' officials).

use compact_str::CompactString;

use crate::kb::{Kb, Office, Title};

use super::analysis::Analysis;

/// Who an actor mention names, before dates resolve titles to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Person(u32),
    /// A title: the holder of `office` in `country` on the event's date. Without a country,
    /// the last person mentioned who held it.
    Office {
        office: Office,
        role: CompactString,
        country: Option<CompactString>,
        deputy: bool,
        /// The holder is named right after the title, by a name the knowledge base does not
        /// know (the mention's `name_span`).
        named: bool,
    },
    /// "نظيره الروسي": whoever holds, in `country`, the office of the other side.
    Counterpart {
        country: Option<CompactString>,
    },
    /// A state acting through unnamed officials, or named for its government.
    State(CompactString),
    Organisation(u32),
}

impl Actor {
    /// Whoever holds `title`'s office in `country` (a deputy or former holder: someone of it).
    fn holder(title: &Title, country: Option<CompactString>, deputy: bool) -> Actor {
        Actor::Office { office: title.office, role: title.role_en.as_str().into(), country, deputy, named: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionKind {
    Actor(Actor),
    /// A state by name ("روسيا"): an actor, a location or a topic depending on context.
    StateName(u32),
    /// A capital or seat of power: an actor (Moscow = Russia) or a location.
    Seat(u32),
    /// A city, venue or region.
    Place(u32),
    /// A nationality adjective not attached to an actor.
    Adjective(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub first: usize,
    pub end: usize,
    pub kind: MentionKind,
    /// A preposition written on the first word: 'ب', 'ل' or 'ك'.
    pub prep: Option<char>,
    /// Where the name itself is (for `nameAr`): token range of the name part.
    pub name_span: (usize, usize),
}

mod compose;
mod names;
mod raw;
mod surnames;

/// Finds and composes the mentions of an analysed article, in text order; `home` is the state
/// whose press wrote it, if known.
pub fn mentions(kb: &Kb, a: &Analysis<'_>, home: Option<CompactString>) -> Vec<Mention> {
    let mut raw = raw::raw_mentions(kb, a);
    raw::prefer_article_countries(kb, &mut raw, home.as_deref());
    let composed = compose::Composer::new(kb, a, raw, home).compose();
    surnames::with_surnames(kb, a, composed)
}
