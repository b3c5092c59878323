-- The analysts' and the dashboard's snapshot (attached as `pub`): a copy of the main file, which
-- holds no citizen's personal data and no ДСП text (the model masks them; the private file keeps
-- them), made the snapshot here. publish.py first drops from the copy every table but the model's
-- and the flags (publish.COPIED), and every view, macro and sequence; these statements add the rest.
-- overdue now, worst first: the dashboard's lists read this short table, not all of `tasks`
create table pub.overdue_tasks as
select * from pub.tasks where outcome = 'overdue' order by working_days_late desc;
-- the marts' views, as tables (current_violations is the marts' view, created by the publish stage)
create table pub.execution_rates as select * from main.execution_rates;
create table pub.data_as_of as select * from main.data_as_of;
create table pub.source_exports as select * from main.source_exports;
create table pub.service_note_cases as select * from main.service_note_cases;
create table pub.protocol_violations as select * from main.protocol_violations;
-- from the private file: the load log, and the quarantine without a citizen's row as read
create table pub.load_log as select * from private.load_log;
create table pub.quarantine as
select * replace (
    case when kind = 'appeals' then null else raw_row end as raw_row,
    case when kind = 'appeals' then null else raw_line end as raw_line
) from private.quarantine;
