-- daily_execution: outcomes counted per term day, organisation, unit, source and meeting type
-- (sql/marts/03_measure.sql, daily_counts) as of the data date — the one table every rate of the
-- dashboard, the report and execution_summary is rolled up from by `rates(...)`.
create or replace table daily_execution as
select * from daily_counts('tasks');
