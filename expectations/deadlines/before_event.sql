-- An act due N working days before an event (materials before a meeting): the deadline is the
-- working day N before the event's day (or before the first working day after it). Nothing
-- submitted: late until the event (R-5.17: reported as not submitted), not until the report date.
select
    r.record_table, r.record_id, r.reg_no, r.department_code, r.source_file, r.sheet, r.row_no,
    t.date as expected_date,
    r.actual_date,
    strftime(r.anchor_date, '%d.%m.%Y') as anchor_text,
    -- an act not done by the event is no longer owed after it: lateness stops at the event
    r.anchor_date as until_date
from ({relation}) as r
inner join calendar as e on e.date = r.anchor_date
inner join calendar as t on t.wd_index = e.wd_index_next - {days} and t.is_working_day
where {filter}
