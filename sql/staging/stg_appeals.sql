-- Citizens' appeals, typed: one row per row of every loaded export (all versions).
-- Carries personal data: analysts and the dashboard read the masked `appeals` table.
create or replace view stg_appeals as
with source as (
    select r.*, coalesce(l.exported_at, l.loaded_at) as observed_at
    from raw_appeals as r
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
        clean(reg_no) as reg_no,
        parse_ts(received_at) as received_at,
        has_time(received_at) as has_receipt_time,
        parse_ts(registered_at) as registered_at,
        clean(appeal_kind) as appeal_kind_raw,
        case
            when regexp_matches(lower(appeal_kind), 'жалоб|шағым') then 'complaint'
            when regexp_matches(lower(appeal_kind), 'запрос|сұрау') then 'request'
            when regexp_matches(lower(appeal_kind), 'отклик|пікір') then 'opinion'
            when regexp_matches(lower(appeal_kind), 'предлож|ұсыныс') then 'proposal'
            when regexp_matches(lower(appeal_kind), 'сообщ|хабарлама') then 'report'
            when regexp_matches(lower(appeal_kind), 'заявл|жолданым|өтініш') then 'application'
            else 'other'
        end as appeal_kind,
        clean(applicant) as applicant,
        clean(applicant_iin) as applicant_iin,
        clean(applicant_phone) as applicant_phone,
        clean(applicant_address) as applicant_address,
        clean(summary) as summary,
        clean(department) as department,
        clean(forwarded_to) as forwarded_to,
        parse_ts(forwarded_at) as forwarded_at,
        parse_date(due_date) as due_date,
        parse_date(extended_due_date) as extended_due_date,
        parse_ts(answered_at) as answered_at,
        clean(result) as result,
        clean(status) as status_raw,
        status_code(status) as status,
        extra,
        key_hash,
        row_hash
    from source
)

select * from final;
