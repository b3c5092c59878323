-- execution_summary: rates(...) of every week, month, quarter and year, per department, deputy's
-- block, source, meeting type and in all, per organisation — the same figures the dashboard and
-- the report show (they call rates(...) on the same daily_execution). One call: daily_execution is
-- read and rolled up once for all twenty kinds of row.
create or replace table execution_summary as
select * from rates(
    src := 'daily_execution',
    periods := ['week', 'month', 'quarter', 'year'],
    dims := ['all', 'department', 'block', 'source', 'meeting_type']
);
