"""Load Rasad's stored events into a pandas DataFrame, one row per event, paging ListEvents.

    python3 events_dataframe.py --server localhost:50051 --country RUS --since 2019-01-01

Prints the number of events, the events per type and status, and the table itself.
"""

import argparse

import grpc
import pandas as pd

from rasad.v1 import event_pb2, service_pb2, service_pb2_grpc


def list_events(stub, request):
    """Every event ListEvents selects, page after page (most recently created first)."""
    while True:
        page = stub.ListEvents(request)
        yield from page.events
        if not page.next_page_token:
            return
        request.page_token = page.next_page_token


def row(event) -> dict:
    """The columns of one event."""
    return {
        "id": event.id,
        "type": event_pb2.EventType.Name(event.event_type).removeprefix("EVENT_TYPE_"),
        "status": event_pb2.EventStatus.Name(event.status).removeprefix("EVENT_STATUS_"),
        "mode": event_pb2.ConsultMode.Name(event.mode).removeprefix("CONSULT_MODE_"),
        "date": event.date.start,
        "date_end": event.date.end,
        "countries": ",".join(sorted({p.country for p in event.participants if p.country})),
        "actors": "; ".join(p.name_en for p in event.participants),
        "place": event.location.name_en,
        "articles": event.num_articles,
        "sources": event.num_sources,
        "confidence": round(event.confidence, 2),
    }


def load(stub, countries, since, until) -> pd.DataFrame:
    request = service_pb2.ListEventsRequest(
        filter=service_pb2.EventFilter(countries=countries), date_from=since, date_to=until, page_size=1000
    )
    return pd.DataFrame([row(e) for e in list_events(stub, request)], columns=list(row(event_pb2.Event())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="localhost:50051", help="host:port of rasad serve")
    parser.add_argument("--country", action="append", default=[], help="ISO 3166-1 alpha-3 (repeatable)")
    parser.add_argument("--since", default="", help="YYYY-MM-DD: events dated on or after")
    parser.add_argument("--until", default="", help="YYYY-MM-DD: events dated on or before")
    args = parser.parse_args()

    with grpc.insecure_channel(args.server) as channel:
        events = load(service_pb2_grpc.RasadServiceStub(channel), args.country, args.since, args.until)
    print(f"{len(events)} events")
    print(events.groupby(["type", "status"]).size().rename("events").to_string())
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 40):
        print(events.to_string(index=False))


if __name__ == "__main__":
    main()
