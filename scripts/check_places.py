#!/usr/bin/env python3
"""Ambiguity check for the place names of data/places.tsv.

Why: a place name that is also a state, another place, a person's name, a title, an
organisation or a lexicon word makes the extractor read a place where the text means something
else. This script normalises names as the knowledge-base loader does (src/kb/mod.rs
`data_tokens`: a leading "ال" is dropped when three letters or more remain; then
src/text/normalize.rs: hamza forms, ى/ي, ة/ه, diacritics, tatweel) and reports, for the rows
below the "# ====" marker line (the first-level units section), every name that:

  - equals a name or a derived adjective form of states.tsv, a name in places.tsv (another
    row), people.tsv (names_ar, short_ar), titles.tsv, organisations.tsv, or a lexicon form;
  - is one word and equals a word of a person's name in people.tsv (a given or family name);
  - is one word that, once a conjunction/preposition (و ف ب ل ك) is taken off as the text
    side does, is another known form ("وجدة" = و + جدة).

It also reports names two places.tsv rows share (anywhere in the file). Exit status 1 when
anything is reported for the new section.

Usage: python3 scripts/check_places.py [--data data]
"""

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\ufeff\u00ad]")
FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه",
                      "ؤ": "و", "ئ": "ي", "ک": "ك", "گ": "ج", "ڤ": "ف", "پ": "ب", "چ": "ج"})
MARKER = "# ===="
# The suffixes a lexicon form ending in `*` also matches (data/lexicon.tsv, top comment).
LEXICON_SUFFIXES = ["ا", "ان", "ين", "ون", "وا", "ت", "تا", "تان", "ه", "ها", "هما", "هم"]


def norm_word(w: str) -> str:
    return DIACRITICS.sub("", w).translate(FOLD)


def key(phrase: str) -> str:
    """The loader's key for a phrase: each word without a leading ال (if 3+ letters remain)."""
    out = []
    for raw in phrase.split():
        rest = raw[2:] if raw.startswith("ال") else None
        out.append(norm_word(rest if rest is not None and len(rest) >= 3 else raw))
    return " ".join(out)


def rows(path: Path):
    """(line number, columns, in_new_section) for each data row; the header is skipped."""
    header_seen = False
    new = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(MARKER):
            new = True
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield n, line.split("\t"), new


def variants(cell: str):
    return [v.strip() for v in cell.split("|") if v.strip()]


def nisba_forms(adj: str):
    head, _, last = adj.rpartition(" ")
    forms = [last]
    if last.endswith(("ي", "ى")):
        forms += [last + s for s in ["ة", "ان", "ين", "ون", "ات"]]
    return [f"{head} {f}" if head else f for f in forms]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(Path(__file__).resolve().parent.parent / "data"))
    data = Path(ap.parse_args().data)

    known = defaultdict(set)  # key -> descriptions of what else it names
    name_words = defaultdict(set)  # one word of a person's name -> person ids
    short_skeletons = defaultdict(set)  # skeleton of a one-word short name -> person ids
    for _, c, _ in rows(data / "states.tsv"):
        for v in variants(c[2]):
            known[key(v)].add(f"state {c[0]}")
        for adj in variants(c[3]) if len(c) > 3 else []:
            for f in nisba_forms(adj):
                known[key(f)].add(f"adjective {c[0]}")
    for _, c, _ in rows(data / "people.tsv"):
        for v in variants(c[3]) + (variants(c[4]) if len(c) > 4 else []):
            known[key(v)].add(f"person {c[0]}")
            for w in key(v).split():
                name_words[w].add(c[0])
        for v in variants(c[4]) if len(c) > 4 else []:
            if " " not in key(v):
                short_skeletons[skeleton(key(v))].add(c[0])
    for _, c, _ in rows(data / "titles.tsv"):
        known[key(c[0])].add(f"title {c[1]}")
    for _, c, _ in rows(data / "organisations.tsv"):
        for v in variants(c[2]):
            known[key(v)].add(f"organisation {c[0]}")
    for _, c, _ in rows(data / "lexicon.tsv"):
        form = c[0].rstrip("*")
        forms = [form] + ([form + s for s in LEXICON_SUFFIXES] if c[0].endswith("*") else [])
        for f in forms:
            known[key(f)].add(f"lexicon {c[1]} {c[0]}")

    places = list(rows(data / "places.tsv"))
    place_keys = defaultdict(list)  # key -> [(line, name_en, country, new)]
    for n, c, new in places:
        for v in variants(c[3]):
            place_keys[key(v)].append((n, c[0], c[1], new))

    problems = 0
    for n, c, new in places:
        if not new:
            continue
        for v in variants(c[3]):
            k = key(v)
            found = sorted(known.get(k, ()))
            others = [f"place {e} ({cc}, line {ln})" for ln, e, cc, _ in place_keys[k] if ln != n]
            if " " not in k and k in name_words:
                found.append("word of the name of " + ", ".join(sorted(name_words[k])[:4]))
            if " " not in k:
                for stem in proclitic_stems(k):
                    if stem in known or stem in place_keys:
                        found.append(f"clitic + {stem!r} ({', '.join(sorted(known.get(stem, ())) or ['a place'])})")
                if skeleton(k) in short_skeletons:
                    found.append("skeleton of the short name of " + ", ".join(sorted(short_skeletons[skeleton(k)])))
            if found or others:
                problems += 1
                print(f"places.tsv:{n}\t{c[0]}\t{v}\t" + "; ".join(found + others))
    dups = 0
    for k, hits in place_keys.items():
        lines = {ln for ln, *_ in hits}
        if len(lines) > 1 and not any(new for *_, new in hits):
            dups += 1
            print(f"shared (older rows)\t{k}\t" + "; ".join(f"{e} ({cc}, line {ln})" for ln, e, cc, _ in hits))
    new_rows = sum(1 for *_, new in places if new)
    print(f"{new_rows} new rows; {problems} new names collide; {dups} names shared among older rows",
          file=sys.stderr)
    return 1 if problems else 0


def skeleton(word: str) -> str:
    """The consonant skeleton people's names are also matched by (src/text/normalize.rs)."""
    out, last = [], None
    for i, ch in enumerate(word):
        inner = 0 < i < len(word) - 1
        ch = {"غ": "ج", "ق": "ج", "ظ": "ز"}.get(ch, ch)
        if (ch == "ء" and i > 0) or (ch in "اوي" and inner):
            continue
        if ch != last:
            out.append(ch)
        last = ch
    return "".join(out)


def proclitic_stems(word: str):
    """The stems the text side also tries for `word` (src/text/tokens.rs `stems`), shorter ones."""
    out = []
    for a in ([0, 1] if word[:1] in "وف" else [0]):
        rest = word[a:]
        for b in ([0, 1] if rest[:1] in "بلك" else [0]):
            stem = rest[b:]
            if stem != word and len(stem) >= 2:
                out.append(stem)
    return out


if __name__ == "__main__":
    sys.exit(main())
