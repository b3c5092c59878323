-- meetings: one row per meeting (type and date) named by a protocol or a materials register.
create or replace table meetings as
with named as (
    select org_name, meeting_type, meeting_date, protocol_no from protocols
    union all by name
    select org_name, meeting_type, meeting_date, null as protocol_no from material_submissions
),

final as (
    select
        org_name,
        meeting_type,
        meeting_date,
        max(protocol_no) as protocol_no,
        max(protocol_no) is not null as has_protocol
    from named
    where meeting_date is not null
    group by all
)

select * from final;
