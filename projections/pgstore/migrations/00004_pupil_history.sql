-- +goose Up
-- The events past views fold again (personal fields erased), kept apart
-- from doc since only views of past dates read them; and an index of the
-- schools each pupil was ever on the roll of.
ALTER TABLE pupil_summaries ADD COLUMN history jsonb NOT NULL DEFAULT '[]';
CREATE INDEX pupil_summaries_schools ON pupil_summaries USING gin ((doc->'pupil'->'schools') jsonb_path_ops);
-- Summaries written before held no history: rebuild them from the stream.
TRUNCATE pupil_summaries, projection_unapplied;
DELETE FROM projection_checkpoints WHERE name = 'pupils';

-- +goose Down
DROP INDEX pupil_summaries_schools;
ALTER TABLE pupil_summaries DROP COLUMN history;
