-- R-9.9: incoming correspondence is registered the day it arrives if it arrives on a working
-- day before 19:00 (or with no time given); otherwise on the next working day; urgent: same day.
select
    'documents' as record_table,
    d.document_id as record_id,
    d.reg_no,
    '{responsible}' as department_code,
    d.source_file, d.sheet, d.row_no,
    d.org_name,
    case
        when d.is_urgent then cast(d.received_at as date)
        when c.is_working_day and (not d.has_receipt_time or cast(d.received_at as time) < time '{workday_end}')
            then cast(d.received_at as date)
        else n.date
    end as expected_date,
    d.reg_date as actual_date,
    strftime(d.received_at, '%d.%m.%Y %H:%M') as anchor_text,
    null::date as until_date
from documents as d
inner join calendar as c on c.date = cast(d.received_at as date)
inner join calendar as n on n.wd_index = c.wd_index + 1 and n.is_working_day
where d.received_at is not null and d.reg_date is not null and {filter}
