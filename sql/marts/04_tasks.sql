-- tasks: the analyst-facing contract — one row per task and executor (per occurrence for
-- periodic protocol tasks) with its outcome as of the data date and the measure's flags
-- (is_due, counts_in_total, display_no). Materialised at every build.
create or replace table mart_tasks as
select * from task_measure((select as_of from data_as_of));

create or replace view tasks as
select * from mart_tasks;
