#!/usr/bin/env python3
"""Why the gold pairs of merge batches stay apart: a tally for tests/merge/real/BATCHES.md.

For every pair of articles that one gold cluster holds and `rasad merge-eval` leaves in two
events, reads the first event the extractor gives each article (the one merge-eval scores) and
names the first reason, in this order, that keeps them apart: no event; other sides or people;
another type, mode or outcome; both undated; one undated (and whether a dated report could
place it); places or dates that differ. It mirrors the rules of src/merge (compare.rs and
`fits_undated`) on the fields, so it is a diagnosis, not a second merger.

    scripts/merge_why.py target/release/rasad tests/merge/real/c01 tests/merge/real/c02 ...

prints a markdown table: one row per reason, one column per batch, and the total. With
--pairs it first lists each pair and its reason.
"""

import collections
import itertools
import json
import subprocess
import sys


def run(rasad, batch):
    """The batch's articles, each article's extracted events, and its predicted event."""
    articles = [json.loads(line) for line in open(f"{batch}/articles.jsonl", encoding="utf-8") if line.strip()]
    stripped = "".join(json.dumps({k: v for k, v in a.items() if k != "cluster"}, ensure_ascii=False) + "\n" for a in articles)
    out = subprocess.run([rasad, "extract", "--jsonl"], input=stripped, capture_output=True, text=True, check=True).stdout
    events = {}
    for line in out.splitlines():
        answer = json.loads(line)
        events[answer["articleId"]] = answer.get("events", [])
    out = subprocess.run([rasad, "merge-eval", "--verbose", batch], capture_output=True, text=True, check=True).stdout
    predicted = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 3:
            predicted[fields[0]] = fields[2]
    return articles, events, predicted


def sides(e):
    return frozenset(p.get("country") or p["actorId"] for p in e.get("participants", []))


def persons(e):
    return {(p.get("country"), p["actorId"]) for p in e.get("participants", []) if p.get("kind") == "ACTOR_KIND_PERSON"}


def undated(e):
    return not e.get("date", {}).get("start")


def place(e):
    loc = e.get("location")
    return (loc.get("nameEn") or loc.get("country")) if loc else None


def status(e):
    return e.get("status", "")[len("EVENT_STATUS_"):]


def stages_agree(a, b):
    return a == b or {a, b} == {"PLANNED", "OCCURRED"}


FITS = "one undated: fits the dated one"


def reason(a, b):
    """Why the first events of two articles are not one event (before order and ambiguity)."""
    if not a or not b:
        return "no event extracted from one article"
    ea, eb = a[0], b[0]
    sa, sb = sides(ea), sides(eb)
    shared = len(sa & sb)
    if shared == 0 or (not (len(sa) == 1 and len(sb) == 1) and shared < 2) or shared / len(sa | sb) < 0.5:
        return "sides differ (the first event is another contact)"
    pa, pb = persons(ea), persons(eb)
    for side in sa & sb:
        xa, xb = {p for p in pa if p[0] == side}, {p for p in pb if p[0] == side}
        if xa and xb and not xa & xb:
            return "other people of one state (another contact first)"
    if ea["eventType"] != eb["eventType"]:
        return "type differs: an agreement vs the talks it came from"
    ma, mb = ea.get("mode", ""), eb.get("mode", "")
    if ma and mb and ma != mb and ("PHONE" in ma or "PHONE" in mb):
        return "phone vs in person"
    ended = ("CANCELLED", "NEGATED")
    if {status(ea), status(eb)} & {"OCCURRED"} and {status(ea), status(eb)} & set(ended):
        return "outcome differs: held vs called off or denied"
    la, lb = place(ea), place(eb)
    if undated(ea) and undated(eb):
        return "both undated"
    if undated(ea) or undated(eb):
        u, d = (ea, eb) if undated(ea) else (eb, ea)
        if not stages_agree(status(u), status(d)):
            return "one undated: another stage (proposed/cancelled vs planned/held)"
        if not ((la and lb and la == lb) or (ma and ma == mb)):
            return "one undated: no place or mode in common"
        return FITS
    if la and lb and la != lb:
        return "places differ"
    return "both dated: dates differ or score below threshold"


def fits(u, d):
    return reason([u], [d]) == FITS


def refine(why, x, y, articles, events, predicted):
    """Splits the undated reasons by what the stream offered when the undated report came."""
    first = {a["id"]: events[a["id"]][0] for a in articles if events[a["id"]]}
    if why == "both undated":
        cluster = [a["id"] for a in articles if a["cluster"] == x["cluster"] and a["id"] in first and not undated(first[a["id"]])]
        if any(fits(first[x["id"]], first[z]) and fits(first[y["id"]], first[z]) for z in cluster):
            return "both undated: a dated report of the cluster fits both"
        if cluster:
            return "both undated: the cluster's dated reports do not fit both"
        return "both undated: no dated report in the cluster"
    if why != FITS:
        return why
    u, d = (x, y) if undated(first[x["id"]]) else (y, x)
    position = {a["id"]: i for i, a in enumerate(articles)}
    earlier = [z["id"] for z in articles[: position[u["id"]]] if z["id"] in first and not undated(first[z["id"]])]
    fitting = {predicted[z] for z in earlier if fits(first[u["id"]], first[z])}
    if position[u["id"]] < position[d["id"]]:
        return FITS + ", which came after it"
    if len(fitting) >= 2:
        return FITS + ", and so do others (ambiguous)"
    return FITS + ", but another report of its event vetoes"


def main():
    args = [a for a in sys.argv[1:] if a != "--pairs"]
    rasad, batches = args[0], args[1:]
    tally = {batch: collections.Counter() for batch in batches}
    for batch in batches:
        articles, events, predicted = run(rasad, batch)
        for x, y in itertools.combinations(articles, 2):
            if x["cluster"] != y["cluster"] or predicted[x["id"]] == predicted[y["id"]]:
                continue
            why = refine(reason(events[x["id"]], events[y["id"]]), x, y, articles, events, predicted)
            tally[batch][why] += 1
            if "--pairs" in sys.argv:
                print(f"{x['id']} ~ {y['id']}: {why}")
    print_table("why", batches, tally)


def print_table(heading, batches, tally, alone=None):
    """The markdown table of `tally` (batch -> Counter of reasons): one row per reason, one column
    per batch, the total, and, given `alone` (reason -> count), a last column of those counts."""
    total = sum(tally.values(), collections.Counter())
    names = [b.rstrip("/").rsplit("/", 1)[-1] for b in batches]
    extra = lambda cell: f" {cell} |" if alone is not None else ""  # noqa: E731
    print(f"| {heading} | " + " | ".join(names) + " | total |" + extra("the only field"))
    print("|---" * (len(batches) + 2 + (alone is not None)) + "|")
    for why, n in total.most_common():
        print(f"| {why} | " + " | ".join(str(tally[b][why]) for b in batches) + f" | {n} |" + extra((alone or {}).get(why) or ""))
    print("| **all split pairs** | " + " | ".join(str(sum(tally[b].values())) for b in batches) + f" | {sum(total.values())} |" + extra(""))


if __name__ == "__main__":
    main()
