#!/usr/bin/env python3
"""Checks data/states.tsv against the Unicode CLDR Arabic territory names shipped in PyPI's
`babel` (pip install babel==2.17.0): every state's CLDR name must be among its `names_ar`
(after the loader's normalisation). Prints the missing ones as ready-to-paste variants and
exits 1 when there are any. Standard library + babel only.

    python3 scripts/check_states_cldr.py [data/states.tsv]
"""

import re
import sys

from babel import Locale
from babel.core import get_global

FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


def normalise(text: str) -> str:
    """The loader's letter folding (src/text/normalize.rs) for the letters CLDR uses, without
    CLDR's punctuation ("الكونغو - برازافيل", "ميانمار (بورما)"), which the press does not write."""
    text = re.sub(r"\s*\(.*?\)", "", text).replace(" - ", " ")
    return re.sub("[\u064b-\u065f\u0670\u0640]", "", text).translate(FOLD).strip()


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "data/states.tsv"
    names = Locale("ar").territories
    aliases = get_global("territory_aliases")
    missing = []
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        cells = line.rstrip("\n").split("\t")
        code, known = cells[0], {normalise(v) for v in cells[2].split("|")}
        alpha2 = next(iter(aliases.get(code, [])), None)
        cldr = names.get(alpha2) if alpha2 else None
        if cldr and normalise(cldr) not in known:
            missing.append((code, cldr))
    for code, cldr in missing:
        print(f"{code}\tadd to names_ar: {cldr}")
    print(f"{len(missing)} states lack their CLDR Arabic name", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
