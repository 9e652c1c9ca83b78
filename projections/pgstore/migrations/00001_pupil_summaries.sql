-- +goose Up
CREATE TABLE projection_checkpoints (
    name text PRIMARY KEY,
    seq  bigint NOT NULL
);

-- One row per pupil: the columns views filter on, the audit anchor, and the
-- summary the view arithmetic (shared with the in-memory store) reads.
CREATE TABLE pupil_summaries (
    pupil_id  text PRIMARY KEY,
    trust_id  text NOT NULL,
    school_id text NOT NULL,
    listed    boolean NOT NULL,
    events    integer NOT NULL,
    head_hash text NOT NULL,
    seq       bigint NOT NULL,
    doc       jsonb NOT NULL
);
CREATE INDEX pupil_summaries_school ON pupil_summaries (school_id) WHERE listed;
CREATE INDEX pupil_summaries_trust ON pupil_summaries (trust_id) WHERE listed;

-- +goose Down
DROP TABLE pupil_summaries;
DROP TABLE projection_checkpoints;
