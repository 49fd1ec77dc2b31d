//! Sweeps over the knowledge base as shipped: every state by each of its names and adjective
//! forms, every person by each of their names, every office holder by title on a day of their
//! term and not after it, and no name shared by two states unless listed here with the rule
//! that tells them apart. Also the PETRARCH dictionary importer, as a library and as a command.

use chrono::{Duration, NaiveDate};
use rasad::kb::{Entity, Kb};

fn kb() -> Kb {
    Kb::embedded().expect("the embedded knowledge base loads")
}

/// The data rows of a file in `data/`: its cells, without comments and the header.
fn rows(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(format!("data/{file}")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn variants(cell: Option<&String>) -> Vec<&str> {
    cell.map(|c| c.split('|').map(str::trim).filter(|v| !v.is_empty()).collect()).unwrap_or_default()
}

/// Fails listing every problem found, one a line.
fn assert_none(problems: &[String]) {
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Names several states share, and the rule that picks one in an article.
const SHARED_STATE_NAMES: &[(&str, &str)] =
    &[("المملكة", "the kingdom the article otherwise names most (mentions::prefer_article_countries)")];

#[test]
fn every_state_resolves_from_its_names_and_adjectives() {
    let kb = kb();
    let mut failures = Vec::new();
    for row in rows("states.tsv") {
        let id = kb.state_id(&row[0]).unwrap();
        for name in variants(row.get(2)) {
            let found = kb.lookup(name);
            if !found.contains(&Entity::State(id)) {
                failures.push(format!("{} name {name}: {found:?}", row[0]));
            }
            let others: Vec<&Entity> = found.iter().filter(|e| matches!(e, Entity::State(s) if *s != id)).collect();
            if !others.is_empty() && !SHARED_STATE_NAMES.iter().any(|(n, _)| *n == name) {
                failures.push(format!("{} name {name} also names {others:?}", row[0]));
            }
        }
        for adjective in variants(row.get(3)) {
            let forms: Vec<String> = if adjective.ends_with(['ي', 'ى']) {
                [adjective.to_string(), format!("{adjective}ة"), format!("{adjective}ين"), format!("{adjective}ون")].into()
            } else {
                vec![adjective.to_string()]
            };
            for form in forms {
                let found = kb.lookup(&form);
                if !found.iter().any(|e| matches!(e, Entity::Adjective { state, .. } if *state == id)) {
                    failures.push(format!("{} adjective {form}: {found:?}", row[0]));
                }
            }
        }
    }
    assert_none(&failures);
}

#[test]
fn every_person_resolves_from_each_of_their_names() {
    let kb = kb();
    let mut failures = Vec::new();
    for row in rows("people.tsv") {
        let person = kb.people.iter().position(|p| p.id == row[0]).unwrap() as u32;
        for name in variants(row.get(3)).into_iter().chain(variants(row.get(4))) {
            let found = kb.lookup(name);
            if !found.contains(&Entity::Person(person)) {
                failures.push(format!("{} {name}: {found:?}", row[0]));
            }
        }
    }
    assert_none(&failures);
}

#[test]
fn office_holders_hold_their_office_during_their_term_and_not_after() {
    let kb = kb();
    let mut failures = Vec::new();
    for term in &kb.terms {
        let inside = term.start + (term.end.unwrap_or(term.start + Duration::days(30)) - term.start) / 2;
        if !kb.holders(term.office, &term.country, inside).any(|t| t.person == term.person) {
            failures.push(format!("{} not {:?} of {} on {inside}", kb.people[term.person as usize].id, term.office, term.country));
        }
        if let Some(end) = term.end {
            let after = end + Duration::days(1);
            let again = kb.terms_of(term.person).any(|t| t.office == term.office && t.country == term.country && t.covers(after));
            if !again && kb.holders(term.office, &term.country, after).any(|t| t.person == term.person) {
                failures.push(format!("{} still {:?} of {} on {after}", kb.people[term.person as usize].id, term.office, term.country));
            }
        }
    }
    assert_none(&failures);
}

#[test]
fn the_same_office_has_one_holder_a_day() {
    let kb = kb();
    let mut overlaps = Vec::new();
    for (i, a) in kb.terms.iter().enumerate() {
        for b in kb.terms.iter().skip(i + 1) {
            if a.office == b.office && a.country == b.country && a.person != b.person {
                let last = |t: &rasad::kb::Term| t.end.unwrap_or(NaiveDate::MAX);
                // Hand-overs share their day.
                if a.start < last(b) && b.start < last(a) {
                    overlaps.push(format!(
                        "{:?} of {}: {} and {}",
                        a.office, a.country, kb.people[a.person as usize].id, kb.people[b.person as usize].id
                    ));
                }
            }
        }
    }
    assert_none(&overlaps);
}

#[test]
fn a_petrarch_dictionary_imports_into_a_kb_dir_the_extractor_reads() {
    use rasad::{extract::Extractor, kb::petrarch, proto::Article};
    let text = std::fs::read_to_string("tests/fixtures/petrarch_actors_ar.txt").unwrap();
    let (actors, problems) = petrarch::parse(&text);
    assert_eq!(actors.len(), 43);
    // The excerpt's date errors ("19840502-18000101") and the bad code are reported by line.
    assert_eq!(problems.len(), 21);
    assert!(problems.iter().any(|p| p.line == 9 && p.message.contains("before it starts")), "{problems:#?}");
    let import = petrarch::people(&actors, &kb());
    let lindner = import.people.iter().find(|p| p.names_ar[0] == "كريستيان ليندنر").expect("Lindner imported");
    assert_eq!((lindner.country.as_str(), lindner.names_ar.len()), ("DEU", 2));
    // Groups, places and people the base knows stay out.
    for name in ["جيش إسرائيلي", "اتحاد أفريقي", "نوري المالكي", "رئيس وزير غوردون براون"]
    {
        assert!(import.people.iter().all(|p| p.names_ar[0] != name), "{name} was imported");
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.tsv"), petrarch::people_tsv(&import.people, "the fixture")).unwrap();
    let extended = Kb::load(Some(dir.path())).expect("the imported people.tsv loads");
    assert!(extended.lookup("كريستيان لندنر").iter().any(|e| matches!(e, Entity::Person(_))));
    let extractor = Extractor::load(Some(dir.path())).unwrap();
    let article = Article {
        id: "lindner".into(),
        text: "التقى وزير الخارجية الروسي سيرغي لافروف اليوم الثلاثاء مع كريستيان ليندنر في برلين.".into(),
        published_at: "2022-03-01".into(),
        ..Default::default()
    };
    let events = extractor.extract(&article).events;
    assert_eq!(events.len(), 1, "{events:#?}");
    let ids: Vec<&str> = events[0].participants.iter().map(|p| p.actor_id.as_str()).collect();
    assert_eq!(ids, ["person/sergey-lavrov", format!("person/{}", lindner.id).as_str()]);
}

#[test]
fn the_import_command_writes_a_loadable_kb_dir_and_refuses_to_overwrite_it() {
    let out = tempfile::tempdir().unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rasad"))
            .args(["kb", "import-petrarch", "tests/fixtures/petrarch_actors_ar.txt", "--out"])
            .arg(out.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.starts_with("43 actors read, 21 lines not readable; "), "{summary}");
    // Each unreadable line is named with its file and number.
    assert!(String::from_utf8_lossy(&first.stderr).contains("petrarch_actors_ar.txt:9: "));
    assert!(Kb::load(Some(out.path())).is_ok());
    let again = run();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "{}", String::from_utf8_lossy(&again.stderr));

    let latin1 = out.path().join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9 [FRAGOV]\n").unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_rasad"))
        .args(["kb", "import-petrarch"])
        .arg(&latin1)
        .arg("--out")
        .arg(out.path().join("other"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not UTF-8 (byte 3)"), "{}", String::from_utf8_lossy(&bad.stderr));
}
