#!/usr/bin/env python3
"""Why merge batches are scored as they are: the tallies and listings of tests/merge/real/BATCHES.md.

Each mode runs the extractor and `rasad merge-eval --verbose` on the batches, reads the first
event the extractor gives each article (the one merge-eval scores), and mirrors the rules of
src/merge on its fields, so it is a diagnosis, not a second merger.

    scripts/merge_why.py why    target/release/rasad tests/merge/real/c01 ... [--pairs]
    scripts/merge_why.py miss   target/release/rasad tests/merge/real/c01 ... [--pairs]
    scripts/merge_why.py joined target/release/rasad tests/merge/real/c06 ...

- why: for every pair of articles one gold cluster holds and merge-eval leaves in two events,
  the first reason, in this order, that keeps them apart: no event; other sides or people;
  another type, mode or outcome; both undated; one undated (and whether a dated report could
  place it); places or dates that differ (the classes of merge3 … merge11).
- miss: the same pairs by merge15's finer classes: the first field, in this order, that keeps
  them apart: no event; another contact leads one article; another type; phone against in
  person; held against called off; then the fields the undated rules read (one side named by
  its state against a person; a place named at another granularity; places in two countries;
  no place or mode in common; another stage), then the dates of two dated reports (one day off,
  a multi-day span, further apart), and last what the stream order did (an undated report that
  came before the dated one, or that fitted two stored events). Its table adds the pairs where
  that field is the only one that differs.
- joined: every pair of articles two gold clusters hold and merge-eval puts in one event, then
  each article involved with its gold cluster, publication day, predicted event, its first three
  extracted events and the opening of its text. Classifying why a pair was joined is done by
  reading this, not by the script.

why and miss print a markdown table (one row per reason, one column per batch, the total); with
--pairs they first list each pair and its reason.
"""

import argparse
import collections
import datetime
import itertools
import json
import subprocess


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


def split_pairs(articles, predicted):
    """The pairs of articles one gold cluster holds and merge-eval leaves in two events."""
    return [(x, y) for x, y in itertools.combinations(articles, 2) if x["cluster"] == y["cluster"] and predicted[x["id"]] != predicted[y["id"]]]


# The fields of an extracted event (proto3 JSON), as the rules read them.


def sides(e):
    return frozenset(p.get("country") or p["actorId"] for p in e.get("participants", []))


def persons(e):
    return {(p.get("country"), p["actorId"]) for p in e.get("participants", []) if p.get("kind") == "ACTOR_KIND_PERSON"}


def named_sides(e):
    return {p[0] for p in persons(e)}


def undated(e):
    return not e.get("date", {}).get("start")


def place_name(e):
    """The place's name, else its country."""
    loc = e.get("location")
    return (loc.get("nameEn") or loc.get("country")) if loc else None


def place(e):
    """The place's name (else its country), its country and whether it is the whole country."""
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


def status(e):
    return e.get("status", "")[len("EVENT_STATUS_"):]


def stage(e):
    """The status as a stage: a proposal that gives its day is a plan (merge14)."""
    s = status(e)
    d = e.get("date") or {}
    if s == "PROPOSED" and (d.get("weekday") or (d.get("start") and not d.get("fromPublication"))):
        return "PLANNED"
    return s


def stages_agree(a, b):
    return a == b or {a, b} == {"PLANNED", "OCCURRED"}


def other_contact(ea, eb):
    """Why two first events are of other contacts (sides, or other people of one state), if they are."""
    sa, sb = sides(ea), sides(eb)
    shared = len(sa & sb)
    if shared == 0 or (not (len(sa) == 1 and len(sb) == 1) and shared < 2) or shared / len(sa | sb) < 0.5:
        return "sides"
    pa, pb = persons(ea), persons(eb)
    for side in sa & sb:
        xa, xb = {p for p in pa if p[0] == side}, {p for p in pb if p[0] == side}
        if xa and xb and not xa & xb:
            return "people"
    return None


def held_and_ended(ea, eb):
    return bool({status(ea), status(eb)} & {"OCCURRED"} and {status(ea), status(eb)} & {"CANCELLED", "NEGATED"})


def phone_and_in_person(ma, mb):
    return bool(ma and mb and ma != mb and ("PHONE" in ma or "PHONE" in mb))


# why: the classes of merge3 … merge11.

FITS = "one undated: fits the dated one"


def reason(a, b):
    """Why the first events of two articles are not one event (before order and ambiguity)."""
    if not a or not b:
        return "no event extracted from one article"
    ea, eb = a[0], b[0]
    contact = other_contact(ea, eb)
    if contact == "sides":
        return "sides differ (the first event is another contact)"
    if contact == "people":
        return "other people of one state (another contact first)"
    if ea["eventType"] != eb["eventType"]:
        return "type differs: an agreement vs the talks it came from"
    ma, mb = ea.get("mode", ""), eb.get("mode", "")
    if phone_and_in_person(ma, mb):
        return "phone vs in person"
    if held_and_ended(ea, eb):
        return "outcome differs: held vs called off or denied"
    la, lb = place_name(ea), place_name(eb)
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


def why(x, y, articles, events, predicted):
    return refine(reason(events[x["id"]], events[y["id"]]), x, y, articles, events, predicted)


# miss: the classes of merge15.


def obstacles(ea, eb):
    """Every field that keeps two first events apart, in the order the classes are named
    (empty when every field agrees). The first is the pair's class."""
    contact = other_contact(ea, eb)
    if contact == "sides":
        return ["another contact leads one article (sides)"]
    if contact == "people":
        return ["another contact leads one article (other people of one state)"]
    found = []
    sa, sb = sides(ea), sides(eb)
    pa, pb = persons(ea), persons(eb)
    if ea["eventType"] != eb["eventType"]:
        found.append("another type (an agreement vs its talks, a statement)")
    ma, mb = ea.get("mode", ""), eb.get("mode", "")
    if phone_and_in_person(ma, mb):
        found.append("another mode (phone vs in person)")
    if held_and_ended(ea, eb):
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


def miss(x, y, articles, events, predicted):
    ex, ey = events[x["id"]], events[y["id"]]
    if not ex or not ey:
        return "extraction found no event"
    found = field_reason(ex[0], ey[0])
    if found:
        return found
    first = {a["id"]: events[a["id"]][0] for a in articles if events[a["id"]]}
    position = {a["id"]: i for i, a in enumerate(articles)}
    agree = lambda u, d: field_reason(u, d) is None  # noqa: E731
    if undated(ex[0]) and undated(ey[0]):
        # Twins by every field: what else stored fitted one of them when it came.
        later = max(x, y, key=lambda a: position[a["id"]])
        earlier_events = {predicted[z["id"]] for z in articles[: position[later["id"]]]
                          if z["id"] in first and agree(first[later["id"]], first[z["id"]])}
        if len(earlier_events) >= 2:
            return "one undated report matching two stored events"
        return "both undated, every field agrees: still apart (a rival, the clock, holders)"
    u, d = (x, y) if undated(ex[0]) else (y, x)
    if position[u["id"]] < position[d["id"]]:
        return "undated report came before the dated one that places it"
    earlier = {predicted[z["id"]] for z in articles[: position[u["id"]]]
               if z["id"] in first and not undated(first[z["id"]]) and agree(first[u["id"]], first[z["id"]])}
    if len(earlier) >= 2:
        return "one undated report matching two stored events"
    return "one undated, every field agrees: still apart (another report of its event, the clock, holders)"


def only_field(x, y, events):
    """Whether one field alone keeps the pair's first events apart."""
    ex, ey = events[x["id"]], events[y["id"]]
    return bool(ex and ey and len(obstacles(ex[0], ey[0])) == 1)


def tabulate(heading, classify, rasad, batches, list_pairs, count_alone):
    tally = {batch: collections.Counter() for batch in batches}
    alone = collections.Counter() if count_alone else None
    for batch in batches:
        articles, events, predicted = run(rasad, batch)
        for x, y in split_pairs(articles, predicted):
            found = classify(x, y, articles, events, predicted)
            tally[batch][found] += 1
            if count_alone and only_field(x, y, events):
                alone[found] += 1
            if list_pairs:
                print(f"{x['id']} ~ {y['id']}: {found}")
    print_table(heading, batches, tally, alone)


def print_table(heading, batches, tally, alone=None):
    """The markdown table of `tally` (batch -> Counter of reasons): one row per reason, one column
    per batch, the total, and, given `alone` (reason -> count), a last column of those counts."""
    total = sum(tally.values(), collections.Counter())
    names = [b.rstrip("/").rsplit("/", 1)[-1] for b in batches]
    extra = lambda cell: f" {cell} |" if alone is not None else ""  # noqa: E731
    print(f"| {heading} | " + " | ".join(names) + " | total |" + extra("the only field"))
    print("|---" * (len(batches) + 2 + (alone is not None)) + "|")
    for found, n in total.most_common():
        print(f"| {found} | " + " | ".join(str(tally[b][found]) for b in batches) + f" | {n} |" + extra((alone or {}).get(found) or ""))
    print("| **all split pairs** | " + " | ".join(str(sum(tally[b].values())) for b in batches) + f" | {sum(total.values())} |" + extra(""))


# joined: the wrongly joined pairs, to read.


def brief(e):
    d = e.get("date", {})
    who = ",".join(f"{p.get('country', '')}:{p['actorId'].split('/')[-1]}" for p in e.get("participants", []))
    loc = e.get("location") or {}
    return (f"{e.get('eventType', '')[len('EVENT_TYPE_'):]} {status(e)} "
            f"{e.get('mode', '')[len('CONSULT_MODE_'):]} [{who}] date={d.get('start', '-')}..{d.get('end', '')} "
            f"weekday={d.get('weekday', '')} place={place_name(e)}")


def joined(rasad, batches):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("mode", choices=["why", "miss", "joined"])
    parser.add_argument("rasad", help="the rasad binary (target/release/rasad)")
    parser.add_argument("batches", nargs="+", help="batch folders (tests/merge/real/cNN)")
    parser.add_argument("--pairs", action="store_true", help="why, miss: list each split pair and its reason first")
    args = parser.parse_args()
    if args.mode == "why":
        tabulate("why", why, args.rasad, args.batches, args.pairs, count_alone=False)
    elif args.mode == "miss":
        tabulate("why apart", miss, args.rasad, args.batches, args.pairs, count_alone=True)
    else:
        joined(args.rasad, args.batches)


if __name__ == "__main__":
    main()
