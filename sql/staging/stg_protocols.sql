-- Protocol task register, typed: one row per row of every loaded register (all versions).
create or replace view stg_protocols as
with source as (
    select r.*, coalesce(l.exported_at, l.loaded_at) as observed_at
    from raw_protocols as r
    inner join load_log as l using (load_id)
),

final as (
    select
        load_id,
        source_file,
        file_sha256,
        sheet,
        row_no,
        observed_at,
        coalesce(clean(org), '') as org_name,
        clean(meeting_type) as meeting_type_raw,
        coalesce(meeting_type_code(meeting_type), meeting_type_code(sheet)) as meeting_type,
        clean(protocol_no) as protocol_no,
        parse_date(meeting_date) as meeting_date,
        parse_date(protocol_date) as protocol_date,
        clean(protocol_date) as protocol_date_text,
        clean(chair) as chair,
        clean(controller) as controller,
        regexp_replace(clean(item_no), '\.$', '') as item_no,
        clean(task_text) as task_text,
        clean(executors) as executors,
        clean(due_text) as due_text,
        parse_date(due_text) as due_date,
        periodicity(due_text) as periodicity,
        period_day(due_text) as period_day,
        clean(status) as status_raw,
        status_code(status) as status,
        parse_ts(executed_at) as executed_at,
        clean(executed_at) as executed_at_text,
        clean(execution_info) as execution_info,
        clean(info_signed_by) as info_signed_by,
        is_acting(info_signed_by) as is_acting_signer,
        clean(extension) as extension,
        -- the last date written in the extension cell is the current term
        parse_date(list_last(regexp_extract_all(extension, '\d{1,2}\.\d{1,2}\.\d{2,4}')))
            as extended_due_date,
        len(regexp_extract_all(coalesce(extension, ''), '\d{1,2}\.\d{1,2}\.\d{2,4}'))
            as extension_count,
        extra,
        key_hash,
        row_hash
    from source
)

select * from final;
