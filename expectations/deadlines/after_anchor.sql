-- An act due within N working days after an anchor date (delivery, forwarding, protocols).
-- {relation} gives record_table, record_id, reg_no, department_code, lineage, anchor_date,
-- actual_date; the deadline is the working day N after the anchor.
select
    r.record_table, r.record_id, r.reg_no, r.department_code, r.source_file, r.sheet, r.row_no,
    t.date as expected_date,
    r.actual_date,
    strftime(r.anchor_date, '%d.%m.%Y') as anchor_text,
    null::date as until_date
from ({relation}) as r
inner join calendar as a on a.date = r.anchor_date
inner join calendar as t on t.wd_index = a.wd_index + {days} and t.is_working_day
where {filter}
