-- material_submissions: one row per material a body owed for a meeting (latest register row).
create or replace table material_submissions as
with latest as (
    select *
    from stg_materials
    qualify row_number() over (
        partition by org_name, meeting_type, meeting_date, lower(body), lower(material)
        order by observed_at desc, load_id desc, row_no
    ) = 1
),

final as (
    select
        'material/' || coalesce(meeting_type, 'other') || '/' || meeting_date || '/'
            || row_number() over (order by meeting_date, meeting_type, body, material)
            as submission_id,
        l.* exclude (row_hash, body),
        l.body as body_name,
        m.department_code
    from latest as l
    left join name_map as m on m.cell = l.body and m.pos = 1
)

select * from final;
