-- +goose Up
-- Commits the store refused (a value PostgreSQL cannot hold): recorded and
-- skipped, so that one commit never stops every view. See docs/projections.md.
CREATE TABLE projection_unapplied (
    seq          bigint PRIMARY KEY,
    aggregate    text NOT NULL,
    aggregate_id text NOT NULL,
    reason       text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE projection_unapplied;
