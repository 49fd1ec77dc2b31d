//! Unit tests of the merge decision, the fold and the engine on hand-built reports.

use super::*;
use crate::proto::{ActorKind, ConsultMode, DatePrecision, EventDate, EventStatus, EventType, Location, Participant};

fn person(id: &str, country: &str) -> Participant {
    Participant { actor_id: format!("person/{id}"), kind: ActorKind::Person.into(), country: country.into(), ..Default::default() }
}

fn state(country: &str) -> Participant {
    Participant { actor_id: format!("state/{country}"), kind: ActorKind::State.into(), country: country.into(), ..Default::default() }
}

fn day(d: &str, from_publication: bool) -> Option<EventDate> {
    Some(EventDate { start: d.into(), precision: DatePrecision::Day.into(), from_publication, ..Default::default() })
}

fn consult(status: EventStatus, mode: ConsultMode, who: Vec<Participant>, date: Option<EventDate>, place: &str) -> Event {
    Event {
        event_type: EventType::Consult.into(),
        status: status.into(),
        mode: mode.into(),
        participants: who,
        date,
        location: (!place.is_empty()).then(|| Location { name_en: place.into(), ..Default::default() }),
        ..Default::default()
    }
}

fn lavrov_pompeo() -> Vec<Participant> {
    vec![person("sergey-lavrov", "RUS"), person("mike-pompeo", "USA")]
}

fn article(id: &str, published: &str, source: &str) -> Article {
    Article { id: id.into(), published_at: published.into(), source: source.into(), ..Default::default() }
}

fn compare_events(config: &MergeConfig, a: &Event, b: &Event) -> Comparison {
    compare(config, &Identity::of(a), &Identity::of(b))
}

fn run(merger: &mut Merger, store: &mut MemoryStore, ids: &mut EventIds, a: &Article, events: Vec<Event>) -> Vec<Change> {
    let extraction = ExtractResponse { article_id: a.id.clone(), events, warnings: vec![] };
    let Ok(changes) = merger.plan(store, a, extraction, ids);
    changes
}

#[test]
fn a_state_pair_matches_its_ministers_and_explains_why() {
    let config = MergeConfig::default();
    let named = consult(EventStatus::Occurred, ConsultMode::Phone, lavrov_pompeo(), day("2018-06-19", false), "");
    let states = consult(EventStatus::Occurred, ConsultMode::Phone, vec![state("RUS"), state("USA")], day("2018-06-19", true), "");
    let c = compare_events(&config, &named, &states);
    assert_eq!(c.veto, None);
    assert_eq!(c.agreed, ["event_type", "date", "participants", "mode"]);
    assert!(c.merges(&config), "{c:?}");
    // Another Russian minister is another meeting.
    let shoigu = consult(
        EventStatus::Occurred,
        ConsultMode::Phone,
        vec![person("sergei-shoigu", "RUS"), person("mike-pompeo", "USA")],
        day("2018-06-19", false),
        "",
    );
    assert_eq!(compare_events(&config, &named, &shoigu).veto, Some("participants"));
}

#[test]
fn different_occurrences_of_one_pair_never_merge() {
    let config = MergeConfig::default();
    let call = consult(EventStatus::Occurred, ConsultMode::Phone, lavrov_pompeo(), day("2018-06-19", false), "");
    let sochi = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let washington = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-12-10", false), "Washington");
    for (a, b) in [(&call, &sochi), (&sochi, &washington), (&call, &washington)] {
        assert!(!compare_events(&config, a, b).merges(&config));
    }
    // A vague "in 2019" report joins neither, and cannot bridge the two 2019 meetings.
    let mut merger = Merger::new(config);
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![sochi]);
    run(&mut merger, &mut store, &mut ids, &article("b", "2019-12-10", "x"), vec![washington]);
    let vague = Event {
        date: Some(EventDate { start: "2019".into(), precision: DatePrecision::Year.into(), ..Default::default() }),
        ..consult(EventStatus::Occurred, ConsultMode::Unspecified, lavrov_pompeo(), None, "")
    };
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "2020-01-10", "y"), vec![vague]);
    assert_eq!(changes[0].kind, UpdateKind::Created);
    assert_eq!(store.events.len(), 3);
}

#[test]
fn announcement_then_report_then_correction_move_the_status() {
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    let planned = consult(EventStatus::Planned, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let occurred = consult(EventStatus::Occurred, ConsultMode::Unspecified, vec![state("RUS"), state("USA")], day("2019-05-14", true), "");
    let created = run(&mut merger, &mut store, &mut ids, &article("a1", "2019-05-12", "tass.ru"), vec![planned]);
    assert_eq!(created[0].kind, UpdateKind::Created);
    let changed = run(&mut merger, &mut store, &mut ids, &article("a2", "2019-05-14", "https://www.youm7.com/x"), vec![occurred]);
    assert_eq!(changed.len(), 1);
    let c = &changed[0];
    assert_eq!((c.kind, c.number), (UpdateKind::StatusChanged, 1));
    assert!(c.changed_fields.contains(&"status".to_string()) && c.changed_fields.contains(&"num_sources".to_string()));
    let e = &c.event;
    assert_eq!(e.status(), EventStatus::Occurred);
    assert_eq!((e.num_articles, e.num_sources, e.article_ids.clone()), (2, 2, vec!["a1".to_string(), "a2".to_string()]));
    assert_eq!(e.location.as_ref().unwrap().name_en, "Sochi");
    // The named ministers stand for their states.
    assert_eq!(e.participants.iter().map(|p| p.actor_id.as_str()).collect::<Vec<_>>(), ["person/mike-pompeo", "person/sergey-lavrov"]);
    let status = e.provenance.iter().find(|p| p.field == "status" && p.value == "EVENT_STATUS_PLANNED").unwrap();
    assert_eq!(status.article_ids, ["a1"]);
    assert!(e.conflicts.is_empty());
}

#[test]
fn a_report_that_bridges_two_events_merges_them_in_any_order() {
    let early = consult(EventStatus::Planned, ConsultMode::Unspecified, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let late = consult(EventStatus::Occurred, ConsultMode::Phone, vec![state("RUS"), state("USA")], day("2019-05-14", true), "");
    let bridge = consult(EventStatus::Occurred, ConsultMode::Phone, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    // early and late alone score below the threshold (no shared mode or place)...
    let config = MergeConfig { threshold: 4.5, ..MergeConfig::default() };
    assert!(!compare_events(&config, &early, &late).merges(&config));
    let inputs = [("a", early), ("b", late), ("c", bridge)];
    let mut finals = Vec::new();
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1]] {
        let mut merger = Merger::new(config.clone());
        let mut store = MemoryStore::default();
        let mut ids = EventIds::new(1);
        let mut kinds = Vec::new();
        for i in order {
            let (id, e) = &inputs[i];
            kinds.extend(
                run(&mut merger, &mut store, &mut ids, &article(id, "2019-05-14", id), vec![e.clone()]).into_iter().map(|c| c.kind),
            );
        }
        if order == [0, 1, 2] {
            assert_eq!(kinds, [UpdateKind::Created, UpdateKind::Created, UpdateKind::Merged]);
        }
        assert_eq!(store.events.len(), 1);
        let mut e = store.events.values().next().unwrap().clone();
        e.id.clear();
        finals.push(e);
    }
    assert!(finals.windows(2).all(|w| w[0] == w[1]), "{finals:#?}");
}

#[test]
fn conflicting_reports_stay_visible() {
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    let held = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let called_off = consult(EventStatus::Cancelled, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![held]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "2019-05-15", "y"), vec![called_off]);
    let e = &changes[0].event;
    assert_eq!(e.status(), EventStatus::Cancelled);
    assert_eq!(e.conflicts.len(), 1);
    assert_eq!(
        (e.conflicts[0].field.as_str(), e.conflicts[0].others.as_slice()),
        ("status", ["EVENT_STATUS_OCCURRED".to_string()].as_slice())
    );
}

#[test]
fn hosts_of_urls() {
    assert_eq!(host("https://www.youm7.com/story/1?x"), "www.youm7.com");
    assert_eq!(host("aawsat.com/home"), "aawsat.com");
    assert_eq!(host(""), "");
}

/// A deterministic generator (splitmix64) for the property tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Report `i` of one event, each field drawn from a few values that collide often (the same
/// place or actor written differently, explicit and publication-day dates, every status).
fn random_report(rng: &mut Rng, i: usize) -> Report {
    let statuses = [
        EventStatus::Unspecified,
        EventStatus::Occurred,
        EventStatus::Planned,
        EventStatus::Proposed,
        EventStatus::Negated,
        EventStatus::Cancelled,
    ];
    let date = match rng.below(5) {
        0 => None,
        1 => day(["2019-05-14", "2019-05-15"][rng.below(2)], true),
        2 => day(["2019-05-14", "2019-05-16"][rng.below(2)], false),
        3 => Some(EventDate { start: "2019-05".into(), precision: DatePrecision::Month.into(), ..Default::default() }),
        _ => Some(EventDate {
            start: "2019-05-14".into(),
            end: "2019-05-15".into(),
            precision: DatePrecision::Range.into(),
            ..Default::default()
        }),
    };
    let place = |en: &str, ar: &str, country: &str| Location {
        name_en: en.into(),
        name_ar: ar.into(),
        country: country.into(),
        ..Default::default()
    };
    let location = match rng.below(5) {
        0 => None,
        1 => Some(place("Sochi", "سوتشي", "RUS")),
        2 => Some(place("Sochi", "سوتشى", "RUS")),
        3 => Some(place("", "", "RUS")),
        _ => Some(place("Washington", "واشنطن", "USA")),
    };
    let mut lavrov = person("sergey-lavrov", "RUS");
    lavrov.name_ar = ["لافروف", "سيرغي لافروف"][rng.below(2)].into();
    let pool = [lavrov, person("mike-pompeo", "USA"), state("RUS"), state("USA"), state("SYR")];
    let participants = pool.into_iter().filter(|_| rng.below(2) == 0).collect();
    let topic = |ar: &str| crate::proto::Topic { name_en: "Syria".into(), name_ar: ar.into(), country: "SYR".into() };
    let topics = match rng.below(3) {
        0 => vec![],
        1 => vec![topic("سوريا")],
        _ => vec![topic("سورية")],
    };
    let event = Event {
        event_type: [EventType::Consult, EventType::Agree][rng.below(2)].into(),
        cameo_code: ["040", "043", "036"][rng.below(3)].into(),
        mode: rng.below(5) as i32,
        status: statuses[rng.below(statuses.len())].into(),
        participants,
        date,
        location,
        topics,
        evidence: vec![crate::proto::Evidence { sentence: format!("sentence {i}"), ..Default::default() }],
        confidence: rng.below(100) as f32 / 100.0,
        ..Default::default()
    };
    Report {
        article_id: format!("a{:02}", rng.below(1000)) + &format!("-{i}"),
        source: ["", "tass.ru", "aawsat.com"][rng.below(3)].into(),
        published: format!("2019-05-{:02}", 10 + rng.below(5)),
        index: rng.below(3) as u32,
        event: Some(event),
        ..Default::default()
    }
}

#[test]
fn a_fold_does_not_depend_on_the_order_or_grouping_of_its_reports() {
    let mut rng = Rng(7);
    for round in 0..400 {
        let n = 1 + round % 30;
        let reports: Vec<Report> = (0..n).map(|i| random_report(&mut rng, i)).collect();
        let folded = fold(9, &reports);
        let mut shuffled: Vec<&Report> = reports.iter().collect();
        rng.shuffle(&mut shuffled);
        assert_eq!(fold(9, shuffled.iter().copied()), folded, "round {round}: shuffled");
        let (a, b) = shuffled.split_at(rng.below(n + 1));
        let mut tally = Tally::of_reports(a.iter().copied());
        tally.absorb(Tally::of_reports(b.iter().copied()));
        assert_eq!(tally.event(9), folded, "round {round}: two tallies absorbed");
        assert_eq!(tally.len(), n);
    }
}

/// A merger with the default configuration over an empty store.
fn engine() -> (Merger, MemoryStore, EventIds) {
    (Merger::new(MergeConfig::default()), MemoryStore::default(), EventIds::new(1))
}

#[test]
fn one_happening_told_twice_in_an_article_is_one_report_that_other_articles_join() {
    let (mut merger, mut store, mut ids) = engine();
    let named = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let mut states =
        consult(EventStatus::Occurred, ConsultMode::Unspecified, vec![state("RUS"), state("USA")], day("2019-05-14", true), "");
    states.evidence = vec![crate::proto::Evidence { sentence: "again".into(), ..Default::default() }];
    let created = run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![named.clone(), states]);
    assert_eq!(created.len(), 1, "{created:?}");
    let reports = &store.reports[&1];
    assert_eq!((reports.len(), reports[0].index), (1, 0));
    assert_eq!(reports[0].event.as_ref().unwrap().evidence.len(), 1, "the repeat's evidence is kept");
    // Another outlet's report joins the one event; nothing is left to block it.
    let joined = run(&mut merger, &mut store, &mut ids, &article("b", "2019-05-14", "y"), vec![named]);
    assert_eq!(joined[0].number, 1);
    assert_eq!(store.events.len(), 1);
}

#[test]
fn events_an_article_tells_apart_by_place_or_outcome_stay_apart() {
    let (mut merger, mut store, mut ids) = engine();
    let sochi = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let moscow = consult(EventStatus::Planned, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-13", false), "Moscow");
    let called_off = consult(EventStatus::Cancelled, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![sochi, moscow, called_off]);
    assert_eq!(store.events.len(), 3);
}

/// The Sochi talks, dated, and an undated report of them (its article had no publication day).
fn sochi_dated_and_undated() -> (Event, Event) {
    let dated = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let undated = consult(EventStatus::Occurred, ConsultMode::Unspecified, lavrov_pompeo(), None, "Sochi");
    (dated, undated)
}

#[test]
fn an_undated_report_joins_the_one_dated_event_it_fits_and_says_so() {
    let (mut merger, mut store, mut ids) = engine();
    let (dated, undated) = sochi_dated_and_undated();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1));
    let e = &changes[0].event;
    assert_eq!(e.date.as_ref().unwrap().start, "2019-05-14");
    let placed = e.provenance.iter().find(|p| p.field == "date" && p.value == fold::UNDATED).expect("undated provenance");
    assert_eq!(placed.article_ids, ["b"]);
    let conflict = e.conflicts.iter().find(|c| c.field == "date").expect("date conflict");
    assert_eq!((conflict.chosen.as_str(), conflict.others.as_slice()), ("2019-05-14", [fold::UNDATED.to_string()].as_slice()));
}

#[test]
fn an_undated_report_stays_apart_when_two_events_fit_or_none_is_dated() {
    let (dated, undated) = sochi_dated_and_undated();
    // Two meetings in Sochi three months apart: the undated report could be either.
    let (mut merger, mut store, mut ids) = engine();
    let in_august = Event { date: day("2019-08-15", false), ..dated.clone() };
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "2019-08-15", "x"), vec![in_august]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "y"), vec![undated.clone()]);
    assert_eq!(changes[0].kind, UpdateKind::Created);
    // Only undated events: nothing places the report in time.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![undated.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated.clone()]);
    assert_eq!(changes[0].kind, UpdateKind::Created);
    // Neither the place nor the mode agrees: the sides alone do not place it.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    let nowhere = Event { location: None, participants: vec![state("RUS"), state("USA")], ..undated.clone() };
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![nowhere])[0].kind, UpdateKind::Created);
    // Another minister of the same state, or another outcome, does not fit.
    let shoigu = Event { participants: vec![person("sergei-shoigu", "RUS"), person("mike-pompeo", "USA")], ..undated.clone() };
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("c", "", "y"), vec![shoigu])[0].kind, UpdateKind::Created);
    let called_off = Event { status: EventStatus::Cancelled.into(), ..undated };
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("d", "", "y"), vec![called_off])[0].kind, UpdateKind::Created);
}

#[test]
fn an_undated_report_that_fits_two_days_of_one_visit_makes_them_one_event() {
    let (dated, undated) = sochi_dated_and_undated();
    let third_day = Event { date: day("2019-05-16", false), ..dated.clone() };
    // The first and the third day of the visit, each told by its own article: two days apart,
    // beyond the tolerance, so two events until a report of the visit with no date fits both.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "2019-05-16", "x"), vec![third_day.clone()]);
    assert_eq!(store.events.len(), 2);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "y"), vec![undated.clone()]);
    assert_eq!((changes[0].kind, changes[0].number, changes[0].merged), (UpdateKind::Merged, 1, Some(2)));
    assert_eq!(store.events.len(), 1);
    assert_eq!(store.events[&1].span.as_ref().unwrap().end, "2019-05-16", "the event spans both days");
    // Not days of one happening: another place, days a week or more apart, or plans that
    // announce two days (a visit and the meeting within it).
    let in_moscow = Event { location: Some(Location { name_en: "Moscow".into(), ..Default::default() }), ..third_day.clone() };
    let a_week_on = Event { date: day("2019-05-21", false), ..dated.clone() };
    let plan = |e: &Event| Event { status: EventStatus::Planned.into(), ..e.clone() };
    let placeless = Event { location: None, mode: ConsultMode::Visit.into(), ..undated.clone() };
    for (first, second, report) in
        [(&dated, &in_moscow, &placeless), (&dated, &a_week_on, &undated), (&plan(&dated), &plan(&third_day), &plan(&undated))]
    {
        let (mut merger, mut store, mut ids) = engine();
        run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![first.clone()]);
        run(&mut merger, &mut store, &mut ids, &article("b", "2019-05-16", "x"), vec![second.clone()]);
        let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "y"), vec![report.clone()]);
        assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
        assert_eq!(store.events.len(), 3);
    }
}

#[test]
fn a_bare_undated_report_joins_the_one_dated_event_of_the_same_people_at_the_same_stage() {
    // "Lavrov and Pompeo met": no place, no mode, both sides named by their people.
    let (dated, undated) = sochi_dated_and_undated();
    let bare = Event { location: None, ..undated };
    let identity = Identity::of(&bare);
    assert!(identity.bare_of_the_same_people(&Identity::of(&dated)) && Identity::of(&dated).bare_of_the_same_people(&identity));
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![bare.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1));
    // The other order: the dated report places the bare one told before it.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![bare.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    assert_eq!(store.events.len(), 1);
    // Not at another stage (held against a plan: the plan may be of the next occurrence), not
    // with one side named only by its state, and not for an agreement, which gives no mode.
    let planned = Event { status: EventStatus::Planned.into(), ..dated.clone() };
    let one_side = Event { participants: vec![person("sergey-lavrov", "RUS"), state("USA")], ..bare.clone() };
    let agreed = |e: &Event| Event { event_type: EventType::Agree.into(), mode: ConsultMode::Unspecified.into(), ..e.clone() };
    for (stored, report) in [(planned, bare.clone()), (dated.clone(), one_side), (agreed(&dated), agreed(&bare))] {
        assert!(!Identity::of(&report).bare_of_the_same_people(&Identity::of(&stored)));
        let (mut merger, mut store, mut ids) = engine();
        run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![stored]);
        let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![report]);
        assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
    }
}

#[test]
fn an_undated_report_of_another_weekday_is_another_occurrence() {
    let (dated, undated) = sochi_dated_and_undated();
    let on = |weekday: &str| Event { date: Some(EventDate { weekday: weekday.into(), ..Default::default() }), ..undated.clone() };
    // 14 May 2019 was a Tuesday: "today Monday" is another visit, "today Tuesday" may be this one.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![on("monday")])[0].kind, UpdateKind::Created);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![on("tuesday")]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1));
}

#[test]
fn an_undated_report_of_a_meeting_does_not_join_a_mere_proposal() {
    let (mut merger, mut store, mut ids) = engine();
    let (dated, undated) = sochi_dated_and_undated();
    // "Lavrov proposed meeting Pompeo in Sochi", dated only by its article: no day given.
    let proposed = Event { status: EventStatus::Proposed.into(), date: day("2019-05-14", true), ..dated.clone() };
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![proposed]);
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated.clone()])[0].kind, UpdateKind::Created);
    // A proposal that gives its day announces the meeting as a plan does: the report joins it.
    let (mut merger, mut store, mut ids) = engine();
    let proposed = Event { status: EventStatus::Proposed.into(), ..dated };
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-12", "x"), vec![proposed]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::StatusChanged, 1));
    assert_eq!(changes[0].event.status(), EventStatus::Occurred);
}

#[test]
fn a_dated_report_takes_the_one_undated_event_it_places_as_if_it_had_come_first() {
    let (dated, undated) = sochi_dated_and_undated();
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![undated.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "2019-05-14", "y"), vec![dated.clone()]);
    assert_eq!((changes.len(), changes[0].kind, changes[0].number), (1, UpdateKind::Updated, 1), "{changes:?}");
    assert_eq!(changes[0].event.date.as_ref().unwrap().start, "2019-05-14");
    assert_eq!(store.reports[&1].len(), 2);
    // The undated events of two reports could each be this happening or an earlier one that
    // no dated report told: neither is placed.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![undated.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "2019-05-14", "z"), vec![dated.clone()]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 3));
}

#[test]
fn an_undated_event_that_fits_another_dated_event_is_not_placed_by_a_new_one() {
    let (dated, undated) = sochi_dated_and_undated();
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![undated.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("c", "2019-05-14", "z"), vec![dated.clone()]);
    // Each undated event fits the visit of May and the one of August alike.
    let in_august = Event { date: day("2019-08-15", false), ..dated.clone() };
    let changes = run(&mut merger, &mut store, &mut ids, &article("d", "2019-08-15", "z"), vec![in_august]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 4));
    // The weekday of "today Thursday" fits 15 August, not 14 May (a Tuesday): placed.
    let thursday = Event { date: Some(EventDate { weekday: "thursday".into(), ..Default::default() }), ..undated };
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![thursday]);
    run(&mut merger, &mut store, &mut ids, &article("c", "2019-05-14", "z"), vec![dated.clone()]);
    let in_august = Event { date: day("2019-08-15", false), ..dated };
    let changes = run(&mut merger, &mut store, &mut ids, &article("d", "2019-08-15", "z"), vec![in_august]);
    assert_eq!(changes.iter().map(|c| (c.number, c.kind)).collect::<Vec<_>>(), [(1, UpdateKind::Updated)]);
}

/// Lavrov and Pompeo in Sochi on `date`, with `place`.
fn sochi_talks(date: &str, place: &str) -> Event {
    consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day(date, false), place)
}

#[test]
fn reports_of_each_day_of_a_visit_join_it_and_it_spans_them() {
    let (mut merger, mut store, mut ids) = engine();
    for (id, date) in [("a", "2019-05-14"), ("b", "2019-05-15"), ("c", "2019-05-16")] {
        run(&mut merger, &mut store, &mut ids, &article(id, date, id), vec![sochi_talks(date, "Sochi")]);
    }
    assert_eq!(store.events.len(), 1, "the third day is two days from the first, one from the span");
    let span = store.events[&1].span.clone().expect("a span");
    assert_eq!((span.start.as_str(), span.end.as_str(), span.precision()), ("2019-05-14", "2019-05-16", DatePrecision::Range));
    // A day beyond the span without the place, or past a week, is another happening.
    let unplaced = run(&mut merger, &mut store, &mut ids, &article("d", "2019-05-17", "d"), vec![sochi_talks("2019-05-17", "")]);
    assert_eq!(unplaced[0].kind, UpdateKind::Created);
    for (id, date) in [("e", "2019-05-17"), ("f", "2019-05-18"), ("g", "2019-05-19"), ("h", "2019-05-20")] {
        run(&mut merger, &mut store, &mut ids, &article(id, date, id), vec![sochi_talks(date, "Sochi")]);
    }
    let week = store.events[&1].span.clone().expect("a span");
    assert_eq!((week.start.as_str(), week.end.as_str()), ("2019-05-14", "2019-05-20"));
    let past = run(&mut merger, &mut store, &mut ids, &article("i", "2019-05-21", "i"), vec![sochi_talks("2019-05-21", "Sochi")]);
    assert_eq!(past[0].kind, UpdateKind::Created);
}

#[test]
fn a_day_next_to_a_stored_day_joins_only_where_place_and_people_agree() {
    let sisi_trump = || vec![person("abdel-fattah-el-sisi", "EGY"), person("donald-trump", "USA")];
    let received = consult(EventStatus::Planned, ConsultMode::Visit, sisi_trump(), day("2019-04-09", false), "");
    let arrives = consult(EventStatus::Occurred, ConsultMode::Visit, sisi_trump(), day("2019-04-08", false), "Washington");
    // Trump receives Sisi on 9 April, no place named; Sisi's visit to Washington starts on the 8th.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-03-29", "x"), vec![received.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "2019-04-08", "y"), vec![arrives.clone()]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 2), "{changes:?}");
    // The same day, or the reception in Washington, is the visit.
    let (mut merger, mut store, mut ids) = engine();
    let in_washington = Event { location: arrives.location.clone(), ..received };
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-03-29", "x"), vec![in_washington]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "2019-04-08", "y"), vec![arrives]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::StatusChanged, 1), "{changes:?}");
}

/// An occurred visit-mode consultation in Rabat on `d` (or the month it gives).
fn in_rabat(who: Vec<Participant>, status: EventStatus, date: Option<EventDate>) -> Event {
    let mut e = consult(status, ConsultMode::Visit, who, date, "Rabat");
    e.location = Some(Location { name_en: "Rabat".into(), country: "MAR".into(), ..Default::default() });
    e
}

/// A merger that stored Macron's visit to Morocco on 2024-10-28 (ev-1), with a report of his
/// meeting with the king that merging joined to it.
fn macron_in_morocco() -> (Merger, MemoryStore, EventIds) {
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    let occurred = |who| in_rabat(who, EventStatus::Occurred, day("2024-10-28", false));
    run(&mut merger, &mut store, &mut ids, &article("visit", "2024-10-28", "a"), vec![occurred(vec![macron(), state("MAR")])]);
    let king = occurred(vec![macron(), person("mohammed-vi", "MAR")]);
    let joined = run(&mut merger, &mut store, &mut ids, &article("king", "2024-10-28", "b"), vec![king]);
    assert_eq!(joined.iter().map(|c| c.number).collect::<Vec<_>>(), [1]);
    (merger, store, ids)
}

fn macron() -> Participant {
    person("emmanuel-macron", "FRA")
}

fn with_akhannouch() -> Vec<Participant> {
    vec![macron(), person("aziz-akhannouch", "MAR")]
}

#[test]
fn a_meeting_during_a_stored_visit_is_linked_to_it_not_joined_and_both_are_updated() {
    let (mut merger, mut store, mut ids) = macron_in_morocco();
    let meeting = in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false));
    let changes = run(&mut merger, &mut store, &mut ids, &article("talks", "2024-10-28", "c"), vec![meeting.clone()]);
    let kinds: Vec<(u64, UpdateKind)> = changes.iter().map(|c| (c.number, c.kind)).collect();
    assert_eq!(kinds, [(2, UpdateKind::Created), (1, UpdateKind::Updated)], "the meeting is its own event");
    assert_eq!(changes[0].event.parent_id, "ev-1");
    assert_eq!(changes[1].event.part_ids, ["ev-2"]);
    assert_eq!(changes[1].changed_fields, ["part_ids"]);
    assert_eq!(store.events[&1].part_ids, ["ev-2"]);

    // Another report of the meeting joins it; the link stays, and is not announced again.
    let changes = run(&mut merger, &mut store, &mut ids, &article("talks2", "2024-10-28", "d"), vec![meeting]);
    assert_eq!(changes.iter().map(|c| c.number).collect::<Vec<_>>(), [2]);
    assert!(!changes[0].changed_fields.contains(&"parent_id".to_string()), "{:?}", changes[0].changed_fields);
    assert_eq!(changes[0].event.parent_id, "ev-1");
}

#[test]
fn a_report_that_dates_a_stored_meeting_within_the_visit_links_it_and_names_parent_id() {
    let (mut merger, mut store, mut ids) = macron_in_morocco();
    let october = Some(EventDate { start: "2024-10".into(), precision: DatePrecision::Month.into(), ..Default::default() });
    let announced = in_rabat(with_akhannouch(), EventStatus::Planned, october);
    let created = run(&mut merger, &mut store, &mut ids, &article("announce", "2024-10-20", "c"), vec![announced]);
    assert_eq!((created.len(), created[0].event.parent_id.as_str()), (1, ""), "a month is no day of the visit");
    let held = in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false));
    let changes = run(&mut merger, &mut store, &mut ids, &article("talks", "2024-10-28", "d"), vec![held]);
    assert_eq!(changes.iter().map(|c| c.number).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(changes[0].event.parent_id, "ev-1");
    assert!(changes[0].changed_fields.contains(&"parent_id".to_string()), "{:?}", changes[0].changed_fields);
    assert_eq!(changes[1].changed_fields, ["part_ids"]);
}

/// Lavrov and Pompeo on a visit to `place` in Russia, undated, with `status`.
fn undated_visit(status: EventStatus, place: &str) -> Event {
    let location = Some(Location { name_en: place.into(), country: "RUS".into(), ..Default::default() });
    Event { location, ..consult(status, ConsultMode::Visit, lavrov_pompeo(), None, "") }
}

#[test]
fn two_undated_reports_of_the_same_people_place_and_mode_are_one_happening_when_nothing_else_could_be() {
    let visit = undated_visit(EventStatus::Occurred, "Sochi");
    let (mut merger, mut store, mut ids) = engine();
    // The visit and, told apart by its article, the next one planned in Russia.
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit.clone(), undated_visit(EventStatus::Planned, "Russia")]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![visit.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{changes:?}");
    // Two such reports, then the dated report that places both.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![visit.clone()]);
    let dated = consult(EventStatus::Occurred, ConsultMode::Visit, lavrov_pompeo(), day("2019-05-14", false), "Sochi");
    let dated = Event { location: visit.location.clone(), ..dated };
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "2019-05-14", "z"), vec![dated]);
    assert_eq!((changes[0].kind, changes[0].number, store.reports[&1].len()), (UpdateKind::Updated, 1, 3));
    // A visit planned in Russia, told by another article, could be the one reported: apart.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit.clone()]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated_visit(EventStatus::Planned, "Russia")]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![visit.clone()]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 3));
    // Other people of one side are not the same report.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit.clone()]);
    let states = Event { participants: vec![person("sergey-lavrov", "RUS"), state("USA")], ..visit };
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![states])[0].kind, UpdateKind::Created);
}

#[test]
fn an_undated_report_that_names_only_the_country_repeats_the_one_undated_report_in_a_city_of_it() {
    let in_russia = Event {
        location: Some(Location { name_en: "Russia".into(), country: "RUS".into(), whole_country: true, ..Default::default() }),
        ..undated_visit(EventStatus::Occurred, "")
    };
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![undated_visit(EventStatus::Occurred, "Sochi")]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![in_russia]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{changes:?}");
    // A report from another city of it is no twin of an event that names Sochi: apart.
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![undated_visit(EventStatus::Occurred, "Moscow")]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 2), "{changes:?}");
}

#[test]
fn an_undated_report_that_names_no_place_repeats_the_one_undated_report_of_its_people_and_mode() {
    let visit = undated_visit(EventStatus::Occurred, "Sochi");
    let unplaced = Event { location: None, ..visit.clone() };
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![unplaced.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{changes:?}");
    // With a visit of the same people to another place stored, it could be either: apart.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![visit]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated_visit(EventStatus::Occurred, "Moscow")]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![unplaced]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 3), "{changes:?}");
    // Calls name no place: two undated calls of the same people may be a month apart.
    let call = consult(EventStatus::Occurred, ConsultMode::Phone, lavrov_pompeo(), None, "");
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![call.clone()]);
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![call])[0].kind, UpdateKind::Created);
}

#[test]
fn the_weekday_of_an_announcement_told_again_in_an_article_does_not_date_the_visit_it_reports_as_held() {
    let weekday = |name: &str| Some(EventDate { weekday: name.into(), ..Default::default() });
    let held = undated_visit(EventStatus::Occurred, "Sochi");
    let announced = Event { date: weekday("tuesday"), ..undated_visit(EventStatus::Planned, "Sochi") };
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![held.clone(), announced]);
    assert_eq!(store.reports[&1][0].event.as_ref().unwrap().date, None, "the held visit takes no weekday from 'announced today Tuesday'");
    // Another outlet reports the visit held on Thursday: the same happening.
    let thursday = Event { date: weekday("thursday"), ..held.clone() };
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![thursday]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{changes:?}");
    // A repeat of the same stage still gives its weekday.
    let (mut merger, mut store, mut ids) = engine();
    let on_tuesday = Event { date: weekday("tuesday"), ..held.clone() };
    run(&mut merger, &mut store, &mut ids, &article("a", "", "x"), vec![held, on_tuesday]);
    assert_eq!(store.reports[&1][0].event.as_ref().unwrap().date, weekday("tuesday"));
}

#[test]
fn an_undated_report_joins_the_happening_dated_to_the_day_rather_than_one_an_article_recalls_by_its_year() {
    let (dated, undated) = sochi_dated_and_undated();
    let (mut merger, mut store, mut ids) = engine();
    let in_2014 = Some(EventDate { start: "2014".into(), precision: DatePrecision::Year.into(), ..Default::default() });
    let recalled = Event { date: in_2014, ..dated.clone() };
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone(), recalled]);
    assert_eq!(store.events.len(), 2);
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![undated.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{changes:?}");
    // Two happenings dated to the day still leave it apart.
    let next_year = Event { date: day("2020-05-14", false), ..dated };
    run(&mut merger, &mut store, &mut ids, &article("c", "2020-05-14", "x"), vec![next_year]);
    assert_eq!(run(&mut merger, &mut store, &mut ids, &article("d", "", "y"), vec![undated])[0].kind, UpdateKind::Created);
}

#[test]
fn an_agreement_signed_during_stored_talks_is_linked_to_them_not_joined() {
    let (mut merger, mut store, mut ids) = engine();
    let talks = in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false));
    run(&mut merger, &mut store, &mut ids, &article("talks", "2024-10-28", "a"), vec![talks]);
    let signed =
        Event { event_type: EventType::Agree.into(), ..in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false)) };
    let changes = run(&mut merger, &mut store, &mut ids, &article("signing", "2024-10-28", "b"), vec![signed]);
    let kinds: Vec<(u64, UpdateKind)> = changes.iter().map(|c| (c.number, c.kind)).collect();
    assert_eq!(kinds, [(2, UpdateKind::Created), (1, UpdateKind::Updated)], "the signing is its own event");
    assert_eq!((changes[0].event.parent_id.as_str(), &changes[1].event.part_ids[..]), ("ev-1", &["ev-2".to_string()][..]));
}

#[test]
fn an_undated_agreement_is_part_of_the_one_stored_talks_of_its_people_at_its_place() {
    let signed = |place: &str| {
        let mut e = Event { event_type: EventType::Agree.into(), ..in_rabat(with_akhannouch(), EventStatus::Occurred, None) };
        e.location = Some(Location { name_en: place.into(), country: "MAR".into(), ..Default::default() });
        e
    };
    let parent_after = |stored: Vec<Event>, signing: Event| {
        let (mut merger, mut store, mut ids) = engine();
        for (i, talks) in stored.into_iter().enumerate() {
            run(&mut merger, &mut store, &mut ids, &article(&format!("talks{i}"), "", "a"), vec![talks]);
        }
        let changes = run(&mut merger, &mut store, &mut ids, &article("signing", "", "b"), vec![signing]);
        changes[0].event.parent_id.clone()
    };
    let talks = |status, place: &str| {
        let mut e = in_rabat(with_akhannouch(), status, None);
        e.location = Some(Location { name_en: place.into(), country: "MAR".into(), ..Default::default() });
        e
    };
    let held = || talks(EventStatus::Occurred, "Rabat");
    assert_eq!(parent_after(vec![held()], signed("Rabat")), "ev-1", "the undated signing and talks");
    let dated = in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false));
    assert_eq!(parent_after(vec![dated], signed("Rabat")), "ev-1", "dated talks, an undated signing");
    assert_eq!(parent_after(vec![held()], signed("Casablanca")), "", "another place");
    assert_eq!(parent_after(vec![talks(EventStatus::Cancelled, "Rabat")], signed("Rabat")), "", "talks called off");
    let elsewhere = talks(EventStatus::Occurred, "Marrakesh");
    assert_eq!(parent_after(vec![held(), elsewhere], signed("Rabat")), "", "two talks of its people could be its whole");
    let call = Event { mode: ConsultMode::Phone.into(), location: None, ..held() };
    assert_eq!(parent_after(vec![call], signed("Rabat")), "", "no signing over the phone");
    // Talks only proposed (an invitation) are not where anything was signed, nor a rival.
    assert_eq!(parent_after(vec![talks(EventStatus::Proposed, "Rabat")], signed("Rabat")), "", "talks only proposed");
    let invitation = talks(EventStatus::Proposed, "Marrakesh");
    assert_eq!(parent_after(vec![held(), invitation], signed("Rabat")), "ev-1", "an invitation elsewhere is no rival");
}

#[test]
fn a_stored_signing_becomes_part_of_talks_reported_after_it_when_heard_lately() {
    let signed = |date| Event { event_type: EventType::Agree.into(), ..in_rabat(with_akhannouch(), EventStatus::Occurred, date) };
    let talks = in_rabat(with_akhannouch(), EventStatus::Occurred, day("2024-10-28", false));
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("signing", "2024-10-28", "a"), vec![signed(day("2024-10-28", false))]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("talks", "2024-10-28", "b"), vec![talks.clone()]);
    let kinds: Vec<(u64, UpdateKind)> = changes.iter().map(|c| (c.number, c.kind)).collect();
    assert_eq!(kinds, [(2, UpdateKind::Created), (1, UpdateKind::Updated)], "the talks, and the signing they are the whole of");
    assert_eq!((&changes[0].event.part_ids[..], changes[1].event.parent_id.as_str()), (&["ev-1".to_string()][..], "ev-2"));
    assert_eq!(changes[1].changed_fields, ["parent_id"]);
    assert_eq!(store.events[&1].parent_id, "ev-2");
    // An undated signing, and talks of its people reported after a year of news: apart.
    let (mut merger, mut store, mut ids) = engine();
    news_of_the_day(&mut merger, &mut store, &mut ids, "a", "2023-09-01");
    run(&mut merger, &mut store, &mut ids, &article("signing", "", "b"), vec![signed(None)]);
    news_of_the_day(&mut merger, &mut store, &mut ids, "c", "2023-09-02");
    news_of_the_day(&mut merger, &mut store, &mut ids, "d", "2024-10-27");
    let changes = run(&mut merger, &mut store, &mut ids, &article("talks", "2024-10-28", "e"), vec![talks]);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(changes[0].event.part_ids.is_empty());
}

/// A dated report of other sides, which moves the stream clock to its article's day.
fn news_of_the_day(merger: &mut Merger, store: &mut MemoryStore, ids: &mut EventIds, id: &str, published: &str) {
    let call = consult(EventStatus::Occurred, ConsultMode::Phone, vec![state("EGY"), state("QAT")], day(published, true), "");
    run(merger, store, ids, &article(id, published, "w"), vec![call]);
}

#[test]
fn an_undated_report_joins_only_events_the_stream_clock_heard_lately() {
    let (dated, undated) = sochi_dated_and_undated();
    // The Sochi talks of 14 May 2019; an undated report four months on is of them, one a year
    // on is of another visit.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![dated.clone()]);
    news_of_the_day(&mut merger, &mut store, &mut ids, "b", "2019-09-01");
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "y"), vec![undated.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1));
    // (Had nothing been published after it, "c" could be as late as the next news.)
    news_of_the_day(&mut merger, &mut store, &mut ids, "d", "2019-09-10");
    news_of_the_day(&mut merger, &mut store, &mut ids, "e", "2020-05-20");
    let changes = run(&mut merger, &mut store, &mut ids, &article("f", "", "z"), vec![undated.clone()]);
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
    // Two undated reports of the same visit, a year of news apart: two visits.
    let visit = undated_visit(EventStatus::Occurred, "Sochi");
    let (mut merger, mut store, mut ids) = engine();
    news_of_the_day(&mut merger, &mut store, &mut ids, "a", "2019-05-14");
    run(&mut merger, &mut store, &mut ids, &article("b", "", "x"), vec![visit.clone()]);
    news_of_the_day(&mut merger, &mut store, &mut ids, "c", "2019-06-01");
    news_of_the_day(&mut merger, &mut store, &mut ids, "d", "2020-05-20");
    let changes = run(&mut merger, &mut store, &mut ids, &article("e", "", "y"), vec![visit]);
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
    // An undated announcement came after the news of 31 March 2021, and nothing dated came
    // before the report of 20 March 2023: it may be of days before it, and is placed by it,
    // also by a merger rebuilt from the stored reports (a restart).
    let later = Event { date: day("2023-03-20", false), ..dated };
    let (mut merger, mut store, mut ids) = engine();
    news_of_the_day(&mut merger, &mut store, &mut ids, "a", "2021-03-31");
    run(&mut merger, &mut store, &mut ids, &article("b", "", "x"), vec![undated.clone()]);
    let mut merger = Merger::new(MergeConfig::default());
    store.reports.iter().for_each(|(number, reports)| reports.iter().for_each(|r| merger.file(*number, r)));
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "2023-03-20", "y"), vec![later.clone()]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 2), "{changes:?}");
    // With news of 10 April 2021 after it, it was heard two years before the report: apart.
    let (mut merger, mut store, mut ids) = engine();
    news_of_the_day(&mut merger, &mut store, &mut ids, "a", "2021-03-31");
    run(&mut merger, &mut store, &mut ids, &article("b", "", "x"), vec![undated]);
    news_of_the_day(&mut merger, &mut store, &mut ids, "c", "2021-04-10");
    let changes = run(&mut merger, &mut store, &mut ids, &article("d", "2023-03-20", "y"), vec![later]);
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
}

/// An article's publication day and the events it tells.
type Told = (&'static str, Vec<Event>);

/// Lavrov and Pompeo meeting in `place` of `country`, with `status` and `date`.
fn lavrov_pompeo_in(place: &str, country: &str, status: EventStatus, date: Option<EventDate>) -> Event {
    let location = Some(Location { name_en: place.into(), country: country.into(), ..Default::default() });
    Event { location, ..consult(status, ConsultMode::Visit, lavrov_pompeo(), date, "") }
}

#[test]
fn an_undated_report_after_its_people_met_in_another_country_is_not_the_earlier_event() {
    let sochi = |date| lavrov_pompeo_in("Sochi", "RUS", EventStatus::Occurred, date);
    let washington = lavrov_pompeo_in("Washington", "USA", EventStatus::Occurred, None);
    // The Sochi talks, dated; then, from undated articles, talks in Washington and talks in
    // Sochi again: the clock has not moved, yet the stream told them meeting elsewhere since.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-05-14", "x"), vec![sochi(day("2019-05-14", false))]);
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![washington.clone()]);
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![sochi(None)]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 3), "{changes:?}");
    // So does a merger rebuilt from the stored reports (a restart).
    let mut rebuilt = Merger::new(MergeConfig::default());
    store.reports.iter().filter(|(n, _)| **n != 3).for_each(|(n, reports)| reports.iter().for_each(|r| rebuilt.file(*n, r)));
    store.events.remove(&3);
    let changes = run(&mut rebuilt, &mut store, &mut ids, &article("d", "", "z"), vec![sochi(None)]);
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");

    // The Washington talks only planned, or told by an article that also told the Sochi talks,
    // or told before them: nothing says that the stream moved on, and the report joins.
    let planned = Event { status: EventStatus::Planned.into(), ..washington.clone() };
    let dated = || ("2019-05-14", vec![sochi(day("2019-05-14", false))]);
    let cases: [(&str, Vec<Told>); 3] = [
        ("planned", vec![dated(), ("", vec![planned])]),
        ("same article", vec![dated(), ("", vec![sochi(None), washington.clone()])]),
        ("before", vec![("", vec![washington]), dated()]),
    ];
    for (case, articles) in cases {
        let (mut merger, mut store, mut ids) = engine();
        for (i, (published, events)) in articles.into_iter().enumerate() {
            run(&mut merger, &mut store, &mut ids, &article(&format!("a{i}"), published, "x"), events);
        }
        let in_sochi = |e: &Event| e.location.as_ref().is_some_and(|l| l.name_en == "Sochi");
        let talks = store.events.iter().find(|(_, e)| in_sochi(e)).map(|(n, _)| *n);
        let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![sochi(None)]);
        assert_eq!((changes[0].kind, Some(changes[0].number)), (UpdateKind::Updated, talks), "{case}: {changes:?}");
    }
}

#[test]
fn an_undated_report_that_fits_two_dated_events_joins_the_one_told_after_its_people_met_elsewhere() {
    // Talks in Sochi in February, in Washington in March, in Sochi again in May: an undated
    // report of talks in Sochi that comes after all three is not of February's.
    let sochi = |d: &str| lavrov_pompeo_in("Sochi", "RUS", EventStatus::Occurred, day(d, false));
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2019-02-10", "x"), vec![sochi("2019-02-10")]);
    let washington = lavrov_pompeo_in("Washington", "USA", EventStatus::Occurred, day("2019-03-20", false));
    run(&mut merger, &mut store, &mut ids, &article("b", "2019-03-20", "x"), vec![washington]);
    run(&mut merger, &mut store, &mut ids, &article("c", "2019-05-14", "x"), vec![sochi("2019-05-14")]);
    let undated = lavrov_pompeo_in("Sochi", "RUS", EventStatus::Occurred, None);
    let changes = run(&mut merger, &mut store, &mut ids, &article("d", "", "y"), vec![undated]);
    assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 3), "{changes:?}");
}

/// A person the knowledge base lists, named with the office it gives them.
fn holder(id: &str, country: &str, role: &str) -> Participant {
    Participant { role: role.into(), ..person(id, country) }
}

/// Sánchez's visit to Morocco, undated, received by the king and by `head_of_government`.
fn sanchez_in_morocco(head_of_government: Participant) -> Event {
    let who = vec![holder("pedro-sanchez", "ESP", "prime minister"), head_of_government, holder("mohammed-vi", "MAR", "king")];
    consult(EventStatus::Occurred, ConsultMode::Visit, who, None, "Morocco")
}

#[test]
fn two_holders_of_one_office_of_one_state_are_two_occurrences() {
    let config = MergeConfig::default();
    let othmani = || holder("saadeddine-othmani", "MAR", "head of government");
    let akhannouch = || holder("aziz-akhannouch", "MAR", "head of government");
    let (in_2018, in_2023) = (sanchez_in_morocco(othmani()), sanchez_in_morocco(akhannouch()));
    assert_eq!(compare_events(&config, &in_2018, &in_2023).veto, Some("office"), "both name the king, not one head of government");
    assert_eq!(compare_events(&config, &in_2018, &sanchez_in_morocco(othmani())).veto, None);
    // A report that names both (a recollection) rules nothing out; nor does someone the
    // knowledge base does not list, whose title may be one of many.
    let mut both = sanchez_in_morocco(akhannouch());
    both.participants.push(othmani());
    assert_eq!(compare_events(&config, &both, &in_2018).veto, None);
    let unlisted = holder("MAR/khald-ait-talb", "MAR", "head of government");
    assert_eq!(compare_events(&config, &sanchez_in_morocco(unlisted), &in_2018).veto, None);
    // Another office of the same state is no other holder.
    let minister = holder("nasser-bourita", "MAR", "foreign minister");
    assert_eq!(compare_events(&config, &sanchez_in_morocco(minister), &in_2018).veto, None);
}

fn in_tehran() -> Option<Location> {
    Some(Location { name_en: "Tehran".into(), country: "IRN".into(), ..Default::default() })
}

/// The Astana-format summit in Tehran: Putin and Erdogan, and Iran's president when named.
fn tehran_summit(iran: Option<Participant>, date: Option<EventDate>) -> Event {
    let mut who = vec![holder("vladimir-putin", "RUS", "president"), holder("recep-tayyip-erdogan", "TUR", "president")];
    who.extend(iran);
    Event { location: in_tehran(), ..consult(EventStatus::Planned, ConsultMode::Multilateral, who, date, "") }
}

/// Putin's talks with Iran's `president` in Tehran, told besides the summit.
fn putin_in_tehran(president: Participant) -> Event {
    let who = vec![holder("vladimir-putin", "RUS", "president"), president];
    Event { location: in_tehran(), ..consult(EventStatus::Planned, ConsultMode::Visit, who, None, "") }
}

fn rouhani() -> Participant {
    holder("hassan-rouhani", "IRN", "president")
}

/// An engine that stored the 2018 summit, dated, hosted by Rouhani.
fn engine_with_the_2018_summit() -> (Merger, MemoryStore, EventIds) {
    let (mut merger, mut store, mut ids) = engine();
    let summit = tehran_summit(Some(rouhani()), day("2018-09-07", false));
    run(&mut merger, &mut store, &mut ids, &article("a", "2018-09-06", "x"), vec![summit]);
    (merger, store, ids)
}

#[test]
fn an_undated_report_is_not_of_an_event_whose_articles_name_another_holder_of_an_office_its_article_names() {
    let raisi = || holder("ebrahim-raisi", "IRN", "president");
    // An undated article of the 2022 summit, whose lead names Putin and Erdogan only and whose
    // next event names Raisi.
    let (mut merger, mut store, mut ids) = engine_with_the_2018_summit();
    let of_2022 = || vec![tehran_summit(None, None), putin_in_tehran(raisi())];
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), of_2022());
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
    // So does a merger rebuilt from the stored reports (a restart).
    let mut rebuilt = Merger::new(MergeConfig::default());
    store.reports.iter().filter(|(n, _)| **n == 1).for_each(|(n, reports)| reports.iter().for_each(|r| rebuilt.file(*n, r)));
    let changes = run(&mut rebuilt, &mut store, &mut ids, &article("c", "", "z"), of_2022());
    assert_eq!(changes[0].kind, UpdateKind::Created, "{changes:?}");
    // An article that names Rouhani, or both (a recollection), or no president at all, joins.
    let cases = [("Rouhani", vec![rouhani()]), ("both", vec![rouhani(), raisi()]), ("none", vec![])];
    for (case, presidents) in cases {
        let (mut merger, mut store, mut ids) = engine_with_the_2018_summit();
        let events = std::iter::once(tehran_summit(None, None)).chain(presidents.into_iter().map(putin_in_tehran)).collect();
        let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), events);
        assert_eq!((changes[0].kind, changes[0].number), (UpdateKind::Updated, 1), "{case}: {changes:?}");
    }
}

#[test]
fn a_summit_told_after_a_meeting_on_its_sidelines_takes_it_as_a_part_not_a_report() {
    let who = vec![holder("vladimir-putin", "RUS", "president"), holder("recep-tayyip-erdogan", "TUR", "president")];
    let bilateral =
        Event { location: in_tehran(), ..consult(EventStatus::Planned, ConsultMode::ThirdParty, who, day("2018-09-07", false), "") };
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("a", "2018-08-31", "x"), vec![bilateral]);
    let summit = tehran_summit(Some(rouhani()), day("2018-09-07", false));
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "2018-09-06", "y"), vec![summit]);
    assert_eq!(store.events.len(), 2, "{changes:?}");
    let (parent, parts) = (&store.events[&1].parent_id, &store.events[&2].part_ids);
    assert_eq!((parent.as_str(), &parts[..]), ("ev-2", &["ev-1".to_string()][..]));
}

/// Erdogan in Tehran with `host` (Rouhani, or Iran by its state), planned and undated.
fn erdogan_in_tehran(host: Participant) -> Event {
    let who = vec![holder("recep-tayyip-erdogan", "TUR", "president"), host];
    Event { location: in_tehran(), ..consult(EventStatus::Planned, ConsultMode::Visit, who, None, "") }
}

#[test]
fn an_undated_meeting_on_the_sidelines_of_a_summit_is_no_report_of_it_in_either_order() {
    // Erdogan's talks with Rouhani on the sidelines of the 2018 Tehran summit, told undated.
    let (mut merger, mut store, mut ids) = engine_with_the_2018_summit();
    let changes = run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![erdogan_in_tehran(rouhani())]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 2), "{changes:?}");
    // Told before the summit: the dated summit does not place it.
    let (mut merger, mut store, mut ids) = engine();
    run(&mut merger, &mut store, &mut ids, &article("b", "", "y"), vec![erdogan_in_tehran(rouhani())]);
    let summit = tehran_summit(Some(rouhani()), day("2018-09-07", false));
    let changes = run(&mut merger, &mut store, &mut ids, &article("a", "2018-09-06", "x"), vec![summit]);
    assert_eq!((changes[0].kind, store.events.len()), (UpdateKind::Created, 2), "{changes:?}");
    // Erdogan's journey to the summit, naming nobody of the host, is a report of it.
    let (mut merger, mut store, mut ids) = engine_with_the_2018_summit();
    let changes = run(&mut merger, &mut store, &mut ids, &article("c", "", "z"), vec![erdogan_in_tehran(state("IRN"))]);
    assert_eq!((changes[0].kind, changes[0].number, store.events.len()), (UpdateKind::Updated, 1, 1), "{changes:?}");
}

/// Lavrov and Pompeo on a visit to Sochi with `status`, dated by `date`.
fn sochi_visit(status: EventStatus, date: Option<EventDate>) -> Event {
    consult(status, ConsultMode::Visit, lavrov_pompeo(), date, "Sochi")
}

/// The stored events after `reports` (article id, publication day, event) come in that order.
fn stored_after(reports: &[(&str, &str, &Event)]) -> MemoryStore {
    let (mut merger, mut store, mut ids) = engine();
    for (id, published, event) in reports {
        run(&mut merger, &mut store, &mut ids, &article(id, published, id), vec![(*event).clone()]);
    }
    store
}

#[test]
fn a_plan_joins_the_held_event_it_announced_in_either_order_and_the_event_is_held() {
    // Announced on 12 May for 14 May, and announced on 10 May with no day but its article's.
    let for_the_day = sochi_visit(EventStatus::Planned, day("2019-05-14", false));
    let announced = sochi_visit(EventStatus::Planned, day("2019-05-10", true));
    let held = sochi_visit(EventStatus::Occurred, day("2019-05-14", false));
    let plan = ("plan", "2019-05-12", &for_the_day);
    let early = ("early", "2019-05-10", &announced);
    let report = ("held", "2019-05-14", &held);
    for order in [[plan, early, report], [report, plan, early], [early, report, plan]] {
        let store = stored_after(&order);
        assert_eq!(store.events.len(), 1, "{order:?}");
        let event = store.events.values().next().unwrap();
        assert_eq!((event.status(), event.num_articles), (EventStatus::Occurred, 3), "held beats planned: {order:?}");
        assert_eq!(event.date.as_ref().unwrap().start, "2019-05-14");
    }
}

#[test]
fn a_plan_of_another_date_stays_apart_from_the_held_event() {
    let held = sochi_visit(EventStatus::Occurred, day("2019-05-14", false));
    // Announced for the 20th: another occurrence, whichever comes first.
    let for_another_day = sochi_visit(EventStatus::Planned, day("2019-05-20", false));
    // "Lavrov will visit Sochi", published after the visit told as held: the next visit.
    let announced_after = sochi_visit(EventStatus::Planned, day("2019-06-01", true));
    let proposed_after = sochi_visit(EventStatus::Proposed, day("2019-06-01", true));
    for plan in [&for_another_day, &announced_after, &proposed_after] {
        let published = if plan.date.as_ref().unwrap().from_publication { "2019-06-01" } else { "2019-05-12" };
        assert_eq!(stored_after(&[("held", "2019-05-14", &held), ("plan", published, plan)]).events.len(), 2, "{plan:?}");
        assert_eq!(stored_after(&[("plan", published, plan), ("held", "2019-05-14", &held)]).events.len(), 2, "{plan:?}");
    }
    // A report that it was called off may come after the day it names: it is not a plan.
    let config = MergeConfig::default();
    let called_off = sochi_visit(EventStatus::Cancelled, day("2019-05-15", true));
    let planned = sochi_visit(EventStatus::Planned, day("2019-05-14", false));
    assert_eq!(compare_events(&config, &called_off, &planned).veto, None);
    assert_eq!(compare_events(&config, &announced_after, &held).veto, Some("date"));
}

#[test]
fn an_undated_plan_joins_the_one_held_event_it_fits_and_stays_apart_when_two_do() {
    let plan = sochi_visit(EventStatus::Planned, None);
    let in_may = sochi_visit(EventStatus::Occurred, day("2019-05-14", false));
    let in_august = sochi_visit(EventStatus::Occurred, day("2019-08-15", false));
    let store = stored_after(&[("may", "2019-05-14", &in_may), ("plan", "", &plan)]);
    assert_eq!(store.events.len(), 1);
    assert_eq!(store.events[&1].status(), EventStatus::Occurred);
    // The same plan, and the held event came after it: one event too.
    assert_eq!(stored_after(&[("plan", "", &plan), ("may", "2019-05-14", &in_may)]).events.len(), 1);
    // Two visits that it could announce: it joins neither.
    let store = stored_after(&[("may", "2019-05-14", &in_may), ("august", "2019-08-15", &in_august), ("plan", "", &plan)]);
    assert_eq!(store.events.len(), 3);
    // Undated both, the plan repeats the one undated held visit of the same people, place and mode.
    let held = sochi_visit(EventStatus::Occurred, None);
    assert_eq!(stored_after(&[("held", "", &held), ("plan", "", &plan)]).events.len(), 1);
    // A proposal that gives a weekday is a plan; one that gives no day stays a mere proposal.
    let on_tuesday =
        Event { date: Some(EventDate { weekday: "tuesday".into(), ..Default::default() }), ..sochi_visit(EventStatus::Proposed, None) };
    assert_eq!(stored_after(&[("held", "", &held), ("proposal", "", &on_tuesday)]).events.len(), 1);
    let proposal = sochi_visit(EventStatus::Proposed, None);
    assert_eq!(stored_after(&[("held", "", &held), ("proposal", "", &proposal)]).events.len(), 2);
}

#[test]
fn an_undated_report_of_the_arrival_repeats_the_undated_plan_told_before_it_that_named_the_host() {
    let with_the_host = sochi_visit(EventStatus::Planned, None);
    // "Pompeo arrived in Sochi": Russia named by its state, not by Lavrov.
    let arrived = Event { participants: vec![person("mike-pompeo", "USA"), state("RUS")], ..sochi_visit(EventStatus::Occurred, None) };
    assert_eq!(stored_after(&[("plan", "", &with_the_host), ("arrival", "", &arrived)]).events.len(), 1);
    // Told the other way round, the plan may announce the next visit: apart.
    assert_eq!(stored_after(&[("arrival", "", &arrived), ("plan", "", &with_the_host)]).events.len(), 2);
    // A plan that names only the host's state does not take a meeting with someone of it.
    let by_state = Event { participants: vec![person("mike-pompeo", "USA"), state("RUS")], ..with_the_host.clone() };
    let met = sochi_visit(EventStatus::Occurred, None);
    assert_eq!(stored_after(&[("plan", "", &by_state), ("met", "", &met)]).events.len(), 2);
}
