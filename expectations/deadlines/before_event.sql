-- An act due N working days before an event (materials before a meeting): the deadline is the
-- working day N before the event's day (or before the first working day after it).
select
    r.record_table, r.record_id, r.reg_no, r.department_code, r.source_file, r.sheet, r.row_no,
    t.date as expected_date,
    r.actual_date,
    strftime(r.anchor_date, '%d.%m.%Y') as anchor_text
from ({relation}) as r
inner join calendar as e on e.date = r.anchor_date
inner join calendar as t on t.wd_index = e.wd_index_next - {days} and t.is_working_day
where {filter}
