-- execution_summary: due, on time, late, overdue and the on-time rate (on time ÷ due) per period
-- (week, month, quarter, year) and per department, deputy's block, source, meeting type or all,
-- with the rank of each department / block within its period (1 = best on-time rate).
create or replace table execution_summary as
with periods as (
    select
        p.period_kind,
        cast(date_trunc(p.period_kind, d.due_date) as date) as period_start,
        d.*
    from daily_execution as d
    cross join (values ('week'), ('month'), ('quarter'), ('year')) as p(period_kind)
),

grouped as (
    select
        period_kind,
        period_start,
        case
            when grouping(department_code) = 0 then 'department'
            when grouping(block_code) = 0 then 'block'
            when grouping(source) = 0 then 'source'
            when grouping(meeting_type) = 0 then 'meeting_type'
            else 'all'
        end as dimension,
        case
            when grouping(department_code) = 0 then department_code
            when grouping(block_code) = 0 then block_code
            when grouping(source) = 0 then source
            when grouping(meeting_type) = 0 then meeting_type
            else 'all'
        end as dimension_code,
        sum(due_count)::bigint as due_count,
        sum(on_time_count)::bigint as on_time_count,
        sum(late_count)::bigint as late_count,
        sum(overdue_count)::bigint as overdue_count,
        sum(open_count)::bigint as open_count,
        sum(sum_working_days_late)::bigint as sum_working_days_late,
        max(max_working_days_late) as max_working_days_late,
        sum(extension_count)::bigint as extension_count
    from periods
    group by grouping sets (
        (period_kind, period_start, department_code),
        (period_kind, period_start, block_code),
        (period_kind, period_start, source),
        (period_kind, period_start, meeting_type),
        (period_kind, period_start)
    )
),

named as (
    select
        g.*,
        coalesce(dep.name_kk, blk.block_name_kk, l.name_kk, g.dimension_code) as name_kk,
        coalesce(dep.name_ru, blk.block_name_ru, l.name_ru, g.dimension_code) as name_ru,
        coalesce(l.name_en, g.dimension_code) as name_en
    from grouped as g
    left join departments as dep
        on g.dimension = 'department' and dep.department_code = g.dimension_code
    left join (select distinct block_code, block_name_kk, block_name_ru from departments) as blk
        on g.dimension = 'block' and blk.block_code = g.dimension_code
    left join labels as l on l.kind = g.dimension and l.code = g.dimension_code
    where not (g.dimension = 'meeting_type' and g.dimension_code = '')
),

final as (
    select
        *,
        on_time_count / nullif(due_count, 0) as on_time_rate,
        sum_working_days_late / nullif(late_count + overdue_count, 0) as avg_working_days_late,
        case when dimension in ('department', 'block') and due_count > 0 then
            dense_rank() over (
                partition by period_kind, period_start, dimension, due_count > 0
                order by on_time_count / nullif(due_count, 0) desc
            )
        end as rank
    from named
)

select * from final;
