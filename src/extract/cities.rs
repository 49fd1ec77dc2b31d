//! The city of a happening placed only in a country. A report often names the destination once
//! by its state ("بزيارة الدولة للصين", "زيارة عمل إلى مصر") and its city elsewhere ("في العاصمة
//! بكين", "وتعتبر القاهرة ثالث محطة"): when the article names one city of that state and no
//! other, the happening took place there.

use rustc_hash::FxHashMap;

use crate::kb::{Kb, PlaceKind};

use super::events::{Draft, Place};
use super::mentions::{Mention, MentionKind};

/// Gives the events located in a whole state the one city of it the article names, if it names
/// exactly one (a capital or another city; not a seat of power, which also stands for its
/// government, nor a region).
pub fn name_the_city(events: &mut [Draft], kb: &Kb, mentions: &[Mention]) {
    let mut cities: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for m in mentions {
        let (MentionKind::Seat(p) | MentionKind::Place(p)) = m.kind else { continue };
        let place = &kb.places[p as usize];
        if matches!(place.kind, PlaceKind::Capital | PlaceKind::City) {
            let named = cities.entry(place.country.as_str()).or_default();
            if !named.contains(&p) {
                named.push(p);
            }
        }
    }
    for event in events.iter_mut() {
        let Some(location) = event.location.as_mut().filter(|l| !l.specific) else { continue };
        if let Some(&[p]) = cities.get(location.country.as_str()).map(Vec::as_slice) {
            *location = Place::specific(&kb.places[p as usize]);
        }
    }
}
