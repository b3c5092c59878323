-- An act due N days before an event (materials before a meeting). Working days (unit wd): the
-- working day N before the event's day (or before the first working day after it). Calendar days
-- (unit cd, {calendar_days}): the event - N days, or the working day before when that is a day off.
-- Nothing submitted: late until the event (R-5.17: reported as not submitted), not until the
-- report date.
select
    r.record_table, r.record_id, r.reg_no, r.department_code, r.source_file, r.sheet, r.row_no,
    r.org_name,
    case when {calendar_days} then w.date else t.date end as expected_date,
    r.actual_date,
    strftime(r.anchor_date, '%d.%m.%Y') as anchor_text,
    -- an act not done by the event is no longer owed after it: lateness stops at the event
    r.anchor_date as until_date
from ({relation}) as r
inner join calendar as e on e.date = r.anchor_date
left join calendar as t on t.wd_index = e.wd_index_next - {days} and t.is_working_day
left join calendar as c on c.date = r.anchor_date - {days}
left join calendar as w on w.wd_index = c.wd_index and w.is_working_day
where {filter}
