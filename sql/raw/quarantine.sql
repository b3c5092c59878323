-- Rows that could not be loaded into the model, with the reason and the row as read.
create table if not exists quarantine (
    load_id integer not null,
    kind varchar not null,
    source_file varchar not null,
    file_sha256 varchar not null,
    sheet varchar,
    row_no integer,
    reason_ru varchar not null,
    reason_kk varchar not null,
    raw_row json,
    raw_line varchar,
    reason_code varchar not null  -- invalid | skipped (totals, signature lines)
);
