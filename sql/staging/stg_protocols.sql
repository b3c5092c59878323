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
        term_date(due_text, parse_date(meeting_date)) as due_date,
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
        -- the extension cell: the terms written in it (the last is the current one) and the date of
        -- the decision that granted the last one («письмо №45 от 18.03.2025»), when written
        parse_date(list_extract(extension_terms(extension), -1)) as extended_due_date,
        len(extension_terms(coalesce(extension, ''))) as extension_count,
        parse_date(list_extract(extension_terms(extension), -2)) as extension_prior_date,
        parse_date(regexp_extract(list_extract(regexp_extract_all(extension, extension_decision_re()), -1),
                                  '\d{1,2}\.\d{1,2}\.\d{2,4}')) as extension_decided_date,
        extra,
        key_hash,
        row_hash
    from source
)

select * from final;
