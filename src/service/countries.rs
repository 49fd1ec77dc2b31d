//! The country codes a filter may name (`data/countries.txt`): ISO 3166-1 alpha-3 and Kosovo's
//! user-assigned XKX, which the knowledge base uses. A code outside them can match no event: it
//! is a mistake.

use std::sync::OnceLock;

/// The codes, sorted, from the data file embedded in the binary.
fn codes() -> &'static [&'static str] {
    static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        include_str!("../../data/countries.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
    })
}

/// Whether `code` (upper case) is a country code an event can carry.
pub fn is_country(code: &str) -> bool {
    codes().binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_sorted_and_known() {
        let codes = super::codes();
        assert_eq!(codes.len(), 250);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_country("RUS") && super::is_country("XKX") && !super::is_country("XYZ"));
    }
}
