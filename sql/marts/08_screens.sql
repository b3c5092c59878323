-- What the screens and the report list beside the rates, so that no page hand-writes a count
-- or names a rule id. Rule groups come from expectations/rules.toml (`groups`, table rule_catalogue).

-- run_violations(n): the flags of validation run n — those of its rules written by it or earlier
-- and not closed before it (sql/raw/validation.sql); none for a run whose flags were dropped.
create or replace macro run_violations(n) as table
select * from violations
where run_id <= n and coalesce(until_run_id, n) >= n
    and rule_id in (select rule_id from validation_runs where run_id = n and flags_kept);

-- current_violations: the flags of the latest validation run, with the groups of their rule (the
-- organisation of the record flagged is stored on the flag when it is written). A filter, not a
-- join: the snapshot holds it as the same view over its own `violations`.
create or replace view current_violations as
select v.* exclude (org_name, until_run_id, flag_id), coalesce(r.groups, []::varchar[]) as rule_groups,
    coalesce(v.org_name, '') as org_name
from violations as v
left join rule_catalogue as r using (rule_id)
where v.until_run_id is null
    and v.rule_id in (select rule_id from validation_runs where run_id = (select max(run_id) from validation_runs));

-- service_note_cases: one row per fact a service note can cite (rules of the group
-- `service_note`: materials late or missing for a meeting — R-5.6 / R-5.28 / R-5.14 — and tasks
-- of operational meetings executed late, R-8.5 — with R-5.17, R-5.32, R-5.47).
create or replace view service_note_cases as
select
    v.org_name,
    v.department_code,
    v.rule_id,
    v.clause,
    v.record_table,
    v.record_id,
    v.reg_no,
    v.expected_date,
    v.actual_date,
    v.actual_date is null as is_not_submitted,
    v.working_days_late,
    v.message_kk,
    v.message_ru,
    v.message_en,
    v.source_file,
    v.sheet,
    v.row_no
from current_violations as v
where list_contains(v.rule_groups, 'service_note')
    and (v.record_table <> 'task_assignments'
         or v.record_id in (select occurrence_id from tasks where meeting_type = 'operational'));

-- service_notes(date_from, date_to): the cases of a period per organisation and body, worst first.
create or replace macro service_notes(date_from, date_to, orgs := []) as table
select
    c.org_name,
    c.department_code,
    coalesce(d.name_kk, c.department_code, '?') as name_kk,
    coalesce(d.name_ru, c.department_code, '?') as name_ru,
    coalesce(d.name_en, c.department_code, '?') as name_en,
    count(*) as cases,
    count(*) filter (where c.is_not_submitted) as not_submitted,
    max(c.working_days_late) as worst_working_days_late,
    string_agg(distinct c.clause, ', ' order by c.clause) as clauses,
    string_agg(c.message_kk, '; ' order by c.expected_date) as facts_kk,
    string_agg(c.message_ru, '; ' order by c.expected_date) as facts_ru,
    string_agg(c.message_en, '; ' order by c.expected_date) as facts_en
from service_note_cases as c
left join departments as d on d.department_code = c.department_code
where c.expected_date between cast(date_from as date) and cast(date_to as date)
    and (len(orgs) = 0 or list_contains(orgs, c.org_name))
group by all
order by cases desc, name_ru;

-- protocol_violations: protocols drawn up late or without a controller (rule group `protocol`).
create or replace view protocol_violations as
select
    v.rule_id,
    v.clause,
    v.reg_no as protocol_no,
    p.org_name,
    p.meeting_type,
    p.meeting_date,
    v.expected_date,
    v.actual_date,
    v.working_days_late,
    v.message_kk,
    v.message_ru,
    v.message_en,
    v.source_file,
    v.sheet,
    v.row_no
from current_violations as v
inner join protocols as p on p.protocol_id = v.record_id
where list_contains(v.rule_groups, 'protocol');

-- protocol_outcomes(...): per protocol of meetings in a period, its items and executors counted by
-- the measure's flags (is_due as in rates(...)).
create or replace macro protocol_outcomes(
    date_from, date_to, orgs := [], departments := [], blocks := [], meeting_types := []
) as table
select
    coalesce(org_name, '') as org_name,
    meeting_type,
    protocol_no,
    meeting_date,
    count(distinct task_id) as items,
    count(*) as executors,
    min(due_date) as first_due,
    count(*) filter (where is_due) as due_count,
    count(*) filter (where is_due and outcome = 'on_time') as on_time_count,
    count(*) filter (where is_due and outcome = 'late') as late_count,
    count(*) filter (where is_due and outcome = 'overdue') as overdue_count,
    count(*) filter (where outcome = 'open' or (outcome = 'on_time' and not is_due)) as open_count
from tasks
where source = 'protocol'
    and meeting_date between cast(date_from as date) and cast(date_to as date)
    and (len(orgs) = 0 or list_contains(orgs, coalesce(org_name, '')))
    and (len(departments) = 0 or list_contains(departments, department_code))
    and (len(blocks) = 0 or list_contains(blocks, block_code))
    and (len(meeting_types) = 0 or list_contains(meeting_types, meeting_type))
group by all
order by meeting_date desc, protocol_no;

-- appeal_outcomes(...): citizens' appeals per month of receipt — received, answered on time, late,
-- overdue (the measure's flags) and forwarded, in time or not (rule group `forwarding`, R-12.9).
create or replace macro appeal_outcomes(date_from, date_to, orgs := []) as table
with a as (
    select
        appeal_id,
        coalesce(org_name, '') as org_name,
        cast(date_trunc('month', received_at) as date) as month,
        forwarded_to is not null as is_forwarded
    from appeals
    where cast(received_at as date) between cast(date_from as date) and cast(date_to as date)
        and (len(orgs) = 0 or list_contains(orgs, coalesce(org_name, '')))
),

t as (
    select task_id, outcome, is_due from tasks where source = 'appeal' and counts_in_total
),

late_forward as (
    select distinct record_id from current_violations where list_contains(rule_groups, 'forwarding')
)

select
    a.org_name,
    a.month,
    count(*) as received,
    count(*) filter (where t.is_due and t.outcome = 'on_time') as on_time_count,
    count(*) filter (where t.is_due and t.outcome = 'late') as late_count,
    count(*) filter (where t.is_due and t.outcome = 'overdue') as overdue_count,
    count(*) filter (where a.is_forwarded) as forwarded,
    count(*) filter (where a.is_forwarded and f.record_id is null) as forwarded_in_time
from a
left join t on t.task_id = a.appeal_id
left join late_forward as f on f.record_id = a.appeal_id
group by all
order by a.org_name, a.month;
