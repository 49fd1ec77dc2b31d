//! Mentions: the actors, places and states an article names, found with the knowledge base's
//! matchers and composed into units ("وزير الخارجية الأمريكي مايك بومبيو" is one actor;
//! "نظيره الروسي" a counterpart; "مسؤولون أميركيون وروس" two states' officials).

use compact_str::CompactString;
use rustc_hash::FxHashMap;

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
    /// "نظيره الروسي": whoever holds, in `country`, the office of the other side; `named`
    /// where the article names them right after by a name the knowledge base does not know
    /// ("ونظيره القطري سالم مبارك آل شافي", the mention's `name_span`).
    Counterpart {
        country: Option<CompactString>,
        named: bool,
    },
    /// Someone of a state that no list knows, named by the mention's `name_span` under no title
    /// ("أوراق اعتماد الإيراني مهدي سبحاني").
    Unlisted(CompactString),
    /// A state acting through unnamed officials, or named for its government.
    State(CompactString),
    Organisation(u32),
    /// An officer of an organisation ("الأمين العام لمجلس التعاون نايف الحجرف", "مبعوث الأمم
    /// المتحدة"): of no state, whatever state they come from; `person` where the knowledge base
    /// knows them, `named` where the article names them by a name it does not know.
    Official {
        organisation: u32,
        role: CompactString,
        person: Option<u32>,
        named: bool,
    },
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
/// whose press wrote it, if known, else the one state its ambassadors serve in.
pub fn mentions(kb: &Kb, a: &Analysis<'_>, home: Option<CompactString>) -> Vec<Mention> {
    let mut raw = raw::raw_mentions(kb, a);
    let home = home.or_else(|| raw::ambassadors_host(kb, a, &raw).map(|s| kb.states[s as usize].code.as_str().into()));
    raw::prefer_article_countries(kb, &mut raw, home.as_deref());
    let titles_end: Vec<usize> = raw.iter().filter(|r| raw::title_of(r).is_some()).map(|r| r.end).collect();
    let composed = compose::Composer::new(kb, a, raw, home).compose();
    officers_throughout(surnames::with_surnames(kb, a, composed, &titles_end))
}

/// A person the article names as an organisation's officer ("رئيس مفوضية الاتحاد الإفريقي موسى
/// فقي محمد") is its officer wherever it names them ("وبحث فقي"), not someone of their state.
fn officers_throughout(mut mentions: Vec<Mention>) -> Vec<Mention> {
    let mut posts: FxHashMap<u32, Actor> = FxHashMap::default();
    for m in &mentions {
        if let MentionKind::Actor(post @ Actor::Official { person: Some(p), .. }) = &m.kind {
            posts.entry(*p).or_insert_with(|| post.clone());
        }
    }
    for m in &mut mentions {
        if let MentionKind::Actor(Actor::Person(p)) = m.kind
            && let Some(post) = posts.get(&p)
        {
            m.kind = MentionKind::Actor(post.clone());
        }
    }
    mentions
}
