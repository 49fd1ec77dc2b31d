//! The knowledge base: loads `data/` (embedded in the binary) plus an optional overlay
//! directory, validates it, and compiles it into matchers. Answers "which state is this
//! adjective", "who held this office on this date", "what does this word signal".

pub mod coverage;
mod index;
mod model;
mod outlets;
pub mod petrarch;
mod tsv;

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

use chrono::NaiveDate;

pub use index::{Entity, Match};
pub use model::*;
pub use outlets::Outlets;
pub use tsv::KbError;

use crate::proto::{ConsultMode, EventStatus, EventType};
use crate::text::{Stems, Token, TokenKind, follows_article, normalize, skeleton, skeleton_into, stems, tokenize};
use index::{FuzzyNames, PhraseIndex, Vocabulary};

use tsv::Row;

/// The data files, their columns, and their embedded default contents.
const FILES: &[(&str, &[&str], &str)] = &[
    ("states.tsv", &["code", "name_en", "names_ar", "adjectives_ar"], include_str!("../../data/states.tsv")),
    ("places.tsv", &["name_en", "country", "kind", "names_ar"], include_str!("../../data/places.tsv")),
    ("organisations.tsv", &["id", "name_en", "names_ar", "cameo", "members", "chair"], include_str!("../../data/organisations.tsv")),
    ("people.tsv", &["id", "name_en", "country", "names_ar", "short_ar"], include_str!("../../data/people.tsv")),
    ("offices.tsv", &["person", "country", "office", "role_en", "start", "end"], include_str!("../../data/offices.tsv")),
    ("titles.tsv", &["title_ar", "office", "role_en", "country", "organisation"], include_str!("../../data/titles.tsv")),
    ("lexicon.tsv", &["form", "class", "value"], include_str!("../../data/lexicon.tsv")),
    ("outlets.tsv", &["host", "state", "name_en", "kind"], include_str!("../../data/outlets.tsv")),
    ("tlds.tsv", &["tld", "state"], include_str!("../../data/tlds.tsv")),
];

/// One-word names whose skeleton is shorter than this must match letter for letter (after
/// normalisation): short skeletons collide with common words (بايدن and بدون are both "بدن").
const SHORT_NAME_SKELETON: usize = 4;

/// Inflectional suffixes a lexicon form marked `*` accepts.
const SUFFIXES: &[&str] = &["هما", "تان", "ان", "ين", "ون", "وا", "تا", "ها", "هم", "ا", "ت", "ه"];

#[derive(Debug, Default)]
pub struct Kb {
    pub states: Vec<State>,
    pub places: Vec<Place>,
    pub organisations: Vec<Organisation>,
    pub people: Vec<Person>,
    pub terms: Vec<Term>,
    pub titles: Vec<Title>,
    pub words: Vec<Word>,
    pub outlets: Outlets,
    state_by_code: FxHashMap<String, u32>,
    /// A state's code → its capital's index in `places` (the first listed).
    capital_by_state: FxHashMap<String, u32>,
    terms_by_person: FxHashMap<u32, Vec<u32>>,
    /// By office, then country: the terms held.
    terms_by_office: FxHashMap<Office, FxHashMap<String, Vec<u32>>>,
    /// Every form and skeleton the indexes below use.
    vocabulary: Vocabulary,
    /// States, adjectives, places, organisations, titles: keys are normalised tokens
    /// with a leading ال removed.
    entities: PhraseIndex,
    /// People: keys are name skeletons (exact forms for short one-word names).
    names: PhraseIndex,
    fuzzy_names: FuzzyNames,
    /// People's one-word names (normalised, without the article) as characters, to check
    /// skeleton matches, each with whether it is written with the article ("الشرع").
    single_names: FxHashMap<u32, Vec<OneWordName>>,
    /// Form ids of every word of every person's name ("فيصل", "فرحان").
    name_words: FxHashSet<u32>,
    /// Per person: the form ids of the words of their names.
    words_of_person: FxHashMap<u32, Vec<u32>>,
    /// Lexicon: exact normalised forms, and forms that inflect.
    words_exact: PhraseIndex,
    words_inflecting: FxHashMap<String, Vec<u32>>,
    /// Every inflected form (by form id) of the forms that inflect, with its hits in the order
    /// a reader tries the suffixes: built once so that a token's lookup is one probe.
    inflections: FxHashMap<u32, Vec<WordHit>>,
    /// Lexicon: one-word forms (by form id), for the per-token lookup.
    words_single: FxHashMap<u32, Vec<u32>>,
}

/// A person's one-word name, normalised and without the article, as characters.
#[derive(Debug)]
struct OneWordName {
    chars: Box<[char]>,
    /// Written with the article ("الشرع"), so read only where the text writes it.
    articled: bool,
}

/// A lexicon hit on one token, and how it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordHit {
    pub word: Word,
    /// The token carried the future prefix سـ.
    pub future: bool,
    /// The token carried a pronoun suffix (ه ها هما هم): "لقائه", "استقبله".
    pub pronoun: bool,
}

/// Strips a leading ال from a normalised entity token when enough remains.
pub fn entity_key(token: &str) -> &str {
    match token.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 3 => rest,
        _ => token,
    }
}

/// The normalised tokens of a phrase written in a data file, each without a written article.
/// Only a plain "ال" is the article: the hamza in "ألبان" or "ألمانيا" shows the letters belong
/// to the word.
fn data_tokens(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|raw| match raw.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 3 => normalize(rest),
            _ => normalize(raw),
        })
        .collect()
}

/// The forms of a nisba adjective as written: masculine singular, feminine, dual and masculine
/// sound plurals ("روسي" → روسية، روسيان، روسيين، روسيون); other forms (broken plurals such as
/// "روس") are plural as they stand. Returns (form, plural). Not the feminine plural: it names
/// no side in the press, and some are common words ("مجريات الأحداث" is no Hungarians).
fn nisba_forms(adjective: &str) -> Vec<(String, bool)> {
    if adjective.ends_with(['ي', 'ى']) {
        let mut out = vec![(adjective.to_string(), false), (format!("{adjective}ة"), false)];
        out.extend(["ان", "ين", "ون"].iter().map(|p| (format!("{adjective}{p}"), true)));
        out
    } else {
        vec![(adjective.to_string(), true)]
    }
}

impl Kb {
    /// The knowledge base built into the binary.
    pub fn embedded() -> Result<Kb, KbError> {
        Kb::load(None)
    }

    /// The built-in data with `overlay`'s files on top: their rows are added, and a row whose
    /// key (first column) exists replaces the built-in one.
    pub fn load(overlay: Option<&Path>) -> Result<Kb, KbError> {
        let mut overlay_texts: Vec<(String, String)> = Vec::new();
        if let Some(dir) = overlay {
            if !dir.is_dir() {
                return Err(KbError { file: dir.display().to_string(), line: 0, message: "not a directory".into() });
            }
            for (name, _, _) in FILES {
                let path = dir.join(name);
                if path.exists() {
                    let text = std::fs::read_to_string(&path).map_err(|e| KbError {
                        file: path.display().to_string(),
                        line: 0,
                        message: e.to_string(),
                    })?;
                    overlay_texts.push((path.display().to_string(), text));
                }
            }
        }
        let mut tables: HashMap<&str, Vec<Row<'_>>> = HashMap::new();
        for (name, columns, builtin) in FILES {
            let mut rows = tsv::parse(name, builtin, columns)?;
            for (path, text) in &overlay_texts {
                if path.ends_with(name) {
                    for row in tsv::parse(path, text, columns)? {
                        let key = (row.get(0), if *name == "lexicon.tsv" { row.get(1) } else { "" });
                        rows.retain(|r| (r.get(0), if *name == "lexicon.tsv" { r.get(1) } else { "" }) != key);
                        rows.push(row);
                    }
                }
            }
            tables.insert(name, rows);
        }
        let mut kb = Kb::default();
        kb.load_states(&tables["states.tsv"])?;
        kb.load_places(&tables["places.tsv"])?;
        kb.load_organisations(&tables["organisations.tsv"])?;
        kb.load_people(&tables["people.tsv"])?;
        kb.load_offices(&tables["offices.tsv"])?;
        kb.load_titles(&tables["titles.tsv"])?;
        kb.load_lexicon(&tables["lexicon.tsv"])?;
        kb.load_outlets(&tables["outlets.tsv"], &tables["tlds.tsv"])?;
        kb.inflect();
        Ok(kb)
    }

    fn insert_entity(&mut self, phrase: &str, entity: Entity) {
        let keys: Vec<u32> = data_tokens(phrase).iter().map(|t| self.vocabulary.form_id(t)).collect();
        self.entities.insert(&keys, entity);
    }

    fn known_state(&self, row: &Row<'_>, col: usize) -> Result<String, KbError> {
        self.known_code(row, row.get(col))
    }

    fn known_code(&self, row: &Row<'_>, code: &str) -> Result<String, KbError> {
        if code.is_empty() || self.state_by_code.contains_key(code) {
            Ok(code.to_string())
        } else {
            Err(row.error(format!("unknown state code {code:?} (not in states.tsv)")))
        }
    }

    /// Outlets by host and country-code domains, each to a state of states.tsv ("-" in
    /// outlets.tsv: national to none).
    fn load_outlets(&mut self, hosts: &[Row<'_>], tlds: &[Row<'_>]) -> Result<(), KbError> {
        for row in hosts {
            let state = if row.get(1) == "-" { None } else { Some(self.known_state(row, 1)?) };
            if state.as_deref() == Some("") {
                return Err(row.error("an outlet needs a state code or \"-\""));
            }
            self.outlets.add_host(row.get(0), state.as_deref());
        }
        for row in tlds {
            let state = self.known_state(row, 1)?;
            if state.is_empty() {
                return Err(row.error("a country-code domain needs a state code"));
            }
            self.outlets.add_tld(row.get(0), &state);
        }
        Ok(())
    }

    fn load_states(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        for row in rows {
            let code = row.required(0, "code")?;
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(row.error(format!("code {code:?} is not an ISO 3166-1 alpha-3 code")));
            }
            if self.state_by_code.contains_key(code) {
                return Err(row.error(format!("duplicate state {code}")));
            }
            let id = self.states.len() as u32;
            let name_ar = row.variants(2).next().unwrap_or_default().to_string();
            self.states.push(State { code: code.into(), name_en: row.required(1, "name_en")?.into(), name_ar });
            self.state_by_code.insert(code.into(), id);
            for name in row.variants(2) {
                self.insert_entity(name, Entity::State(id));
            }
            for adjective in row.variants(3) {
                let (head, last) = adjective.rsplit_once(' ').map_or(("", adjective), |(h, l)| (h, l));
                for (form, plural) in nisba_forms(last) {
                    let phrase = if head.is_empty() { form } else { format!("{head} {form}") };
                    self.insert_entity(&phrase, Entity::Adjective { state: id, plural });
                }
            }
        }
        Ok(())
    }

    fn load_places(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        for row in rows {
            let kind = match row.get(2) {
                "capital" => PlaceKind::Capital,
                "seat" => PlaceKind::Seat,
                "city" => PlaceKind::City,
                "venue" => PlaceKind::Venue,
                "region" => PlaceKind::Region,
                other => return Err(row.error(format!("kind {other:?} is not capital|seat|city|venue|region"))),
            };
            let id = self.places.len() as u32;
            let country = self.known_state(row, 1)?;
            if kind == PlaceKind::Capital {
                self.capital_by_state.entry(country.clone()).or_insert(id);
            }
            self.places.push(Place {
                name_en: row.required(0, "name_en")?.into(),
                name_ar: row.variants(3).next().unwrap_or_default().to_string(),
                country,
                kind,
            });
            for name in row.variants(3) {
                self.insert_entity(name, Entity::Place(id));
            }
        }
        Ok(())
    }

    fn load_organisations(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        for row in rows {
            let members = row.variants(4).map(|code| self.known_code(row, code)).collect::<Result<Vec<_>, _>>()?;
            let id = self.organisations.len() as u32;
            self.organisations.push(Organisation {
                id: row.required(0, "id")?.into(),
                name_en: row.required(1, "name_en")?.into(),
                name_ar: row.variants(2).next().unwrap_or_default().to_string(),
                cameo: row.get(3).into(),
                members,
                own_chair: match row.get(5) {
                    "" => false,
                    "own" => true,
                    other => return Err(row.error(format!("unknown chair {other:?} (own or empty)"))),
                },
            });
            for name in row.variants(2) {
                self.insert_entity(name, Entity::Organisation(id));
            }
        }
        Ok(())
    }

    fn load_people(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        let mut seen = HashMap::new();
        for row in rows {
            let slug = row.required(0, "id")?;
            if seen.insert(slug.to_string(), ()).is_some() {
                return Err(row.error(format!("duplicate person id {slug}")));
            }
            let id = self.people.len() as u32;
            self.people.push(Person { id: slug.into(), name_en: row.required(1, "name_en")?.into(), country: self.known_state(row, 2)? });
            for name in row.variants(3).chain(row.variants(4)) {
                let tokens = data_tokens(name);
                for t in &tokens {
                    let word = self.vocabulary.form_id(t);
                    self.name_words.insert(word);
                    self.words_of_person.entry(id).or_default().push(word);
                }
                if let [single] = tokens.as_slice() {
                    let articled = normalize(name) != *single;
                    self.single_names.entry(id).or_default().push(OneWordName { chars: single.chars().collect(), articled });
                }
                let skeletons: Vec<String> = tokens.iter().map(|t| skeleton(t)).collect();
                let keys: Vec<u32> = match skeletons.as_slice() {
                    [single] if single.chars().count() < SHORT_NAME_SKELETON => vec![self.vocabulary.form_id(&tokens[0])],
                    _ => skeletons.iter().map(|k| self.vocabulary.skeleton_id(k)).collect(),
                };
                if let [single] = skeletons.as_slice()
                    && single.chars().count() >= SHORT_NAME_SKELETON
                {
                    self.fuzzy_names.insert(single, id);
                }
                self.names.insert(&keys, Entity::Person(id));
            }
        }
        Ok(())
    }

    fn load_offices(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        let by_slug: HashMap<&str, u32> = self.people.iter().enumerate().map(|(i, p)| (p.id.as_str(), i as u32)).collect();
        for row in rows {
            let slug = row.required(0, "person")?;
            let person = *by_slug.get(slug).ok_or_else(|| row.error(format!("unknown person {slug:?} (not in people.tsv)")))?;
            let office = Office::parse(row.get(2)).ok_or_else(|| row.error(format!("unknown office {:?}", row.get(2))))?;
            let start = row.date(4, "start")?.ok_or_else(|| row.error("column `start` is empty"))?;
            let end = row.date(5, "end")?;
            if end.is_some_and(|e| e < start) {
                return Err(row.error("term ends before it starts"));
            }
            let id = self.terms.len() as u32;
            let country = self.known_state(row, 1)?;
            self.terms_by_person.entry(person).or_default().push(id);
            self.terms_by_office.entry(office).or_default().entry(country.clone()).or_default().push(id);
            self.terms.push(Term { person, country, office, role_en: row.get(3).into(), start, end });
        }
        Ok(())
    }

    fn load_titles(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        for row in rows {
            let office = Office::parse(row.get(1)).ok_or_else(|| row.error(format!("unknown office {:?}", row.get(1))))?;
            let id = self.titles.len() as u32;
            let country = self.known_state(row, 3)?;
            let organisation = match row.get(4) {
                "" => None,
                code => Some(
                    self.organisations
                        .iter()
                        .position(|o| o.id == code)
                        .ok_or_else(|| row.error(format!("unknown organisation {code:?} (not in organisations.tsv)")))?
                        as u32,
                ),
            };
            self.titles.push(Title { office, role_en: row.get(2).into(), country: (!country.is_empty()).then_some(country), organisation });
            for form in row.variants(0) {
                self.insert_entity(form, Entity::Title(id));
            }
        }
        Ok(())
    }

    fn load_lexicon(&mut self, rows: &[Row<'_>]) -> Result<(), KbError> {
        for row in rows {
            let word = parse_word(row)?;
            let id = self.words.len() as u32;
            self.words.push(word);
            let form = normalize(row.required(0, "form")?);
            let (form, inflects) = match form.strip_suffix('*') {
                Some(stem) => (stem.to_string(), true),
                None => (form, false),
            };
            let keys: Vec<u32> = form.split_whitespace().map(|t| self.vocabulary.form_id(t)).collect();
            self.words_exact.insert(&keys, Entity::Word(id));
            if let [single] = keys.as_slice() {
                self.words_single.entry(*single).or_default().push(id);
            }
            if inflects && !form.contains(' ') {
                self.words_inflecting.entry(form).or_default().push(id);
            }
        }
        Ok(())
    }

    /// What one word token offers, given its stems: its keys (form and skeleton ids of its
    /// stems, with and without ال) appended to `keys`, and the lexicon words it may be appended
    /// to `hits`. `scratch` is a buffer the caller reuses.
    pub fn analyse_word(&self, stems: &Stems<'_>, scratch: &mut String, keys: &mut Vec<u32>, hits: &mut Vec<WordHit>) {
        let start = keys.len();
        let push = |keys: &mut Vec<u32>, id: Option<u32>| {
            if let Some(id) = id
                && !keys[start..].contains(&id)
            {
                keys.push(id);
            }
        };
        let mut form_ids = [None; Stems::MAX];
        for (k, stem) in stems.iter().enumerate() {
            let key = entity_key(stem);
            let forms = if key == stem || stems.contains(key) { [stem, ""] } else { [stem, key] };
            for form in forms.into_iter().filter(|f| !f.is_empty()) {
                let id = self.vocabulary.form(form);
                if form == stem {
                    form_ids[k] = id;
                }
                push(keys, id);
                scratch.clear();
                skeleton_into(form, scratch);
                push(keys, self.vocabulary.skeleton(scratch));
            }
        }
        // A word that is a name as written ("فيصل") is not a clitic on a shorter word (ف + يصل).
        let readings = form_ids.iter().position(|id| id.is_some_and(|id| self.name_words.contains(&id))).map_or(stems.len(), |k| k + 1);
        self.words_of(stems, &form_ids[..readings], hits);
    }

    /// What one token offers (see `analyse_word`); numbers take part in phrases only as
    /// themselves, punctuation offers nothing.
    pub fn analyse_token(&self, token: &Token, scratch: &mut String, keys: &mut Vec<u32>, hits: &mut Vec<WordHit>) {
        match token.kind {
            TokenKind::Word => self.analyse_word(&stems(&token.norm), scratch, keys, hits),
            TokenKind::Number => keys.extend(self.vocabulary.form(&token.norm)),
            TokenKind::Punct(_) => {}
        }
    }

    /// Whether a form names something on its own, so that a leading ب/ل/ك is part of it
    /// ("لبنان", "بيروت", "لافروف") rather than a preposition.
    pub fn is_known_form(&self, form: &str) -> bool {
        let key = entity_key(form);
        let entity = |f: &str| self.vocabulary.form(f).is_some_and(|id| self.entities.uses(id));
        entity(form) || entity(key) || self.vocabulary.skeleton(&skeleton(key)).is_some_and(|id| self.names.uses(id))
    }

    /// Whether a token with these keys may begin an entity phrase or a name: most words do
    /// not, and `entity_at` and `name_at` need not look at them.
    pub fn opens_phrase(&self, keys: &[u32]) -> bool {
        keys.iter().any(|&key| self.entities.starts(key) || self.names.starts(key))
    }

    /// The entity phrase (state, adjective, place, organisation, title) starting at token `i`,
    /// given each token's entity keys.
    pub fn entity_at<'k>(&self, keys: impl Fn(usize) -> &'k [u32], i: usize) -> Option<Match> {
        self.entities.longest_at(keys, i, 1)
    }

    /// The person name starting at token `i`, given each token's name keys.
    pub fn name_at<'k>(&self, keys: impl Fn(usize) -> &'k [u32], i: usize) -> Option<Match> {
        self.names.longest_at(keys, i, 1)
    }

    /// How far a one-word form found by its skeleton is from this person's listed one-word names,
    /// when it is close enough to be a spelling of it rather than a common word that shares the
    /// skeleton (العربي is not العرباوي): within one edit (two for long names). A name written
    /// with the article is only read where the text writes one (`articled`): "الشرع" is a name,
    /// "شرع" ("began") is not; and only as listed, since an adjective of the same pattern is one
    /// letter from it ("العلمي", scientific, is not العليمي).
    pub fn spelling_distance(&self, person: u32, form: &str, articled: bool) -> Option<usize> {
        let names = self.single_names.get(&person)?;
        // No one-word name is near a form longer than `SHORT_WORD`.
        let mut chars = ['\0'; index::SHORT_WORD];
        let mut len = 0;
        for c in form.chars() {
            *chars.get_mut(len)? = c;
            len += 1;
        }
        let form = &chars[..len];
        let allowance = if form.len() > 6 { 2 } else { 1 };
        names
            .iter()
            .filter(|n| articled || !n.articled)
            .filter(|n| n.chars.len().abs_diff(form.len()) <= allowance)
            .map(|n| (n.articled, index::edit_distance(&n.chars, form)))
            .filter(|&(articled_name, d)| d <= allowance && (!articled_name || d == 0))
            .map(|(_, d)| d)
            .min()
    }

    /// Whether a token with these keys begins some multi-word name (a given name: "ريكس",
    /// "سيرغي").
    pub fn starts_name(&self, keys: &[u32]) -> bool {
        keys.iter().any(|&key| self.names.starts_phrase(key))
    }

    /// Whether a normalised word, as written, is a word of some person's name ("فيصل").
    pub fn is_name_word(&self, word: &str) -> bool {
        self.vocabulary.form(word).is_some_and(|id| self.name_words.contains(&id))
    }

    /// Whether a normalised word, as written, is a word of this person's names.
    pub fn is_word_of(&self, person: u32, word: &str) -> bool {
        let words = self.words_of_person.get(&person);
        self.vocabulary.form(word).is_some_and(|id| words.is_some_and(|w| w.contains(&id)))
    }

    /// People whose one-word name is within one edit of this skeleton.
    pub fn fuzzy_name(&self, skeleton: &str) -> Vec<u32> {
        self.fuzzy_names.lookup(skeleton)
    }

    /// A lexicon phrase of two or more words starting at token `i`, given each token's keys.
    /// Whether a token with these keys may begin a lexicon phrase (`phrase_at`).
    pub fn opens_lexicon_phrase(&self, keys: &[u32]) -> bool {
        keys.iter().any(|&key| self.words_exact.starts(key))
    }

    pub fn phrase_at<'k>(&self, keys: impl Fn(usize) -> &'k [u32], i: usize) -> Option<(usize, Vec<Word>)> {
        let m = self.words_exact.longest_at(keys, i, 2)?;
        let words = m
            .entities
            .into_iter()
            .filter_map(|e| match e {
                Entity::Word(w) => Some(self.words[w as usize]),
                _ => None,
            })
            .collect();
        Some((m.len, words))
    }

    /// Adds to `out` the lexicon words one token may be, given its stems and their form ids:
    /// its stems exactly, then inflected forms, then verbs with the future prefix. The first
    /// level that has hits wins.
    fn words_of(&self, stems: &Stems<'_>, form_ids: &[Option<u32>], out: &mut Vec<WordHit>) {
        let start = out.len();
        let future_verb = |word: Word| matches!(word, Word::Trigger(Trigger { is_verb: true, .. }) | Word::Cue(Cue::Motion | Cue::Support));
        for (stem, id) in stems.iter().zip(form_ids) {
            let after_article = follows_article(stems.get(0), stem);
            let words = id.and_then(|id| self.words_single.get(&id)).into_iter().flatten();
            out.extend(
                words.filter_map(|&w| as_written(WordHit { word: self.words[w as usize], future: false, pronoun: false }, after_article)),
            );
        }
        if out.len() > start {
            return;
        }
        for (stem, id) in stems.iter().zip(form_ids) {
            let after_article = follows_article(stems.get(0), stem);
            let hits = id.and_then(|id| self.inflections.get(&id)).into_iter().flatten();
            out.extend(hits.filter_map(|h| as_written(*h, after_article)));
            if let Some(rest) = stem.strip_prefix('س')
                && rest.starts_with(['ي', 'ت', 'ن', 'ا'])
            {
                let rest_id = self.vocabulary.form(rest);
                let inflected = rest_id.and_then(|id| self.inflections.get(&id)).into_iter().flatten().filter(|h| future_verb(h.word));
                out.extend(inflected.map(|h| WordHit { future: true, ..*h }));
                let bare = self.words_inflecting.get(rest).into_iter().chain(rest_id.and_then(|id| self.words_single.get(&id))).flatten();
                for &word in bare {
                    let word = self.words[word as usize];
                    if future_verb(word) {
                        out.push(WordHit { word, future: true, pronoun: false });
                    }
                }
            }
            if out.len() > start {
                break;
            }
        }
    }

    /// Builds `inflections`: every inflected form of the lexicon's inflecting forms, a listed
    /// stem plus a suffix. A noun in ة takes its suffixes on ت (زيارة → زيارته). Since ة is
    /// normalised to ه, a three-letter verb never takes the suffix ه: "وزارة" is not و + زار + ه.
    /// Each form's hits are ordered by suffix, then plain before feminine stem, then lexicon
    /// order.
    fn inflect(&mut self) {
        // Per form: each hit with its rank (suffix, feminine stem, lexicon order).
        type Ranked = Vec<((usize, bool, u32), WordHit)>;
        let mut ranked: FxHashMap<String, Ranked> = FxHashMap::default();
        for (base, ids) in &self.words_inflecting {
            for (rank, suffix) in SUFFIXES.iter().enumerate() {
                let pronoun = matches!(*suffix, "ه" | "ها" | "هما" | "هم");
                let feminine = base.strip_suffix('ه').filter(|_| pronoun).map(|b| format!("{b}ت{suffix}"));
                for (form, is_feminine) in [(Some(format!("{base}{suffix}")), false), (feminine, true)] {
                    let Some(form) = form else { continue };
                    for &id in ids {
                        let word = self.words[id as usize];
                        let verb = matches!(word, Word::Trigger(t) if t.is_verb);
                        if (is_feminine && verb) || (verb && *suffix == "ه" && base.chars().count() <= 3) {
                            continue;
                        }
                        ranked.entry(form.clone()).or_default().push(((rank, is_feminine, id), WordHit { word, future: false, pronoun }));
                    }
                }
            }
        }
        for (form, mut hits) in ranked {
            hits.sort_by_key(|(rank, _)| *rank);
            let id = self.vocabulary.form_id(&form);
            self.inflections.insert(id, hits.into_iter().map(|(_, hit)| hit).collect());
        }
    }

    /// What a whole phrase names on its own (states, adjectives, places, organisations, titles,
    /// people), read as the extractor reads text.
    pub fn lookup(&self, phrase: &str) -> Vec<Entity> {
        let tokens = tokenize(phrase);
        let mut scratch = String::new();
        let keys: Vec<Vec<u32>> = tokens
            .iter()
            .map(|t| {
                let mut keys = Vec::new();
                self.analyse_token(t, &mut scratch, &mut keys, &mut Vec::new());
                keys
            })
            .collect();
        let at = |k: usize| keys.get(k).map_or(&[][..], Vec::as_slice);
        [self.entities.longest_at(at, 0, 1), self.names.longest_at(at, 0, 1)]
            .into_iter()
            .flatten()
            .filter(|m| m.len == tokens.len())
            .flat_map(|m| m.entities)
            .collect()
    }

    /// The index of a state in `states`.
    pub fn state_id(&self, code: &str) -> Option<u32> {
        self.state_by_code.get(code).copied()
    }

    /// The index in `places` of a state's capital.
    pub fn capital(&self, code: &str) -> Option<u32> {
        self.capital_by_state.get(code).copied()
    }

    pub fn state(&self, code: &str) -> Option<&State> {
        self.state_by_code.get(code).map(|&i| &self.states[i as usize])
    }

    /// Every term of `office` in `country`.
    fn terms_of_office(&self, office: Office, country: &str) -> impl Iterator<Item = &Term> {
        self.terms_by_office
            .get(&office)
            .and_then(|by_country| by_country.get(country))
            .into_iter()
            .flatten()
            .map(|&t| &self.terms[t as usize])
    }

    /// Terms of `office` in `country` that cover `day`.
    pub fn holders(&self, office: Office, country: &str, day: NaiveDate) -> impl Iterator<Item = &Term> {
        self.terms_of_office(office, country).filter(move |t| t.covers(day))
    }

    /// Every term `person` held.
    pub fn terms_of(&self, person: u32) -> impl Iterator<Item = &Term> {
        self.terms_by_person.get(&person).into_iter().flatten().map(|&t| &self.terms[t as usize])
    }

    /// The term `person` held on `day` (the highest office when several).
    pub fn term_on(&self, person: u32, day: Option<NaiveDate>) -> Option<&Term> {
        let mut terms: Vec<&Term> = self.terms_of(person).filter(|t| day.is_none_or(|d| t.covers(d))).collect();
        terms.sort_by_key(|t| (t.office as u8, std::cmp::Reverse(t.start)));
        terms.into_iter().next()
    }
}

/// A lexicon hit as the word is written: a verb never takes the article, so after one a verb
/// of contact is its verbal noun ("التشاور", "التوجه"), a verb of travel is no travel and a verb
/// that carries a contact noun is a noun ("العقد" is a contract); and
/// "التأجيل", "الإلغاء" name a postponement already told ("أبلغه بقرار التأجيل"), they call
/// nothing off.
fn as_written(hit: WordHit, after_article: bool) -> Option<WordHit> {
    if !after_article {
        return Some(hit);
    }
    match hit.word {
        Word::Trigger(t) if t.is_verb => Some(WordHit { word: Word::Trigger(Trigger { is_verb: false, ..t }), ..hit }),
        Word::Cue(Cue::Motion | Cue::Support | Cue::Status { status: EventStatus::Cancelled, .. }) => None,
        _ => Some(hit),
    }
}

fn parse_word(row: &Row<'_>) -> Result<Word, KbError> {
    let value = row.get(2);
    let number = |v: &str| v.parse::<i64>().map_err(|_| row.error(format!("value {v:?} is not a number")));
    let cue = match row.get(1) {
        "trigger" => return parse_trigger(row, value).map(Word::Trigger),
        "agreement" => Cue::Agreement,
        "status" => {
            let (name, backward) = value.strip_suffix('<').map_or((value, false), |v| (v, true));
            let status = EventStatus::from_str_name(&format!("EVENT_STATUS_{name}"))
                .ok_or_else(|| row.error(format!("unknown status {value:?}")))?;
            Cue::Status { status, backward }
        }
        "maybe" => Cue::Maybe,
        "negpast" => Cue::NegPast,
        "negfuture" => Cue::NegFuture,
        "month" => Cue::Month(number(value)? as u32),
        "ordinal" => Cue::Ordinal(number(value)? as u32),
        "weekday" => Cue::Weekday(number(value)? as u32),
        "relday" => Cue::RelDay(number(value)?),
        "days" => Cue::Days(number(value)?),
        "reldir" => Cue::RelDir(number(value)?),
        "season" => Cue::Season(number(value)? as u32),
        "unit" => Cue::Unit(match value {
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            "end" => Unit::End,
            _ => return Err(row.error(format!("unknown unit {value:?}"))),
        }),
        "complementizer" => Cue::Complementizer,
        "clause" => Cue::Clause,
        "institution" => Cue::Institution,
        "placeword" => Cue::PlaceWord,
        "capitalword" => Cue::CapitalWord,
        "motion" => Cue::Motion,
        "support" => Cue::Support,
        "includes" => Cue::Includes,
        "report" => Cue::Report,
        "between" => Cue::Between,
        "with" => Cue::With,
        "from" => Cue::From,
        "in" => Cue::In,
        "to" => Cue::To,
        "about" => Cue::About,
        "at" => Cue::At,
        "sideline" => Cue::Sideline,
        "margin" => Cue::Margin,
        "resident" => Cue::Resident,
        "plural_title" => Cue::PluralTitle,
        "agency" => Cue::Agency(
            value
                .as_bytes()
                .try_into()
                .ok()
                .filter(|c: &[u8; 3]| c.iter().all(u8::is_ascii_uppercase))
                .ok_or_else(|| row.error(format!("agency value {value:?} is not a state code")))?,
        ),
        "agent" => Cue::Agent,
        "counterpart" => Cue::Counterpart,
        "phone" => Cue::Phone,
        "sports" => Cue::Sports,
        "deputy" => Cue::Deputy,
        "generic" => Cue::Generic,
        "first" => Cue::First,
        "many" => Cue::Many,
        "since" => Cue::Since,
        "pair" if value.is_empty() => Cue::Pair(None),
        "pair" => Cue::Pair(Some(Office::parse(value).ok_or_else(|| row.error(format!("unknown office {value:?}")))?)),
        "group" => Cue::Group,
        "heads" => Cue::Heads,
        "presence" => Cue::Presence,
        "cargo" => Cue::Cargo,
        "honorific" => Cue::Honorific,
        "perfect" => Cue::Perfect,
        "invitation" => Cue::Invitation,
        "part" => Cue::PartOf,
        "former" => Cue::Former,
        "then" => Cue::AtTheTime,
        "pronoun" if value.is_empty() => Cue::Pronoun(None),
        "pronoun" => Cue::Pronoun(Some(Office::parse(value).ok_or_else(|| row.error(format!("unknown office {value:?}")))?)),
        other => return Err(row.error(format!("unknown lexicon class {other:?}"))),
    };
    Ok(Word::Cue(cue))
}

fn parse_trigger(row: &Row<'_>, value: &str) -> Result<Trigger, KbError> {
    let parts: Vec<&str> = value.split(',').collect();
    let bad = || row.error(format!("trigger value {value:?} is not TYPE,MODE,CAMEO,POS[,dest][,owned][,phoned][,each]"));
    let [kind, mode, cameo, pos, rest @ ..] = parts.as_slice() else { return Err(bad()) };
    let event_type = EventType::from_str_name(&format!("EVENT_TYPE_{kind}")).ok_or_else(bad)?;
    let mode = match *mode {
        "-" => ConsultMode::Unspecified,
        m => ConsultMode::from_str_name(&format!("CONSULT_MODE_{m}")).ok_or_else(bad)?,
    };
    let is_verb = match *pos {
        "verb" => true,
        "noun" => false,
        _ => return Err(bad()),
    };
    let cameo = cameo.parse::<u16>().map_err(|_| bad())?;
    if rest.iter().any(|flag| !matches!(*flag, "dest" | "owned" | "phoned" | "each" | "toured")) {
        return Err(bad());
    }
    Ok(Trigger {
        event_type,
        mode,
        cameo,
        is_verb,
        takes_destination: rest.contains(&"dest"),
        needs_owner: rest.contains(&"owned"),
        needs_phone: rest.contains(&"phoned"),
        with_each: rest.contains(&"each"),
        needs_stops: rest.contains(&"toured"),
    })
}
