-- tasks: the analyst-facing contract — one row per task and executor (per occurrence for
-- periodic protocol tasks) with its outcome as of the data date and the measure's flags
-- (is_due, counts_in_total, display_no). Materialised at every build.
-- is_settled: a task row whose outcome no longer moves with the data date (an EDMS task, not
-- periodic, due and executed on time or late). A load measures again only the tasks with an
-- unsettled row (pipelines/model.py); the mart stores settled rows first, so the rows a load
-- replaces sit together in the last row groups and DuckDB's checkpoint rewrites only those.
-- (never null: the two passes below then hold every row)
create or replace macro is_settled(source, is_periodic, outcome, is_due) as (
    coalesce(source = 'edms' and not is_periodic and outcome in ('on_time', 'late') and is_due, false)
);

-- (two filtered passes over the measured rows rather than a sort: 1M rows, +2 s instead of +5 s)
create or replace table mart_tasks as
with measured as materialized (select * from task_measure((select as_of from data_as_of)))
select * from measured where is_settled(source, is_periodic, outcome, is_due)
union all
select * from measured where not is_settled(source, is_periodic, outcome, is_due);

create or replace view tasks as
select * from mart_tasks;
