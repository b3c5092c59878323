-- Synthetic EDMS control cards, deterministic for a seed. Parameters are substituted by
-- pipelines/demo/edms.py: {n}, {seed}, {orgs}, {year}, {export_date}.
-- Needs the tables `calendar` and `gen_units` (idx, code, names, discipline profile).
with params as (
    select
        (select min(wd_index) from calendar where year = {year} and is_working_day) as wd0,
        (select count(*) from calendar where year = {year} and is_working_day) as wd_count,
        (select count(*) from gen_units) as unit_count,
        (select sum(weight) from gen_units) as weight_sum
),

base as (
    select
        i,
        (hash(i, {seed}, 'day') % 1000000) / 1e6 as u_day,
        (hash(i, {seed}, 'time') % 1000000) / 1e6 as u_time,
        (hash(i, {seed}, 'unit') % 1000000) / 1e6 as u_unit,
        (hash(i, {seed}, 'kind') % 1000000) / 1e6 as u_kind,
        (hash(i, {seed}, 'term') % 1000000) / 1e6 as u_term,
        (hash(i, {seed}, 'out') % 1000000) / 1e6 as u_out,
        (hash(i, {seed}, 'late') % 1000000) / 1e6 as u_late,
        (hash(i, {seed}, 'ext') % 1000000) / 1e6 as u_ext,
        (hash(i, {seed}, 'card') % 1000000) / 1e6 as u_card,
        (hash(i, {seed}, 'form') % 1000000) / 1e6 as u_form,
        (hash(i, {seed}, 'co') % 1000000) / 1e6 as u_co,
        (hash(i, {seed}, 'name') % 1000000) / 1e6 as u_name,
        (hash(i, {seed}, 'reg') % 1000000) / 1e6 as u_reg,
        i % {orgs} as org_idx
    from range({n}) as t(i)
),

cumulative as (
    select *, sum(weight) over (order by idx) as cum_weight from gen_units
),

with_unit as (
    select b.*, u.*
    from base as b, params as p
    asof join cumulative as u on b.u_unit * p.weight_sum < u.cum_weight
),

received as (
    select
        w.*,
        c.date as received_date,
        c.wd_index as received_wd,
        -- office hours mostly, some after 19:00
        make_time(8 + cast(floor(w.u_time * 12.5) as integer), cast(floor(w.u_time * 6000) % 60 as integer), 0)
            as received_time,
        case
            when w.u_kind < 0.55 then 'Входящий'
            when w.u_kind < 0.70 then 'Внутренний'
            when w.u_kind < 0.85 then 'Поручение'
            when w.u_kind < 0.90 then 'ОРД'
            else 'Исходящий'
        end as doc_kind,
        w.u_form < 0.06 as is_urgent
    from with_unit as w, params as p
    inner join calendar as c
        on c.wd_index = p.wd0 + cast(floor(w.u_day * p.wd_count) as integer) and c.is_working_day
),

registered as (
    select
        r.*,
        -- after 19:00 -> next working day; a few registered late by 1-2 WD
        r.received_wd
            + case when r.received_time >= time '19:00' and not r.is_urgent then 1 else 0 end
            + case when r.u_reg < late_registration then 1 + cast(r.u_reg * 100 as integer) % 2 else 0 end
            as reg_wd
    from received as r
),

registered_dates as (
    select r.*, c.date as reg_date
    from registered as r
    inner join calendar as c on c.wd_index = r.reg_wd and c.is_working_day
),

terms as (
    select
        r.*,
        case
            when r.is_urgent then r.reg_wd + 3
            when r.u_term < 0.8 then r.reg_wd + 5 + cast(r.u_term * 100 as integer) % 20
        end as due_wd,
        r.u_ext < p_extension as is_extended,
        1 + cast(r.u_ext * 1000 as integer) % 2 as extensions
    from registered_dates as r
),

due as (
    select
        t.*,
        cd.date as due_date,
        coalesce(cd.date, t.reg_date + interval 30 day)::date as effective_due,
        case when t.is_extended then ce.date end as extended_due_date
    from terms as t
    left join calendar as cd on cd.wd_index = t.due_wd and cd.is_working_day
    left join calendar as ce
        on ce.wd_index = coalesce(t.due_wd, t.reg_wd + 22) + 5 + cast(t.u_ext * 100 as integer) % 10
        and ce.is_working_day
),

outcome as (
    select
        d.*,
        coalesce(d.extended_due_date, d.effective_due) as final_due,
        case
            when d.u_late < p_overdue then 'overdue'
            when d.u_late < p_overdue + p_late then 'late'
            else 'on_time'
        end as planned
    from due as d
),

executed as (
    select
        o.*,
        case
            when o.planned = 'overdue' then null
            when o.planned = 'late' then cl.date
            else greatest(o.reg_date, ce.date)
        end as executed_date
    from outcome as o
    left join calendar as fd on fd.date = o.final_due
    left join calendar as cl
        on cl.wd_index = fd.wd_index_next + 1 + cast(o.u_late * 1000 as integer) % 12
        and cl.is_working_day
    left join calendar as ce
        on ce.wd_index = fd.wd_index_next - cast(o.u_late * 1000 as integer) % 6 and ce.is_working_day
),

final as (
    select
        i,
        org_idx,
        code as unit_code,
        name_ru,
        name_kk,
        name_alt,
        u_name,
        '01-' || lpad(cast(1 + cast(u_kind * 40 as integer) as varchar), 2, '0') || '/'
            || cast(i + 1 as varchar) as reg_no,
        reg_date,
        received_date + received_time as received_at,
        case when reg_date = received_date then received_date + received_time + interval 20 minute
             else reg_date + time '09:30' end as registered_at,
        doc_kind,
        is_urgent,
        u_out,
        u_form,
        u_co,
        u_card,
        u_reg,
        due_date,
        extended_due_date,
        case when is_extended then extensions else 0 end as extension_count,
        case when executed_date <= date '{export_date}' then executed_date end as executed_date,
        p_nocard
    from executed
)

select * from final
