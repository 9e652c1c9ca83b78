-- +goose Up
-- Summaries now keep every cycle, each with its sessions in a compact form
-- (delivery and impact read earlier plans and reviews), and outcomes keep
-- their measures. Summaries written before hold only the current cycle
-- without sessions: rebuild them from the stream.
TRUNCATE pupil_summaries, projection_unapplied;
DELETE FROM projection_checkpoints WHERE name = 'pupils';

-- +goose Down
-- Nothing to undo: the rows are rebuilt from the stream either way.
SELECT 1;
