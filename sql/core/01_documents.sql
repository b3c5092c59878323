-- documents: one row per registered EDMS document, as in its latest export.
create or replace table documents as
with final as (
    select
        'edms/' || reg_year || '/' || reg_no
            || case when org_name <> '' then '@' || org_name else '' end as document_id,
        * exclude (row_hash)
    from edms_current
    qualify row_number() over (partition by key_hash order by row_no) = 1
)

select * from final;
