//! Raw mentions: the knowledge base's entries found in the tokens (people, titles, states,
//! places, organisations), the counterpart and agent words, before they are composed into
//! actors. Also the questions later stages ask of one raw mention (is it a state, a title...).

use crate::extract::analysis::Analysis;
use crate::kb::{Cue, Entity, Kb, PlaceKind};
use crate::text::{follows_article, is_definite, stems};

#[derive(Debug, Clone)]
pub(super) enum Raw {
    Entity(Vec<Entity>),
    Counterpart,
    Agent,
}

#[derive(Debug, Clone)]
pub(super) struct RawMention {
    pub(super) first: usize,
    pub(super) end: usize,
    pub(super) raw: Raw,
    pub(super) prep: Option<char>,
}

/// The preposition written on a word ("بموسكو", "لليابان"), unless the letter belongs to the
/// name ("لبنان", "بيروت", "وبيروت").
pub(super) fn preposition(kb: &Kb, norm: &str) -> Option<char> {
    let rest = norm.strip_prefix(['و', 'ف']).filter(|r| r.chars().count() >= 2).unwrap_or(norm);
    if kb.is_known_form(norm) || kb.is_known_form(rest) {
        return None;
    }
    rest.chars().next().filter(|c| matches!(c, 'ب' | 'ل' | 'ك'))
}

pub(super) fn raw_mentions(kb: &Kb, a: &Analysis<'_>) -> Vec<RawMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < a.tokens.len() {
        if !a.is_word(i) {
            i += 1;
            continue;
        }
        // A one-word name found by its skeleton must be a plausible spelling of it; the closest
        // spelling comes first (الكاظمي is Kadhimi before it is Koizumi).
        let opens = a.opens_phrase(i);
        let name = opens.then(|| kb.name_at(|k| a.keys(k), i)).flatten().and_then(|mut n| {
            if n.len == 1 {
                // The word before, when it is a name word no mention took (a given name).
                let given_before = i > 0 && out.last().is_none_or(|m: &RawMention| m.end < i) && a.is_name_word(kb, i - 1);
                let mut ranked: Vec<(usize, Entity)> = n
                    .entities
                    .iter()
                    .filter(|e| match e {
                        // "إبراهيم باتيل" is not Pratibha Patil: a given name before the surname
                        // that is someone else's, not theirs, names another person.
                        Entity::Person(p) => !given_before || kb.is_word_of(*p, &a.tokens[i - 1].norm),
                        _ => true,
                    })
                    .filter_map(|e| match e {
                        Entity::Person(p) => a.spelling_distance(kb, i, *p).map(|d| (d, *e)),
                        _ => Some((0, *e)),
                    })
                    .collect();
                ranked.sort_by_key(|(distance, _)| *distance);
                n.entities = ranked.into_iter().map(|(_, e)| e).collect();
            }
            (!n.entities.is_empty()).then_some(n)
        });
        let entity = opens.then(|| kb.entity_at(|k| a.keys(k), i)).flatten();
        // A state, adjective, place or title found letter for letter beats a name of the same
        // length found by its skeleton ("العراقي" is Iraqi, not عراقجي).
        let chosen = match (name, entity) {
            (Some(n), Some(e)) if e.len >= n.len => Some(e),
            (Some(n), _) => Some(n),
            (None, e) => e,
        };
        if let Some(m) = chosen {
            let len = m.len;
            if len == 1 && construct_of_a_state(kb, &a.tokens[i].norm, &m.entities) {
                i += 1;
                continue;
            }
            // "مستشفى الملك فيصل", "مطار الملك خالد": a place named after someone.
            let named_place = i > 0 && a.cue(i - 1, |c| c == Cue::Institution);
            if named_place && m.entities.iter().all(|e| matches!(e, Entity::Person(_) | Entity::Title(_))) {
                i += len;
                continue;
            }
            out.push(RawMention {
                first: i,
                end: i + len,
                raw: Raw::Entity(m.entities),
                prep: a.preposition(i, |norm| preposition(kb, norm)),
            });
            i += len;
            continue;
        }
        if a.cue(i, |c| c == Cue::Counterpart) {
            out.push(RawMention { first: i, end: i + 1, raw: Raw::Counterpart, prep: None });
        } else if a.cue(i, |c| c == Cue::Agent) {
            out.push(RawMention { first: i, end: i + 1, raw: Raw::Agent, prep: None });
        } else if a.words(i).is_empty() && i > 0 && kb.starts_name(a.keys(i - 1)) {
            let forms = a.forms(i);
            let mut fuzzy: Vec<u32> = forms.iter().flat_map(|f| kb.fuzzy_name(&crate::text::skeleton(f))).collect();
            // The given name before must be one of theirs: "توني ويلهامسن" is not Gavin Williamson.
            fuzzy.retain(|p| a.spelling_distance(kb, i, *p).is_some() && kb.is_word_of(*p, &a.tokens[i - 1].norm));
            fuzzy.dedup();
            if let [person] = fuzzy.as_slice() {
                out.push(RawMention { first: i, end: i + 1, raw: Raw::Entity(vec![Entity::Person(*person)]), prep: None });
            }
        }
        i += 1;
    }
    out
}

/// "مملكة النرويج", "بمملكة هولندا": a word that names states only with the article ("المملكة"),
/// written without it, is the head of a state's name ("the kingdom of ..."), not that state.
fn construct_of_a_state(kb: &Kb, norm: &str, entities: &[Entity]) -> bool {
    let definite_names = entities.iter().all(|e| matches!(e, Entity::State(s) if kb.states[*s as usize].name_ar.starts_with("ال")));
    definite_names && !stems(norm).iter().any(|stem| follows_article(norm, stem))
}

/// The country an entity belongs to, if any.
fn country_of<'k>(kb: &'k Kb, e: &Entity) -> Option<&'k str> {
    Some(match e {
        Entity::State(s) | Entity::Adjective { state: s, .. } => kb.states[*s as usize].code.as_str(),
        Entity::Place(p) => kb.places[*p as usize].country.as_str(),
        Entity::Person(p) => kb.people[*p as usize].country.as_str(),
        _ => return None,
    })
}

/// A name several entries share ("عمان": Oman or Amman; "طرابلس", "المملكة") means the one whose
/// country the article otherwise talks about most; on a tie, the home state's (a Jordanian
/// agency's "المملكة" is Jordan), else the entry listed first.
pub(super) fn prefer_article_countries(kb: &Kb, raw: &mut [RawMention], home: Option<&str>) {
    let mut counts: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for r in raw.iter() {
        // A mention counts when it names one country, however many entries say so
        // ("السعودية" is the state and its adjective).
        if let Raw::Entity(es) = &r.raw
            && let Some(c) = es.first().and_then(|e| country_of(kb, e))
            && es.iter().all(|e| country_of(kb, e) == Some(c))
        {
            *counts.entry(c).or_default() += 1;
        }
    }
    for r in raw.iter_mut() {
        if let Raw::Entity(es) = &mut r.raw
            && es.len() > 1
        {
            es.sort_by_key(|e| {
                let country = country_of(kb, e);
                (std::cmp::Reverse(country.map_or(0, |c| counts.get(c).copied().unwrap_or(0))), home.is_none() || country != home)
            });
        }
    }
}

impl RawMention {
    /// The first of its entities `pick` accepts.
    pub(super) fn pick<T>(&self, pick: impl Fn(&Entity) -> Option<T>) -> Option<T> {
        match &self.raw {
            Raw::Entity(es) => es.iter().find_map(pick),
            _ => None,
        }
    }
}

pub(super) fn adjective_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Adjective { state, .. } = e { Some(*state) } else { None })
}

/// "نظيرها المالي": a state with no adjective of its own (مالي, whose adjective is also
/// "financial") read as one when its one-word name, which has no article, carries one.
pub(super) fn article_on_name(kb: &Kb, a: &Analysis, r: &RawMention) -> Option<u32> {
    let definite = r.end == r.first + 1 && is_definite(&a.tokens[r.first].norm);
    r.pick(|e| match e {
        Entity::State(s) if definite && !kb.states[*s as usize].name_ar.starts_with("ال") => Some(*s),
        _ => None,
    })
}

/// The one state the article's ambassadors serve in ("السفير الصيني لدى ليبيا", "سفير إندونيسيا
/// بالقاهرة", "سفير مصر في إندونيسيا"): whoever receives them, named by a bare title, is of it.
/// None when the article names no such host, or two.
pub(super) fn ambassadors_host(kb: &Kb, a: &Analysis<'_>, raw: &[RawMention]) -> Option<u32> {
    let mut hosts = raw.iter().enumerate().filter_map(|(k, r)| {
        let t = title_of(r)?;
        if kb.titles[t as usize].office != crate::kb::Office::Ambassador {
            return None;
        }
        // The title, at most one mention of whose ambassador (a state or its adjective) and one
        // word ("الجديد"), then the host after "لدى", "في" or a preposition on its name.
        let mut end = r.end;
        let mut next = raw.get(k + 1);
        if let Some(n) =
            next.filter(|n| n.first == end && n.prep.is_none() && (adjective_of(n).is_some() || genitive_state(kb, n).is_some()))
        {
            end = n.end;
            next = raw.get(k + 2);
        }
        let host = next?;
        let between: Vec<&str> = (end..host.first).map(|i| a.tokens[i].norm.as_str()).collect();
        let linked = match between.as_slice() {
            [] | [_] if matches!(host.prep, Some('ب' | 'ل')) => true,
            ["لدي" | "في"] | [_, "لدي" | "في"] => host.prep.is_none(),
            _ => false,
        };
        linked.then(|| genitive_state(kb, host)).flatten()
    });
    let first = hosts.next()?;
    hosts.all(|h| h == first).then_some(first)
}

/// A state named by its name, its capital or its seat of power.
pub(super) fn genitive_state(kb: &Kb, r: &RawMention) -> Option<u32> {
    r.pick(|e| match e {
        Entity::State(s) => Some(*s),
        Entity::Place(p) if matches!(kb.places[*p as usize].kind, PlaceKind::Capital | PlaceKind::Seat) => {
            kb.state_id(&kb.places[*p as usize].country)
        }
        _ => None,
    })
}

/// The state of a province or city named in the genitive after a title ("محافظ الجهراء",
/// "حاكم الفجيرة", "عمدة باريس").
pub(super) fn state_of_locality(kb: &Kb, r: &RawMention) -> Option<u32> {
    r.pick(|e| match e {
        Entity::Place(p) if matches!(kb.places[*p as usize].kind, PlaceKind::Region | PlaceKind::City) => {
            kb.state_id(&kb.places[*p as usize].country)
        }
        _ => None,
    })
}

pub(super) fn person_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Person(p) = e { Some(*p) } else { None })
}

pub(super) fn title_of(r: &RawMention) -> Option<u32> {
    r.pick(|e| if let Entity::Title(t) = e { Some(*t) } else { None })
}
