"""Meeting materials register: one row per material a body submitted (or failed to) for a meeting."""

from pipelines.sources import F, Source

SOURCE = Source(
    kind="materials",
    title_ru="Реестр материалов к совещаниям",
    title_kk="Кеңестерге материалдар тізілімі",
    key_date="meeting_date",
    key=("clean(org)", "meeting_type_code(meeting_type)", "key_date", "clean(body)", "clean(material)"),
    fields=(
        F("org", "Организация", "Ұйым", "Мекеме"),
        # not required: a workbook often keeps one sheet per meeting type, named after it
        F("meeting_type", "Вид совещания", "Тип совещания", "Кеңес түрі", "Отырыс түрі"),
        F("meeting_date", "Дата совещания", "Дата", "Күні", "Кеңес күні", required=True),
        F("body", "Орган", "Подразделение", "Государственный орган", "Мемлекеттік орган", "Бөлім",
          required=True),
        F("material", "Материал", "Вид материала", "Материал түрі", required=True),
        F("submitted_at", "Дата представления", "Представлено", "Ұсынылған күні"),
        F("pages", "Кол-во страниц", "Количество страниц", "Страниц", "Бет саны"),
        F("size_mb", "Размер (МБ)", "Размер, МБ", "Размер", "Көлемі (МБ)", "Көлемі"),
        F("languages", "Язык", "Языки", "Тілі", "Тілдері"),
        F("signed_first_head", "Подписано первым руководителем", "Подписано",
          "Бірінші басшы қол қойды", "Қол қойылды"),
        F("agreed_deputy", "Согласовано", "Согласовано с заместителем", "Келісілді"),
    ),
    quarantine=(
        ("clean(body) is null", "не указан орган", "орган көрсетілмеген"),
        ("key_date is null",
         "дата совещания пуста или не распознана", "кеңес күні бос немесе танылмады"),
    ),
)
