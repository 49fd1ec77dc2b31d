//! The state whose press wrote an article, where the article says so: a state's news agency
//! named in its dateline or its closing bracket ("الرياض-سانا"، "(بترا)"). A national agency
//! writes its own state's officials with bare titles ("زار وزير الإعلام حمزة المصطفى ... مقر
//! وكالة الأنباء السعودية"), so such a title is that state's.

use compact_str::CompactString;

use crate::kb::Cue;

use super::analysis::Analysis;

/// The state of the one news agency the article names as its source (after a dash or in
/// brackets); none when it names none, or agencies of two states.
pub fn home_state(a: &Analysis<'_>) -> Option<CompactString> {
    let punct_at = |k: Option<usize>, c: char| k.and_then(|k| a.tokens.get(k)).is_some_and(|t| t.is_punct(c));
    let mut found = (0..a.tokens.len()).filter_map(|k| {
        let code = a.cues(k).find_map(|c| if let Cue::Agency(code) = c { Some(code) } else { None })?;
        let credited = punct_at(k.checked_sub(1), '-') || punct_at(k.checked_sub(1), '(') || punct_at(Some(k + 1), ')');
        credited.then_some(code)
    });
    let first = found.next()?;
    found.all(|c| c == first).then(|| std::str::from_utf8(&first).unwrap_or_default().into())
}
