-- status_history: every change of a task's status, terms or execution seen across exports,
-- so that a month's figures can be recomputed as of any date.
create or replace table status_history as
with observations as (
    select
        'edms/' || year(reg_date) || '/' || reg_no
            || case when org_name <> '' then '@' || org_name else '' end as task_id,
        row_number() over (partition by load_id, reg_no, reg_date order by row_no, sheet) as executor_pos,
        observed_at, load_id, status, due_date, extended_due_date, executed_at,
        execution_note is not null as has_execution_card
    from stg_edms
    union all
    select
        'protocol/' || coalesce(meeting_type, 'other') || '/' || year(meeting_date) || '/'
            || protocol_no || '/' || item_no
            || case when org_name <> '' then '@' || org_name else '' end,
        row_number() over (partition by load_id, meeting_type, protocol_no, meeting_date, item_no
                           order by row_no, sheet),
        observed_at, load_id, status, due_date, extended_due_date, executed_at,
        execution_info is not null
    from stg_protocols
    union all
    select
        'appeal/' || reg_no || case when org_name <> '' then '@' || org_name else '' end,
        1,
        observed_at, load_id, status, due_date, extended_due_date, answered_at,
        answered_at is not null and result is not null
    from stg_appeals
),

compared as (
    select
        *,
        lag(hash(status, due_date, extended_due_date, executed_at, has_execution_card)) over (
            partition by task_id, executor_pos order by observed_at, load_id
        ) as previous_hash
    from observations
),

changes as (
    select *
    from compared
    where previous_hash is null
        or previous_hash <> hash(status, due_date, extended_due_date, executed_at, has_execution_card)
),

final as (
    select
        task_id,
        executor_pos,
        observed_at as valid_from,
        lead(observed_at) over (
            partition by task_id, executor_pos order by observed_at, load_id
        ) as valid_to,
        load_id,
        status,
        due_date,
        extended_due_date,
        executed_at,
        has_execution_card
    from changes
)

select * from final;
