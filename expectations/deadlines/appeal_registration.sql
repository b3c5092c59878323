-- R-12.6 (APPC art. 64 p. 3): an appeal is registered on the day of receipt; after hours or on
-- a day off, on the next working day.
select
    'appeals' as record_table,
    a.appeal_id as record_id,
    a.reg_no,
    '{responsible}' as department_code,
    a.source_file, a.sheet, a.row_no,
    a.org_name,
    case
        when c.is_working_day and (not a.has_receipt_time or cast(a.received_at as time) < time '{workday_end}')
            then cast(a.received_at as date)
        else n.date
    end as expected_date,
    cast(a.registered_at as date) as actual_date,
    strftime(a.received_at, '%d.%m.%Y %H:%M') as anchor_text,
    null::date as until_date
from appeals as a
inner join calendar as c on c.date = cast(a.received_at as date)
inner join calendar as n on n.wd_index = c.wd_index + 1 and n.is_working_day
where a.registered_at is not null and {filter}
