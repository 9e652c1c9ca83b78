-- +goose Up
-- Summaries now keep the pupil's meetings with the parents (each plan
-- agreed and review held), which the due list counts across cycles the
-- summaries prune. Summaries written before hold none: rebuild them from
-- the stream.
TRUNCATE pupil_summaries, projection_unapplied;
DELETE FROM projection_checkpoints WHERE name = 'pupils';

-- +goose Down
-- Nothing to undo: the rows are rebuilt from the stream either way.
SELECT 1;
