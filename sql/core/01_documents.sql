-- documents: one row per registered EDMS document, as in its latest export.
create or replace table documents as
with stg as (
    select *, year(reg_date) as reg_year from stg_edms
),

latest as (
    select
        org_name,
        reg_no,
        reg_year,
        arg_max(load_id, epoch_us(observed_at)::hugeint * 1000000 + load_id) as load_id
    from stg
    group by all
),

current_rows as (
    select stg.*
    from stg
    inner join latest using (org_name, reg_no, reg_year, load_id)
),

final as (
    select
        'edms/' || reg_year || '/' || reg_no
            || case when org_name <> '' then '@' || org_name else '' end as document_id,
        * exclude (row_hash)
    from current_rows
    qualify row_number() over (partition by org_name, reg_no, reg_year order by row_no) = 1
)

select * from final;
