-- +goose Up
-- Summaries now hold their personal fields sealed under the pupil's key
-- (docs/data-protection.md). Rows written before held them in the clear, so
-- they are dropped, with the checkpoint: the views are rebuilt from the
-- stream at the next start. Run VACUUM FULL pupil_summaries afterwards so
-- the old row versions leave the table's files too.
TRUNCATE pupil_summaries, projection_unapplied;
DELETE FROM projection_checkpoints WHERE name = 'pupils';

-- +goose Down
SELECT 1;
