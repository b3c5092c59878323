-- execution_summary: rates(...) of every week, month, quarter and year, per department, deputy's
-- block, source, meeting type and in all, per organisation — the same figures the dashboard and
-- the report show (they call rates(...) on the same daily_execution).
create or replace table execution_summary as
select * from rates(period := 'week', dim := 'all')
union all by name select * from rates(period := 'week', dim := 'department')
union all by name select * from rates(period := 'week', dim := 'block')
union all by name select * from rates(period := 'week', dim := 'source')
union all by name select * from rates(period := 'week', dim := 'meeting_type')
union all by name select * from rates(period := 'month', dim := 'all')
union all by name select * from rates(period := 'month', dim := 'department')
union all by name select * from rates(period := 'month', dim := 'block')
union all by name select * from rates(period := 'month', dim := 'source')
union all by name select * from rates(period := 'month', dim := 'meeting_type')
union all by name select * from rates(period := 'quarter', dim := 'all')
union all by name select * from rates(period := 'quarter', dim := 'department')
union all by name select * from rates(period := 'quarter', dim := 'block')
union all by name select * from rates(period := 'quarter', dim := 'source')
union all by name select * from rates(period := 'quarter', dim := 'meeting_type')
union all by name select * from rates(period := 'year', dim := 'all')
union all by name select * from rates(period := 'year', dim := 'department')
union all by name select * from rates(period := 'year', dim := 'block')
union all by name select * from rates(period := 'year', dim := 'source')
union all by name select * from rates(period := 'year', dim := 'meeting_type');
