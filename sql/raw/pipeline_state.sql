-- pipeline_state: how far each stage after ingest has got. `load_id` is the last load
-- (load_log) whose rows the stage's output covers; `inputs` what it was built from. Each row is
-- written in the same transaction as the stage's work, so after a crash the next
-- `tartip ingest` / `tartip refresh` finds every stage that is behind and finishes it.
create table if not exists pipeline_state (
    stage varchar primary key,  -- schema | model | validate | publish
    load_id integer not null,
    inputs varchar not null,
    rows bigint,  -- model: task assignments; validate: violations
    done_at timestamp not null
);
