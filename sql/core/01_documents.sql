-- documents: one row per registered EDMS document, as in its latest export: its first row there
-- (edms_latest.first_row). A ДСП document's summary and resolution are masked (the unmasked texts
-- stay in the private file: document_texts).
create or replace table documents as
with final as (
    select
        'edms/' || year(s.reg_date) || '/' || s.reg_no
            || case when s.org_name <> '' then '@' || s.org_name else '' end as document_id,
        s.* exclude (row_hash) replace (
            mask_text(s.is_restricted, s.summary) as summary,
            mask_text(s.is_restricted, s.resolution) as resolution
        ),
        year(s.reg_date) as reg_year
    from stg_edms as s
    inner join edms_latest as f
        on f.key_hash = s.key_hash and f.first_row.load_id = s.load_id
        and s.row_no is not distinct from f.first_row.row_no and s.sheet is not distinct from f.first_row.sheet
)

select * from final;
