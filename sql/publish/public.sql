-- The analysts' and the dashboard's snapshot (attached as `pub`): the marts and reference
-- tables, with personal data of citizens and the contents of ДСП documents masked.
-- Never holds a name, ИИН, phone or address of an applicant, nor the summary of a ДСП document.
create or replace temp macro mask_text(restricted, s) as (case when restricted then '*** ДСП ***' else s end);
create or replace temp macro mask_person(s) as (
    -- "Ахметов Нұрлан" -> "А. Н."
    case when s is null then null
         else array_to_string(list_transform(string_split(trim(s), ' '), lambda w: left(w, 1) || '.'), ' ') end
);

create table pub.tasks as
select * replace (mask_text(is_restricted, summary) as summary) from main.mart_tasks;
create table pub.execution_rates as select * from main.execution_rates;
-- overdue now, worst first: the dashboard's lists read this short table, not all of `tasks`
create table pub.overdue_tasks as
select * replace (mask_text(is_restricted, summary) as summary)
from main.mart_tasks where outcome = 'overdue' order by working_days_late desc;
create table pub.execution_summary as select * from main.execution_summary;
create table pub.daily_execution as select * from main.daily_execution;
create table pub.violations as select * from main.violations;
-- current_violations is the marts' view (a filter of `violations`), created by the publish stage
create table pub.validation_runs as select * from main.validation_runs;
create table pub.calendar as select * from main.calendar;
create table pub.departments as select * from main.departments;
create table pub.labels as select * from main.labels;
create table pub.data_as_of as select * from main.data_as_of;
create table pub.organisations as select * from main.organisations;
create table pub.directory_info as select * from main.directory_info;
create table pub.load_dates as select * from main.load_dates;
create table pub.source_exports as select * from main.source_exports;
create table pub.rule_catalogue as select * from main.rule_catalogue;
create table pub.service_note_cases as select * from main.service_note_cases;
create table pub.protocol_violations as select * from main.protocol_violations;
create table pub.load_log as select * from main.load_log;
create table pub.unresolved_names as select * from main.unresolved_names;
create table pub.status_history as select * from main.status_history;
create table pub.quarantine as
select * replace (
    case when kind = 'appeals' then null else raw_row end as raw_row,
    case when kind = 'appeals' then null else raw_line end as raw_line
) from main.quarantine;
create table pub.documents as
select * replace (
    mask_text(is_restricted, summary) as summary,
    mask_text(is_restricted, resolution) as resolution
) from main.documents;
create table pub.task_assignments as
select * replace (mask_text(is_restricted, summary) as summary) from main.task_assignments;
create table pub.protocols as select * from main.protocols;
create table pub.meetings as select * from main.meetings;
create table pub.material_submissions as select * from main.material_submissions;
create table pub.appeals as
select * exclude (applicant, applicant_iin, applicant_phone, applicant_address, extra) replace (
    '***' as summary
), mask_person(applicant) as applicant_initials
from main.appeals;
