-- Meeting materials register, typed: one row per row of every loaded register (all versions).
create or replace view stg_materials as
with source as (
    select r.*, coalesce(l.exported_at, l.loaded_at) as observed_at
    from raw_materials as r
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
        parse_date(meeting_date) as meeting_date,
        clean(body) as body,
        clean(material) as material,
        parse_ts(submitted_at) as submitted_at,
        clean(submitted_at) as submitted_at_text,
        parse_num(pages) as pages,
        parse_num(size_mb) as size_mb,
        lower(clean(languages)) as languages_raw,
        case
            when regexp_matches(lower(languages), '(kk|қаз|каз).*(ru|рус|орыс)|(ru|рус|орыс).*(kk|қаз|каз)|обa|оба|екі|both')
                then 'both'
            when regexp_matches(lower(languages), 'kk|қаз|каз') then 'kk'
            when regexp_matches(lower(languages), 'ru|рус|орыс') then 'ru'
        end as languages,
        parse_bool(signed_first_head) as is_signed_first_head,
        parse_bool(agreed_deputy) as is_agreed_deputy,
        extra,
        key_hash,
        row_hash
    from source
)

select * from final;
