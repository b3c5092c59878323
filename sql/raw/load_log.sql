-- One row per file load (also for files skipped as already loaded).
create table if not exists load_log (
    load_id integer primary key,
    source_file varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    file_size bigint,
    kind varchar not null,
    sheets varchar,
    encoding varchar,
    delimiter varchar,
    exported_at timestamp,
    loaded_at timestamp not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_new bigint not null,
    rows_updated bigint not null,
    rows_unchanged bigint not null,
    rows_quarantined bigint not null,
    rows_skipped bigint not null,
    unresolved_names varchar,
    status varchar not null,
    message varchar
);
