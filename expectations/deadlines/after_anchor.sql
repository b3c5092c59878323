-- An act due within N days after an anchor date (delivery, forwarding, protocols).
-- {relation} gives record_table, record_id, reg_no, department_code, lineage, org_name, anchor_date,
-- actual_date. Working days (unit wd): the deadline is the working day N after the anchor.
-- Calendar days (unit cd, {calendar_days}): the anchor + N days, met on the next working day
-- when that is a day off.
select
    r.record_table, r.record_id, r.reg_no, r.department_code, r.source_file, r.sheet, r.row_no,
    r.org_name,
    case when {calendar_days} then m.date else t.date end as expected_date,
    r.actual_date,
    strftime(r.anchor_date, '%d.%m.%Y') as anchor_text,
    null::date as until_date
from ({relation}) as r
inner join calendar as a on a.date = r.anchor_date
left join calendar as t on t.wd_index = a.wd_index + {days} and t.is_working_day
left join calendar as c on c.date = r.anchor_date + {days}
left join calendar as m on m.wd_index = c.wd_index_next and m.is_working_day
where {filter}
