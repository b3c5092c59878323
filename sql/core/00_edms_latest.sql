-- edms_latest: for every EDMS document, its latest export (by export time) and its first row
-- there (by row, then sheet): the document's own row. Narrow raw columns only, so that the
-- documents and their other rows below are found without a window over every wide row
-- (a temporary table of the model build).
create or replace temp table edms_latest as
select
    r.key_hash,
    arg_min(
        {'load_id': r.load_id, 'row_no': r.row_no, 'sheet': r.sheet},
        {'version': -(epoch_us(coalesce(l.exported_at, l.loaded_at))::hugeint * 1000000 + r.load_id),
         'row_no': r.row_no, 'sheet': r.sheet}
    ) as first_row,
    count(*) as rows_seen
from raw_edms as r
inner join load_log as l using (load_id)
group by r.key_hash;

-- edms_others: the other rows of each document in its latest export (further executors: the
-- documents table holds the first), typed. Only documents seen in more than one row can have
-- any: a join with none of them reads no staging row at all (most exports: one row per document).
create or replace temp table edms_others as
select s.*
from stg_edms as s
inner join (select * from edms_latest where rows_seen > 1) as f
    on f.key_hash = s.key_hash and f.first_row.load_id = s.load_id
    and not (s.row_no is not distinct from f.first_row.row_no and s.sheet is not distinct from f.first_row.sheet);
