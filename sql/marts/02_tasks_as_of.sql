-- tasks_as_of(report_date): every task and executor with its effective term and outcome as
-- known on report_date. Written once; the `tasks` view, the reports and the deadline rules
-- R-9.15-DUE / R-8.5-TASK / APPC-76-ANSWER all read it.
--
-- 1. Terms and execution are taken from the latest export made on or before report_date
--    (status_history); with none that early, from the latest export. Facts dated after
--    report_date have not happened yet (an execution on 5 Nov is not there on 1 Nov).
-- 2. Effective term: the extended term, else the one set, else the default — documents
--    {default_cd} calendar days from registration (urgent: {urgent_wd} working days), appeals
--    {appeal_wd} working days. A term on a day off is met on the next working day ({move_day_off}).
-- 3. R-9.21: executed only with an execution card; status alone does not count.
-- 4. Periodic protocol tasks become one occurrence per period: monthly on day N (or the
--    month's last day), quarterly on day N of the month after the quarter (or the quarter's
--    last day), from the first term after the task was given up to the report month. Every
--    execution card date seen in any export (status_history) serves the occurrence whose
--    period it falls in (after the previous term, up to its own): on time. A card dated after
--    the last term due by the report date makes that last occurrence late.
-- 5. Tasks removed from control (снят с контроля) and permanent ones without a term are not due.
create or replace macro tasks_as_of(report_date) as table
with known as (
    select *
    from status_history
    where executor_pos = 1 and cast(valid_from as date) <= report_date
    qualify row_number() over (partition by task_id order by valid_from desc, load_id desc) = 1
),

versioned as (
    select
        t.* replace (
            coalesce(k.due_date, t.due_date) as due_date,
            coalesce(k.extended_due_date, t.extended_due_date) as extended_due_date,
            case when k.task_id is null then t.executed_at else k.executed_at end as executed_at,
            coalesce(k.has_execution_card, t.has_execution_card) as has_execution_card,
            coalesce(k.status, t.status) as status
        )
    from task_assignments as t
    left join known as k using (task_id)
    where t.assigned_date is null or t.assigned_date <= report_date
),

facts as (
    select
        *,
        case when has_execution_card and cast(executed_at as date) <= report_date
             then cast(executed_at as date) end as executed_date,
        coalesce(extended_due_date, due_date) as set_due
    from versioned
    where status is distinct from 'removed'
),

single_terms as (
    select
        f.*,
        case
            when f.set_due is not null then f.set_due
            when f.source = 'protocol' then null
            when f.is_urgent then u.date
            when f.source = 'appeal' then w.date
            else cast(f.assigned_date + interval ({default_cd}) day as date)
        end as term_date
    from facts as f
    left join calendar as a on a.date = f.assigned_date
    left join calendar as u on u.wd_index = a.wd_index + {urgent_wd} and u.is_working_day
    left join calendar as w on w.wd_index = a.wd_index + {appeal_wd} and w.is_working_day
    where f.periodicity is null or f.periodicity = 'once' or f.extended_due_date is not null
),

periodic as (
    select f.*, m.month_start
    from facts as f,
        unnest(generate_series(
            cast(date_trunc('month', f.assigned_date) as date),
            cast(date_trunc('month', cast(report_date as date)) as date),
            interval 1 month
        )) as m(month_start)
    where f.periodicity in ('monthly', 'quarterly') and f.extended_due_date is null
        and f.assigned_date is not null
),

periodic_terms as (
    select
        * exclude (month_start),
        case
            when periodicity = 'monthly' then
                case when period_day is null then last_day(month_start)
                     else cast(month_start as date) + cast(least(period_day, day(last_day(month_start))) - 1 as integer) end
            when period_day is null then last_day(month_start)
            else cast(month_start as date) + cast(least(period_day, day(last_day(month_start))) - 1 as integer)
        end as term_date
    from periodic
    -- quarterly terms: the quarter's last month (no day given) or the month after it (day N)
    where periodicity = 'monthly'
        or (period_day is null and month(month_start) in (3, 6, 9, 12))
        or (period_day is not null and month(month_start) in (1, 4, 7, 10))
),

periodic_numbered as (
    select
        *,
        row_number() over (partition by assignment_id order by term_date) as occurrence_no
    from periodic_terms
    where term_date > assigned_date
),

occurrences as (
    select *, 1 as occurrence_no, false as is_periodic from single_terms where term_date is not null
    union all by name
    select *, true as is_periodic from periodic_numbered
),

moved as (
    select
        o.*,
        case when {move_day_off} then m.date else o.term_date end as effective_due
    from occurrences as o
    left join calendar as c on c.date = o.term_date
    left join calendar as m on m.wd_index = c.wd_index_next and m.is_working_day
),

executions as (
    -- every execution card date seen for a task in the exports known by the report date
    select task_id, cast(executed_at as date) as executed_on
    from status_history
    where has_execution_card and cast(valid_from as date) <= report_date
        and cast(executed_at as date) <= report_date
    union
    select task_id, executed_date from facts where executed_date is not null
),

windows as (
    select
        *,
        lag(effective_due) over w as previous_due,
        lead(effective_due) over w as next_due
    from moved
    window w as (partition by assignment_id order by occurrence_no)
),

judged as (
    select
        w.*,
        case
            when not w.is_periodic then w.executed_date
            else (
                select min(e.executed_on) from executions as e
                where e.task_id = w.task_id
                    and e.executed_on > coalesce(w.previous_due, date '1900-01-01')
                    and (e.executed_on <= w.effective_due
                         or (w.next_due is null and w.effective_due < report_date))
            )
        end as occurrence_executed
    from windows as w
),

final as (
    select
        j.assignment_id || case when j.is_periodic then '~' || j.occurrence_no else '' end as occurrence_id,
        j.task_id,
        j.assignment_id,
        j.occurrence_no,
        j.is_periodic,
        j.source,
        j.org_name,
        j.reg_no,
        j.protocol_no,
        j.item_no,
        j.meeting_type,
        j.meeting_date,
        j.department_code,
        d.name_kk as department_name_kk,
        d.name_ru as department_name_ru,
        d.name_en as department_name_en,
        d.block_code,
        d.block_name_kk,
        d.block_name_ru,
        d.block_name_en,
        j.executor_name,
        j.executor_role,
        j.is_coordinator,
        j.assigned_date,
        coalesce(j.due_date, case when not j.is_periodic then j.term_date end) as original_due_date,
        j.effective_due as due_date,
        j.extension_count,
        j.occurrence_executed as executed_date,
        j.has_execution_card,
        j.status,
        case
            when j.occurrence_executed is not null and j.occurrence_executed <= j.effective_due then 'on_time'
            when j.occurrence_executed is not null then 'late'
            when j.effective_due < report_date then 'overdue'
            else 'open'
        end as outcome,
        case
            when j.occurrence_executed > j.effective_due then ce.wd_index_next - cd.wd_index
            when j.occurrence_executed is null and j.effective_due < report_date
                then greatest(1, cr.wd_index - cd.wd_index)
            else 0
        end as working_days_late,
        j.is_urgent,
        j.is_restricted,
        j.summary,
        cast(report_date as date) as report_date,
        j.source_file,
        j.sheet,
        j.row_no
    from judged as j
    left join departments as d on d.department_code = j.department_code
    left join calendar as cd on cd.date = j.effective_due
    left join calendar as ce on ce.date = j.occurrence_executed
    left join calendar as cr on cr.date = cast(report_date as date)
)

select * from final;
