#!/usr/bin/env python3
"""The wrongly joined pairs of merge batches, with what each article gave: for BATCHES.md.

For every pair of articles that two gold clusters hold and `rasad merge-eval` puts in one event,
prints the pair, then each article involved with its gold cluster, publication day, predicted
event, its first three extracted events (type, status, mode, participants as country:actor,
date, weekday, place) and the opening of its text. Classifying why a pair was joined is done by
reading this, not by the script.

    scripts/merge_joined.py target/release/rasad tests/merge/real/c06 tests/merge/real/c14 ...
"""

import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from merge_why import run  # noqa: E402


def brief(e):
    d = e.get("date", {})
    who = ",".join(f"{p.get('country', '')}:{p['actorId'].split('/')[-1]}" for p in e.get("participants", []))
    loc = e.get("location") or {}
    return (f"{e.get('eventType', '')[len('EVENT_TYPE_'):]} {e.get('status', '')[len('EVENT_STATUS_'):]} "
            f"{e.get('mode', '')[len('CONSULT_MODE_'):]} [{who}] date={d.get('start', '-')}..{d.get('end', '')} "
            f"weekday={d.get('weekday', '')} place={loc.get('nameEn') or loc.get('country')}")


def main():
    rasad, batches = sys.argv[1], sys.argv[2:]
    for batch in batches:
        articles, events, predicted = run(rasad, batch)
        involved = set()
        for x, y in itertools.combinations(articles, 2):
            if x["cluster"] != y["cluster"] and predicted[x["id"]] == predicted[y["id"]]:
                print(f"== {x['id']} ({x['cluster']}) ~ {y['id']} ({y['cluster']}) in {predicted[x['id']]}")
                involved |= {x["id"], y["id"]}
        for a in articles:
            if a["id"] not in involved:
                continue
            print(f"-- {a['id']} {a['cluster']} published {a.get('publishedAt', '-')[:10]} -> {predicted[a['id']]}")
            for e in events[a["id"]][:3]:
                print("     ", brief(e))
            print("      text:", a["text"][:400].replace("\n", " "))


if __name__ == "__main__":
    main()
