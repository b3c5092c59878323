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
    "snapshot_load": ("Көрсетілген жүктеме", "Показана загрузка", "Showing load"),
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
    "login_title": ("Жүйеге кіріңіз", "Войдите в систему", "Please log in"),
    "account_locked": ("Тым көп сәтсіз әрекет: тіркелгі уақытша бұғатталды. Кейінірек қайталаңыз.",
                       "Слишком много неудачных попыток: учётная запись временно заблокирована. Повторите позже.",
                       "Too many failed attempts: the account is locked for a while. Try again later."),
    "session_timed_out": ("Сеанс әрекетсіздіктен аяқталды, қайта кіріңіз.",
                          "Сеанс завершён из-за бездействия, войдите снова.",
                          "The session ended after inactivity; please log in again."),
    "demo_users": ("ДЕМО: бұл пайдаланушыларды `tartip demo` тек демо-деректер үшін жасады ({path}): {names}; "
                   "құпиясөз `{password}`. Нақты жұмыста `tartip users add` арқылы өз пайдаланушыларыңызды жасаңыз.",
                   "ДЕМО: эти пользователи созданы `tartip demo` только для демо-данных ({path}): {names}; "
                   "пароль `{password}`. Для реальной работы создайте своих: `tartip users add`.",
                   "DEMO: these users were made by `tartip demo` for the demo data only ({path}): {names}; "
                   "password `{password}`. For real use create your own with `tartip users add`."),
    "no_users": ("Пайдаланушылар әлі жоқ ({path}). Біріншісін жасаңыз: `tartip users add ATY --role head`.",
                 "Пользователей ещё нет ({path}). Создайте первого: `tartip users add ИМЯ --role head`.",
                 "No users yet ({path}). Create the first: `tartip users add NAME --role head`."),
    "sso_login": ("Ұйымның бірыңғай кіруі арқылы кіру", "Войти через единый вход организации",
                  "Log in with the organisation's single sign-on"),
    "sso_unknown": ("Бұл e-mail пайдаланушылар тізімінде жоқ: әкімшіге хабарласыңыз.",
                    "Этого e-mail нет в списке пользователей: обратитесь к администратору.",
                    "This e-mail is not in the users file: ask the administrator."),
    "page_failed": ("Бетті көрсету мүмкін болмады. Қате журналға жазылды (код {code}).",
                    "Не удалось показать страницу. Ошибка записана в журнал (код {code}).",
                    "The page could not be shown. The error was logged (code {code})."),
    "page_audit": ("Аудит журналы", "Журнал аудита", "Audit log"),
    "audit_broken": ("Журнал тізбегі №{n} жазбада бұзылған: жазбалар өзгертілген немесе жойылған.",
                     "Цепочка журнала нарушена на записи №{n}: записи изменены или удалены.",
                     "The log's chain breaks at event {n}: entries were changed or deleted."),
    "audit_event": ("Оқиға", "Событие", "Event"),
    "event_no": ("Жазба №", "№ записи", "Event no"),
    "event_at": ("Уақыты (UTC)", "Время (UTC)", "Time (UTC)"),
    "row_count": ("Жолдар саны", "Строк", "Rows"),
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
    # the deck (slides in the browser and the PPTX) and the PDF's summary page
    "ranking_part": ("Рейтинг: {a}–{b}, барлығы {n}", "Рейтинг: {a}–{b} из {n}", "Ranking: {a}–{b} of {n}"),
    "to_discuss": ("Талқылауға", "На обсуждение", "To discuss"),
    "reason_worst": ("мерзімінде орындалу үлесі ең төмендердің бірі: {rank}-орын",
                     "одна из самых низких долей исполнения в срок: {rank}-е место",
                     "one of the lowest on-time rates: rank {rank}"),
    "reason_drop": ("ең үлкен төмендеу: {change}", "наибольшее снижение: {change}", "the biggest drop: {change}"),
    "and_more": ("және тағы {n} — толық тізім XLSX-те, «{sheet}» парағында",
                 "и ещё {n} — полный список в XLSX, лист «{sheet}»",
                 "and {n} more — the full list is in the XLSX, sheet “{sheet}”"),
    "protocols_appeals": ("Хаттамалық тапсырмалар мен өтініштер", "Протокольные поручения и обращения",
                          "Protocol tasks and appeals"),
    "forwarded_in_time": ("3 ж.к. ішінде жолданғаны (R-12.9)", "Направлено в срок 3 раб. дн. (R-12.9)",
                          "Forwarded within 3 WD (R-12.9)"),
    "bands_legend": ("Түстер: жасыл ≥ {good}, сары ≥ {warn}, қызыл < {warn}",
                     "Цвета: зелёный ≥ {good}, жёлтый ≥ {warn}, красный < {warn}",
                     "Colours: green ≥ {good}, amber ≥ {warn}, red < {warn}"),
    "pp": ("п.т.", "п.п.", "pp"),
    "act_on": ("Шара қолдану керек үш мәселе", "Три вопроса, требующих мер", "Three things to act on"),
    "act_worst": ("{name}: мерзімінде {rate}, мерзімі өткені {n} — түсініктеме сұрату",
                  "{name}: в срок {rate}, просрочено {n} — запросить объяснение",
                  "{name}: {rate} on time, {n} overdue — ask for an explanation"),
    "act_drop": ("{name}: үлесі {change} төмендеді — аппарат кеңесінде қарау",
                 "{name}: доля снизилась на {change} — рассмотреть на совещании аппарата",
                 "{name}: the rate fell by {change} — discuss at the apparatus meeting"),
    "act_notes": ("{n} орган бойынша қызметтік хат дайындау (R-5.17, R-5.32, R-5.47)",
                  "Подготовить служебные записки по {n} органам (R-5.17, R-5.32, R-5.47)",
                  "Prepare service notes on {n} bodies (R-5.17, R-5.32, R-5.47)"),
    "act_overdue": ("Ай соңында мерзімі өткен {n} тапсырма, ең ұзағы — {days} ж.к.: мерзімдерін бақылауға алу",
                    "На конец месяца просрочено {n} поручений, самое давнее — {days} раб. дн.: взять на контроль",
                    "{n} tasks overdue at month end, the oldest by {days} WD: put them under control"),
    "detail": ("Толық мәліметтер", "Подробно", "Detail"),
    "fullscreen": ("Толық экран", "Полный экран", "Full screen"),
    "keys_hint": ("← → пернелері — алдыңғы / келесі слайд, F — толық экран",
                  "Клавиши ← → — предыдущий / следующий слайд, F — полный экран",
                  "Keys ← → — previous / next slide, F — full screen"),
    "units_overdue": ("Мерзімі өткен тапсырмалары", "Просроченные поручения", "Its overdue tasks"),
    "wd_late_short": ("ж.к. кешігу", "раб. дн. просрочки", "WD late"),
    # column headers of the tables a person reads (ui.table, the XLSX): see COLUMNS below
    "load_no": ("Жүктеу №", "№ загрузки", "Load no"),
    "kind": ("Түрі", "Вид", "Kind"),
    "loaded_at": ("Жүктелген уақыты", "Загружено", "Loaded at"),
    "exported_at": ("Выгрузка уақыты", "Время выгрузки", "Exported at"),
    "rows_read": ("Оқылған жолдар", "Строк прочитано", "Rows read"),
    "rows_loaded": ("Жүктелген жолдар", "Строк загружено", "Rows loaded"),
    "rows_new": ("Жаңа", "Новых", "New"),
    "rows_updated": ("Жаңартылған", "Обновлено", "Updated"),
    "rows_skipped": ("Өткізілген", "Пропущено", "Skipped"),
    "unresolved_names": ("Танылмаған атаулар", "Нераспознанные названия", "Unresolved names"),
    "sheet": ("Парақ", "Лист", "Sheet"),
    "row_no": ("Жол", "Строка", "Row"),
    "reason_code": ("Себеп коды", "Код причины", "Reason code"),
    "reason": ("Себебі", "Причина", "Reason"),
    "row_as_read": ("Оқылған жол", "Строка как прочитана", "Row as read"),
    "records_checked": ("Тексерілген жазбалар", "Проверено записей", "Records checked"),
    "expected_date": ("Тиісті күні", "Должно быть", "Expected date"),
    "actual_date": ("Нақты күні", "Фактически", "Actual date"),
    "expected_value": ("Тиісті мәні", "Требуется", "Expected"),
    "actual_value": ("Нақты мәні", "Фактически", "Actual"),
    "department_code": ("Бөлімше коды", "Код подразделения", "Department code"),
    "executor_role": ("Орындаушы рөлі", "Роль исполнителя", "Executor role"),
    "not_submitted": ("Ұсынылмаған", "Не представлено", "Not submitted"),
    "received_at": ("Түскен уақыты", "Поступило", "Received"),
    "registered_at": ("Тіркелген уақыты", "Зарегистрировано", "Registered"),
    "appeal_kind": ("Өтініш түрі", "Вид обращения", "Appeal kind"),
    "applicant": ("Өтініш беруші", "Заявитель", "Applicant"),
    "applicant_iin": ("ЖСН", "ИИН", "IIN"),
    "applicant_phone": ("Телефон", "Телефон", "Phone"),
    "forwarded_to": ("Жолданған орган", "Направлено в", "Forwarded to"),
    "forwarded_at": ("Жолданған күні", "Дата направления", "Forwarded on"),
    "answered_at": ("Жауап берілген күні", "Дата ответа", "Answered on"),
    "result": ("Нәтижесі", "Результат", "Result"),
    "item_no": ("Тармақ №", "№ пункта", "Item no"),
    "meeting_date": ("Кеңес күні", "Дата совещания", "Meeting date"),
    "task_no": ("Тапсырма", "Поручение", "Task"),
    "role_responsible": ("жауапты", "ответственный", "responsible"),
    "role_co_executor": ("бірлесіп орындаушы", "соисполнитель", "co-executor"),
    "sev_error": ("қате", "ошибка", "error"),
    "sev_warning": ("ескерту", "предупреждение", "warning"),
    "sev_info": ("ақпарат", "сведения", "info"),
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


# The header of every column a person reads, by column name (a key of T). Columns in three languages
# (`message_kk`, `message_ru`, `message_en`) are shown once, in the reader's language, under the key of
# their stem (`message`); see columns().
COLUMNS = {
    "load_id": "load_no", "file_name": "file", "source_file": "file", "kind": "kind", "loaded_at": "loaded_at",
    "exported_at": "exported_at", "rows_read": "rows_read", "rows_loaded": "rows_loaded", "rows_new": "rows_new",
    "rows_updated": "rows_updated", "rows_quarantined": "quarantine", "rows_skipped": "rows_skipped",
    "unresolved_names": "unresolved_names", "sheet": "sheet", "row_no": "row_no", "reason_code": "reason_code",
    "reason": "reason", "row_as_read": "row_as_read", "rule_id": "rule", "clause": "clause", "severity": "severity",
    "title": "message", "message": "message", "records_checked": "records_checked", "violations": "violations",
    "reg_no": "reg_no", "department": "department", "department_name": "department", "name": "department",
    "department_code": "department_code", "executor_name": "executor", "executor_role": "executor_role",
    "summary": "summary", "assigned_date": "assigned", "due_date": "due_date", "executed_date": "executed",
    "outcome": "outcome", "working_days_late": "wd_late", "worst_working_days_late": "max_late",
    "expected_date": "expected_date", "actual_date": "actual_date", "expected_value": "expected_value",
    "actual_value": "actual_value", "rank": "rank", "due_count": "due", "on_time_count": "on_time",
    "late_count": "late", "overdue_count": "overdue", "open_count": "open", "on_time_rate": "rate",
    "avg_working_days_late": "avg_late", "max_working_days_late": "max_late", "extension_count": "extensions",
    "change": "change", "clauses": "clause", "cases": "cases", "not_submitted": "not_submitted", "facts": "facts",
    "meeting_type": "meeting_type", "protocol_no": "protocol", "item_no": "item_no", "meeting_date": "meeting_date",
    "items": "items", "first_due": "due_date", "received_at": "received_at", "registered_at": "registered_at",
    "appeal_kind": "appeal_kind", "applicant": "applicant", "applicant_initials": "applicant",
    "applicant_iin": "applicant_iin", "applicant_phone": "applicant_phone", "forwarded_to": "forwarded_to",
    "forwarded_at": "forwarded_at", "answered_at": "answered_at", "result": "result", "source": "source",
    "period": "period", "data_date": "as_of_date", "files": "files",
    "event_id": "event_no", "event_at": "event_at", "user_name": "user", "role": "role", "event": "audit_event",
    "detail": "detail", "rows": "row_count",
}
VALUES = {  # codes inside cells shown as words
    "outcome": {k: k for k in ("on_time", "late", "overdue", "open")},
    "executor_role": {"responsible": "role_responsible", "co_executor": "role_co_executor"},
    "severity": {"error": "sev_error", "warning": "sev_warning", "info": "sev_info"},
    "kind": {"edms": "kind_edms", "protocols": "kind_protocols", "materials": "kind_materials",
             "appeals": "kind_appeals"},
    "source": {"edms": "kind_edms", "protocol": "protocol", "appeal": "page_appeals"},
}


def column_label(col: str, lang: str) -> str | None:
    """The header of a column in a language (None when the column has no label)."""
    key = COLUMNS.get(col)
    return t(key, lang) if key else None


def columns(cols: list[str], lang: str) -> dict[str, str]:
    """The columns to show in a language, each with its header: of `x_kk` / `x_ru` / `x_en` one `x` is
    shown, in the reader's language (else Russian, else the one there is); a column with no label keeps
    its name (a test fails on it)."""
    stems: dict[str, list[str]] = {}
    for c in cols:
        stem, _, suffix = c.rpartition("_")
        if suffix in LANGS and stem:
            stems.setdefault(stem, []).append(suffix)
    out = {}
    for c in cols:
        stem, _, suffix = c.rpartition("_")
        if suffix in LANGS and stem:
            have = stems[stem]
            pick = lang if lang in have else "ru" if "ru" in have else have[0]
            if suffix == pick:
                out[c] = column_label(stem, lang) or c
        else:
            out[c] = column_label(c, lang) or c
    return out
