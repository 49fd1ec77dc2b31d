-- The store of the distributed mode (README, "Distributed mode"): what the embedded redb store
-- holds, as tables. Records are protobuf bytes, as in the embedded store.

-- Counters: the next event number, and the number of the last committed merge transaction.
CREATE TABLE meta (
    key text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO meta (key, value) VALUES ('next_event', 1), ('commit_no', 0);

-- Every article a worker answered: stored (ACCEPTED) or not (DUPLICATE), its IngestResult, and
-- the sequence of its message in the articles stream (a redelivered message is answered again).
CREATE TABLE articles (
    id text PRIMARY KEY,
    text_hash bytea NOT NULL,
    stored boolean NOT NULL,
    stream_seq bigint NOT NULL,
    result bytea NOT NULL
);
CREATE UNIQUE INDEX articles_text ON articles (text_hash) WHERE stored;

-- The current events (Event).
CREATE TABLE events (
    n bigint PRIMARY KEY,
    event bytea NOT NULL
);

-- The reports each event was folded from (EventReport), keyed "articleId#index".
CREATE TABLE reports (
    event bigint NOT NULL,
    key text COLLATE "C" NOT NULL,
    commit_no bigint NOT NULL,
    report bytea NOT NULL,
    PRIMARY KEY (event, key)
);
CREATE INDEX reports_commit ON reports (commit_no);

-- Events absorbed by a merge, and the event that absorbed them, in the order absorbed.
CREATE TABLE merged_into (
    n bigint PRIMARY KEY,
    ord bigserial NOT NULL,
    into_n bigint NOT NULL,
    commit_no bigint NOT NULL
);

-- The update log and outbox (EventUpdate), gapless from 1; relayed to the updates stream.
CREATE TABLE log (
    seq bigint PRIMARY KEY,
    commit_no bigint NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX log_commit ON log (commit_no);
