-- Results of `tartip validate`: one row per rule and run, and one row per flagged record.
-- Earlier runs are kept; `current_violations` (sql/marts/08_screens.sql) is the latest run.
create table if not exists validation_runs (
    run_id integer not null,
    run_at timestamp not null,
    as_of date not null,
    rule_id varchar not null,
    clause varchar not null,
    kind varchar not null,
    severity varchar not null,
    title_kk varchar,
    title_ru varchar,
    title_en varchar,
    records_checked bigint not null,
    violations bigint not null,
    status varchar not null,
    seconds double
);

create table if not exists violations (
    run_id integer not null,
    rule_id varchar not null,
    clause varchar not null,
    kind varchar not null,
    severity varchar not null,
    record_table varchar not null,
    record_id varchar not null,
    reg_no varchar,
    department_code varchar,
    expected_value varchar,
    actual_value varchar,
    expected_date date,
    actual_date date,
    working_days_late integer,
    message_kk varchar,
    message_ru varchar,
    message_en varchar,
    source_file varchar,
    sheet varchar,
    row_no integer,
    org_name varchar
);
-- (a database made before flags carried their organisation gets the column; its older runs hold null)
alter table violations add column if not exists org_name varchar;

-- what each suite without a scope checked: an incremental run keeps the earlier flags of a suite
-- whose whole frame is unchanged (same rows, same digest) instead of running it again
create table if not exists suite_digests (
    run_id integer not null,
    suite varchar not null,
    digest varchar not null
);

-- which expectations of a suite with a scope select each row of its frame (bit i of `selects`: the
-- i-th expectation's row_condition holds): an incremental run counts the records checked from
-- here, rewriting the rows of its scope only, instead of computing the whole frame again
create table if not exists suite_checks (
    suite varchar not null,
    record_id varchar,
    selects ubigint not null
);
