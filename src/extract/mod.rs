//! Extraction: one article's text → analysis → mentions → drafts (one per trigger) → one
//! event per happening. Pure and thread-safe: an `Extractor` is shared across threads, and an
//! article's events depend on nothing but the article and the knowledge base.

mod analysis;
mod cities;
mod dateline;
mod dates;
mod dedupe;
mod envoys;
mod events;
mod forms;
mod home;
mod mentions;
mod occasions;

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;

use crate::article::parse_published_at;
use crate::kb::{Kb, KbError};
use crate::proto::{self, ActorKind, Article, DatePrecision, ExtractResponse};

use dates::Precision;
use events::{Draft, Who};
pub use forms::FormCache;

/// The most evidence windows an event carries: a happening told a hundred times in one article
/// (a long run repeating one sentence) is one event, and its answer stays small.
pub const MAX_EVIDENCE: usize = 8;

/// Extracts events from articles with a loaded knowledge base. Cheap to share across threads.
pub struct Extractor {
    kb: Kb,
    /// Tells a `FormCache` which extractor analysed the forms it holds.
    identity: Arc<()>,
    /// The form caches of `extract`'s callers, each taken by one caller at a time: there are
    /// as many as have extracted at once, each bounded.
    caches: Mutex<Vec<FormCache>>,
}

impl Extractor {
    fn new(kb: Kb) -> Self {
        Extractor { kb, identity: Arc::new(()), caches: Mutex::new(Vec::new()) }
    }

    /// The extractor with the knowledge base embedded in the binary (`data/`).
    pub fn embedded() -> Result<Self, KbError> {
        Ok(Extractor::new(Kb::embedded()?))
    }

    /// The embedded knowledge base, with the files of `overlay` on top when given.
    pub fn load(overlay: Option<&Path>) -> Result<Self, KbError> {
        Ok(Extractor::new(Kb::load(overlay)?))
    }

    /// Extracts the events of one article. Never fails: problems become `warnings`.
    /// Word forms analysed for earlier articles are reused (see `extract_with`).
    pub fn extract(&self, article: &Article) -> ExtractResponse {
        self.extract_until(article, &|| false).unwrap_or_default()
    }

    /// `extract` for a caller that may stop wanting the result (a request whose deadline
    /// passed): `stop` is asked between the stages, and once it says so the work ends, with none.
    pub fn extract_until(&self, article: &Article, stop: &dyn Fn() -> bool) -> Option<ExtractResponse> {
        let taken = self.caches.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut cache = taken.unwrap_or_default();
        let response = self.extract_with_until(article, &mut cache, stop);
        self.caches.lock().unwrap_or_else(PoisonError::into_inner).push(cache);
        response
    }

    /// `extract`, reusing the word forms `cache` holds from earlier articles and adding this
    /// article's. The events are the same whatever the cache holds.
    pub fn extract_with(&self, article: &Article, cache: &mut FormCache) -> ExtractResponse {
        self.extract_with_until(article, cache, &|| false).unwrap_or_default()
    }

    fn extract_with_until(&self, article: &Article, cache: &mut FormCache, stop: &dyn Fn() -> bool) -> Option<ExtractResponse> {
        let mut warnings = Vec::new();
        let published = match parse_published_at(&article.published_at) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                warnings.push("publication date unknown: relative dates stay unresolved".to_string());
                None
            }
            Err(e) => {
                warnings.push(format!("{e}: relative dates stay unresolved"));
                None
            }
        };
        cache.prepare(&self.identity);
        let drafts = self.drafts(&article.text, &article.url, published, cache, stop)?;
        let mut offsets = CharOffsets { text: &article.text, known: vec![(0, 0)] };
        let events = drafts.iter().enumerate().map(|(n, d)| self.to_proto(article, n, d, published, &mut offsets)).collect();
        Some(ExtractResponse { article_id: article.id.clone(), events, warnings })
    }

    /// The article's events, stage by stage (text → mentions → drafts → one per happening); none
    /// once `stop` says so between two stages.
    fn drafts(
        &self,
        text: &str,
        url: &str,
        published: Option<NaiveDate>,
        cache: &mut FormCache,
        stop: &dyn Fn() -> bool,
    ) -> Option<Vec<Draft>> {
        let a = analysis::Analysis::new(&self.kb, text, cache);
        if stop() {
            return None;
        }
        let dateline = dateline::dateline(&self.kb, &a);
        let home = home::home_state(&a, dateline.as_ref(), self.kb.outlets.state_of(url));
        let mentions = mentions::mentions(&self.kb, &a, home.clone());
        if stop() {
            return None;
        }
        for m in &mentions {
            tracing::trace!(text = &text[a.tokens[m.first].start..a.tokens[m.end - 1].end], kind = ?m.kind, "mention");
        }
        let builder = events::Builder { kb: &self.kb, a: &a, mentions: &mentions, dates: &dates::find_dates(&a, published), published };
        let drafts = builder.drafts();
        if stop() {
            return None;
        }
        for d in &drafts {
            let (start, end) = d.evidence[0].1;
            tracing::trace!(
                trigger = &text[start..end],
                status = ?d.status,
                sides = ?d.sides,
                date = ?d.date.map(|d| d.start),
                named = d.named_people,
                "draft"
            );
        }
        let mut events = dedupe::one_per_happening(drafts, published);
        if let Some(dateline) = &dateline {
            dateline::place_at_dateline(&mut events, dateline, published);
        }
        if let Some(state) = home.as_deref().and_then(|code| self.kb.state(code)) {
            home::place_visits_at_home(&mut events, state);
        }
        envoys::place_meetings_with_envoys(&mut events, &self.kb);
        cities::name_the_city(&mut events, &self.kb, &mentions);
        occasions::date_and_place_meetings_during_visits(&mut events);
        occasions::date_and_place_agreements(&mut events, published);
        occasions::place_events_of_one_occasion(&mut events, published);
        occasions::name_states_by_their_people(&mut events, published);
        Some(events)
    }

    fn to_proto(&self, article: &Article, n: usize, d: &Draft, published: Option<NaiveDate>, offsets: &mut CharOffsets) -> proto::Event {
        let kb = &self.kb;
        let text = &article.text;
        let participants = d
            .sides
            .iter()
            .map(|s| match &s.who {
                Who::Person { person, role, name_ar } => {
                    let p = &kb.people[*person as usize];
                    proto::Participant {
                        actor_id: ["person/", &p.id].concat(),
                        kind: ActorKind::Person as i32,
                        name_en: p.name_en.clone(),
                        name_ar: name_ar.as_str().to_owned(),
                        country: s.country.as_str().to_owned(),
                        role: role.as_str().to_owned(),
                        actor_code: [s.country.as_str(), "GOV"].concat(),
                    }
                }
                // Someone the knowledge base does not know: named as the article wrote them, in
                // a Latin spelling of that, and known by their state and that spelling (which
                // the variants of a letter do not change).
                Who::State { role, name_ar } if !name_ar.is_empty() => {
                    let name_en = crate::text::romanise(name_ar);
                    proto::Participant {
                        actor_id: unlisted_person_id(&s.country, &name_en),
                        kind: ActorKind::Person as i32,
                        name_en,
                        name_ar: name_ar.as_str().to_owned(),
                        country: s.country.as_str().to_owned(),
                        role: role.as_str().to_owned(),
                        actor_code: [s.country.as_str(), "GOV"].concat(),
                    }
                }
                Who::State { role, .. } => proto::Participant {
                    actor_id: ["state/", s.country.as_str()].concat(),
                    kind: ActorKind::State as i32,
                    name_en: kb.state(&s.country).map(|st| st.name_en.clone()).unwrap_or_default(),
                    name_ar: String::new(),
                    country: s.country.as_str().to_owned(),
                    role: role.as_str().to_owned(),
                    actor_code: [s.country.as_str(), if role.is_empty() { "" } else { "GOV" }].concat(),
                },
                // An organisation, or an officer of it (of no state).
                Who::Organisation { organisation, person, name_ar, role } => {
                    let org = &kb.organisations[*organisation as usize];
                    let (actor_id, kind, name_en, name_ar) = match person {
                        Some(p) => {
                            let p = &kb.people[*p as usize];
                            (["person/", &p.id].concat(), ActorKind::Person, p.name_en.clone(), name_ar.to_string())
                        }
                        None if !name_ar.is_empty() => {
                            let name_en = crate::text::romanise(name_ar);
                            (unlisted_person_id(&org.id, &name_en), ActorKind::Person, name_en, name_ar.to_string())
                        }
                        None => (format!("org/{}", org.id), ActorKind::Organisation, org.name_en.clone(), org.name_ar.clone()),
                    };
                    proto::Participant {
                        actor_id,
                        kind: kind as i32,
                        name_en,
                        name_ar,
                        country: String::new(),
                        role: role.as_str().to_owned(),
                        actor_code: org.cameo.clone(),
                    }
                }
            })
            .collect();
        let date = match d.date {
            Some(v) => Some(proto::EventDate {
                start: v.start_text(),
                end: v.end.map(|e| e.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                precision: match v.precision {
                    Precision::Day => DatePrecision::Day,
                    Precision::Month => DatePrecision::Month,
                    Precision::Year => DatePrecision::Year,
                    Precision::Range => DatePrecision::Range,
                } as i32,
                from_publication: false,
                weekday: String::new(),
            }),
            None if d.status == proto::EventStatus::Occurred && published.is_some() => published.map(|p| proto::EventDate {
                start: p.format("%Y-%m-%d").to_string(),
                end: String::new(),
                precision: DatePrecision::Day as i32,
                from_publication: true,
                weekday: String::new(),
            }),
            None => d.weekday.map(|w| proto::EventDate { weekday: dates::weekday_name(w).into(), ..Default::default() }),
        };
        let evidence = d
            .evidence
            .iter()
            .take(MAX_EVIDENCE)
            .map(|&((s, e), (ts, te))| proto::Evidence {
                sentence: text[s..e].to_owned(),
                start: offsets.at(s),
                end: offsets.at(e),
                trigger: text[ts..te].to_owned(),
            })
            .collect();
        let topics = d
            .topics
            .iter()
            .filter_map(|c| kb.state(c))
            .map(|s| proto::Topic { name_en: s.name_en.clone(), name_ar: s.name_ar.clone(), country: s.code.clone() })
            .collect();
        let confidence =
            (0.5 + 0.15 * d.named_people.min(2) as f32 + if d.date_explicit { 0.1 } else { 0.0 } + 0.05 * (d.evidence.len().min(2) as f32))
                .min(1.0);
        proto::Event {
            id: format!("{}#{}", article.id, n + 1),
            event_type: d.event_type as i32,
            cameo_code: format!("{:03}", d.cameo),
            mode: d.mode as i32,
            status: d.status as i32,
            participants,
            date,
            location: d.location.as_ref().map(|l| proto::Location {
                name_en: l.name_en.as_str().to_owned(),
                name_ar: l.name_ar.as_str().to_owned(),
                country: l.country.as_str().to_owned(),
                whole_country: !l.specific,
            }),
            topics,
            evidence,
            confidence,
            // Cross-article fields are the merge layer's.
            ..Default::default()
        }
    }
}

/// Character offsets (what `Evidence` counts) of byte offsets into one text, each counted on
/// from the nearest offset asked before it: an article's text is counted about once.
struct CharOffsets<'t> {
    text: &'t str,
    /// (byte offset, character offset) pairs asked so far, in order, from (0, 0).
    known: Vec<(usize, usize)>,
}

impl CharOffsets<'_> {
    fn at(&mut self, byte: usize) -> u32 {
        let k = self.known.partition_point(|&(b, _)| b <= byte);
        let (from, chars) = self.known[k - 1];
        let chars = chars + self.text[from..byte].chars().count();
        if from < byte {
            self.known.insert(k, (byte, chars));
        }
        chars as u32
    }
}

/// The id of someone the knowledge base does not know: the state or organisation they are of
/// and the Latin spelling of their name (which the variants of a letter do not change).
fn unlisted_person_id(of: &str, name_en: &str) -> String {
    format!("person/{}/{}", of, name_en.to_lowercase().replace(' ', "-"))
}
