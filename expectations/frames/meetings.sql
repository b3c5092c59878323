-- The frame the meetings suite checks: one row per calendar month (akimat sessions, R-5.1) and per
-- week with working days (apparatus meetings, R-5.23) between the first and the last meeting in
-- the registers. A meeting is known from a protocol or a materials register: one with neither is
-- not seen.
with span as (
    select org_name, min(meeting_date) as first_date, max(meeting_date) as last_date
    from meetings
    group by org_name
),

days as (
    select s.org_name, c.date, c.is_working_day
    from span as s
    inner join calendar as c on c.date between s.first_date and s.last_date
),

periods as (
    select org_name, 'month' as period_kind, cast(date_trunc('month', date) as date) as period_start
    from days
    group by all
    union all
    select org_name, 'week', cast(date_trunc('week', date) as date)
    from days
    group by all
    having bool_or(is_working_day)
),

counted as (
    select
        p.*,
        count(m.meeting_date) filter (where m.meeting_type = 'akimat_session') as akimat_sessions,
        count(m.meeting_date) filter (where m.meeting_type = 'apparatus') as apparatus_meetings
    from periods as p
    left join meetings as m
        on m.org_name = p.org_name
        and cast(date_trunc(p.period_kind, m.meeting_date) as date) = p.period_start
    group by all
)

select
    'meetings' as record_table,
    'meetings/' || period_kind || '/' || period_start
        || case when org_name <> '' then '@' || org_name else '' end as record_id,
    case when period_kind = 'month' then strftime(period_start, '%m.%Y')
         else strftime(period_start, '%d.%m.%Y') || '–' || strftime(period_start + 6, '%d.%m.%Y') end as reg_no,
    'APP-ORG' as department_code,
    null::varchar as source_file,
    null::varchar as sheet,
    null::integer as row_no,
    org_name,
    period_kind,
    akimat_sessions,
    apparatus_meetings
from counted
