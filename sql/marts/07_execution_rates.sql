-- execution_rates: the analyst-facing contract — one row per organisation, department and month.
create or replace view execution_rates as
select
    period_start,
    org_name,
    dimension_code as department_code,
    name_ru as department_name_ru,
    name_kk as department_name_kk,
    name_en as department_name_en,
    due_count,
    on_time_count,
    late_count,
    overdue_count,
    open_count,
    on_time_rate,
    avg_working_days_late,
    max_working_days_late,
    extension_count,
    rank,
    is_complete
from execution_summary
where period_kind = 'month' and dimension = 'department';
