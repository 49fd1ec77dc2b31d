//! Coverage of the knowledge base: how much it holds, and for the states and offices it must
//! cover (`data/coverage.tsv`) who held each office year by year and the days since 2010 on
//! which no holder is known. `rasad kb coverage` prints it.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::{Kb, KbError, Office, tsv};

/// The states and offices to cover, embedded like the rest of `data/`.
const REQUIRED: &str = include_str!("../../data/coverage.tsv");

/// The first day the knowledge base must cover.
pub fn covered_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2010, 1, 1).expect("a valid date")
}

/// One required office of one state over the covered period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeCoverage {
    pub country: String,
    pub office: Office,
    /// Per year: the number of distinct holders known on some day of it.
    pub holders_per_year: BTreeMap<i32, usize>,
    /// Day ranges (inclusive) with no known holder.
    pub gaps: Vec<(NaiveDate, NaiveDate)>,
}

impl OfficeCoverage {
    pub fn gap_days(&self) -> i64 {
        self.gaps.iter().map(|(from, to)| (*to - *from).num_days() + 1).sum()
    }
}

/// What the knowledge base holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub states: usize,
    pub places: usize,
    pub organisations: usize,
    pub people: usize,
    pub terms: usize,
    /// Places per country, most first.
    pub places_per_country: Vec<(String, usize)>,
    pub offices: Vec<OfficeCoverage>,
}

/// The required (state, office) pairs of `data/coverage.tsv`.
pub fn required() -> Result<Vec<(String, Office)>, KbError> {
    let mut out = Vec::new();
    for row in tsv::parse("coverage.tsv", REQUIRED, &["country", "offices"])? {
        for office in row.variants(1) {
            let office = Office::parse(office).ok_or_else(|| row.error(format!("unknown office {office:?}")))?;
            out.push((row.get(0).to_string(), office));
        }
    }
    Ok(out)
}

impl Kb {
    /// The coverage of `required` offices from `from` to `to` (inclusive).
    pub fn coverage(&self, required: &[(String, Office)], from: NaiveDate, to: NaiveDate) -> Coverage {
        let mut per_country: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &self.places {
            *per_country.entry(p.country.as_str()).or_default() += 1;
        }
        let mut places_per_country: Vec<(String, usize)> = per_country.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
        places_per_country.sort_by_key(|(c, n)| (std::cmp::Reverse(*n), c.clone()));
        Coverage {
            states: self.states.len(),
            places: self.places.len(),
            organisations: self.organisations.len(),
            people: self.people.len(),
            terms: self.terms.len(),
            places_per_country,
            offices: required.iter().map(|(country, office)| self.office_coverage(country, *office, from, to)).collect(),
        }
    }

    fn office_coverage(&self, country: &str, office: Office, from: NaiveDate, to: NaiveDate) -> OfficeCoverage {
        let mut terms: Vec<(NaiveDate, NaiveDate, u32)> = self
            .terms_of_office(office, country)
            .map(|t| (t.start.max(from), t.end.unwrap_or(to).min(to), t.person))
            .filter(|(start, end, _)| start <= end)
            .collect();
        terms.sort();
        let mut gaps = Vec::new();
        let mut next = from;
        for (start, end, _) in &terms {
            if *start > next {
                gaps.push((next, *start - Duration::days(1)));
            }
            next = next.max(*end + Duration::days(1));
        }
        if next <= to {
            gaps.push((next, to));
        }
        let mut holders_per_year = BTreeMap::new();
        for year in from.year()..=to.year() {
            let mut people: Vec<u32> = terms.iter().filter(|(s, e, _)| s.year() <= year && year <= e.year()).map(|t| t.2).collect();
            people.sort_unstable();
            people.dedup();
            holders_per_year.insert(year, people.len());
        }
        OfficeCoverage { country: country.to_string(), office, holders_per_year, gaps }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_days_no_term_covers() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let kb = Kb::embedded().unwrap();
        let usa = kb.coverage(&[("USA".into(), Office::HeadOfState)], day("2010-01-01"), day("2026-11-22"));
        assert_eq!(usa.offices[0].gaps, []);
        assert_eq!(usa.offices[0].holders_per_year[&2017], 2, "Obama and Trump");
        let nowhere = kb.coverage(&[("ATA".into(), Office::HeadOfState)], day("2010-01-01"), day("2010-12-31"));
        assert_eq!(nowhere.offices[0].gaps, [(day("2010-01-01"), day("2010-12-31"))]);
        assert_eq!(nowhere.offices[0].gap_days(), 365);
    }

    #[test]
    fn the_required_offices_parse() {
        let required = required().unwrap();
        assert!(required.contains(&("SAU".to_string(), Office::CrownPrince)));
        assert!(required.len() > 100);
    }
}
