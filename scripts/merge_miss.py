#!/usr/bin/env python3
"""Why wrongly split pairs are apart, by the classes of merge15 (tests/merge/real/BATCHES.md).

A finer reading than scripts/merge_why.py (whose `run` it reuses): for every pair of articles
that one gold cluster holds and `rasad merge-eval` leaves in two events, it compares the first
event the extractor gives each article (the one merge-eval scores) and names the first field,
in this order, that keeps them apart: no event; another contact leads one article; another
type; phone against in person; held against called off; then the fields the undated rules
read (one side named by its state against a person; a place named at another granularity;
places in two countries; no place or mode in common; another stage; a weekday), then the
dates of two dated reports (one day off, a multi-day span, further apart), and last what
the stream order did (an undated report that came before the dated one, or that fitted two
stored events). It mirrors src/merge on the fields, so it is a diagnosis, not a second merger.

    scripts/merge_miss.py target/release/rasad tests/merge/real/c01 ... [--pairs]
"""

import collections
import datetime
import itertools
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from merge_why import persons, print_table, run, sides, status, undated  # noqa: E402


def place(e):
    loc = e.get("location")
    if not loc:
        return None
    return (loc.get("nameEn") or loc.get("country"), loc.get("country"), bool(loc.get("wholeCountry")))


def day(e):
    d = e.get("date") or {}
    try:
        return datetime.date.fromisoformat(d.get("start", "")[:10])
    except ValueError:
        return None


def stage(e):
    s = status(e)
    d = e.get("date") or {}
    if s == "PROPOSED" and (d.get("weekday") or (d.get("start") and not d.get("fromPublication"))):
        return "PLANNED"
    return s


def stages_agree(a, b):
    return a == b or {a, b} == {"PLANNED", "OCCURRED"}


def named_sides(e):
    return {p[0] for p in persons(e)}


def obstacles(ea, eb):
    """Every field that keeps two first events apart, in the order the classes are named
    (empty when every field agrees). The first is the pair's class."""
    found = []
    sa, sb = sides(ea), sides(eb)
    shared = len(sa & sb)
    if shared == 0 or (not (len(sa) == 1 and len(sb) == 1) and shared < 2) or shared / len(sa | sb) < 0.5:
        return ["another contact leads one article (sides)"]
    pa, pb = persons(ea), persons(eb)
    for side in sa & sb:
        xa, xb = {p for p in pa if p[0] == side}, {p for p in pb if p[0] == side}
        if xa and xb and not xa & xb:
            return ["another contact leads one article (other people of one state)"]
    if ea["eventType"] != eb["eventType"]:
        found.append("another type (an agreement vs its talks, a statement)")
    ma, mb = ea.get("mode", ""), eb.get("mode", "")
    if ma and mb and ma != mb and ("PHONE" in ma or "PHONE" in mb):
        found.append("another mode (phone vs in person)")
    ended = ("CANCELLED", "NEGATED")
    if {status(ea), status(eb)} & {"OCCURRED"} and {status(ea), status(eb)} & set(ended):
        found.append("outcome differs: held vs called off or denied")
    la, lb = place(ea), place(eb)
    both_undated = undated(ea) and undated(eb)
    if la and lb and la[0] != lb[0]:
        if not (la[1] and la[1] == lb[1]):
            found.append("places in two countries")
        elif not (both_undated and la[2] != lb[2]):
            # A city and the whole country it is in are one place to every rule since merge13.
            found.append("place granularity (two cities, a venue and its city, in one state)")
    if undated(ea) or undated(eb):
        if both_undated and sa != sb:
            found.append("one report names more sides (undated)")
        elif both_undated and pa != pb:
            if named_sides(ea) != named_sides(eb):
                found.append("one side at state level vs a named person (undated)")
            else:
                found.append("other people named besides (undated)")
        if not stages_agree(stage(ea), stage(eb)):
            found.append("another stage (proposed or cancelled vs planned or held)")
        if not ((la and lb and (la[0] == lb[0] or la[1] == lb[1])) or (ma and ma == mb)):
            found.append("no place or mode in common (undated)")
        elif both_undated and not (ma and ma == mb):
            found.append("mode not given by both (undated)")
        return found
    da, db = day(ea), day(eb)
    if da and db:
        gap = abs((da - db).days)
        if gap == 1:
            found.append("date one day off")
        elif 2 <= gap <= 6:
            found.append("a multi-day span (2-6 days apart)")
        elif gap > 6:
            found.append("dates further apart (a recalled or announced day)")
    if not found:
        found.append("both dated, same day: score below the threshold")
    return found


def field_reason(ea, eb):
    """The first field that keeps two first events apart (None when every field agrees)."""
    found = obstacles(ea, eb)
    return found[0] if found else None


def classify(x, y, articles, events, predicted):
    ex, ey = events[x["id"]], events[y["id"]]
    if not ex or not ey:
        return "extraction found no event"
    why = field_reason(ex[0], ey[0])
    if why:
        return why
    first = {a["id"]: events[a["id"]][0] for a in articles if events[a["id"]]}
    position = {a["id"]: i for i, a in enumerate(articles)}
    fits = lambda u, d: field_reason(u, d) is None  # noqa: E731
    if undated(ex[0]) and undated(ey[0]):
        # Twins by every field: what else stored fitted one of them when it came.
        later = max(x, y, key=lambda a: position[a["id"]])
        earlier_events = {predicted[z["id"]] for z in articles[: position[later["id"]]]
                          if z["id"] in first and fits(first[later["id"]], first[z["id"]])}
        if len(earlier_events) >= 2:
            return "one undated report matching two stored events"
        return "both undated, every field agrees: still apart (a rival, the clock, holders)"
    u, d = (x, y) if undated(ex[0]) else (y, x)
    if position[u["id"]] < position[d["id"]]:
        return "undated report came before the dated one that places it"
    earlier = {predicted[z["id"]] for z in articles[: position[u["id"]]]
               if z["id"] in first and not undated(first[z["id"]]) and fits(first[u["id"]], first[z["id"]])}
    if len(earlier) >= 2:
        return "one undated report matching two stored events"
    return "one undated, every field agrees: still apart (another report of its event, the clock, holders)"


def main():
    args = [a for a in sys.argv[1:] if a != "--pairs"]
    rasad, batches = args[0], args[1:]
    tally = {batch: collections.Counter() for batch in batches}
    alone = collections.Counter()
    for batch in batches:
        articles, events, predicted = run(rasad, batch)
        for x, y in itertools.combinations(articles, 2):
            if x["cluster"] != y["cluster"] or predicted[x["id"]] == predicted[y["id"]]:
                continue
            why = classify(x, y, articles, events, predicted)
            tally[batch][why] += 1
            ex, ey = events[x["id"]], events[y["id"]]
            if ex and ey and len(obstacles(ex[0], ey[0])) == 1:
                alone[why] += 1
            if "--pairs" in sys.argv:
                print(f"{x['id']} ~ {y['id']}: {why}")
    print_table("why apart", batches, tally, alone)


if __name__ == "__main__":
    main()
