-- data_as_of: the date the loaded data speaks for — the latest export loaded (its title block),
-- else the latest load. Reports and the dashboard count "overdue" as of this date by default.
create or replace view data_as_of as
select coalesce(max(exported_at), max(loaded_at))::date as as_of, max(loaded_at) as last_loaded_at
from load_log;
