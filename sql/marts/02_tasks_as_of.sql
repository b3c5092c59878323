-- tasks_as_of(report_date): every task and executor with its effective term and outcome as
-- known on report_date. Written once; the `tasks` view, the reports and the deadline rules
-- R-9.15-DUE / R-8.5-TASK / APPC-76-ANSWER all read it. No task is silently dropped: each one is
-- a row judged by a term (on_time, late, overdue, open) or a row 'not_judged' with the reason.
--
-- 1. Terms and execution are taken from the latest export made on or before report_date
--    (status_history); with none that early, from the latest export. Facts dated after
--    report_date have not happened yet (an execution on 5 Nov is not there on 1 Nov).
-- 2. Effective term: the extended term, else the one set, else the default — documents
--    {default_cd} calendar days from registration (urgent: {urgent_wd} working days), appeals
--    {appeal_wd} working days. A term on a day off is met on the next working day ({move_day_off}).
--    An extension counts only when it was recorded on or before the term then in force
--    (R-11.6(4), R-2.2): recorded = the decision date written with it (protocols: «письмо … от
--    18.03.2025»), else the first export that shows it when an earlier export showed the task
--    without it. An extension that first appears after the term expired leaves the old term.
--    An appeal's extension counts up to {appeal_extension_cd} calendar days from receipt (APPC art. 76).
-- 3. R-9.21: executed only with an execution card; status alone does not count.
-- 4. Periodic protocol tasks become one occurrence per period, from the first term after the
--    task was given up to the report date: weekly on Friday; monthly on day N (or the month's
--    last day); quarterly, half-yearly and yearly on day N of the month after the period (or the
--    period's last day). Every execution card date seen in any export (status_history) serves
--    the occurrence whose period it falls in (after the previous term, up to its own): on time.
--    A card dated after the last term due by the report date makes that last occurrence late.
-- 5. Removed from control (снят с контроля): judged by the execution card (R-11.6(1)). Without a
--    card, a task that an earlier export still showed under control after its term stays overdue
--    (late until the export that first shows it removed); the rest are 'not_judged'.
-- 6. not_judged, with not_judged_reason: 'permanent' (постоянно), 'unreadable_term' (a protocol
--    term no date can be read from, flagged by R-8.3-TERM), 'no_term' (a protocol item without a
--    term), 'removed_without_card', 'forwarded' (an appeal sent to the competent body, judged by
--    R-12.9), 'first_term_after_report_date' (a periodic task whose first term is still ahead).
-- task_rows(report_date) holds these rows as the tasks mart stores them: without what tasks_view
-- derives from a row (its ids, its unit's names, the measure's flags), with the executor's number and
-- whether the row is a numbered occurrence of a periodic task, from which the ids are made. Writing
-- the derived columns of 10M rows cost as much as the rest of the mart (36 s against 18 s).
create or replace macro task_rows(report_date) as table
with working_day_on as (
    -- each calendar date and the first working day on or after it (when a term on it is met)
    select c.date, m.date as working_day
    from calendar as c
    inner join calendar as m on m.wd_index = c.wd_index_next and m.is_working_day
),

history as (
    select *
    from status_history
    where executor_pos = 1 and cast(valid_from as date) <= report_date
),

known as materialized (
    -- stored (narrow): the wide steps below are computed more than once, on the same row chosen
    select *
    from history
    qualify row_number() over (partition by task_id order by valid_from desc, load_id desc) = 1
),

removals as materialized (
    -- when an export first showed the task removed, and whether an earlier one showed it under control
    select
        task_id,
        min(valid_from) filter (where status = 'removed') as removed_at,
        min(valid_from) filter (where status is distinct from 'removed') as first_active_at
    from history
    group by task_id
),

extension_seen as materialized (
    -- the first export showing each extended term, and the term in force in the export before it
    select
        task_id,
        extended_due_date,
        valid_from as first_seen_at,
        previous_term,
        previous_extended
    from (
        select
            *,
            lag(coalesce(extended_due_date, due_date)) over w as previous_term,
            lag(extended_due_date) over w as previous_extended
        from history
        window w as (partition by task_id order by valid_from, load_id)
    )
    where extended_due_date is not null
    qualify row_number() over (partition by task_id, extended_due_date order by valid_from, load_id) = 1
),

versioned as not materialized (
    -- the columns of task_assignments that the measure and the tasks mart read (not the texts of
    -- the export: a narrower row is what keeps 10M tasks in memory)
    select
        t.* exclude (due_date_text, execution_info, info_signed_by, status_raw, load_id, observed_at,
                     coordinator_marked, executor_count) replace (
            -- an export that knew no extension yet had none, whatever later exports say
            case when k.task_id is null then t.due_date else k.due_date end as due_date,
            case when k.task_id is null then t.extended_due_date else k.extended_due_date end
                as extended_due_date,
            case when k.task_id is null then t.executed_at else k.executed_at end as executed_at,
            coalesce(k.has_execution_card, t.has_execution_card) as has_execution_card,
            coalesce(k.status, t.status) as status
        ),
        r.removed_at,
        r.first_active_at
    from task_assignments as t
    left join known as k using (task_id)
    left join removals as r using (task_id)
    where t.assigned_date is null or t.assigned_date <= report_date
),

extensions as not materialized (
    select
        v.*,
        -- the term the extension replaced, and when the extension was recorded
        case when v.source = 'protocol' and v.extension_prior_date is not null then v.extension_prior_date
             else coalesce(e.previous_term, v.due_date) end as prior_term,
        case when v.source = 'protocol' and v.extension_prior_date is not null then v.extension_prior_date
             else e.previous_extended end as prior_extended,
        coalesce(v.extension_decided_date,
                 case when e.previous_term is not null or e.previous_extended is not null
                      then cast(e.first_seen_at as date) end) as extension_recorded_date
    from versioned as v
    left join extension_seen as e
        on e.task_id = v.task_id and e.extended_due_date = v.extended_due_date
),

facts as not materialized (
    select
        x.* replace (
            -- an appeal's term is extended to at most {appeal_extension_cd} days from receipt (APPC art. 76)
            case
                when x.extended_due_date is not null and x.extension_recorded_date is not null
                    and x.prior_term is not null and x.extension_recorded_date > pw.working_day
                    then x.prior_extended
                when x.source = 'appeal' and x.extended_due_date is not null
                    then least(x.extended_due_date,
                               cast(x.assigned_date + interval ({appeal_extension_cd}) day as date))
                else x.extended_due_date
            end as extended_due_date
        ),
        x.extended_due_date is null or x.extension_recorded_date is null or x.prior_term is null
            or x.extension_recorded_date <= pw.working_day as is_extension_applied,
        case when x.has_execution_card and cast(x.executed_at as date) <= report_date
             then cast(x.executed_at as date) end as executed_date
    from extensions as x
    left join working_day_on as pw on pw.date = x.prior_term
),

classified as not materialized (
    -- read three times (single terms, the other rows, periodic executions) and computed each time:
    -- DuckDB would store the wide rows of a CTE read more than once (6.2 GB spilled to disk at 10M
    -- tasks: 86 s for the tasks mart, 54 s computed again)
    select
        *,
        coalesce(extended_due_date, due_date) as set_due,
        case
            when source = 'appeal' and cast(forwarded_at as date) <= report_date then 'forwarded'
            when status = 'removed' and executed_date is null
                and not coalesce(first_active_at < removed_at, false) then 'removed_without_card'
            when extended_due_date is not null or due_date is not null then null
            when periodicity = 'permanent' then 'permanent'
            when source = 'protocol' and periodicity is null then 'no_term'
            when source = 'protocol' and periodicity in ('unknown', 'once') then 'unreadable_term'
        end as not_judged_reason,
        case when status = 'removed' and executed_date is null then cast(removed_at as date) end
            as removed_date
    from facts
),

term_kinds as not materialized (
    -- whether a single term judges the row (most rows), else it is periodic or not judged
    select
        *,
        coalesce(not_judged_reason is null
                 and (periodicity is null or periodicity = 'once' or set_due is not null), false) as is_single
    from classified
),

classified_other as materialized (
    -- the rows no single term judges (periodic, not judged): the few that the steps below read
    -- again, stored apart so that the wide rows are read once, not once per step
    select * exclude (is_single) from term_kinds where not is_single
),

single_terms as (
    select
        f.*,
        case
            when f.set_due is not null then f.set_due
            when f.is_urgent then u.date
            when f.source = 'appeal' then w.date
            else cast(f.assigned_date + interval ({default_cd}) day as date)
        end as term_date
    from (select * exclude (is_single) from term_kinds where is_single) as f
    left join calendar as a on a.date = f.assigned_date
    left join calendar as u on u.wd_index = a.wd_index + {urgent_wd} and u.is_working_day
    left join calendar as w on w.wd_index = a.wd_index + {appeal_wd} and w.is_working_day
),

periodic_tasks as materialized (
    select *
    from classified_other
    where not_judged_reason is null and set_due is null
        and periodicity in ('weekly', 'monthly', 'quarterly', 'half_year', 'yearly')
),

periodic_starts as (
    -- every week (weekly tasks) or month (the others) from the task's to the report date's
    select
        f.*,
        s.period_start,
        case when f.periodicity = 'weekly' then 'week' else 'month' end as period_unit
    from periodic_tasks as f,
        unnest(generate_series(
            cast(date_trunc(case when f.periodicity = 'weekly' then 'week' else 'month' end, f.assigned_date) as date),
            cast(date_trunc(case when f.periodicity = 'weekly' then 'week' else 'month' end,
                            cast(report_date as date)) as date),
            case when f.periodicity = 'weekly' then interval 7 day else interval 1 month end
        )) as s(period_start)
),

periodic_terms as (
    -- weekly: Friday; otherwise no day given: the period's last day; day N: that day of the month
    -- after the period
    select
        * exclude (period_start, period_unit),
        case
            when period_unit = 'week' then cast(period_start + interval 4 day as date)
            when period_day is null then last_day(period_start)
            else cast(period_start as date) + cast(least(period_day, day(last_day(period_start))) - 1 as integer)
        end as term_date
    from periodic_starts
    where periodicity in ('weekly', 'monthly')
        or (periodicity = 'quarterly' and list_contains(
            case when period_day is null then [3, 6, 9, 12] else [1, 4, 7, 10] end, month(period_start)))
        or (periodicity = 'half_year' and list_contains(
            case when period_day is null then [6, 12] else [1, 7] end, month(period_start)))
        or (periodicity = 'yearly' and month(period_start) = (case when period_day is null then 12 else 1 end))
),

periodic_numbered as (
    -- each occurrence with the terms before and after it (the window over periodic rows only)
    select
        *,
        row_number() over w as occurrence_no,
        lag(term_date) over w as previous_term,
        lead(term_date) over w as next_term
    from periodic_terms
    where term_date > assigned_date
    window w as (partition by assignment_id order by term_date)
),

periodic_moved as (
    -- a periodic term on a day off moves to the next working day; so do its neighbours'
    select
        n.* exclude (previous_term, next_term),
        true as is_periodic,
        case when {move_day_off} then t.working_day else n.term_date end as effective_due,
        case when {move_day_off} then p.working_day else n.previous_term end as previous_due,
        case when {move_day_off} then x.working_day else n.next_term end as next_due
    from periodic_numbered as n
    left join working_day_on as t on t.date = n.term_date
    left join working_day_on as p on p.date = n.previous_term
    left join working_day_on as x on x.date = n.next_term
),

moved as (
    -- every occurrence with its term moved off a day off: the single terms here, the periodic
    -- ones above (periodic_served reads those alone, so this, the widest step, is read once)
    select
        s.*,
        1 as occurrence_no,
        false as is_periodic,
        case when {move_day_off} then t.working_day else s.term_date end as effective_due,
        null::date as previous_due,
        null::date as next_due
    from single_terms as s
    left join working_day_on as t on t.date = s.term_date
    where s.term_date is not null
    union all by name
    select * from periodic_moved
),

periodic_executions as (
    -- every execution card date seen for a periodic task in the exports known by the report date
    select task_id, cast(executed_at as date) as executed_on
    from status_history
    where has_execution_card and cast(valid_from as date) <= report_date
        and cast(executed_at as date) <= report_date
        and task_id in (select task_id from periodic_tasks)
    union
    select task_id, executed_date
    from classified
    where executed_date is not null and task_id in (select task_id from periodic_tasks)
),

periodic_served as (
    -- a periodic occurrence is served by the first card after the previous term, up to its own
    -- (or any later one for the last term due)
    select
        o.assignment_id,
        o.occurrence_no,
        (
            select min(e.executed_on) from periodic_executions as e
            where e.task_id = o.task_id
                and e.executed_on > coalesce(o.previous_due, date '1900-01-01')
                and (e.executed_on <= o.effective_due
                     or (o.next_due is null and o.effective_due < report_date))
        ) as occurrence_executed
    from periodic_moved as o
),

judged as (
    -- a single term is served by its task's card, a periodic occurrence as in periodic_served
    select
        m.*,
        case when m.is_periodic then s.occurrence_executed else m.executed_date end as occurrence_executed
    from moved as m
    left join periodic_served as s
        on m.is_periodic and s.assignment_id = m.assignment_id and s.occurrence_no = m.occurrence_no
),

not_judged as (
    -- every task no term judges, once per executor, with the reason; a periodic task with no term
    -- up to the report date is listed as such
    select
        c.* replace (coalesce(c.not_judged_reason, 'first_term_after_report_date') as not_judged_reason),
        1 as occurrence_no,
        c.not_judged_reason is null as is_periodic,
        cast(null as date) as term_date,
        cast(null as date) as effective_due,
        cast(null as date) as occurrence_executed,
        'not_judged' as fixed_outcome
    from classified_other as c
    where c.not_judged_reason is not null
        or (c.assignment_id in (select p.assignment_id from periodic_tasks as p)
            and c.assignment_id not in (select n.assignment_id from periodic_numbered as n))
),

all_rows as (
    select * exclude (previous_due, next_due), null as fixed_outcome from judged
    union all by name
    select * from not_judged
),

final as (
    select
        j.task_id,
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
            when j.fixed_outcome is not null then j.fixed_outcome
            when j.occurrence_executed is not null and j.occurrence_executed <= j.effective_due then 'on_time'
            when j.occurrence_executed is not null then 'late'
            when j.effective_due < coalesce(j.removed_date, report_date) then 'overdue'
            when j.removed_date is not null then 'not_judged'
            else 'open'
        end as outcome,
        case
            when j.fixed_outcome is not null then null
            when j.occurrence_executed > j.effective_due then ce.wd_index_next - cd.wd_index
            when j.occurrence_executed is null and j.effective_due < coalesce(j.removed_date, report_date)
                then greatest(1, cr.wd_index - cd.wd_index)
            else 0
        end as working_days_late,
        j.is_urgent,
        j.is_restricted,
        j.summary,
        cast(report_date as date) as report_date,
        j.source_file,
        j.sheet,
        j.row_no,
        case
            when j.fixed_outcome is not null then j.not_judged_reason
            when j.occurrence_executed is null and j.removed_date is not null
                and not (j.effective_due < j.removed_date) then 'removed_without_card'
        end as not_judged_reason,
        j.periodicity,
        j.is_extension_applied,
        j.extension_recorded_date,
        j.removed_date,
        j.executor_seq,
        j.is_periodic and j.fixed_outcome is null as is_numbered
    from all_rows as j
    left join calendar as cd on cd.date = j.effective_due
    left join calendar as ce on ce.date = j.occurrence_executed
    left join calendar as cr on cr.date = coalesce(j.removed_date, cast(report_date as date))
)

select * from final;

-- A task's keys: its executor's row (assignment_id, as task_assignments makes it) and its occurrence
-- (occurrence_id: a periodic task's numbered occurrence gets «~N»).
create or replace macro assignment_key(task_id, executor_seq) as task_id || '#' || executor_seq;
create or replace macro occurrence_key(assignment_id, is_numbered, occurrence_no) as
    assignment_id || case when is_numbered then '~' || occurrence_no else '' end;

-- tasks_view(src): rows of task_rows (a table or CTE by name) as analysts read them: the ids, the
-- unit's and block's names, and the measure's flags — display_no, is_due (the term has come and the
-- task has an outcome: docs/measures.md), counts_in_total (the responsible executor's row: totals
-- count each task once).
create or replace macro tasks_view(src) as table
select
    occurrence_key(assignment_key(r.task_id, r.executor_seq), r.is_numbered, r.occurrence_no) as occurrence_id,
    r.task_id,
    assignment_key(r.task_id, r.executor_seq) as assignment_id,
    r.occurrence_no,
    r.is_periodic,
    r.source,
    r.org_name,
    r.reg_no,
    r.protocol_no,
    r.item_no,
    r.meeting_type,
    r.meeting_date,
    r.department_code,
    d.name_kk as department_name_kk,
    d.name_ru as department_name_ru,
    d.name_en as department_name_en,
    d.block_code,
    d.block_name_kk,
    d.block_name_ru,
    d.block_name_en,
    r.* exclude (task_id, occurrence_no, is_periodic, source, org_name, reg_no, protocol_no, item_no,
                 meeting_type, meeting_date, department_code, executor_seq, is_numbered),
    coalesce(r.reg_no, r.protocol_no || ' / ' || r.item_no) as display_no,
    coalesce(r.outcome in ('on_time', 'late', 'overdue') and r.due_date <= r.report_date, false) as is_due,
    r.executor_role = 'responsible' as counts_in_total
from query_table(src) as r
left join departments as d on d.department_code = r.department_code;

create or replace macro tasks_as_of(report_date) as table
with stored as (select * from task_rows(report_date))
select * exclude (display_no, is_due, counts_in_total) from tasks_view('stored');
