-- edms_current: the rows of every EDMS document as in its latest export, typed once for the
-- tables below (a temporary table of the model build; the latest export wins by export time).
create or replace temp table edms_current as
with latest as (
    select
        r.key_hash,
        arg_max(r.load_id, epoch_us(coalesce(l.exported_at, l.loaded_at))::hugeint * 1000000 + r.load_id)
            as load_id
    from raw_edms as r
    inner join load_log as l using (load_id)
    group by r.key_hash
)

select s.*, year(s.reg_date) as reg_year
from stg_edms as s
inner join latest using (key_hash, load_id);
