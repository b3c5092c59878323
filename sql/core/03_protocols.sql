-- protocols: one row per protocol (meeting type, number, year), from the latest register rows.
create or replace table protocols as
with items as (
    select *
    from stg_protocols
    qualify row_number() over (
        partition by org_name, meeting_type, protocol_no, year(meeting_date), item_no
        order by observed_at desc, load_id desc, row_no
    ) = 1
),

final as (
    select
        'protocol/' || coalesce(meeting_type, 'other') || '/' || year(meeting_date) || '/'
            || protocol_no
            || case when org_name <> '' then '@' || org_name else '' end as protocol_id,
        org_name,
        meeting_type,
        arg_min(meeting_type_raw, row_no) as meeting_type_raw,
        protocol_no,
        meeting_date,
        min(protocol_date) as protocol_date,
        arg_min(protocol_date_text, row_no) as protocol_date_text,
        arg_min(chair, row_no) as chair,
        max(controller) as controller,
        -- the unit controlling the protocol's tasks (a commission's working body, R-5.54)
        max(m.department_code) as controller_code,
        count(*) as item_count,
        min(source_file) as source_file,
        min(sheet) as sheet,
        min(row_no) as row_no,
        max(load_id) as load_id
    from items
    left join name_map as m on m.cell = items.controller and m.pos = 1
    group by org_name, meeting_type, protocol_no, meeting_date
)

select * from final;
