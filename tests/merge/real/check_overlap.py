#!/usr/bin/env python3
"""Independence check for one batch of real clusters: `check_overlap.py tests/merge/real/c11`.

Compares every 60-character window of every text in articles.jsonl (whitespace
normalised) against every file under /work/main/tests, /work/shared/eval/dev and
the other /work/incoming folders (JSON and JSON Lines files are read with their
strings decoded, each string on its own), and every URL in SOURCES.md against the
same files. Also reports a URL listed twice. Exit status 1 on any finding.
"""
import json, os, re, sys

HERE = os.path.abspath(sys.argv[1])
BATCH = os.path.basename(HERE)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROOTS = [os.path.join(REPO, "tests"), os.path.join(REPO, "..", "shared", "eval", "dev"), "/work/incoming"]
W = 60

def norm(s):
    return re.sub(r"\s+", " ", s).strip()

def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(k); yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)

def file_texts(path):
    try:
        raw = open(path, encoding="utf-8").read()
    except (UnicodeDecodeError, OSError):
        return []
    out = [raw]
    if path.endswith(".json"):
        try:
            out += list(strings(json.loads(raw)))
        except ValueError:
            pass
    elif path.endswith(".jsonl"):
        for line in raw.splitlines():
            try:
                out += list(strings(json.loads(line)))
            except ValueError:
                pass
    return out

arts = [json.loads(l) for l in open(os.path.join(HERE, "articles.jsonl"), encoding="utf-8")]
windows = {}
for a in arts:
    t = norm(a["text"])
    for i in range(0, max(1, len(t) - W + 1)):
        windows.setdefault(t[i:i + W], a["id"])
urls = re.findall(rf"^- {BATCH}-\d+ \| (\S+) \|", open(os.path.join(HERE, "SOURCES.md"), encoding="utf-8").read(), re.M)

findings = []
dup = {u for u in urls if urls.count(u) > 1}
for u in sorted(dup):
    findings.append(f"URL listed twice: {u}")
if len(urls) != len(arts):
    findings.append(f"SOURCES.md has {len(urls)} URLs for {len(arts)} articles")

nfiles = 0
for root in ROOTS:
    for d, _, fs in os.walk(root):
        # The batch itself, and its draft in an incoming folder.
        if os.path.abspath(d).startswith(HERE) or os.path.basename(d) == BATCH:
            continue
        for f in fs:
            p = os.path.join(d, f)
            nfiles += 1
            for s in file_texts(p):
                n = norm(s)
                for u in urls:
                    if u in s:
                        findings.append(f"URL {u} in {p}")
                if len(n) < W:
                    continue
                for i in range(len(n) - W + 1):
                    aid = windows.get(n[i:i + W])
                    if aid:
                        findings.append(f"{aid}: window {n[i:i + W]!r} in {p}")
                        break
print(f"{len(arts)} articles, {len(windows)} windows, {len(urls)} URLs, {nfiles} files compared")
for x in sorted(set(findings)):
    print(x)
print("no shared window, no shared URL, no URL twice" if not findings else f"{len(set(findings))} findings")
sys.exit(1 if findings else 0)
