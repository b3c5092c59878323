-- R-9.15 / R-8.5 / APPC art. 76: every executor answers for the term. The term and what counts
-- as executed are the measures of the `tasks` mart (tasks_as_of, sql/marts/02_tasks_as_of.sql):
-- extended, set or default term, moved off a day off; executed only with its card (R-9.21);
-- periodic protocol tasks once per period.
select
    'task_assignments' as record_table,
    t.occurrence_id as record_id,
    coalesce(t.reg_no, t.protocol_no || ' п.' || t.item_no) as reg_no,
    t.department_code,
    t.source_file, t.sheet, t.row_no,
    t.org_name,
    t.due_date as expected_date,
    t.executed_date as actual_date,
    strftime(t.assigned_date, '%d.%m.%Y') as anchor_text,
    -- removed from control after its term without a card: late until the removal was seen
    t.removed_date as until_date
-- the tasks as of that date: tasks_as_of, or the tasks mart (the same rows) when it is the data date
from {tasks} as t
-- a task no term judges (permanent, unreadable term, forwarded …) is listed, not checked here
where t.outcome <> 'not_judged' and {filter}
