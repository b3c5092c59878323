-- appeals: one row per citizens' appeal (latest export row). Holds personal data; the
-- analyst surface and the dashboard read `appeals_masked`.
create or replace table appeals as
with latest as (
    select *
    from stg_appeals
    qualify row_number() over (
        partition by org_name, reg_no order by observed_at desc, load_id desc, row_no
    ) = 1
),

final as (
    select
        'appeal/' || l.reg_no
            || case when l.org_name <> '' then '@' || l.org_name else '' end as appeal_id,
        l.* exclude (row_hash),
        m.department_code
    from latest as l
    left join name_map as m on m.cell = l.department and m.pos = 1
)

select * from final;
