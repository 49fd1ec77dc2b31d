//! Where a title's holder is named: by a name the knowledge base knows right after it, or by
//! words it does not know, after or before the title ("السفير الفرنسي ألكسندر غارسيا").

use crate::extract::analysis::Analysis;
use crate::kb::{Cue, Kb};

use super::compose::punct_gap;
use super::raw::{RawMention, person_of};

/// The person named right after a title or "نظيره" (only punctuation or courtesy words between), as
/// (person, first token, end token). A name joined by "و" is the next item of a list, not
/// the title's holder ("الملك والسيسي": the king and Sisi, "رئيس الاتحاد الأوروبي، والسيد
/// كيرياكوس ميتسوتاكيس"), unless the و is its own ("الرئيس وليد").
pub(super) fn named_after(kb: &Kb, a: &Analysis<'_>, next: Option<&RawMention>, end: usize) -> Option<(u32, usize, usize)> {
    let courtesy = |k: usize| !a.is_word(k) || a.cue(k, |c| c == Cue::Honorific) && !a.tokens[k].norm.starts_with('و');
    let n = next.filter(|n| punct_gap(a, end, n.first) || (end..n.first).all(courtesy))?;
    let p = person_of(n)?;
    let first = &a.tokens[n.first].norm;
    (!first.starts_with('و') || kb.is_word_of(p, first)).then_some((p, n.first, own_name_after(kb, a, p, n.end)))
}

/// "وزيرة الخارجية اليابانية كاميكاوا يوكو": words of the person's own names written after the
/// name found (the family name first), up to two: the end of the name as written.
fn own_name_after(kb: &Kb, a: &Analysis<'_>, person: u32, end: usize) -> usize {
    (end..(end + 2).min(a.tokens.len()))
        .take_while(|&k| a.is_word(k) && kb.is_word_of(person, &a.tokens[k].norm))
        .last()
        .map_or(end, |k| k + 1)
}

/// "وزير الداخلية التونسي خالد النوري", "السفير المصري في تونس، باسم يحيى حسن": the name of a
/// title's holder that the knowledge base does not know, as (first token, end token): after a
/// comma, a quotation mark or courtesy words, one to four words the lexicon has no meaning for, up to the next
/// mention, punctuation or word it knows. One word only when it is some person's given name;
/// a first word with the article, a conjunction or "ل" is no name ("والرئيس", "لعملية السلام").
pub(super) fn unlisted_name(kb: &Kb, a: &Analysis<'_>, next: Option<&RawMention>, end: usize) -> Option<(usize, usize)> {
    let stop = next.map_or(a.tokens.len(), |n| n.first);
    let mut first = end;
    while first < stop
        && (!a.is_word(first) && matches!(a.tokens[first].norm.as_str(), "," | "\"") || a.cue(first, |c| c == Cue::Honorific))
    {
        first += 1;
    }
    // A word with a preposition on its article ("للشؤون", "بمقر المجلس" has none, "بالعاصمة")
    // is no part of a name.
    let prefixed = |k: usize| {
        let w = a.tokens[k].norm.trim_start_matches(['و', 'ف']);
        ["لل", "بال", "كال"].iter().any(|p| w.starts_with(p))
    };
    let bare = |k: usize| a.is_word(k) && a.words(k).is_empty() && !prefixed(k) && !crate::text::is_relative(&a.tokens[k].norm);
    // "ديفيد مالباس لحل الخلافات": "ل" on a word before a definite one is a purpose, after the
    // name.
    let purpose = |k: usize| {
        a.tokens[k].norm.trim_start_matches('و').starts_with('ل') && a.tokens.get(k + 1).is_some_and(|t| t.norm.starts_with("ال"))
    };
    let last = (first..stop).take_while(|&k| bare(k) && !(k > first && purpose(k))).take(5).last()? + 1;
    let len = last - first;
    let opening = &a.tokens[first].norm;
    let plain_opening = !opening.starts_with(['و', 'ل']) && !opening.starts_with("ال") || a.is_name_word(kb, first);
    let ends = last == stop || !bare(last) || purpose(last);
    // "وزير الداخلية، صباح اليوم": a given name before a day is the time of day.
    let time_of_day = last < a.tokens.len() && a.cue(last, |c| matches!(c, Cue::RelDay(_) | Cue::Weekday(_)));
    let one_name = len == 1 && a.is_name_word(kb, first) && !time_of_day;
    (plain_opening && ends && ((2..=4).contains(&len) || one_name)).then_some((first, last))
}

/// Whether a title's first word carries the conjunction "و" ("ووزيرة", "والسفير", "ورئيس"),
/// not a title that begins with the letter ("وزير", "وكيل", "والي", "ولي العهد").
pub(super) fn conjoined(norm: &str) -> bool {
    norm.starts_with('و') && !["وزير", "وكيل", "والي", "ولي"].iter().any(|t| norm.starts_with(t))
}

/// "يقوم محمد رضا رحيمي النائب الأول للرئيس الإيراني": the name of a title's holder the
/// knowledge base does not know, written before the title (from token `head`, where the title
/// and a deputy's words start), as (first token, end token): two to four words the lexicon has
/// no meaning for, after the mention that ends at `after` and nothing else, the first of them
/// some person's given name or after courtesy words ("سعادة السيد جورج فيوري رئيس مجلس الشيوخ"),
/// with a comma or none before the title.
pub(super) fn unlisted_name_before(kb: &Kb, a: &Analysis<'_>, after: usize, head: usize) -> Option<(usize, usize)> {
    // A title joined by "و" opens the next item of a list; the name before it is the item
    // before's ("وزير الصناعة الأردني يوسف الشمالي والقائم بالأعمال العراقي", "الحرب، داود يحيى
    // إبراهيم، ووزير الاقتصاد", "الناطق باسم الحكومة، الدكتور سومانا بوبكر، ووزيرة الطاقة").
    if a.tokens.get(head).is_some_and(|t| conjoined(&t.norm)) {
        return None;
    }
    // "التقى الدكتور جابر عصفور، وزير الثقافة": a comma may stand between the name and its
    // title when a word opens the name, not a mention or a comma.
    let comma = head > after && (a.tokens[head - 1].is_punct(',') || a.tokens[head - 1].is_punct('،'));
    let end = if comma { head - 1 } else { head };
    let bare = |k: usize| a.is_word(k) && a.words(k).is_empty();
    let first = (after..end).rev().take_while(|&k| bare(k)).take(5).last()?;
    if comma && (first == after || !a.is_word(first - 1)) {
        return None;
    }
    let len = end - first;
    let opens = first == after || !bare(first - 1);
    let courtesy = first > 0 && a.cue(first - 1, |c| c == Cue::Honorific);
    (((2..=4).contains(&len) || len == 5 && courtesy) && opens && (courtesy || a.is_name_word(kb, first))).then_some((first, end))
}
