-- daily_execution: outcomes counted per term day and unit, source and meeting type — the one
-- aggregation every rate is rolled up from (weeks, months, quarters and years are exact sums).
create or replace table daily_execution as
select
    due_date,
    org_name,
    department_code,
    block_code,
    source,
    coalesce(meeting_type, '') as meeting_type,
    count(*) filter (where outcome <> 'open') as due_count,
    count(*) filter (where outcome = 'on_time') as on_time_count,
    count(*) filter (where outcome = 'late') as late_count,
    count(*) filter (where outcome = 'overdue') as overdue_count,
    count(*) filter (where outcome = 'open') as open_count,
    sum(working_days_late) filter (where outcome in ('late', 'overdue')) as sum_working_days_late,
    max(working_days_late) as max_working_days_late,
    sum(extension_count) as extension_count
from mart_tasks
group by all;
