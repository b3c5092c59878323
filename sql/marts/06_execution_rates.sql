-- execution_rates: the analyst-facing contract — one row per department and month.
create or replace view execution_rates as
select
    period_start,
    dimension_code as department_code,
    name_ru as department_name_ru,
    name_kk as department_name_kk,
    due_count,
    on_time_count,
    late_count,
    overdue_count,
    open_count,
    on_time_rate,
    avg_working_days_late,
    max_working_days_late,
    extension_count,
    rank
from execution_summary
where period_kind = 'month' and dimension = 'department';
