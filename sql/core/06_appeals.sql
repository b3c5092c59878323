-- appeals: one row per citizens' appeal (latest export row), without the applicant's personal data:
-- no name (only initials), ИИН, phone, address or extra cells, and the summary masked. The
-- unmasked row stays in the private file (stg_appeals, by load_id, sheet and row_no: the
-- restricted snapshot's `appeals`).
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
        l.* exclude (row_hash, applicant, applicant_iin, applicant_phone, applicant_address, extra)
            replace ('***' as summary),
        m.department_code,
        mask_person(l.applicant) as applicant_initials
    from latest as l
    left join name_map as m on m.cell = l.department and m.pos = 1
)

select * from final;
