"""Ingest a folder of articles into Rasad, then follow the stored events that match a filter,
resuming after a disconnect exactly after the last update seen.

    python3 ingest_and_follow.py --server localhost:50051 --articles ./articles --country RUS

The folder holds *.json files (one Article each: {"id", "text", "publishedAt", "url",
"source"}) and *.jsonl files (one Article per line). A file's name stands in for a missing id.
The follower replays the log from --after (0: from the start, so the articles just ingested
are in it) and then prints each update as it arrives, one line each, until interrupted.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import grpc
from google.protobuf import json_format

from rasad.v1 import event_pb2, service_pb2, service_pb2_grpc

# Errors after which the same subscription can simply be opened again.
TRANSIENT = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.CANCELLED}


def read_articles(folder: Path):
    """Every article of the folder's .json and .jsonl files, in file-name order."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json":
            items = [(path.stem, json.loads(path.read_text(encoding="utf-8")))]
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            items = [(f"{path.stem}-{n}", json.loads(line)) for n, line in enumerate(lines, 1) if line.strip()]
        else:
            continue
        for default_id, item in items:
            article = json_format.ParseDict(item, event_pb2.Article())
            article.id = article.id or default_id
            yield article


def ingest(stub, folder: Path):
    """Streams the articles in and prints what happened to them."""
    outcomes = {}
    for result in stub.Ingest(read_articles(folder)):
        outcome = service_pb2.IngestOutcome.Name(result.outcome).removeprefix("INGEST_OUTCOME_").lower()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if result.error:
            print(f"rejected {result.article_id}: {result.error}", file=sys.stderr)
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
    print(f"ingested {sum(outcomes.values())} articles: {summary}", flush=True)


def describe(update) -> str:
    """One line per update: what a person reads in the terminal, and what the test checks."""
    event = update.event
    countries = ",".join(sorted({p.country for p in event.participants if p.country}))
    kind = service_pb2.UpdateKind.Name(update.kind).removeprefix("UPDATE_KIND_")
    event_type = event_pb2.EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
    status = event_pb2.EventStatus.Name(event.status).removeprefix("EVENT_STATUS_")
    return f"update {update.sequence} {kind} {event.id} {event_type} {status} {countries} {event.date.start}"


def follow(stub, event_filter, after: int, disconnect_after: int):
    """Prints every matching update after sequence `after`, reconnecting when the stream breaks.

    `disconnect_after` > 0 drops the stream on purpose after that many updates (once), to show
    the resumption without stopping the server."""
    last = after
    received = 0
    backoff = 0.2
    while True:
        call = stub.Subscribe(service_pb2.SubscribeRequest(filter=event_filter, after_sequence=last))
        try:
            for update in call:
                print(describe(update), flush=True)
                last = update.sequence
                received += 1
                backoff = 0.2
                if received == disconnect_after:
                    call.cancel()
            print(f"stream ended; resuming after sequence {last}", flush=True)
        except grpc.RpcError as error:
            if error.code() not in TRANSIENT:
                raise
            print(f"disconnected ({error.code().name}); resuming after sequence {last} in {backoff:.1f} s", flush=True)
            time.sleep(backoff)
            backoff = min(backoff * 2, 5.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="localhost:50051", help="host:port of rasad serve")
    parser.add_argument("--articles", type=Path, help="folder of .json / .jsonl articles to ingest first")
    parser.add_argument("--country", action="append", default=[], help="ISO 3166-1 alpha-3 (repeatable)")
    parser.add_argument("--type", action="append", default=[], help="event type: CONSULT, AGREE... (repeatable)")
    parser.add_argument("--after", type=int, default=0, help="resume after this sequence (0: the whole log)")
    parser.add_argument("--disconnect-after", type=int, default=0, help="drop the stream once after N updates (demo)")
    args = parser.parse_args()

    event_filter = service_pb2.EventFilter(
        countries=args.country,
        event_types=[event_pb2.EventType.Value("EVENT_TYPE_" + t.upper()) for t in args.type],
    )
    with grpc.insecure_channel(args.server) as channel:
        stub = service_pb2_grpc.RasadServiceStub(channel)
        if args.articles:
            ingest(stub, args.articles)
        try:
            follow(stub, event_filter, args.after, args.disconnect_after)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
