-- R-9.15 / R-8.5: every executor of a task answers for its term. The term is the extended due
-- date, else the one set, else the rule's default term (documents: 30 calendar days, urgent: 3
-- working days; appeals: 15 working days); a term
-- on a day off is met on the next working day. A task counts as executed only with its
-- execution card (R-9.21); tasks removed from control are not checked.
with tasks as (
    select
        t.*,
        coalesce(t.extended_due_date, t.due_date) as set_due
    from task_assignments as t
    where t.status is distinct from 'removed' and {filter}
),

defaults as (
    select
        t.*,
        case
            when t.set_due is not null then t.set_due
            when t.is_urgent then u.date
            when {default_is_wd} then w.date
            else cast(t.assigned_date + interval ({default_days}) day as date)
        end as term_date
    from tasks as t
    left join calendar as a on a.date = t.assigned_date
    left join calendar as u on u.wd_index = a.wd_index + {urgent_wd} and u.is_working_day
    left join calendar as w on w.wd_index = a.wd_index + {default_days} and w.is_working_day
),

moved as (
    select
        d.*,
        case when {move_day_off} then m.date else d.term_date end as expected_date
    from defaults as d
    left join calendar as c on c.date = d.term_date
    left join calendar as m on m.wd_index = c.wd_index_next and m.is_working_day
)

select
    'task_assignments' as record_table,
    assignment_id as record_id,
    coalesce(reg_no, protocol_no || ' п.' || item_no) as reg_no,
    department_code,
    source_file, sheet, row_no,
    expected_date,
    case when has_execution_card then cast(executed_at as date) end as actual_date,
    strftime(assigned_date, '%d.%m.%Y') as anchor_text
from moved
where expected_date is not null and assigned_date is not null
