-- The frame the materials suite checks: one row per material owed for a meeting.
select
    'material_submissions' as record_table,
    submission_id as record_id,
    body_name || ': ' || material || ' (' || strftime(meeting_date, '%d.%m.%Y') || ')' as reg_no,
    department_code,
    source_file, sheet, row_no,
    org_name,
    meeting_type,
    regexp_matches(lower(material), 'справк|анықтама') as is_reference,
    regexp_matches(lower(material), 'презент') as is_presentation,
    regexp_matches(lower(material), 'выступлен|доклад|баяндама|сөз') as is_speech,
    pages,
    size_mb,
    coalesce(languages, languages_raw, '—') as languages,
    coalesce(is_signed_first_head, false) and coalesce(is_agreed_deputy, false) as is_signed_and_agreed,
    coalesce(body_name, '—') as body_name
from material_submissions
where submitted_at is not null
