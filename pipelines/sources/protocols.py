"""Protocol task register: one row per task item of a meeting's protocol (or item × executor)."""

from pipelines.sources import F, Source

SOURCE = Source(
    kind="protocols",
    title_ru="Реестр поручений протоколов",
    title_kk="Хаттамалық тапсырмалар тізілімі",
    key_date="meeting_date",
    key=("clean(org)", "meeting_type_code(meeting_type)", "clean(protocol_no)", "key_date",
         "clean(item_no)"),
    fields=(
        F("org", "Организация", "Ұйым", "Мекеме"),
        # not required: a workbook often keeps one sheet per meeting type, named after it
        F("meeting_type", "Вид совещания", "Тип совещания", "Кеңес түрі", "Отырыс түрі"),
        F("protocol_no", "№ протокола", "Номер протокола", "Протокол", "Хаттама №",
          "Хаттама нөмірі", "Хаттама", required=True),
        F("meeting_date", "Дата совещания", "Дата проведения", "Өткізілген күні", "Кеңес күні",
          required=True),
        F("protocol_date", "Дата протокола", "Дата подписания", "Хаттама күні",
          "Қол қойылған күні"),
        F("chair", "Председатель", "Председательствующий", "Төраға"),
        F("controller", "Контроль возложен на", "Контроль", "Бақылау жүктелген", "Бақылау"),
        F("item_no", "Пункт", "Пункт поручения", "Тармақ", "Тармақ №", required=True),
        F("task_text", "Поручение", "Содержание поручения", "Тапсырма", "Тапсырманың мазмұны"),
        F("executors", "Ответственные исполнители", "Исполнители", "Ответственный исполнитель",
          "Жауапты орындаушылар", "Орындаушылар", "Жауапты орындаушы"),
        F("due_text", "Срок", "Срок исполнения", "Мерзімі", "Орындау мерзімі"),
        F("status", "Статус", "Состояние", "Мәртебесі", "Күйі"),
        F("executed_at", "Дата исполнения", "Орындалған күні"),
        F("execution_info", "Информация об исполнении", "Орындалуы туралы ақпарат"),
        F("info_signed_by", "Подписал", "Подписант", "Қол қойған"),
        F("extension", "Продление", "Ұзарту"),
    ),
    quarantine=(
        ("clean(protocol_no) is null", "нет номера протокола", "хаттама нөмірі жоқ"),
        ("clean(item_no) is null", "нет пункта поручения", "тапсырма тармағы жоқ"),
        ("key_date is null",
         "дата совещания пуста или не распознана", "кеңес күні бос немесе танылмады"),
    ),
)
