-- tasks: the analyst-facing contract — one row per task and executor (per occurrence for
-- periodic protocol tasks) with its outcome as of the data date and the measure's flags
-- (is_due, counts_in_total, display_no): tasks_view over mart_tasks.
-- mart_tasks: those rows as stored (task_rows: without the ids, the unit's names and the flags that
-- tasks_view derives from a row), materialised at every build.
-- is_settled: a task row whose outcome no longer moves with the data date (an EDMS task, not
-- periodic, due and executed on time or late); a load measures again only the tasks with an
-- unsettled row (pipelines/model.py). Never null.
create or replace macro is_settled(source, is_periodic, outcome, is_due) as (
    coalesce(source = 'edms' and not is_periodic and outcome in ('on_time', 'late') and is_due, false)
);

create or replace table mart_tasks as
select * from task_rows((select as_of from data_as_of));

create or replace view tasks as
select * from tasks_view('mart_tasks');
