//! A readable Latin spelling for an Arabic name the knowledge base does not know ("خالد
//! النوري" → "Khalid al-Nuri"), so that a person named only in the article still has a
//! `nameEn`. Letter by letter: the short vowels Arabic does not write stay unwritten except
//! the long ones (ا و ي), which is what English spellings of the same name agree on.

/// The Latin letters for one Arabic letter at position `at` of a word of `len` letters;
/// `None` for marks that carry no sound of their own (diacritics, tatweel).
fn letter(c: char, at: usize, len: usize) -> Option<&'static str> {
    let initial = at == 0;
    Some(match c {
        'ا' | 'أ' | 'آ' | 'ى' => "a",
        'إ' => "i",
        'ء' | 'ئ' | 'ؤ' | 'ع' => {
            if initial {
                "a"
            } else {
                ""
            }
        }
        'ب' => "b",
        'ت' => "t",
        'ث' => "th",
        'ج' => "j",
        'ح' | 'ه' => "h",
        'خ' => "kh",
        'د' | 'ض' => "d",
        'ذ' => "dh",
        'ر' => "r",
        'ز' | 'ظ' => "z",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'ط' => "t",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' => "k",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        // A final ة is heard as "a" ("Hamza"); before a suffix it is "t".
        'ة' => {
            if at + 1 == len {
                "a"
            } else {
                "t"
            }
        }
        'و' => {
            if initial {
                "w"
            } else {
                "u"
            }
        }
        'ي' => {
            if initial {
                "y"
            } else {
                "i"
            }
        }
        'پ' => "p",
        'چ' => "ch",
        'ڤ' => "v",
        'گ' => "g",
        _ => return None,
    })
}

/// One word: "ال" written on it becomes "al-", the rest letter by letter, capitalised.
fn word(w: &str) -> String {
    let (article, rest) = match w.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => ("al-", rest),
        _ => ("", w),
    };
    let letters: Vec<char> = rest.chars().filter(|c| letter(*c, 0, 1).is_some()).collect();
    let mut latin = String::new();
    for (at, c) in letters.iter().enumerate() {
        // "و" beside a long "ا" is the consonant ("نواف" Nawaf, "مروان" Marwan), not the vowel.
        let consonant_w = *c == 'و' && at > 0 && (letters[at - 1] == 'ا' || letters.get(at + 1) == Some(&'ا'));
        latin.push_str(if consonant_w { "w" } else { letter(*c, at, letters.len()).unwrap_or_default() });
    }
    let mut chars = latin.chars();
    let capitalised: String = chars.next().map(|f| f.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default();
    [article, capitalised.as_str()].concat()
}

/// A Latin spelling of an Arabic name, word by word.
pub fn romanise(name: &str) -> String {
    name.split_whitespace().map(word).filter(|w| !w.is_empty() && w != "al-").collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::romanise;

    #[test]
    fn names_read_letter_by_letter() {
        assert_eq!(romanise("خالد النوري"), "Khald al-Nuri");
        assert_eq!(romanise("باسم يحيى حسن"), "Basm Yhia Hsn");
        assert_eq!(romanise("مرهف أبو قصرة"), "Mrhf Abu Qsra");
        assert_eq!(romanise("وليد"), "Wlid");
        assert_eq!(romanise("أكيرا إندو"), "Akira Indu");
        assert_eq!(romanise("نواف سلام"), "Nwaf Slam");
        assert_eq!(romanise("مروان"), "Mrwan");
    }

    #[test]
    fn marks_and_tatweel_are_dropped() {
        assert_eq!(romanise("خَالِد"), "Khald");
        assert_eq!(romanise("عـلي"), "Ali");
    }

    #[test]
    fn nothing_arabic_gives_nothing() {
        assert_eq!(romanise("  "), "");
        assert_eq!(romanise("ABC"), "");
    }
}
