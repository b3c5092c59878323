-- Results of `tartip validate`: one row per rule and run, and one row per flag with the span of
-- runs it held for. Earlier runs are kept; `current_violations` (sql/marts/08_screens.sql) is the
-- latest run, `run_violations(n)` any run still kept.
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
    seconds double,
    flags_kept boolean default true
);
-- flags_kept: false once the run's flags were dropped (`[validation] keep_flag_runs`); its counts stay
alter table validation_runs add column if not exists flags_kept boolean default true;

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
    org_name varchar,
    until_run_id integer,
    flag_id bigint
);
-- A flag is written once, by the run that finds it (run_id), and holds for every later run that
-- finds it again unchanged: a run writes only the flags that are new or changed, and closes the
-- ones that no longer hold (until_run_id: the last run they held for; null while they hold).
-- flag_id: unique per flag (publishing replaces closed flags by it). Flags were numbered by this
-- sequence; a run now reserves its numbers above every one given (flags.number), so that its
-- insert stays parallel, and the sequence only numbers a database made before spans (below).
create sequence if not exists violation_ids;
-- (a database made before flags carried their organisation gets the column; its older runs hold null)
alter table violations add column if not exists org_name varchar;
-- (a database made before flags held spans: each run's flags held for that run only, the latest
-- run's still hold; every flag gets its number)
alter table violations add column if not exists until_run_id integer;
alter table violations add column if not exists flag_id bigint;
update violations set until_run_id = run_id
where flag_id is null and run_id < (select max(run_id) from violations);
update violations set flag_id = nextval('violation_ids') where flag_id is null;

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
