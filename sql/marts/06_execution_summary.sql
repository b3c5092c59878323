-- execution_summary: rates(...) of every week, month, quarter and year, per department, deputy's
-- block, source, meeting type and in all, per organisation — the same figures the dashboard and
-- the report show (they call rates(...) on the same daily_execution).
create or replace table execution_summary as
select * from summary_rates('daily_execution', 'week')
union all by name select * from summary_rates('daily_execution', 'month')
union all by name select * from summary_rates('daily_execution', 'quarter')
union all by name select * from summary_rates('daily_execution', 'year');
