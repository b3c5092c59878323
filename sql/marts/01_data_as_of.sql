-- The data date, worked out once. Every surface (dashboard, report, slides, `tartip sql`) reads it
-- from here; nothing else guesses it.
--
-- load_dates: one row per loaded file with the date its data speaks for — the export time of its
-- title block («Сформирован: …»), else the latest date in its own content (registration,
-- receipt, execution, answer — never later than the day it was loaded), else the load day.
-- A load's rows never change, so its date is worked out once: the rows of loads already dated
-- are kept (a full build drops the table first) and only the new loads' content is read.
create table if not exists load_dates (
    load_id integer, kind varchar, file_name varchar, exported_at timestamp, loaded_at timestamp,
    content_date date, data_date date, date_basis varchar
);

create or replace table load_dates as
with new_loads as (
    select load_id, exported_at from load_log where load_id not in (select load_id from load_dates)
),

content as (
    select load_id, max(greatest(reg_date, cast(received_at as date), cast(executed_at as date))) as content_date
    from stg_edms
    where load_id in (select load_id from new_loads where exported_at is null)
    group by load_id
    union all
    select load_id, max(greatest(meeting_date, protocol_date, cast(executed_at as date)))
    from stg_protocols
    where load_id in (select load_id from new_loads where exported_at is null)
    group by load_id
    union all
    select load_id, max(cast(submitted_at as date))
    from stg_materials
    where load_id in (select load_id from new_loads where exported_at is null)
    group by load_id
    union all
    select load_id, max(greatest(cast(received_at as date), cast(registered_at as date),
                                 cast(forwarded_at as date), cast(answered_at as date)))
    from stg_appeals
    where load_id in (select load_id from new_loads where exported_at is null)
    group by load_id
),

final as (
    select
        l.load_id,
        l.kind,
        l.file_name,
        l.exported_at,
        l.loaded_at,
        case when c.content_date is not null then least(c.content_date, cast(l.loaded_at as date)) end
            as content_date,
        coalesce(cast(l.exported_at as date),
                 case when c.content_date is not null then least(c.content_date, cast(l.loaded_at as date)) end,
                 cast(l.loaded_at as date)) as data_date,
        case when l.exported_at is not null then 'title'
             when c.content_date is not null then 'content'
             else 'load' end as date_basis
    from load_log as l
    left join content as c using (load_id)
    where l.load_id in (select load_id from new_loads)
)

select * from final
union all
select * from load_dates where load_id in (select load_id from load_log)
order by load_id;

-- source_exports: per kind of export, the latest data date and its file — what every page, report
-- and slide names, so that a stale source is visible.
create or replace view source_exports as
select
    kind,
    max(data_date) as data_date,
    arg_max(file_name, (data_date, load_id)) as file_name,
    arg_max(date_basis, (data_date, load_id)) as date_basis,
    count(*) as files
from load_dates
group by kind;

-- data_as_of: the date the dashboard, the report and the rules judge "overdue" on by default —
-- the latest data date of any source.
create or replace view data_as_of as
select max(data_date) as as_of, max(loaded_at) as last_loaded_at
from load_dates;

-- organisations: every organisation in the data with its names (an export without an
-- organisation column belongs to the directory's organisation) and its number of task rows.
create or replace table organisations as
with present as (
    select coalesce(org_name, '') as org_name, count(*) as task_rows
    from task_assignments
    group by 1
)

select
    p.org_name,
    coalesce(nullif(p.org_name, ''), i.name_kk) as name_kk,
    coalesce(nullif(p.org_name, ''), i.name_ru) as name_ru,
    coalesce(nullif(p.org_name, ''), i.name_en) as name_en,
    p.task_rows
from present as p
cross join directory_info as i
order by p.task_rows desc, p.org_name;
