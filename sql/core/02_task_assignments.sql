-- task_assignments: one row per task and executor (responsible / co-executor), from the
-- latest version of every EDMS document, protocol task item and citizens' appeal.
-- The coordinator (R-9.15) is the executor marked as such, else the first listed. A ДСП task's
-- summary is masked (as in `documents`).
-- The wide steps are `not materialized`: DuckDB stores a CTE that is read more than once, and
-- all_executors, read twice, reads them twice; stored, they spilled 6.5 GB to disk at 10M cards
-- (109 s for this table, 65 s computed twice).
create or replace table task_assignments as
with edms_rows as not materialized (
    -- every row of each document's latest export: its first (the documents table) and the others
    select * exclude (reg_year) from documents
    union all by name
    select e.* exclude (row_hash), d.document_id
    from edms_others as e
    inner join (select key_hash, document_id from documents) as d using (key_hash)
),

edms_cells as not materialized (
    -- the responsible cell (or the department when no person is named), then co-executors; one
    -- pass over the rows (a union of two reads made DuckDB store every wide row first)
    select
        r.*,
        case p.part when 0 then coalesce(r.responsible, r.department) else r.co_executors end as cell,
        p.part
    from edms_rows as r
    cross join (values (0), (1)) as p(part)
    where p.part = 0 or r.co_executors is not null
),

edms_executors as not materialized (
    select
        r.document_id as task_id,
        'edms' as source,
        r.*,
        m.name as executor_name,
        case
            when r.part = 0 and m.pos = 1 and r.department is not null
                and r.responsible is not null
                then coalesce(dm.department_code, m.department_code)
            else m.department_code
        end as department_code,
        coalesce(m.is_marked, false) as is_marked,
        r.row_no::bigint * 1000 + r.part * 100 + coalesce(m.pos, 1) as seq
    from edms_cells as r
    left join name_map as m on m.cell = r.cell
    left join name_map as dm on dm.cell = r.department and dm.pos = 1
),

edms as not materialized (
    select
        task_id,
        source,
        org_name,
        reg_no,
        null::varchar as protocol_no,
        null::varchar as item_no,
        null::varchar as meeting_type,
        null::date as meeting_date,
        executor_name,
        department_code,
        is_marked,
        seq,
        reg_date as assigned_date,
        due_date,
        due_date_text,
        null::varchar as periodicity,
        null::integer as period_day,
        extended_due_date,
        extension_count,
        null::date as extension_prior_date,
        null::date as extension_decided_date,
        null::timestamp as forwarded_at,
        executed_at,
        execution_note as execution_info,
        null::varchar as info_signed_by,
        execution_note is not null as has_execution_card,
        status_raw,
        status,
        is_urgent,
        is_restricted,
        mask_text(is_restricted, summary) as summary,
        load_id,
        source_file,
        sheet,
        row_no,
        observed_at
    from edms_executors
),

protocol_stg as (
    select *, year(meeting_date) as meeting_year from stg_protocols
),

protocol_latest as (
    select
        org_name, meeting_type, protocol_no, meeting_year, item_no,
        arg_max(load_id, epoch_us(observed_at)::hugeint * 1000000 + load_id) as load_id
    from protocol_stg
    group by all
),

protocol_rows as (
    select p.*
    from protocol_stg as p
    inner join protocol_latest using (org_name, meeting_type, protocol_no, meeting_year, item_no, load_id)
),

protocols as not materialized (
    select
        'protocol/' || coalesce(p.meeting_type, 'other') || '/' || p.meeting_year || '/'
            || p.protocol_no || '/' || p.item_no
            || case when p.org_name <> '' then '@' || p.org_name else '' end as task_id,
        'protocol' as source,
        p.org_name,
        null::varchar as reg_no,
        p.protocol_no,
        p.item_no,
        p.meeting_type,
        p.meeting_date,
        m.name as executor_name,
        m.department_code,
        coalesce(m.is_marked, false) as is_marked,
        p.row_no::bigint * 1000 + coalesce(m.pos, 1) as seq,
        coalesce(p.protocol_date, p.meeting_date) as assigned_date,
        p.due_date,
        p.due_text as due_date_text,
        p.periodicity,
        p.period_day,
        p.extended_due_date,
        p.extension_count,
        p.extension_prior_date,
        p.extension_decided_date,
        null::timestamp as forwarded_at,
        p.executed_at,
        p.execution_info,
        p.info_signed_by,
        p.execution_info is not null as has_execution_card,
        p.status_raw,
        p.status,
        false as is_urgent,
        false as is_restricted,
        p.task_text as summary,
        p.load_id,
        p.source_file,
        p.sheet,
        p.row_no,
        p.observed_at
    from protocol_rows as p
    left join name_map as m on m.cell = p.executors
),

appeal_rows as (
    select * from stg_appeals
    qualify row_number() over (
        partition by org_name, reg_no order by observed_at desc, load_id desc, row_no
    ) = 1
),

appeals as not materialized (
    select
        'appeal/' || a.reg_no
            || case when a.org_name <> '' then '@' || a.org_name else '' end as task_id,
        'appeal' as source,
        a.org_name,
        a.reg_no,
        null::varchar as protocol_no,
        null::varchar as item_no,
        null::varchar as meeting_type,
        null::date as meeting_date,
        m.name as executor_name,
        m.department_code,
        coalesce(m.is_marked, false) as is_marked,
        coalesce(m.pos, 1) as seq,
        -- APPC art. 76: the term runs from the day the appeal was received, not registered
        cast(coalesce(a.received_at, a.registered_at) as date) as assigned_date,
        a.due_date,
        null::varchar as due_date_text,
        null::varchar as periodicity,
        null::integer as period_day,
        a.extended_due_date,
        (a.extended_due_date is not null)::integer as extension_count,
        null::date as extension_prior_date,
        null::date as extension_decided_date,
        -- an appeal sent on to another body (R-12.9): judged by its forwarding, not its answer
        case when a.forwarded_to is not null then coalesce(a.forwarded_at, a.registered_at, a.received_at) end
            as forwarded_at,
        a.answered_at as executed_at,
        a.result as execution_info,
        null::varchar as info_signed_by,
        a.answered_at is not null and a.result is not null as has_execution_card,
        a.status_raw,
        a.status,
        false as is_urgent,
        false as is_restricted,
        null::varchar as summary,
        a.load_id,
        a.source_file,
        a.sheet,
        a.row_no,
        a.observed_at
    from appeal_rows as a
    left join name_map as m on m.cell = a.department
),

all_executors as not materialized (
    -- read twice (the narrow keys below, then the rows): computed twice rather than every wide row
    -- stored in between (at 10M cards that store spilled to disk)
    select * from edms
    union all by name
    select * from protocols
    union all by name
    select * from appeals
),

executor_keys as (
    -- the executors' order within a task (seq, then sheet: one row number can recur on several
    -- sheets of a workbook) on a narrow row: the windows below sort these, not the whole rows
    select task_id, seq, sheet, is_marked, coalesce(department_code, lower(executor_name)) as unit_key
    from all_executors
),

deduplicated as (
    -- the same unit named twice for one task (several rows per document) counts once
    select task_id, seq, sheet, is_marked
    from executor_keys
    qualify row_number() over (partition by task_id, unit_key order by seq, sheet) = 1
),

ranks as (
    select
        task_id,
        seq,
        sheet,
        row_number() over (partition by task_id order by seq, sheet) as executor_seq,
        count(*) over (partition by task_id) as executor_count,
        bool_or(is_marked) over (partition by task_id) as coordinator_marked
    from deduplicated
),

ranked as (
    select a.*, r.executor_seq, r.executor_count, r.coordinator_marked
    from all_executors as a
    inner join ranks as r
        on r.task_id = a.task_id and r.seq = a.seq and r.sheet is not distinct from a.sheet
),

final as (
    select
        task_id || '#' || executor_seq as assignment_id,
        task_id,
        source,
        org_name,
        reg_no,
        protocol_no,
        item_no,
        meeting_type,
        meeting_date,
        executor_seq,
        executor_name,
        department_code,
        case when executor_seq = 1 then 'responsible' else 'co_executor' end as executor_role,
        case when coordinator_marked then is_marked else executor_seq = 1 end as is_coordinator,
        coordinator_marked,
        executor_count,
        assigned_date,
        due_date,
        due_date_text,
        periodicity,
        period_day,
        extended_due_date,
        coalesce(extension_count, (extended_due_date is not null)::integer) as extension_count,
        extension_prior_date,
        extension_decided_date,
        forwarded_at,
        executed_at,
        execution_info,
        info_signed_by,
        has_execution_card,
        status_raw,
        status,
        is_urgent,
        is_restricted,
        summary,
        load_id,
        source_file,
        sheet,
        row_no,
        observed_at
    from ranked
)

select * from final;
