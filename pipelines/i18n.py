"""Everything the dashboard and the reports say, in kk / ru / en, and number and date formats per language."""

from __future__ import annotations

import datetime as dt

LANGS = ("kk", "ru", "en")
LANG_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

MONTHS = {
    "kk": ["Қаңтар", "Ақпан", "Наурыз", "Сәуір", "Мамыр", "Маусым", "Шілде", "Тамыз", "Қыркүйек", "Қазан",
           "Қараша", "Желтоқсан"],
    "ru": ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
           "Ноябрь", "Декабрь"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}

T = {
    "app_title": ("Тәртіп — атқарушылық тәртіп", "Тартип — исполнительская дисциплина",
                  "Tartip — executive discipline"),
    "page_overview": ("Шолу", "Обзор", "Overview"),
    "page_departments": ("Бөлімдер", "Подразделения", "Departments"),
    "page_protocols": ("Хаттамалық тапсырмалар", "Протокольные поручения", "Protocol tasks"),
    "page_appeals": ("Өтініштер", "Обращения", "Appeals"),
    "page_quality": ("Деректер сапасы", "Качество данных", "Data quality"),
    "page_sql": ("SQL", "SQL", "SQL"),
    "page_slides": ("Слайдтар", "Слайды", "Slides"),
    "language": ("Тіл", "Язык", "Language"),
    "filters": ("Сүзгілер", "Фильтры", "Filters"),
    "period": ("Кезең", "Период", "Period"),
    "month": ("Ай", "Месяц", "Month"),
    "custom_range": ("Ерікті аралық", "Произвольный период", "Custom range"),
    "date_from": ("Басы", "С", "From"),
    "date_to": ("Соңы", "По", "To"),
    "department": ("Бөлімше", "Подразделение", "Department"),
    "block": ("Орынбасар блогы", "Блок заместителя", "Deputy's block"),
    "source": ("Дереккөз", "Источник", "Source"),
    "meeting_type": ("Кеңес түрі", "Вид совещания", "Meeting type"),
    "all": ("Барлығы", "Все", "All"),
    "data_as_of": ("Деректер күні", "Данные на", "Data as of"),
    "last_load": ("соңғы жүктеу", "последняя загрузка", "last load"),
    "empty_title": ("Деректер әлі жүктелмеген", "Данные ещё не загружены", "No data loaded yet"),
    "empty_body": ("Выгрузкаларды жүктеңіз: `tartip ingest ҚАЛТА` (немесе демо үшін `make demo ingest`).",
                   "Загрузите выгрузки: `tartip ingest ПАПКА` (или для демо `make demo ingest`).",
                   "Load the exports: `tartip ingest FOLDER` (or `make demo ingest` for the demo)."),
    "query_failed": ("Сұраным орындалмады", "Запрос не выполнен", "The query failed"),
    "on_time_rate": ("Мерзімінде орындалу", "Исполнено в срок", "On-time rate"),
    "vs_last_month": ("өткен аймен салыстырғанда", "к прошлому месяцу", "vs last month"),
    "overdue_now": ("Қазір мерзімі өткен", "Просрочено сейчас", "Overdue now"),
    "due_next_5": ("Алдағы 5 жұмыс күнінде мерзімі", "Срок в ближайшие 5 раб. дней", "Due in the next 5 working days"),
    "late_submissions": ("Осы айда кешіккен ұсынымдар", "Нарушений сроков за месяц", "Late submissions this month"),
    "trend": ("Айлар бойынша серпін", "Динамика по месяцам", "Trend by month"),
    "weakest": ("Ең әлсіз бес бөлімше", "Пять отстающих подразделений", "The five weakest departments"),
    "open_list": ("Тізімді ашу", "Открыть список", "Open the list"),
    "due": ("Мерзімі келген", "Наступил срок", "Due"),
    "on_time": ("Мерзімінде", "В срок", "On time"),
    "late": ("Кешіктіріліп", "С опозданием", "Late"),
    "overdue": ("Мерзімі өткен", "Просрочено", "Overdue"),
    "open": ("Мерзімі келмеген", "Срок не наступил", "Open"),
    "rate": ("Үлесі", "Доля", "Rate"),
    "rank": ("Орны", "Место", "Rank"),
    "avg_late": ("Орташа кешігу, ж.к.", "Среднее опоздание, раб. дн.", "Average WD late"),
    "max_late": ("Ең көп кешігу, ж.к.", "Макс. опоздание, раб. дн.", "Worst WD late"),
    "extensions": ("Ұзартулар", "Продления", "Extensions"),
    "by": ("Бөліну", "Разрез", "By"),
    "ranking": ("Мерзімінде орындалу рейтингі", "Рейтинг исполнения в срок", "On-time ranking"),
    "pick_department": ("Бөлімшені таңдаңыз", "Выберите подразделение", "Pick a department"),
    "overdue_tasks": ("Мерзімі өткен тапсырмалар", "Просроченные поручения", "Overdue tasks"),
    "violations": ("Бұзушылықтар", "Нарушения", "Violations"),
    "document_card": ("Құжат карточкасы", "Карточка документа", "Document card"),
    "reg_no": ("Тіркеу №", "Рег. №", "Reg. no"),
    "summary": ("Мазмұны", "Содержание", "Summary"),
    "executor": ("Орындаушы", "Исполнитель", "Executor"),
    "assigned": ("Берілген күні", "Дата поручения", "Given"),
    "due_date": ("Мерзімі", "Срок", "Due date"),
    "executed": ("Орындалды", "Исполнено", "Executed"),
    "outcome": ("Нәтиже", "Результат", "Outcome"),
    "wd_late": ("Кешігу, ж.к.", "Опоздание, раб. дн.", "WD late"),
    "file_row": ("Файл / жол", "Файл / строка", "File / row"),
    "protocols_by_type": ("Кеңес түрлері бойынша тапсырмалар", "Поручения по видам совещаний", "Tasks by meeting type"),
    "protocol": ("Хаттама", "Протокол", "Protocol"),
    "items": ("Тармақтар", "Пункты", "Items"),
    "protocols_late": ("Кешігіп рәсімделген хаттамалар (R-8.5, R-8.7, R-5.34, R-5.46, R-5.54)",
                       "Протоколы, оформленные с опозданием (R-8.5, R-8.7, R-5.34, R-5.46, R-5.54)",
                       "Protocols drawn up late (R-8.5, R-8.7, R-5.34, R-5.46, R-5.54)"),
    "no_controller": ("Бақылаушысы жоқ хаттамалар (R-8.5)", "Протоколы без контролёра (R-8.5)",
                      "Protocols without a controller (R-8.5)"),
    "appeals_volume": ("Өтініштер саны", "Количество обращений", "Appeals received"),
    "answered_on_time": ("Мерзімінде жауап берілгені", "Отвечено в срок", "Answered on time"),
    "forwarded_3wd": ("3 жұмыс күні ішінде жолданғаны (R-12.9)", "Направлено в течение 3 раб. дней (R-12.9)",
                      "Forwarded within 3 WD (R-12.9)"),
    "personal_masked": ("Дербес деректер жасырылған", "Персональные данные скрыты", "Personal data masked"),
    "last_loads": ("Соңғы жүктеулер", "Последние загрузки", "Last loads"),
    "files_loaded": ("Жүктелген файлдар", "Загружено файлов", "Files loaded"),
    "quarantine": ("Карантин", "Карантин", "Quarantine"),
    "violations_by_rule": ("Ережелер бойынша бұзушылықтар", "Нарушения по правилам", "Violations by rule"),
    "data_docs": ("Great Expectations Data Docs", "Great Expectations Data Docs", "Great Expectations Data Docs"),
    "service_notes": ("Қызметтік хатқа дайын органдар (R-5.17, R-5.32, R-5.47)",
                      "Органы для служебной записки (R-5.17, R-5.32, R-5.47)",
                      "Bodies for a service note (R-5.17, R-5.32, R-5.47)"),
    "sql_editor": ("SQL сұраным (тек оқу)", "SQL-запрос (только чтение)", "SQL query (read-only)"),
    "run": ("Орындау", "Выполнить", "Run"),
    "schema_browser": ("Схема", "Схема", "Schema"),
    "download": ("Жүктеп алу", "Скачать", "Download"),
    "rows": ("жол", "строк", "rows"),
    "truncated": ("шектеуге дейін қысқартылды", "обрезано по лимиту", "cut at the limit"),
    "slide": ("Слайд", "Слайд", "Slide"),
    "next": ("Келесі", "Далее", "Next"),
    "previous": ("Алдыңғы", "Назад", "Previous"),
    "login": ("Кіру", "Вход", "Log in"),
    "user": ("Пайдаланушы", "Пользователь", "User"),
    "password": ("Құпиясөз", "Пароль", "Password"),
    "role": ("Рөлі", "Роль", "Role"),
    "logout": ("Шығу", "Выйти", "Log out"),
    "bad_login": ("Қате пайдаланушы немесе құпиясөз", "Неверный пользователь или пароль", "Wrong user or password"),
    "nothing": ("Деректер жоқ", "Нет данных", "Nothing to show"),
    "count": ("Саны", "Количество", "Count"),
    "rule": ("Ереже", "Правило", "Rule"),
    "clause": ("Тармақ", "Пункт", "Clause"),
    "severity": ("Маңызы", "Важность", "Severity"),
    "message": ("Хабарлама", "Сообщение", "Message"),
    "facts": ("Фактілер", "Факты", "Facts"),
    "cases": ("Жағдайлар", "Случаев", "Cases"),
    "monthly_report": ("Айлық есеп", "Ежемесячный отчёт", "Monthly report"),
    "report_title": ("Атқарушылық тәртіп туралы айлық есеп", "Ежемесячный отчёт об исполнительской дисциплине",
                     "Monthly report on executive discipline"),
    "report_for": ("Аппарат басшысына", "Руководителю аппарата", "For the head of the apparatus"),
    "headline": ("Негізгі көрсеткіштер", "Основные показатели", "Headline figures"),
    "this_month": ("Осы ай", "Текущий месяц", "This month"),
    "previous_month": ("Өткен ай", "Прошлый месяц", "Previous month"),
    "change": ("Өзгеріс", "Изменение", "Change"),
    "by_department": ("Бөлімшелер бойынша", "По подразделениям", "By department"),
    "overdue_at_month_end": ("Ай соңындағы мерзімі өткен тапсырмалар", "Просроченные поручения на конец месяца",
                             "Overdue tasks at month end"),
    "rules_title": ("Ережелер мен тармақтар бойынша кешіккен және ақаулы жазбалар",
                    "Нарушения сроков и формы по правилам и пунктам",
                    "Late and malformed submissions by rule and clause"),
    "quality_note": ("Деректер сапасы: {files} файл жүктелді, карантинде {quarantined} жол.",
                     "Качество данных: загружено файлов — {files}, строк в карантине — {quarantined}.",
                     "Data quality: {files} files loaded, {quarantined} rows in quarantine."),
    "page_of": ("бет", "стр.", "page"),
    "as_of_date": ("Деректер күні", "Данные на", "Data as of"),
    "reporting_period": ("Есепті кезең", "Отчётный период", "Reporting period"),
    "total": ("Барлығы", "Итого", "Total"),
    "kind_edms": ("ЭҚАЖ", "СЭД", "EDMS"),
    "kind_protocols": ("хаттамалар", "протоколы", "protocols"),
    "kind_materials": ("материалдар", "материалы", "materials"),
    "kind_appeals": ("өтініштер", "обращения", "appeals"),
    "sources_line": ("Соңғы деректер", "Последние выгрузки", "Latest exports"),
    "as_known_on": ("{date} күнгі мәлімет бойынша", "по состоянию на {date}", "as known on {date}"),
    "latest_data": ("соңғы деректер {date}", "последние данные {date}", "latest data {date}"),
    "date_from_content": ("мазмұны бойынша", "по содержимому", "from content"),
    "file": ("Файл", "Файл", "File"),
    "files": ("Файлдар", "Файлов", "Files"),
    "organisation": ("Ұйым", "Организация", "Organisation"),
    "month_incomplete": ("Ай әлі аяқталмаған: мерзімі {date} дейін келген тапсырмалар ғана есептелді",
                         "Месяц не завершён: учтены только поручения со сроком по {date}",
                         "Month not over: only tasks with a term up to {date} are counted"),
}


def t(key: str, lang: str) -> str:
    """The text of a key in a language."""
    return T[key][LANGS.index(lang)]


def month_name(d: dt.date, lang: str) -> str:
    """'Қазан 2025' / 'Октябрь 2025' / 'October 2025'."""
    return f"{MONTHS[lang][d.month - 1]} {d.year}"


def missing(x) -> bool:
    """True for None, NaN, NaT and pandas' NA (which refuses to be compared)."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except TypeError:  # pd.NA: "boolean value of NA is ambiguous"
        return True


def fmt_int(n, lang: str) -> str:
    """12 345 (kk, ru) or 12,345 (en)."""
    if missing(n):
        return "—"
    s = f"{int(n):,}"
    return s if lang == "en" else s.replace(",", "\u00a0")


def fmt_pct(x, lang: str, digits: int = 1) -> str:
    """87,5 % (kk, ru) or 87.5% (en)."""
    if missing(x):
        return "—"
    s = f"{100 * x:.{digits}f}"
    return f"{s}%" if lang == "en" else f"{s.replace('.', ',')}\u00a0%"


def fmt_date(d, lang: str) -> str:
    """05.03.2025 (kk, ru) or 2025-03-05 (en)."""
    if missing(d):
        return "—"
    return d.strftime("%Y-%m-%d") if lang == "en" else d.strftime("%d.%m.%Y")


def name_col(lang: str) -> str:
    """Which name column to show: name_kk, name_ru or name_en."""
    return f"name_{lang}"


def data_basis(as_of: dt.date, data_date: dt.date, sources: list[tuple[str, dt.date, str]], lang: str) -> str:
    """The line every page, report and slide carries: the date judged on and each source's export date.

    sources: (kind, data date, date basis) per kind of export, basis 'title' | 'content' | 'load'.
    """
    parts = []
    for kind, date, basis in sources:
        note = f" ({t('date_from_content', lang)})" if basis == "content" else ""
        parts.append(f"{t(f'kind_{kind}', lang)} {fmt_date(date, lang)}{note}")
    head = f"{t('as_of_date', lang)} {fmt_date(as_of, lang)}"
    if as_of != data_date:
        head = (t("as_known_on", lang).format(date=fmt_date(as_of, lang)) + "; "
                + t("latest_data", lang).format(date=fmt_date(data_date, lang)))
    head = head[0].upper() + head[1:]
    return f"{head}. {t('sources_line', lang)}: {'; '.join(parts)}." if parts else f"{head}."
