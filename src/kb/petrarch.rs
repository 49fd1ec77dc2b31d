//! Importer for actor dictionaries in the CAMEO/PETRARCH format (used by PETRARCH, PETRARCH2
//! and UniversalPetrarch), so users can bring the dictionaries they already have.
//!
//! The format, as those dictionaries write it:
//!
//! ```text
//! # a comment
//! نوري المالكي                    ← an actor: its name (words may be joined by `_`)
//!     [IRQGOV 20101221-20140908]  ← a code and the days it held (YYYYMMDD or YYMMDD)
//!     [IRQELI >20140908]          ← from a day on (`<` = until a day)
//! +المالكي نوري                   ← a synonym of the actor above
//! جيش إسرائيلي  [ISRMIL]          ← a code on the name's own line, undated
//! ```
//!
//! Six-digit years are read with a pivot: 00–29 are 2000–2029, 30–99 are 1930–1999.
//!
//! Only people are imported, as rows of `people.tsv`: an actor becomes a person when its
//! name has two to five Arabic words (no one-letter clitics or punctuation left by
//! lemmatisation), none of which the knowledge base knows as a state,
//! nationality, place, organisation or title (that rules out "جيش إسرائيلي", "ولاية متحد",
//! "رئيس وزير غوردون براون"), the base
//! does not already know the name, and one of its codes is a role (GOV, MIL, ELI...) of a state
//! the base knows, which gives the person's country (the latest such code). The dictionaries
//! give no English names and their codes do not say which office (GOV is any member of a
//! government), so `name_en` repeats the Arabic name and no office terms are written: both are
//! for the user to complete. Names of groups that none of their words gives away ("حركة فتح"
//! with the code PSEPTY) still come through as people. Everything left out is counted by reason, and malformed lines
//! are reported with their line numbers. UniversalPetrarch's Arabic dictionary is lemmatised
//! and has known date errors: read the output before using it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{Entity, Kb};
use crate::text::normalize;

/// A code an actor held, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedCode {
    pub code: String,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// One dictionary entry: its names (the first, then the synonyms) and its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Line of the entry's first name.
    pub line: usize,
    pub names: Vec<String>,
    pub codes: Vec<DatedCode>,
}

/// A line that could not be read; the rest of the file still is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Reads a dictionary.
pub fn parse(text: &str) -> (Vec<Actor>, Vec<Problem>) {
    let mut actors: Vec<Actor> = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or_default();
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let mut problem = |message: String| problems.push(Problem { line, message });
        if let Some(synonym) = trimmed.strip_prefix('+') {
            match actors.last_mut() {
                Some(actor) => {
                    let (name, codes) = split_codes(synonym);
                    actor.names.push(name);
                    read_codes(codes, &mut actor.codes, &mut problem);
                }
                None => problem("a synonym (+) before any actor".into()),
            }
        } else if trimmed.starts_with('[') {
            match actors.last_mut() {
                Some(actor) => read_codes(trimmed, &mut actor.codes, &mut problem),
                None => problem("a code line before any actor".into()),
            }
        } else {
            let (name, codes) = split_codes(trimmed);
            let mut actor = Actor { line, names: vec![name], codes: Vec::new() };
            read_codes(codes, &mut actor.codes, &mut problem);
            actors.push(actor);
        }
    }
    (actors, problems)
}

/// The name before the first `[`, with `_` read as spaces, and the rest of the line.
fn split_codes(text: &str) -> (String, &str) {
    let (name, codes) = text.split_at(text.find('[').unwrap_or(text.len()));
    let words: Vec<&str> = name.split(|c: char| c == '_' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    (words.join(" "), codes)
}

/// Reads every `[CODE dates]` in `text` into `codes`.
fn read_codes(text: &str, codes: &mut Vec<DatedCode>, problem: &mut impl FnMut(String)) {
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(body) = rest.strip_prefix('[') else {
            problem(format!("unexpected text {rest:?} where a [CODE] was expected"));
            return;
        };
        let Some(end) = body.find(']') else {
            problem(format!("[{body} has no closing ]"));
            return;
        };
        match read_code(&body[..end]) {
            Ok(code) => codes.push(code),
            Err(message) => problem(message),
        }
        rest = body[end + 1..].trim_start();
    }
}

/// Reads the inside of one `[...]`.
fn read_code(body: &str) -> Result<DatedCode, String> {
    let body = body.trim();
    let (code, dates) = body.split_at(body.find(|c: char| c.is_whitespace()).unwrap_or(body.len()));
    let dates: String = dates.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() < 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("[{body}]: {code:?} is not a code (three or more capital letters)"));
    }
    let (from, until) = if dates.is_empty() {
        (None, None)
    } else if let Some(day) = dates.strip_prefix('>') {
        (Some(day_of(day)?), None)
    } else if let Some(day) = dates.strip_prefix('<') {
        (None, Some(day_of(day)?))
    } else if let Some((a, b)) = dates.split_once('-') {
        (Some(day_of(a)?), Some(day_of(b)?))
    } else {
        return Err(format!("[{body}]: {dates:?} is not a date range (A-B, >A or <B)"));
    };
    if let (Some(a), Some(b)) = (from, until)
        && b < a
    {
        return Err(format!("[{body}]: ends ({b}) before it starts ({a})"));
    }
    Ok(DatedCode { code: code.to_string(), from, until })
}

/// A day written YYYYMMDD or YYMMDD.
fn day_of(digits: &str) -> Result<NaiveDate, String> {
    let number = |s: &str| s.parse::<u32>().map_err(|_| format!("{digits:?} is not a date (YYYYMMDD or YYMMDD)"));
    let (year, rest) = match digits.len() {
        8 => (number(&digits[..4])? as i32, &digits[4..]),
        6 => {
            let yy = number(&digits[..2])? as i32;
            (if yy < 30 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        _ => return Err(format!("{digits:?} is not a date (YYYYMMDD or YYMMDD)")),
    };
    NaiveDate::from_ymd_opt(year, number(&rest[..2])?, number(&rest[2..])?)
        .ok_or_else(|| format!("{digits:?} is not a day of the calendar"))
}

/// A person to write to `people.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: String,
    pub country: String,
    pub names_ar: Vec<String>,
    /// Line of the entry in the dictionary.
    pub line: usize,
}

/// What an import keeps and leaves out.
#[derive(Debug, Default)]
pub struct Import {
    pub people: Vec<PersonRow>,
    /// Why actors were left out, and how many for each reason.
    pub skipped: BTreeMap<&'static str, usize>,
}

/// The people among `actors` that `kb` does not know yet.
pub fn people(actors: &[Actor], kb: &Kb) -> Import {
    let mut import = Import::default();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for actor in actors {
        match person(actor, kb) {
            Ok(row) => match by_id.get(&row.id) {
                // The same name again (dictionaries repeat entries): one person, all the names.
                Some(&at) => {
                    let names = &mut import.people[at].names_ar;
                    for name in row.names_ar {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                }
                None => {
                    by_id.insert(row.id.clone(), import.people.len());
                    import.people.push(row);
                }
            },
            Err(reason) => *import.skipped.entry(reason).or_default() += 1,
        }
    }
    import
}

fn person(actor: &Actor, kb: &Kb) -> Result<PersonRow, &'static str> {
    let arabic = |name: &str| name.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c));
    let names: Vec<String> = actor.names.iter().filter(|n| arabic(n)).cloned().collect();
    let first = names.first().ok_or("no Arabic name")?;
    let words: Vec<&str> = first.split_whitespace().collect();
    if words.len() < 2 {
        return Err("a single word (a place, group or bare surname)");
    }
    // Lemmatised phrases split off clitics ("أمين عام ل أمة المتحدة") and keep punctuation.
    if words.len() > 5 || words.iter().any(|w| w.chars().count() < 2 || !w.chars().all(char::is_alphabetic)) {
        return Err("not a name (a lemmatised phrase or a sentence)");
    }
    let group = |word: &str| kb.lookup(word).iter().any(|e| !matches!(e, Entity::Person(_) | Entity::Word(_)));
    if words.iter().any(|w| group(w)) {
        return Err("names a state, nationality, place, organisation or title");
    }
    if names.iter().any(|n| kb.lookup(n).iter().any(|e| matches!(e, Entity::Person(_)))) {
        return Err("already in the knowledge base");
    }
    let country = actor
        .codes
        .iter()
        .filter(|c| c.code.len() > 3 && kb.state(&c.code[..3]).is_some())
        .max_by_key(|c| (c.from, c.until))
        .map(|c| c.code[..3].to_string())
        .ok_or("no code of a known state with a role (GOV, MIL...)")?;
    let digest = Sha256::digest(normalize(first).as_bytes());
    let id = format!("petrarch-{}", digest.iter().take(5).map(|b| format!("{b:02x}")).collect::<String>());
    Ok(PersonRow { id, country, names_ar: names, line: actor.line })
}

/// `people.tsv` holding `rows`, with a header comment naming `source`.
pub fn people_tsv(rows: &[PersonRow], source: &str) -> String {
    let mut out = format!(
        "# Imported by `rasad kb import-petrarch` from {source}; name_en repeats the Arabic name and no\n\
         # offices are given: complete and check before use (see data/README.md).\n\
         id\tname_en\tcountry\tnames_ar\tshort_ar\n"
    );
    for row in rows {
        out.push_str(&format!("{}\t{}\t{}\t{}\t\n", row.id, row.names_ar[0], row.country, row.names_ar.join("|")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn reads_names_synonyms_and_dated_codes() {
        let text = "# header\nنوري المالكي   # the PM\n\t[IRQGOV 20101221-20140908]\n\t[IRQELI >20140908]\n+المالكي نوري\n\
                    SERGEY_LAVROV_ [RUSGOV 040309-] \nجيش إسرائيلي  [ISRMIL]\nبن غوريون\n\t[ISRGOV <19540126]\n";
        let (actors, problems) = parse(text);
        assert_eq!(actors.len(), 4);
        assert_eq!(actors[0].names, ["نوري المالكي", "المالكي نوري"]);
        assert_eq!(
            actors[0].codes,
            [
                DatedCode { code: "IRQGOV".into(), from: day("2010-12-21"), until: day("2014-09-08") },
                DatedCode { code: "IRQELI".into(), from: day("2014-09-08"), until: None },
            ]
        );
        assert_eq!((actors[1].line, actors[1].names[0].as_str()), (6, "SERGEY LAVROV"));
        assert_eq!(actors[2].codes, [DatedCode { code: "ISRMIL".into(), from: None, until: None }]);
        assert_eq!(actors[3].codes[0].until, day("1954-01-26"));
        // "040309-" has no end day: reported, the other entries are still read.
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 6);
    }

    #[test]
    fn malformed_lines_are_reported_with_their_numbers() {
        let text = "+orphan\n\t[USAGOV]\nاسم ما\n\t[usagov]\n\t[USAGOV 20101301-20111231]\n\t[USAGOV 20120101-20100101]\n\t[USAGOV 2012]\n\t[USAGOV\n";
        let (actors, problems) = parse(text);
        assert_eq!(actors.len(), 1);
        assert!(actors[0].codes.is_empty());
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 4, 5, 6, 7, 8], "{problems:#?}");
        assert!(problems[4].message.contains("before it starts"), "{}", problems[4].message);
    }

    #[test]
    fn six_digit_years_pivot_at_thirty() {
        assert_eq!(day_of("290101").ok(), day("2029-01-01"));
        assert_eq!(day_of("300101").ok(), day("1930-01-01"));
        assert!(day_of("20190230").is_err());
    }
}
