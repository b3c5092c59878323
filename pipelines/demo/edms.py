"""Demo EDMS control cards, generated in DuckDB SQL so that national scale streams to disk."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines import calendar
from pipelines.db import literal

SQL_FILE = Path(__file__).with_name("edms_cards.sql")

# output columns: (ru header, kk header, SQL expression over the generated cards)
COLUMNS = [
    ("Рег. №", "Тіркеу нөмірі", "reg_no"),
    ("Дата регистрации", "Тіркелген күні", "strftime(registered_at, '%d.%m.%Y %H:%M')"),
    ("Дата поступления", "Келіп түскен күні", "strftime(received_at, '%d.%m.%Y %H:%M')"),
    ("Дата передачи исполнителю", "Орындаушыға жеткізілген күні",
     "strftime(registered_at + to_days(case when u_reg < 0.93 then 0 when u_reg < 0.98 then 1 else 4 end)"
     " + interval 2 hour, '%d.%m.%Y %H:%M')"),
    ("Вид документа", "Құжат түрі", "case when lang = 'kk' then doc_kind_kk else doc_kind end"),
    ("Корреспондент", "Жіберуші",
     "case when doc_kind = 'Входящий' then pick(correspondents, i, 'c')"
     " when doc_kind = 'Исходящий' then pick(recipients, i, 'rc') else '-' end"),
    ("Исх. №", "Шығыс №",
     "case when doc_kind <> 'Входящий' then '-' when u_out < 0.03 then '-'"
     " else cast(1 + hash(i, 'o') % 9 as varchar) || '-' || cast(hash(i, 'on') % 3000 as varchar)"
     " end"),
    ("Исх. дата", "Шығыс күні",
     "case when doc_kind <> 'Входящий' or u_out < 0.05 then '-'"
     " else strftime(reg_date - cast(1 + hash(i, 'od') % 4 as integer), '%d.%m.%Y') end"),
    ("На №", "Сұрау салу нөмірі мен күні",
     "case when doc_kind = 'Исходящий' and u_form < 0.7 then '№' || cast(1 + hash(i, 'q') % 99 as varchar)"
     " || ' от ' || strftime(reg_date - 5, '%d.%m.%Y') else '-' end"),
    ("Краткое содержание", "Қысқаша мазмұны",
     "case when doc_kind = 'Исходящий' then pick(reports, i, 'r') else pick(subjects, i, 's') end"),
    ("Автор резолюции", "Бұрыштама авторы", "pick(authors, i, 'a')"),
    ("Ответственный исполнитель", "Жауапты орындаушы",
     "case when u_co < 0.2 and u_co > 0.08 then unit_name || ' (свод)' else unit_name end"),
    ("Соисполнители", "Бірлесіп орындаушылар",
     "case when u_co < 0.12 then pick(unit_names, i, 'co1')"
     " when u_co < 0.2 then pick(unit_names, i, 'co1') || '; '"
     " || pick(unit_names, i, 'co2') else '-' end"),
    ("Телефон исполнителя", "Орындаушының телефоны",
     "case when u_form between 0.06 and 0.09 then '-'"
     " else '8 (72544) ' || cast(20 + hash(i, 'p') % 80 as varchar) || '-'"
     " || lpad(cast(hash(i, 'p2') % 100 as varchar), 2, '0') end"),
    ("Подписант", "Қол қойған",
     "case when doc_kind <> 'Входящий' then '-'"
     " when u_form between 0.10 and 0.16 then 'и.о. руководителя ' || pick(signers, i, 'g')"
     " else 'Руководитель ' || pick(signers, i, 'g') end"),
    ("Приказ о возложении обязанностей", "Міндеттерді жүктеу туралы бұйрық",
     "case when doc_kind = 'Входящий' and u_form between 0.10 and 0.13"
     " then 'Приказ №' || cast(10 + hash(i, 'ord') % 90 as varchar) || ' от '"
     " || strftime(reg_date - 10, '%d.%m.%Y') else '-' end"),
    ("Срочность", "Шұғылдығы",
     "case when is_urgent then (case when lang = 'kk' then 'Шұғыл' else 'Срочно' end) else '-' end"),
    ("Гриф", "Белгі", "case when u_form > 0.97 then (case when lang = 'kk' then 'ҚБП' else 'ДСП' end) else '-' end"),
    ("Срок исполнения", "Орындау мерзімі", "coalesce(strftime(due_date, '%d.%m.%Y'), '-')"),
    ("Продленный срок", "Ұзартылған мерзім", "coalesce(strftime(extended_due_date, '%d.%m.%Y'), '-')"),
    ("Количество продлений", "Ұзарту саны", "cast(extension_count as varchar)"),
    ("Дата исполнения", "Орындалған күні", "coalesce(strftime(executed_date, '%d.%m.%Y'), '-')"),
    ("Отметка об исполнении", "Орындалғаны туралы белгі",
     "case when executed_date is null or u_card < p_nocard then '-'"
     " else (case when lang = 'kk' then 'Орындалды, жауап хаты № ' else 'Исполнено, ответ исх. № ' end)"
     " || cast(hash(i, 'ans') % 5000 as varchar) end"),
    ("Статус", "Мәртебесі",
     "case when executed_date is not null then (case when lang = 'kk' then 'Орындалды' else 'Исполнен' end)"
     " when coalesce(extended_due_date, due_date, reg_date + 30) < date '{export_date}'"
     " then (case when lang = 'kk' then 'Мерзімі өткен' else 'Просрочен' end)"
     " else (case when lang = 'kk' then 'Орындалуда' else 'На исполнении' end) end"),
    ("Контролер", "Бақылаушы", "pick(controllers, i, 'k')"),
]

LISTS = {
    "correspondents": ["Аппарат акима Туркестанской области", "Прокуратура Отырарского района",
                       "Управление образования Туркестанской области", "Министерство финансов РК",
                       "Түркістан облысы әкімінің аппараты", "Департамент полиции",
                       "ТОО «Отырар-Су»", "Маслихат Отырарского района"],
    "subjects": ["О подготовке к отопительному сезону", "О ходе исполнения бюджета",
                 "Өңірлік бағдарламаның орындалуы туралы", "О предоставлении информации",
                 "Мектептерді жөндеу туралы", "О проверке соблюдения законодательства",
                 "О проведении весенне-полевых работ", "Жол жөндеу жұмыстары туралы",
                 "О мерах по профилактике паводков", "Жұмыспен қамту жол картасы туралы"],
    # outgoing letters: reports to the regional akim's apparatus, and letters to regional
    # departments, which does not govern
    "recipients": ["Аппарат акима Туркестанской области", "Аппарат акима Туркестанской области",
                   "Түркістан облысы әкімінің аппараты", "Управление образования Туркестанской области",
                   "Облыстық денсаулық сақтау басқармасы"],
    # outgoing reports to the region: wants one of four requests in each
    "reports": ["Об исполнении поручения акима области №12 п.3. Просим снять с контроля",
                "Информация по поручению №45 п.2 (информационный режим)",
                "Облыс әкімінің №8 тапсырмасының 1-тармағы бойынша. Бақылаудан алуды сұраймыз",
                "Об исполнении поручения №31 п.4. Просим продлить срок до 30.06.2025",
                "Информация об исполнении поручения №17 п.1",
                "№22 тапсырманың орындалуы туралы ақпарат",
                "Ответ на запрос о ходе ремонта дорог", "Сұрау салуға жауап: жұмыспен қамту туралы"],
    "authors": ["Аким района", "Заместитель акима района", "Руководитель аппарата",
                "Аудан әкімі", "Аудан әкімінің орынбасары"],
    "signers": ["Сейітов Н.", "Ахметова Г.", "Жұмабеков Е.", "Иванов А.", "Қасымов Б."],
    "controllers": ["Общий отдел / Нұрланова А.", "Жалпы бөлім / Ержанова С.",
                    "Отдел контроля / Садыков Р."],
}


def generate(con: duckdb.DuckDBPyConnection, units: pd.DataFrame, n: int, seed: int,
             year: int = 2025, orgs: int = 1, export_date: str = "2026-01-05") -> str:
    """Create the tables the generator needs; return the SQL of the cards (not run yet)."""
    cal = calendar.build(year - 1, year + 1)
    con.register("cal_df", cal)
    con.execute("""
        create or replace temp table calendar as
        select cast(date as date) as date, year(cast(date as date)) as year, is_working_day,
               cast(wd_index as integer) as wd_index, cast(wd_index_next as integer) as wd_index_next
        from cal_df
    """)
    con.unregister("cal_df")
    con.execute("create or replace temp macro pick(lst, i, salt) as "
                "lst[1 + cast(hash(i, salt) % len(lst) as bigint)]")
    con.register("units_df", units)
    con.execute("create or replace temp table gen_units as select * from units_df")
    con.unregister("units_df")
    sql = SQL_FILE.read_text(encoding="utf-8")
    return sql.format(n=n, seed=seed, orgs=orgs, year=year, export_date=export_date)


def export_sql(cards_sql: str, lang: str, orgs: int, export_date: str = "2026-01-05", ordered: bool = True) -> str:
    """SELECT that renders generated cards as an export with ru or kk headers (ordered: by date)."""
    lists = ", ".join(
        f"[{', '.join(literal(v) for v in values)}] as {name}" for name, values in LISTS.items()
    )
    cols = []
    if orgs > 1:
        header = "Организация" if lang == "ru" else "Ұйым"
        cols.append(f"'Акимат района №' || cast(org_idx + 1 as varchar) as \"{header}\"")
    for ru, kk, expr in COLUMNS:
        cols.append(f"{expr.format(export_date=export_date)} as \"{ru if lang == 'ru' else kk}\"")
    return f"""
        with cards as ({cards_sql}),
        lists as (select {lists},
                  (select list(name_ru order by idx) from gen_units) as unit_names),
        x as (
            select c.*, l.*, '{lang}' as lang,
                   case c.doc_kind when 'Входящий' then 'Кіріс' when 'Внутренний' then 'Ішкі'
                        when 'Поручение' then 'Тапсырма' when 'ОРД' then 'ӘРҚ' else 'Шығыс' end
                       as doc_kind_kk
            from cards as c, lists as l
        ),
        named as (
            select *,
                   case when lang = 'ru' then (case when u_name < 0.7 then name_ru else name_alt end)
                        else (case when u_name < 0.8 then name_kk else name_ru end) end as unit_name
            from x
        )
        select {', '.join(cols)} from named {'order by reg_date, i' if ordered else ''}
    """
