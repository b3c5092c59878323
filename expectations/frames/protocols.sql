-- The frame the protocols suite checks: one row per protocol.
select
    'protocols' as record_table,
    protocol_id as record_id,
    protocol_no as reg_no,
    'APP-ORG' as department_code,
    source_file, sheet, row_no,
    org_name,
    controller,
    chair,
    meeting_type,
    protocol_date is null or protocol_date >= meeting_date as dates_in_order,
    strftime(meeting_date, '%d.%m.%Y') || ' → ' || strftime(protocol_date, '%d.%m.%Y') as dates_text
from protocols
