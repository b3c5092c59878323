-- The frame the appeals suite checks: one row per appeal (no personal data leaves the database).
select
    'appeals' as record_table,
    appeal_id as record_id,
    reg_no,
    department_code,
    source_file, sheet, row_no,
    org_name,
    coalesce(department, '—') as department,
    -- R-12.4: answers are taken for dispatch until 18:00 (a date without a time of day is not judged)
    answered_at is not null and cast(answered_at as time) <> time '00:00' as has_answer_time,
    cast(answered_at as time) <= time '18:00' as answered_by_18,
    strftime(answered_at, '%d.%m.%Y %H:%M') as answered_text,
    received_at is null or registered_at is null or cast(registered_at as date) >= cast(received_at as date)
        as dates_in_order,
    strftime(received_at, '%d.%m.%Y %H:%M') || ' → ' || strftime(registered_at, '%d.%m.%Y') as dates_text
from appeals
