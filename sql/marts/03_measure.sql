-- The measure: the one place where outcomes are counted and the on-time rate is formed
-- (docs/measures.md states it in words). The dashboard, `tartip report`, the slides, the marts
-- and analysts (`tartip sql`) all call these macros; nothing else counts outcomes.
--
--   task_measure(report_date)  each task row of tasks_as_of with the flags the counts use
--                              (is_due, counts_in_total: tasks_view, 02_tasks_as_of.sql)
--   daily_counts(src)          those rows counted per term day, organisation, unit, source, meeting
--   rates(...)                 the counts of a period rolled up per dimension, with rate and rank
--   summary_rates(src, period) rates(...) of every period of one kind, in every dimension
--
-- Due: the term has come (term <= report date) and the task has an outcome (on time, late,
--      overdue). A task executed before a term still ahead is not due yet: the current month
--      is never flattered by early work.
-- Totals count each task once (its responsible executor's row); a unit's figures count every
-- executor's row of that unit (each executor answers for its own part, R-9.15).

create or replace macro task_measure(report_date) as table
with stored as (select * from task_rows(report_date))
select * from tasks_view('stored');

-- daily_counts(src): the rows of a task_measure table (by name) counted per term day and unit.
create or replace macro daily_counts(src) as table
select
    due_date,
    coalesce(org_name, '') as org_name,
    department_code,
    block_code,
    source,
    coalesce(meeting_type, '') as meeting_type,
    counts_in_total,
    max(report_date) as report_date,
    count(*) filter (where is_due) as due_count,
    count(*) filter (where is_due and outcome = 'on_time') as on_time_count,
    count(*) filter (where is_due and outcome = 'late') as late_count,
    count(*) filter (where is_due and outcome = 'overdue') as overdue_count,
    count(*) filter (where outcome = 'open') as open_count,
    count(*) filter (where not is_due and outcome = 'on_time') as early_count,
    count(*) filter (where outcome not in ('on_time', 'late', 'overdue', 'open')) as not_judged_count,
    sum(working_days_late) filter (where is_due and outcome in ('late', 'overdue')) as sum_working_days_late,
    max(working_days_late) filter (where is_due) as max_working_days_late,
    sum(extension_count) filter (where is_due) as extension_count
from query_table(src)
group by all;

-- rates(...): due, on time, late, overdue and the on-time rate of a period, per dimension.
--   src            a daily_counts table: 'daily_execution' (as of the data date) or one made as of
--                  another date
--   date_from/to   terms between these dates (null: no bound)
--   period         'none' (the whole range) | 'week' | 'month' | 'quarter' | 'year'
--   dim            'all' | 'department' | 'block' | 'source' | 'meeting_type'
--   orgs, departments, blocks, sources, meeting_types   filters (empty list: all)
-- Every row belongs to one organisation: figures of different organisations never add up.
create or replace macro rates(
    src := 'daily_execution', date_from := null, date_to := null, period := 'none', dim := 'all',
    orgs := [], departments := [], blocks := [], sources := [], meeting_types := []
) as table
with filtered as (
    select
        *,
        case when period = 'none' then cast(date_from as date)
             else cast(date_trunc(case when period = 'none' then 'year' else period end, due_date) as date)
        end as period_start,
        case dim
            when 'department' then department_code
            when 'block' then block_code
            when 'source' then source
            when 'meeting_type' then meeting_type
            else 'all'
        end as dimension_code
    from query_table(src)
    where due_date is not null
        and (date_from is null or due_date >= cast(date_from as date))
        and (date_to is null or due_date <= cast(date_to as date))
        and (len(orgs) = 0 or list_contains(orgs, org_name))
        and (len(departments) = 0 or list_contains(departments, department_code))
        and (len(blocks) = 0 or list_contains(blocks, block_code))
        and (len(sources) = 0 or list_contains(sources, source))
        and (len(meeting_types) = 0 or list_contains(meeting_types, meeting_type))
        and (counts_in_total or dim = 'department' or len(departments) > 0)
),

grouped as (
    select
        period_start,
        org_name,
        dimension_code,
        max(report_date) as report_date,
        sum(due_count)::bigint as due_count,
        sum(on_time_count)::bigint as on_time_count,
        sum(late_count)::bigint as late_count,
        sum(overdue_count)::bigint as overdue_count,
        sum(open_count)::bigint as open_count,
        sum(early_count)::bigint as early_count,
        sum(not_judged_count)::bigint as not_judged_count,
        sum(sum_working_days_late)::bigint as sum_working_days_late,
        max(max_working_days_late) as max_working_days_late,
        coalesce(sum(extension_count), 0)::bigint as extension_count
    from filtered
    where not (dim = 'meeting_type' and dimension_code = '')
    group by all
),

named as (
    select
        g.*,
        coalesce(dep.name_kk, blk.block_name_kk, l.name_kk, g.dimension_code) as name_kk,
        coalesce(dep.name_ru, blk.block_name_ru, l.name_ru, g.dimension_code) as name_ru,
        coalesce(dep.name_en, blk.block_name_en, l.name_en, g.dimension_code) as name_en
    from grouped as g
    left join departments as dep
        on dim = 'department' and dep.department_code = g.dimension_code
    left join (select distinct block_code, block_name_kk, block_name_ru, block_name_en from departments) as blk
        on dim = 'block' and blk.block_code = g.dimension_code
    left join labels as l on l.kind = dim and l.code = g.dimension_code
),

final as (
    select
        period as period_kind,
        period_start,
        case period
            when 'week' then period_start + 6
            when 'month' then last_day(period_start)
            when 'quarter' then last_day(cast(period_start + interval 2 month as date))
            when 'year' then cast(date_trunc('year', period_start) + interval 1 year - interval 1 day as date)
            else cast(date_to as date)
        end as period_end,
        org_name,
        dim as dimension,
        dimension_code,
        name_kk,
        name_ru,
        name_en,
        due_count,
        on_time_count,
        late_count,
        overdue_count,
        open_count,
        early_count,
        not_judged_count,
        on_time_count / nullif(due_count, 0) as on_time_rate,
        sum_working_days_late,
        sum_working_days_late / nullif(late_count + overdue_count, 0) as avg_working_days_late,
        max_working_days_late,
        extension_count,
        case when dim in ('department', 'block') and dimension_code is not null and due_count > 0 then
            dense_rank() over (
                partition by org_name, period_start, dimension_code is not null and due_count > 0
                order by on_time_count / nullif(due_count, 0) desc
            )
        end as rank,
        report_date
    from named
)

select
    *,
    coalesce(period_end < report_date, false) as is_complete
from final;

-- summary_rates(src, period): the rows of one kind of period, every dimension, from a daily_counts
-- table (execution_summary holds those of every kind).
create or replace macro summary_rates(src, period) as table
select * from rates(src := src, period := period, dim := 'all')
union all by name select * from rates(src := src, period := period, dim := 'department')
union all by name select * from rates(src := src, period := period, dim := 'block')
union all by name select * from rates(src := src, period := period, dim := 'source')
union all by name select * from rates(src := src, period := period, dim := 'meeting_type');
