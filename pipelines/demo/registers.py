"""Demo protocol task registers, meeting materials and citizens' appeals for one district."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

MEETINGS = [  # (type code, ru, kk, count in a year, items per protocol, protocol term WD)
    ("akimat_session", "Заседание акимата", "Әкімдік отырысы", 12, 10, 1),
    ("apparatus", "Аппаратное совещание", "Аппараттық кеңес", 20, 12, 1),
    ("operational", "Оперативное совещание", "Жедел кеңес", 10, 14, 1),
    ("commission", "Комиссия по ЧС", "ТЖ жөніндегі комиссия", 5, 10, 1),
    ("regional", "Совещание акима области", "Облыс әкімінің мәжілісі", 3, 12, 2),
]
# written forms that must not change the meeting type: a commission AT the akimat, an apparatus
# meeting OF the akimat (issue 14: they were read as akimat sessions)
MEETING_VARIANTS = {"commission": "Комиссия при акимате по ЧС", "apparatus": "Аппаратное совещание акимата"}
# working trips of the akim: the protocol of tasks is due within 1 WD; not in the
# materials register, one sheet of their own
TRIPS = ("working_trip", "Рабочая поездка", "Жұмыс сапары", 6, 5, 1)
# how registers write a term around its date, and terms no date can be read from
TERM_FORMS = ["до {d}", "{d} ж. дейін", "{d}г.", "срок – {d}"]
PERIODIC = ["ежемесячно до 5 числа", "ежеквартально", "ай сайын", "тоқсан сайын", "еженедельно",
            "жарты жыл сайын", "ежегодно до 10 числа", "постоянно", "по мере необходимости"]
TASKS = ["Обеспечить подготовку объектов к отопительному сезону",
         "Принять меры по погашению задолженности по заработной плате",
         "Жол жөндеу жұмыстарын аяқтауды қамтамасыз ету",
         "Представить информацию о ходе строительства школы",
         "Усилить контроль за качеством питьевой воды",
         "Мал басын вакцинациялау жұмыстарын ұйымдастыру",
         "Обеспечить освоение бюджетных средств",
         "Провести разъяснительную работу среди населения"]
MATERIALS_RU = ["Справка", "Доклад", "Презентация", "Проект постановления", "Список приглашённых"]
MATERIALS_KK = ["Анықтама", "Баяндама", "Презентация", "Қаулы жобасы", "Шақырылғандар тізімі"]
SURNAMES = ["Ахметов", "Сейітова", "Жұмабеков", "Нұрланова", "Қасымов", "Тұрсынбаев", "Омарова",
            "Әбдірахманов", "Ермекова", "Бекболатов"]
NAMES = ["Нұрлан", "Гүлнар", "Ерлан", "Айгүл", "Бауыржан", "Жанар", "Серік", "Әсел"]
APPEAL_KINDS = [("Заявление", "Жолданым"), ("Жалоба", "Шағым"), ("Запрос", "Сұрау салу"),
                ("Предложение", "Ұсыныс"), ("Отклик", "Пікір"), ("Сообщение", "Хабарлама")]


class WorkingDays:
    """Working-day arithmetic over a built calendar frame (the generator's own helper)."""

    def __init__(self, cal: pd.DataFrame):
        self.days = [d for d, w in zip(cal["date"], cal["is_working_day"], strict=True) if w]
        self.pos = {d: i for i, d in enumerate(self.days)}
        self.index = dict(zip(cal["date"], cal["wd_index"], strict=True))

    def shift(self, day: dt.date, n: int) -> dt.date:
        """The working day n working days after (n < 0: before) a working day."""
        return self.days[self.pos[day] + n]

    def pick(self, rnd: random.Random, year: int) -> dt.date:
        """A random working day of the year."""
        return rnd.choice([d for d in self.days if d.year == year])


def _fmt(d: dt.date | dt.datetime | None, style: int = 0) -> str:
    """Write a date the way one of the exports would."""
    if d is None:
        return "-"
    if isinstance(d, dt.datetime):
        return d.strftime("%d.%m.%Y %H:%M")
    return (d.strftime("%d.%m.%Y"), d.isoformat(), d.strftime("%d.%m.%y"))[style]


def protocols(units: pd.DataFrame, wd: WorkingDays, seed: int, year: int,
              export_date: dt.date) -> pd.DataFrame:
    """Protocol task items (one row per item) of all meeting types, with the profile's lateness."""
    rnd = random.Random(seed + 1)
    prof = units.set_index("code")
    deps = units[units["kind"].isin(["department", "rural_district"])]
    rows = []
    # the written forms vary on a stream of their own, so the year's story stays the same
    forms = random.Random(seed + 11)
    for code, ru, kk, count, items, term in [*MEETINGS, TRIPS]:
        for k in range(count):
            meeting = wd.pick(rnd, year)
            late_protocol = rnd.random() < 0.15
            protocol_date = wd.shift(meeting, term + (rnd.randint(1, 3) if late_protocol else 0))
            controller = "-" if rnd.random() < 0.08 else rnd.choice(
                ["Отдел организационно-инспекторской работы", "Ұйымдастыру-инспекторлық бөлімі"])
            chair = "Аким района" if code != "apparatus" else "Руководитель аппарата"
            if forms.random() < 0.05:
                chair = "-"  # a protocol that names no chair
            if code == "commission" and controller != "-":
                # the commission's working body keeps its protocol
                controller = forms.choice(deps[deps["kind"] == "department"]["name_ru"].tolist())
            for item in range(1, items + rnd.randint(-3, 3) + 1):
                execs = deps.sample(rnd.choice([1, 1, 1, 2, 3]), random_state=rnd.randint(0, 1 << 30))
                first = execs.iloc[0]
                p = prof.loc[first["code"]]
                # periodic items are few and recent: the register keeps only the latest report
                periodic = meeting.month >= 9 and rnd.random() < 0.15
                due = wd.shift(protocol_date, rnd.randint(5, 40))
                extension = "-"
                if rnd.random() < p["p_extension"]:
                    new_due = wd.shift(due, rnd.randint(5, 15))
                    extension = f"до {_fmt(new_due)} (письмо №{rnd.randint(10, 99)})"
                    if forms.random() < 0.4:
                        # the letter's date: some were sent after the term had expired (R-11.6(4))
                        extension = (f"до {_fmt(new_due)} (письмо №{forms.randint(10, 99)} от "
                                     f"{_fmt(wd.shift(due, forms.choice([-3, -1, 0, 2, 4])))})")
                    due_final = new_due
                else:
                    due_final = due
                r = rnd.random()
                executed = None
                if r >= p["p_overdue"] * 2:
                    executed = (wd.shift(due_final, rnd.randint(1, 10))
                                if r < p["p_overdue"] * 2 + p["p_late"] * 1.5
                                else wd.shift(due_final, -rnd.randint(0, 5)))
                    executed = max(executed, protocol_date)
                    if executed > export_date:
                        executed = None
                no_card = executed is not None and rnd.random() < p["p_nocard"] * 2
                marked = len(execs) > 1 and rnd.random() < 0.5
                names = [(n if i else n + (" (свод)" if marked else ""))
                         for i, n in enumerate(execs["name_ru"] if rnd.random() < 0.6
                                               else execs["name_kk"])]
                if forms.random() < 0.1:  # rural districts in the nominative: «Аккумский сельский округ»
                    names = [_nominative(n) for n in names]
                periodic_text = rnd.choice(["ежемесячно до 5 числа", "ежеквартально", "ай сайын",
                                            "тоқсан сайын"]) if periodic else None
                if periodic and forms.random() < 0.5:
                    periodic_text = forms.choice(PERIODIC[4:])
                term_text = periodic_text or _fmt(due)
                if not periodic and forms.random() < 0.2:
                    term_text = forms.choice(TERM_FORMS).format(d=_fmt(due))
                elif not periodic and forms.random() < 0.02:
                    term_text = forms.choice(["до конца года", "жыл соңына дейін"])
                meeting_name = ru if rnd.random() < 0.7 else kk
                if code in MEETING_VARIANTS and meeting_name == ru and forms.random() < 0.3:
                    meeting_name = MEETING_VARIANTS[code]
                status = ("Исполнен" if executed else
                          "Просрочен" if due_final < export_date else "На исполнении")
                if executed and not no_card and forms.random() < 0.1:
                    status = "Исполнен, снят с контроля"  # executed work removed from control
                elif not executed and forms.random() < 0.05:
                    status = "Снят с контроля"  # removed without an execution card
                signer = "-" if not executed else rnd.choice(
                    ["Руководитель отдела", "и.о. руководителя", "Главный специалист"])
                if executed and forms.random() < 0.1:  # titles that are not the first head
                    signer = forms.choice(["Руководитель сектора", "Заместитель руководителя отдела",
                                           "Бөлім басшысы", "Бөлім басшысының орынбасары"])
                rows.append({
                    "Вид совещания": meeting_name,
                    "№ протокола": f"{k + 1}",
                    "Дата совещания": _fmt(meeting),
                    "Дата протокола": _fmt(protocol_date),
                    "Председатель": chair,
                    "Контроль возложен на": controller,
                    "Пункт": f"{item}" if rnd.random() < 0.8 else f"{item}.{rnd.randint(1, 3)}",
                    "Поручение": rnd.choice(TASKS) + ("\n(повторно)" if rnd.random() < 0.1 else ""),
                    "Ответственные исполнители": ";\n".join(names) if len(names) > 1 else names[0],
                    "Срок": term_text,
                    "Статус": status,
                    "Дата исполнения": _fmt(executed) if not periodic else (
                        _fmt(dt.date(2025, 12, rnd.randint(1, 5))) if executed else "-"),
                    "Информация об исполнении": ("-" if (not executed or no_card) else
                                                 f"Исх. №{rnd.randint(100, 999)}: исполнено"),
                    "Подписал": signer,
                    "Продление": extension,
                    "_type": code,
                })
    return pd.DataFrame(rows)


def _nominative(name: str) -> str:
    """«Аппарат акима Аккумского сельского округа» -> «Аккумский сельский округ» (others unchanged)."""
    if name.endswith("ого сельского округа"):
        return name.removeprefix("Аппарат акима ").replace("ого сельского округа", "ий сельский округ")
    return name


def materials(units: pd.DataFrame, wd: WorkingDays, seed: int, year: int) -> pd.DataFrame:
    """Materials owed for akimat sessions, apparatus and regional meetings, some late or too long."""
    rnd = random.Random(seed + 2)
    prof = units.set_index("code")
    deps = units[units["kind"] == "department"]
    terms = {"akimat_session": 5, "apparatus": 2, "regional": 2, "working_trip": 5}
    rows = []
    for code, _ru, kk, count, _items, _term in [*MEETINGS, TRIPS]:
        if code not in terms:
            continue
        for _ in range(count):
            meeting = wd.pick(rnd, year)
            for _, u in deps.sample(rnd.randint(4, 7), random_state=rnd.randint(0, 1 << 30)).iterrows():
                p = prof.loc[u["code"]]
                for m in rnd.sample(range(len(MATERIALS_KK)), rnd.randint(1, 3)):
                    r = rnd.random()
                    submitted = None
                    if r > 0.03:
                        lead = terms[code] + rnd.randint(0, 3)
                        if r < 0.03 + p["p_late"] * 2.5:
                            lead = rnd.randint(0, terms[code] - 1)
                        submitted = dt.datetime.combine(wd.shift(meeting, -lead),
                                                        dt.time(rnd.randint(9, 18), rnd.randint(0, 59)))
                    limit = 5 if code == "akimat_session" else 3
                    pages = rnd.randint(1, limit + (3 if rnd.random() < 0.1 else 0))
                    rows.append({
                        "Кеңес түрі": kk, "Күні": _fmt(meeting),
                        "Мемлекеттік орган": u["name_kk"] if rnd.random() < 0.7 else u["name_ru"],
                        "Материал": MATERIALS_KK[m],
                        "Ұсынылған күні": _fmt(submitted),
                        "Бет саны": pages if MATERIALS_KK[m] != "Презентация" else "-",
                        "Көлемі (МБ)": (round(rnd.uniform(1, 14), 1)
                                        if MATERIALS_KK[m] == "Презентация" else "-"),
                        "Тілі": rnd.choice(["kk, ru", "kk, ru", "kk, ru", "kk", "ru"]),
                        "Бірінші басшы қол қойды": "иә" if rnd.random() > 0.05 else "жоқ",
                        "Келісілді": "иә" if rnd.random() > 0.08 else "жоқ",
                    })
    return pd.DataFrame(rows)


def appeals(units: pd.DataFrame, wd: WorkingDays, seed: int, year: int, n: int,
            export_date: dt.date) -> pd.DataFrame:
    """Citizens' appeals with (fake) personal data, answers mostly within 15 WD."""
    rnd = random.Random(seed + 3)
    clock = random.Random(seed + 13)  # times of day on a stream of their own: the story stays the same
    deps = units[units["kind"].isin(["department", "rural_district"])]
    prof = units.set_index("code")
    rows = []
    for k in range(n):
        day = wd.pick(rnd, year)
        received = dt.datetime.combine(day, dt.time(rnd.randint(8, 20), rnd.randint(0, 59)))
        reg_day = wd.shift(day, 1) if received.hour >= 19 else day
        if rnd.random() < 0.03:
            reg_day = wd.shift(reg_day, rnd.randint(1, 2))
        u = deps.iloc[rnd.randrange(len(deps))]
        p = prof.loc[u["code"]]
        due = wd.shift(reg_day, 15)
        forwarded = rnd.random() < 0.1
        r = rnd.random()
        answered = None
        if r > p["p_overdue"] * 2:
            answered = wd.shift(due, rnd.randint(1, 8)) if r < p["p_overdue"] * 2 + p["p_late"] \
                else wd.shift(reg_day, rnd.randint(2, 15))
            if answered > export_date:
                answered = None
        if answered is not None and clock.random() < 0.3:  # handed in for dispatch at a time of day
            answered = dt.datetime.combine(answered, dt.time(clock.randint(9, 18), clock.choice([0, 15, 30, 45])))
        kind_ru, kind_kk = rnd.choice(APPEAL_KINDS)
        name = f"{rnd.choice(SURNAMES)} {rnd.choice(NAMES)}"
        rows.append({
            "Тіркеу нөмірі": f"ЖТ-О-{k + 1:05d}",
            "Келіп түскен күні": _fmt(received),
            "Тіркелген күні": _fmt(reg_day),
            "Өтініш түрі": kind_kk if rnd.random() < 0.6 else kind_ru,
            "Өтініш беруші": name,
            "ЖСН": f"{rnd.randint(10**11, 10**12 - 1)}",
            "Өтініш берушінің телефоны": f"+7 70{rnd.randint(0, 9)} {rnd.randint(100, 999)} "
                                         f"{rnd.randint(10, 99)} {rnd.randint(10, 99)}",
            "Мекенжайы": f"{rnd.choice(['Шәуілдір', 'Қоғам', 'Темір', 'Отырар'])} а., "
                         f"{rnd.randint(1, 120)} үй",
            "Қысқаша мазмұны": rnd.choice(["Жер учаскесі туралы", "О ремонте дороги",
                                           "Әлеуметтік көмек туралы", "О водоснабжении"]),
            "Орындаушы бөлім": u["name_kk"] if rnd.random() < 0.6 else u["name_ru"],
            "Жолданды": "Түркістан облысының жер қатынастары басқармасы" if forwarded else "-",
            "Жолданған күні": (_fmt(wd.shift(reg_day, rnd.choice([1, 2, 3, 3, 4, 5])))
                               if forwarded else "-"),
            "Қарау мерзімі": _fmt(due),
            "Жауап берілген күні": _fmt(answered),
            "Қарау нәтижесі": (rnd.choice(["Түсіндірілді", "Қанағаттандырылды", "Бас тартылды"])
                               if answered and rnd.random() > p["p_nocard"] else "-"),
            "Мәртебесі": "Орындалды" if answered else "Орындалуда",
        })
    return pd.DataFrame(rows)
