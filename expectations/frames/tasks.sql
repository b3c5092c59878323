-- The frame the tasks suite checks: one row per task and executor.
select
    'task_assignments' as record_table,
    assignment_id as record_id,
    coalesce(reg_no, protocol_no || ' п.' || item_no) as reg_no,
    department_code,
    source_file, sheet, row_no,
    org_name,
    source,
    status,
    status_raw,
    has_execution_card,
    executor_seq = 1 and executor_count > 1 as is_first_of_several,
    coordinator_marked,
    executor_count,
    execution_info is not null as has_execution_info,
    -- R-8.8: the first head of the body (руководитель / начальник отдела, бөлім басшысы, the akim of
    -- a rural district) or the one acting for them (и.о. / м.а.); not a deputy, an adviser, a
    -- specialist or the head of a sector
    coalesce(is_acting(info_signed_by)
        or (regexp_matches(lower(info_signed_by),
                '(^|\s)(руководитель|начальник|басшы|басшысы|аким|әкімі)(\s|$)')
            and not regexp_matches(lower(info_signed_by),
                'заместител|орынбасар|советник|кеңесші|специалист|маман|сектор|инспектор|помощник|көмекші')),
        false) as info_signed_by_head,
    coalesce(info_signed_by, '—') as info_signed_by,
    -- R-8.3: a protocol item's term is a date, a periodicity or «постоянно» that can be read
    source = 'protocol' and executor_seq = 1 as is_protocol_item,
    due_date is not null or coalesce(periodicity in ('weekly', 'monthly', 'quarterly', 'half_year', 'yearly',
                                                     'permanent'), false) as has_readable_term,
    coalesce(due_date_text, '—') as due_date_text,
    coalesce(executor_name, '—') as executor_name,
    executed_at is null or assigned_date is null or cast(executed_at as date) >= assigned_date as dates_in_order,
    strftime(assigned_date, '%d.%m.%Y') || ' → ' || strftime(executed_at, '%d.%m.%Y') as dates_text
from task_assignments
