-- +goose Up
-- Histories are kept packed (projections.History.MarshalBinary): a
-- seventh of their JSON, and nothing for PostgreSQL to parse or compress
-- again (they are zstd already, hence EXTERNAL storage). Rows written
-- before keep their JSON history until they are next written.
ALTER TABLE pupil_summaries ADD COLUMN history_packed bytea;
ALTER TABLE pupil_summaries ALTER COLUMN history_packed SET STORAGE EXTERNAL;

-- +goose Down
ALTER TABLE pupil_summaries DROP COLUMN history_packed;
