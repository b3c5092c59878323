"""Every rule of the catalogue, table-driven: cases on both sides of each boundary, across Nauryz,
the moved day off of 3 January 2025 and the working Sunday of 5 January 2025, and 19:00."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from pipelines import load, model
from pipelines.sources import by_kind
from pipelines.validate import catalogue, run
from tests.conftest import FIXTURES, rows

AS_OF = dt.date(2025, 6, 30)


def write_export(path, kind: str, records: list[dict]) -> None:
    """A CSV export of a kind, headed by each field's first alias, one row per record."""
    src = by_kind(kind)
    fields = [f for f in src.fields if any(f.name in r for r in records)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow([f.aliases[0] for f in fields])
        for r in records:
            w.writerow([r.get(f.name, "") for f in fields])


def flags(con, directory, tmp_path, kind: str, records: list[dict], rule_id: str, as_of=AS_OF) -> dict:
    """Load the records, run one rule; return {reg_no: (flagged, working days late)}."""
    path = tmp_path / f"{kind}.csv"
    write_export(path, kind, records)
    load.load_file(con, path)
    model.build(con, directory)
    run.run(con, [rule_id], as_of)
    got = {r[0]: (True, r[1]) for r in rows(
        con, "select reg_no, working_days_late from violations where rule_id = ?", [rule_id])}
    return got


def doc(reg_no, received, registered, kind="Входящий", **kw):
    return {"reg_no": reg_no, "received_at": received, "reg_date": registered, "doc_kind": kind,
            "responsible": "Отдел образования", **kw}


# ------------------------------------------------------------------ registration
REGISTRATION = [
    # reg_no, received, registered, urgent, expected flag, WD late
    ("fri-1859-same", "14.03.2025 18:59", "14.03.2025", "", False, None),
    ("fri-1859-mon", "14.03.2025 18:59", "17.03.2025", "", True, 1),
    ("fri-1901-mon", "14.03.2025 19:01", "17.03.2025", "", False, None),
    ("fri-1901-tue", "14.03.2025 19:01", "18.03.2025", "", True, 1),
    ("nauryz-eve-ok", "20.03.2025 19:30", "26.03.2025", "", False, None),
    ("nauryz-eve-late", "20.03.2025 19:30", "27.03.2025", "", True, 1),
    ("urgent-sun-same", "23.03.2025 10:00", "23.03.2025", "Срочно", False, None),
    ("urgent-sun-wed", "23.03.2025 10:00", "26.03.2025", "Срочно", True, 1),
    ("sat-to-work-sun", "04.01.2025 11:00", "05.01.2025", "", False, None),
    ("sat-to-mon", "04.01.2025 11:00", "06.01.2025", "", True, 1),
    ("moved-off-3jan", "03.01.2025 10:00", "05.01.2025", "", False, None),
    ("no-time-same", "14.03.2025", "14.03.2025", "", False, None),
    ("no-time-next", "14.03.2025", "17.03.2025", "", True, 1),
]


def test_r_9_9_registration(con, directory, tmp_path):
    records = [doc(n, rec, reg, urgency=u) for n, rec, reg, u, _, _ in REGISTRATION]
    got = flags(con, directory, tmp_path, "edms", records, "R-9.9-REG")
    for name, *_, flagged, late in REGISTRATION:
        assert got.get(name, (False, None)) == (flagged, late), name


def test_registration_of_other_kinds_is_not_checked(con, directory, tmp_path):
    got = flags(con, directory, tmp_path, "edms", [doc("int", "14.03.2025 10:00", "20.03.2025", kind="Внутренний")],
                "R-9.9-REG")
    assert got == {}


# ------------------------------------------------------------------ execution on time, R-9.21
DUE = [
    # reg_no, registered, due, extended, executed, card, urgent, flag, WD late
    ("due-nauryz-ok", "03.03.2025", "21.03.2025", "", "26.03.2025", "исполнено", "", False, None),
    ("due-nauryz-late", "03.03.2025", "21.03.2025", "", "27.03.2025", "исполнено", "", True, 1),
    ("due-ok", "03.03.2025", "12.03.2025", "", "12.03.2025", "исполнено", "", False, None),
    ("due-late", "03.03.2025", "12.03.2025", "", "13.03.2025", "исполнено", "", True, 1),
    ("no-card", "03.03.2025", "12.03.2025", "", "12.03.2025", "", "", True, 71),  # not executed
    ("default-30cd-ok", "03.03.2025", "", "", "02.04.2025", "исполнено", "", False, None),
    ("default-30cd-late", "03.03.2025", "", "", "03.04.2025", "исполнено", "", True, 1),
    ("urgent-3wd-ok", "20.03.2025", "", "", "28.03.2025", "исполнено", "Срочно", False, None),
    ("urgent-3wd-late", "20.03.2025", "", "", "31.03.2025", "исполнено", "Срочно", True, 1),
    ("extended-ok", "03.03.2025", "20.03.2025", "31.03.2025", "31.03.2025", "исполнено", "", False, None),
    ("extended-late", "03.03.2025", "20.03.2025", "31.03.2025", "01.04.2025", "исполнено", "", True, 1),
    ("due-3jan-off-ok", "20.12.2024", "03.01.2025", "", "05.01.2025", "исполнено", "", False, None),
    ("due-3jan-off-late", "20.12.2024", "03.01.2025", "", "06.01.2025", "исполнено", "", True, 1),
    ("open-not-due", "03.03.2025", "10.07.2025", "", "", "", "", False, None),
    ("overdue", "03.03.2025", "27.06.2025", "", "", "", "", True, 1),
]


def test_r_9_15_execution_on_time_and_r_9_21(con, directory, tmp_path):
    records = [{"reg_no": n, "reg_date": reg, "due_date": due, "extended_due_date": ext, "executed_at": ex,
                "execution_note": card, "urgency": urg, "status": "Исполнен" if ex else "На исполнении",
                "responsible": "Отдел культуры"} for n, reg, due, ext, ex, card, urg, *_ in DUE]
    got = flags(con, directory, tmp_path, "edms", records, "R-9.15-DUE")
    for name, *_, flagged, late in DUE:
        assert got.get(name, (False, None)) == (flagged, late), name


def test_as_of_decides_what_is_overdue(con, directory, tmp_path):
    rec = [{"reg_no": "x", "reg_date": "03.03.2025", "due_date": "10.04.2025", "executed_at": "15.04.2025",
            "execution_note": "исполнено", "responsible": "Отдел культуры"}]
    assert flags(con, directory, tmp_path, "edms", rec, "R-9.15-DUE", dt.date(2025, 4, 10)) == {}
    # as of 14 April the act of 15 April has not happened yet: overdue by 2 WD
    assert rows(con, "select 1")  # connection still usable
    run.run(con, ["R-9.15-DUE"], dt.date(2025, 4, 14), docs_root=None)
    assert rows(con, "select working_days_late from violations where run_id = (select max(run_id) "
                     "from validation_runs)") == [(2,)]


def test_every_executor_answers_for_the_term(con, directory, tmp_path):
    rec = [{"reg_no": "co", "reg_date": "03.03.2025", "due_date": "12.03.2025", "executed_at": "14.03.2025",
            "execution_note": "исполнено", "responsible": "Отдел культуры",
            "co_executors": "Отдел образования; Отдел ЖКХ"}]
    flags(con, directory, tmp_path, "edms", rec, "R-9.15-DUE")
    assert rows(con, "select department_code, working_days_late from violations order by 1") == [
        ("DEP-CULT", 2), ("DEP-EDU", 2), ("DEP-HOUSING", 2)]


# ------------------------------------------------------------------ protocols drawn up
PROTOCOLS = [
    # rule, meeting type, protocol no, meeting, protocol date, flag, WD late
    ("R-5.34-DRAWN", "Аппаратное совещание", "a-ok", "20.03.2025", "26.03.2025", False, None),
    ("R-5.34-DRAWN", "Аппаратное совещание", "a-late", "20.03.2025", "27.03.2025", True, 1),
    ("R-8.7-DRAWN", "Заседание акимата", "s-ok", "14.03.2025", "17.03.2025", False, None),
    ("R-8.7-DRAWN", "Заседание акимата", "s-late", "14.03.2025", "18.03.2025", True, 1),
    ("R-5.46-DRAWN", "Оперативное совещание", "o-ok", "02.01.2025", "05.01.2025", False, None),
    ("R-5.46-DRAWN", "Оперативное совещание", "o-late", "02.01.2025", "06.01.2025", True, 1),
    ("R-5.54-DRAWN", "Комиссия по ЧС", "c-ok", "07.03.2025", "11.03.2025", False, None),
    ("R-5.54-DRAWN", "Комиссия по ЧС", "c-late", "07.03.2025", "12.03.2025", True, 1),
    ("R-8.5-DRAWN", "Совещание акима области", "r-ok", "14.03.2025", "18.03.2025", False, None),
    ("R-8.5-DRAWN", "Совещание акима области", "r-late", "14.03.2025", "19.03.2025", True, 1),
    # a bare «кеңес» is a meeting (2 WD), not a commission (1 WD)
    ("R-8.5-DRAWN", "Кеңес", "k-ok", "14.03.2025", "18.03.2025", False, None),
    ("R-8.5-DRAWN", "Кеңес", "k-late", "14.03.2025", "19.03.2025", True, 1),
    # working trips: 1 WD, across Nauryz and its moved days off (21-25.03.2025)
    ("R-4.11-DRAWN", "Рабочая поездка", "t-ok", "20.03.2025", "26.03.2025", False, None),
    ("R-4.11-DRAWN", "Жұмыс сапары", "t-late", "20.03.2025", "27.03.2025", True, 1),
    # a commission at the akimat is a commission, not an akimat session
    ("R-5.54-DRAWN", "Комиссия при акимате", "ca-ok", "07.03.2025", "11.03.2025", False, None),
    ("R-5.54-DRAWN", "Комиссия при акимате", "ca-late", "07.03.2025", "12.03.2025", True, 1),
    # an apparatus meeting of the akimat is an apparatus meeting
    ("R-5.34-DRAWN", "Аппаратное совещание акимата", "aa-ok", "20.03.2025", "26.03.2025", False, None),
    ("R-5.34-DRAWN", "Аппаратное совещание акимата", "aa-late", "20.03.2025", "27.03.2025", True, 1),
]


@pytest.mark.parametrize("rule_id", sorted({p[0] for p in PROTOCOLS}))
def test_protocol_drawn_up_in_time(con, directory, tmp_path, rule_id):
    cases = [p for p in PROTOCOLS if p[0] == rule_id]
    records = [{"meeting_type": mt, "protocol_no": no, "meeting_date": md, "protocol_date": pd_,
                "item_no": "1", "task_text": "x", "executors": "Отдел культуры", "controller": "Орг. отдел"}
               for _, mt, no, md, pd_, *_ in cases]
    got = flags(con, directory, tmp_path, "protocols", records, rule_id)
    for _, _, no, *_, flagged, late in cases:
        assert got.get(no, (False, None)) == (flagged, late), no


def test_commission_protocol_is_the_working_bodys(con, directory, tmp_path):
    """R-5.54: the commission's working body (the unit named as controlling) answers, not the Org dept."""
    records = [{"meeting_type": "Комиссия по ЧС", "protocol_no": no, "meeting_date": "07.03.2025",
                "protocol_date": "12.03.2025", "item_no": "1", "task_text": "x", "executors": "Отдел культуры",
                "controller": ctl} for no, ctl in (("named", "Отдел ЖКХ"), ("unnamed", "Орг. отдел"))]
    flags(con, directory, tmp_path, "protocols", records, "R-5.54-DRAWN")
    assert rows(con, "select reg_no, department_code from violations order by 1") == [
        ("named", "DEP-HOUSING"), ("unnamed", "APP-ORG")]


# ------------------------------------------------------------------ materials before meetings
MATERIALS = [
    # rule, meeting type, body, meeting date, submitted, flag, WD late
    ("R-5.6-MATERIALS", "Заседание акимата", "Отдел образования", "26.03.2025", "14.03.2025", False, None),
    ("R-5.6-MATERIALS", "Заседание акимата", "Отдел культуры", "26.03.2025", "17.03.2025", True, 1),
    # never submitted: late until the meeting (5 WD), not until the report date (issue 14, item 9)
    ("R-5.6-MATERIALS", "Заседание акимата", "Отдел ЖКХ", "26.03.2025", "", True, 5),
    ("R-5.28-MATERIALS", "Аппаратное совещание", "Отдел образования", "06.01.2025", "31.12.2024", False, None),
    ("R-5.28-MATERIALS", "Аппаратное совещание", "Отдел культуры", "06.01.2025", "05.01.2025", True, 1),
    ("R-5.14-MATERIALS", "Совещание акима области", "Отдел образования", "27.03.2025", "20.03.2025", False, None),
    ("R-5.14-MATERIALS", "Совещание акима области", "Отдел культуры", "27.03.2025", "26.03.2025", True, 1),
]


@pytest.mark.parametrize("rule_id", sorted({m[0] for m in MATERIALS}))
def test_materials_submitted_in_time(con, directory, tmp_path, rule_id):
    cases = [m for m in MATERIALS if m[0] == rule_id]
    records = [{"meeting_type": mt, "meeting_date": md, "body": body, "material": "Справка", "submitted_at": sub}
               for _, mt, body, md, sub, *_ in cases]
    got = flags(con, directory, tmp_path, "materials", records, rule_id)
    got = {k.split(":")[0]: v for k, v in got.items()}
    for _, _, body, *_, flagged, late in cases:
        assert got.get(body, (False, None)) == (flagged, late), body


# ------------------------------------------------------------------ citizens' appeals
def appeal(reg_no, received, registered, **kw):
    return {"reg_no": reg_no, "received_at": received, "registered_at": registered, "appeal_kind": "Жалоба",
            "department": "Отдел образования", **kw}


APPEALS = [
    ("R-12.6-REG", appeal("reg-1859", "14.03.2025 18:59", "14.03.2025"), False, None),
    ("R-12.6-REG", appeal("reg-1901", "14.03.2025 19:01", "17.03.2025"), False, None),
    ("R-12.6-REG", appeal("reg-late", "14.03.2025 19:01", "18.03.2025"), True, 1),
    ("R-12.6-REG", appeal("reg-nauryz", "21.03.2025 10:00", "26.03.2025"), False, None),
    ("R-12.9-FORWARD", appeal("fw-ok", "20.03.2025 10:00", "20.03.2025", forwarded_to="Облыстық басқарма",
                              forwarded_at="28.03.2025"), False, None),
    ("R-12.9-FORWARD", appeal("fw-late", "20.03.2025 10:00", "20.03.2025", forwarded_to="Облыстық басқарма",
                              forwarded_at="31.03.2025"), True, 1),
    ("APPC-76-ANSWER", appeal("ans-ok", "05.03.2025 10:00", "05.03.2025", answered_at="01.04.2025",
                              result="Түсіндірілді"), False, None),
    ("APPC-76-ANSWER", appeal("ans-late", "05.03.2025 10:00", "05.03.2025", answered_at="02.04.2025",
                              result="Түсіндірілді"), True, 1),
    ("APPC-76-ANSWER", appeal("ans-no-result", "05.03.2025 10:00", "05.03.2025", answered_at="01.04.2025"),
     True, 60),
    # APPC art. 76: 15 WD from receipt (Friday 14.03, after hours), not from registration (Monday 17.03)
    ("APPC-76-ANSWER", appeal("ans-receipt-ok", "14.03.2025 19:30", "17.03.2025", answered_at="09.04.2025",
                              result="Түсіндірілді"), False, None),
    ("APPC-76-ANSWER", appeal("ans-receipt-late", "14.03.2025 19:30", "17.03.2025", answered_at="10.04.2025",
                              result="Түсіндірілді"), True, 1),
    # a forwarded appeal is judged by, not by its answer
    ("APPC-76-ANSWER", appeal("ans-forwarded", "05.03.2025 10:00", "05.03.2025", forwarded_to="Облыстық басқарма",
                              forwarded_at="06.03.2025"), False, None),
]


@pytest.mark.parametrize("rule_id", sorted({a[0] for a in APPEALS}))
def test_appeal_terms(con, directory, tmp_path, rule_id):
    cases = [a for a in APPEALS if a[0] == rule_id]
    got = flags(con, directory, tmp_path, "appeals", [a[1] for a in cases], rule_id)
    for _, rec, flagged, late in cases:
        assert got.get(rec["reg_no"], (False, None)) == (flagged, late), rec["reg_no"]


def test_forwarding_late_is_the_appeals_units(con, directory, tmp_path):
    flags(con, directory, tmp_path, "appeals", [APPEALS[5][1]], "R-12.9-FORWARD")
    assert rows(con, "select reg_no, department_code from violations") == [("fw-late", "APP-APPEALS")]


def test_materials_never_submitted_say_so(con, directory, tmp_path):
    rec = [{"meeting_type": "Заседание акимата", "meeting_date": "26.03.2025", "body": "Отдел ЖКХ",
            "material": "Справка", "submitted_at": ""}]
    flags(con, directory, tmp_path, "materials", rec, "R-5.6-MATERIALS")
    (m,) = rows(con, "select message_kk, message_ru, message_en from violations")
    assert "ұсынылмаған" in m[0] and "не представлено" in m[1] and "not submitted" in m[2]


# ------------------------------------------------------------------ form rules (Great Expectations)
FORM = [
    # rule, kind, records, reg_no flagged
    ("R-9.21-CARD", "edms", [
        {"reg_no": "no-card", "reg_date": "03.03.2025", "status": "Исполнен", "executed_at": "05.03.2025"},
        {"reg_no": "card", "reg_date": "03.03.2025", "status": "Исполнен", "executed_at": "05.03.2025",
         "execution_note": "Исполнено, ответ №5"},
        {"reg_no": "open", "reg_date": "03.03.2025", "status": "На исполнении"}], {"no-card"}),
    ("R-9.9-OUTREF", "edms", [
        {"reg_no": "no-out", "reg_date": "03.03.2025", "doc_kind": "Входящий", "out_date": "01.03.2025"},
        {"reg_no": "out", "reg_date": "03.03.2025", "doc_kind": "Входящий", "out_no": "5-1",
         "out_date": "01.03.2025"},
        {"reg_no": "internal", "reg_date": "03.03.2025", "doc_kind": "Внутренний"}], {"no-out"}),
    ("R-9.9-PHONE", "edms", [
        {"reg_no": "no-phone", "reg_date": "03.03.2025", "doc_kind": "Входящий"},
        {"reg_no": "phone", "reg_date": "03.03.2025", "doc_kind": "Входящий", "executor_phone": "21-15"}],
     {"no-phone"}),
    ("R-9.13-ACTING", "edms", [
        {"reg_no": "acting", "reg_date": "03.03.2025", "doc_kind": "Входящий", "signed_by": "и.о. руководителя Б.",
         "correspondent": "ТОО «Отырар-Су»"},
        {"reg_no": "acting-order", "reg_date": "03.03.2025", "doc_kind": "Входящий", "signed_by": "и.о. Б.",
         "acting_order": "Приказ №5", "correspondent": "ТОО «Отырар-Су»"},
        {"reg_no": "acting-higher", "reg_date": "03.03.2025", "doc_kind": "Входящий", "signed_by": "м.а. Б.",
         "correspondent": "Министерство финансов РК"},
        {"reg_no": "head", "reg_date": "03.03.2025", "doc_kind": "Входящий", "signed_by": "Руководитель Б."}],
     {"acting"}),
    ("R-11.6-REQUEST", "edms", [
        {"reg_no": "no-request", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Аппарат акима Туркестанской области", "summary": "Информация об исполнении №5"},
        {"reg_no": "remove", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Аппарат акима Туркестанской области", "summary": "Просим снять с контроля"},
        {"reg_no": "extend", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Түркістан облысы әкімінің аппараты", "summary": "Мерзімді ұзартуды сұраймыз"},
        {"reg_no": "not-region", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "ТОО «Отырар-Су»", "summary": "Ответ"},
        # a regional department is not the regional akim's apparatus (issue 14, item 10)
        {"reg_no": "regional-dept", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Облыстық білім басқармасы", "summary": "Информация об исполнении поручения №5"},
        {"reg_no": "region-dept-ru", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Управление образования Туркестанской области", "summary": "Информация по поручению №5"},
        # a letter to the apparatus that reports on no control task
        {"reg_no": "region-no-task", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Аппарат акима Туркестанской области", "summary": "О направлении списка участников"},
        {"reg_no": "kk-no-request", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "correspondent": "Түркістан облысы әкімінің аппараты", "summary": "№22 тапсырманың орындалуы туралы"}],
     {"no-request", "kk-no-request"}),
    # «Исполнен, снят с контроля» without a card is executed without a card
    ("R-9.21-CARD", "edms", [
        {"reg_no": "removed-exec-no-card", "reg_date": "03.03.2025", "status": "Исполнен, снят с контроля"},
        {"reg_no": "removed", "reg_date": "03.03.2025", "status": "Снят с контроля"}], {"removed-exec-no-card"}),
    ("R-9.15-COORD", "edms", [
        {"reg_no": "two", "reg_date": "03.03.2025", "responsible": "Отдел культуры",
         "co_executors": "Отдел образования"},
        {"reg_no": "two-marked", "reg_date": "03.03.2025", "responsible": "Отдел культуры",
         "co_executors": "Отдел образования (свод)"},
        {"reg_no": "one", "reg_date": "03.03.2025", "responsible": "Отдел культуры"}], {"two"}),
]


@pytest.mark.parametrize(("rule_id", "kind", "records", "expected"), FORM, ids=[f[0] for f in FORM])
def test_form_rules(con, directory, tmp_path, rule_id, kind, records, expected):
    records = [{"responsible": "Отдел культуры", **r} for r in records]
    got = flags(con, directory, tmp_path, kind, records, rule_id)
    assert set(got) == expected


PROTOCOL_FORM = [
    ("R-8.5-CONTROLLER", [{"protocol_no": "no-ctl", "controller": ""}, {"protocol_no": "ctl", "controller": "Орг"}],
     {"no-ctl"}),
    ("R-8.8-SIGNED", [
        {"protocol_no": "spec", "execution_info": "исполнено", "info_signed_by": "Главный специалист"},
        {"protocol_no": "acting", "execution_info": "исполнено", "info_signed_by": "и.о. руководителя"},
        {"protocol_no": "head", "execution_info": "исполнено", "info_signed_by": "Руководитель отдела"},
        # a word in the title is not enough: not the first head (issue 14, item 10)
        {"protocol_no": "sector", "execution_info": "исполнено", "info_signed_by": "Руководитель сектора"},
        {"protocol_no": "deputy", "execution_info": "исполнено", "info_signed_by": "Заместитель руководителя отдела"},
        {"protocol_no": "spec-akim", "execution_info": "исполнено",
         "info_signed_by": "Главный специалист аппарата акима"},
        {"protocol_no": "guidance", "execution_info": "исполнено", "info_signed_by": "Руководство"},
        {"protocol_no": "kk-head", "execution_info": "исполнено", "info_signed_by": "Бөлім басшысы"},
        {"protocol_no": "kk-deputy", "execution_info": "исполнено", "info_signed_by": "Бөлім басшысының орынбасары"},
        {"protocol_no": "rural-akim", "execution_info": "исполнено", "info_signed_by": "Аким Когамского с/о"},
        {"protocol_no": "kk-acting", "execution_info": "исполнено", "info_signed_by": "Бөлім басшысының м.а."}],
     {"spec п.1", "sector п.1", "deputy п.1", "spec-akim п.1", "guidance п.1", "kk-deputy п.1"}),
]


@pytest.mark.parametrize(("rule_id", "records", "expected"), PROTOCOL_FORM, ids=[p[0] for p in PROTOCOL_FORM])
def test_protocol_form_rules(con, directory, tmp_path, rule_id, records, expected):
    base = {"meeting_type": "Аппаратное совещание", "meeting_date": "20.03.2025", "item_no": "1",
            "task_text": "x", "executors": "Отдел культуры", "controller": "Орг"}
    got = flags(con, directory, tmp_path, "protocols", [{**base, **r} for r in records], rule_id)
    assert set(got) == expected


MATERIAL_FORM = [
    ("R-5.6-PAGES", "Заседание акимата", [("Справка", "5", "", "kk, ru"), ("Анықтама", "6", "", "kk, ru")], {6}),
    ("R-5.28-PAGES", "Аппаратное совещание", [("Справка", "3", "", "kk"), ("Справка", "4", "", "kk")], {4}),
    ("R-5.6-SIZE", "Заседание акимата", [("Презентация", "", "10", "kk, ru"), ("Презентация", "", "10,5", "kk, ru")],
     {"10.5"}),
    ("R-5.6-LANG", "Заседание акимата", [("Доклад", "2", "", "kk, ru"), ("Доклад", "2", "", "ru")], {"ru"}),
]


@pytest.mark.parametrize(("rule_id", "meeting", "items", "expected"), MATERIAL_FORM, ids=[m[0] for m in MATERIAL_FORM])
def test_material_form_rules(con, directory, tmp_path, rule_id, meeting, items, expected):
    bodies = ["Отдел образования", "Отдел культуры"]
    records = [{"meeting_type": meeting, "meeting_date": "26.03.2025", "body": b, "material": m,
                "submitted_at": "10.03.2025", "pages": p, "size_mb": s, "languages": lang}
               for b, (m, p, s, lang) in zip(bodies, items, strict=True)]
    flags(con, directory, tmp_path, "materials", records, rule_id)
    got = {r[0] for r in rows(con, "select actual_value from violations where rule_id = ?", [rule_id])}
    assert {str(int(v)) if isinstance(v, int) else str(v) for v in expected} == {
        v.removesuffix(".0") for v in got}


# ------------------------------------------------------------------ what every flag carries
def test_a_flag_carries_rule_clause_messages_department_dates_and_lineage(con, directory, tmp_path):
    recs = [{"reg_no": "late", "reg_date": "03.03.2025", "due_date": "12.03.2025", "executed_at": "14.03.2025",
             "execution_note": "исполнено", "responsible": "Білім бөлімі"}]
    flags(con, directory, tmp_path, "edms", recs, "R-9.15-DUE")
    (v,) = rows(con, "select rule_id, clause, department_code, expected_date::varchar, actual_date::varchar, "
                     "working_days_late, message_kk, message_ru, message_en, source_file, row_no from violations")
    assert v[:6] == ("R-9.15-DUE", "R-9.15", "DEP-EDU", "2025-03-12", "2025-03-14", 2)
    assert "12.03.2025" in v[6] and "ж.к." in v[6]
    assert v[7] == "late: срок 12.03.2025, исполнение: 14.03.2025 (опоздание 2 раб. дн.)"
    assert "WD late" in v[8]
    assert v[9].endswith("edms.csv") and v[10] == 2


def test_runs_are_kept_and_summarised(con, directory, tmp_path):
    recs = [{"reg_no": "late", "reg_date": "03.03.2025", "due_date": "12.03.2025", "responsible": "Отдел культуры"}]
    flags(con, directory, tmp_path, "edms", recs, "R-9.15-DUE")
    run.run(con, ["R-9.15"], AS_OF, docs_root=None)  # by clause
    assert rows(con, "select run_id, rule_id, records_checked, violations, status from validation_runs "
                     "order by run_id") == [(1, "R-9.15-DUE", 1, 1, "fail"), (2, "R-9.15-DUE", 1, 1, "fail"),
                                            (2, "R-9.15-COORD", 0, 0, "pass")]
    # the flag found again unchanged is written once, by run 1, and holds for both runs
    assert rows(con, "select run_id, until_run_id from violations") == [(1, None)]
    assert rows(con, "select count(*) from run_violations(1)") == rows(con, "select count(*) from run_violations(2)") \
        == rows(con, "select count(*) from current_violations") == [(1,)]


def test_a_flag_that_changes_is_closed_and_written_again(con, directory, tmp_path):
    # overdue: as the data date moves, the working days late grow — the flag of the earlier date
    # is closed (it held up to that run) and the new one written; each run keeps its own figure
    recs = [{"reg_no": "open", "reg_date": "03.03.2025", "due_date": "12.03.2025", "responsible": "Отдел культуры"}]
    flags(con, directory, tmp_path, "edms", recs, "R-9.15-DUE")
    first = rows(con, "select working_days_late from current_violations where rule_id = 'R-9.15-DUE'")
    run.run(con, ["R-9.15-DUE"], AS_OF + dt.timedelta(days=7), docs_root=None)
    second = rows(con, "select working_days_late from current_violations where rule_id = 'R-9.15-DUE'")
    assert len(first) == len(second) == 1 and second[0][0] > first[0][0]
    assert rows(con, "select run_id, until_run_id, working_days_late from violations order by run_id") == [
        (1, 1, first[0][0]), (2, None, second[0][0])]
    assert rows(con, "select working_days_late from run_violations(1)") == first
    # the same date again: nothing new is written, the flag of run 2 holds for run 3
    run.run(con, ["R-9.15-DUE"], AS_OF + dt.timedelta(days=7), docs_root=None)
    assert rows(con, "select run_id, until_run_id from violations order by run_id") == [(1, 1), (2, None)]
    assert rows(con, "select working_days_late from run_violations(3)") == second


def test_an_edited_catalogue_is_read_again(tmp_path):
    """The catalogue is kept while its file is unchanged (a long-lived watcher) and read again once
    edited: a rule's severity changed in the file is the one the next run uses."""
    f = tmp_path / "rules.toml"
    f.write_text(catalogue.RULES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    before = catalogue.by_id(catalogue.load(f))["R-9.15-DUE"]
    assert before.severity == "error"
    assert catalogue.load(f) == catalogue.load(f) and catalogue.load(f) is not catalogue.load(f)
    text = f.read_text(encoding="utf-8")
    start = text.index('id = "R-9.15-DUE"')
    at = text.index('severity = "error"', start)
    f.write_text(text[:at] + 'severity = "warning"' + text[at + len('severity = "error"'):], encoding="utf-8")
    assert catalogue.by_id(catalogue.load(f))["R-9.15-DUE"].severity == "warning"


def test_catalogue_is_consistent():
    rules = catalogue.load()
    ids = {r.id for r in rules}
    import json

    from pipelines.validate.expectations import suite_files
    in_suites = {e["meta"]["rule_id"] for p in suite_files()
                 for e in json.loads(p.read_text(encoding="utf-8"))["expectations"]}
    assert in_suites <= ids
    assert {r.id for r in rules if r.kind != "deadline"} == in_suites
    for r in rules:
        assert r.clause and all(r.title(lang) for lang in ("kk", "ru", "en"))
        assert "{record}" in r.message_kk and "{record}" in r.message_ru and "{record}" in r.message_en


def test_unknown_rule_is_refused(con):
    with pytest.raises(ValueError, match="R-99"):
        run.run(con, ["R-99"], AS_OF, docs_root=None)


# ------------------------------------------------------------------ issue 14: clauses the exports let us check
def test_r_9_9_delivered_within_a_day_of_receipt(con, directory, tmp_path):
    """Counted from receipt: a late registration does not buy time (R-9.9-DELIVERY counts from it)."""
    cases = [  # reg no, received, registered, delivered, flagged, WD late
        ("d-ok", "14.03.2025 10:00", "14.03.2025 10:30", "17.03.2025 09:00", False, None),
        ("d-late", "14.03.2025 10:00", "17.03.2025 10:30", "18.03.2025 09:00", True, 1),
        ("d-nauryz-ok", "20.03.2025 11:00", "20.03.2025 11:30", "26.03.2025 09:00", False, None),
        ("d-nauryz-late", "20.03.2025 11:00", "26.03.2025 11:30", "27.03.2025 09:00", True, 1),
        ("d-saturday-ok", "22.03.2025 11:00", "26.03.2025 09:30", "27.03.2025 09:00", False, None),
    ]
    records = [doc(n, rec, reg, delivered_at=dl) for n, rec, reg, dl, *_ in cases]
    got = flags(con, directory, tmp_path, "edms", records, "R-9.9-24H")
    for name, *_, flagged, late in cases:
        assert got.get(name, (False, None)) == (flagged, late), name


def test_r_4_5_working_trip_materials(con, directory, tmp_path):
    cases = [  # body, trip, submitted, flagged, WD late
        ("Отдел образования", "27.03.2025", "17.03.2025", False, None),  # 5 WD before, across Nauryz
        ("Отдел культуры", "27.03.2025", "18.03.2025", True, 1),
        ("Отдел ЖКХ", "27.03.2025", "", True, 5),  # never submitted: late until the trip, not the report date
    ]
    records = [{"meeting_type": "Рабочая поездка", "meeting_date": trip, "body": b, "material": "Программа",
                "submitted_at": sub} for b, trip, sub, *_ in cases]
    got = {k.split(":")[0]: v for k, v in flags(con, directory, tmp_path, "materials", records,
                                                 "R-4.5-MATERIALS").items()}
    for body, *_, flagged, late in cases:
        assert got.get(body, (False, None)) == (flagged, late), body


ISSUE_14_FORM = [
    # rule, kind, records, flagged
    ("R-8.3-TERM", "protocols", [
        {"protocol_no": "date", "due_text": "до 15.12.2025"},
        {"protocol_no": "monthly", "due_text": "ай сайын"},
        {"protocol_no": "permanent", "due_text": "постоянно"},
        {"protocol_no": "unreadable", "due_text": "по мере необходимости"},
        {"protocol_no": "empty", "due_text": ""}], {"unreadable п.1", "empty п.1"}),
    ("R-8.3-CHAIR", "protocols", [
        {"protocol_no": "chair", "chair": "Аким района"}, {"protocol_no": "no-chair", "chair": ""}], {"no-chair"}),
    ("R-9.20-REF", "edms", [
        {"reg_no": "answer-no-ref", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "summary": "Ответ на запрос о ходе ремонта"},
        {"reg_no": "answer-ref", "reg_date": "03.03.2025", "doc_kind": "Исходящий",
         "summary": "Ответ на запрос о ходе ремонта", "request_ref": "№5-12 от 25.02.2025"},
        {"reg_no": "kk-answer", "reg_date": "03.03.2025", "doc_kind": "Шығыс", "summary": "Сұрау салуға жауап"},
        {"reg_no": "not-answer", "reg_date": "03.03.2025", "doc_kind": "Исходящий", "summary": "О проведении акции"}],
     {"answer-no-ref", "kk-answer"}),
    ("R-12.4-DISPATCH", "appeals", [
        {"reg_no": "a-1800", "answered_at": "01.04.2025 18:00"},
        {"reg_no": "a-1801", "answered_at": "01.04.2025 18:01"},
        {"reg_no": "a-date", "answered_at": "01.04.2025"}], {"a-1801"}),
]


@pytest.mark.parametrize(("rule_id", "kind", "records", "expected"), ISSUE_14_FORM, ids=[f[0] for f in ISSUE_14_FORM])
def test_issue_14_form_rules(con, directory, tmp_path, rule_id, kind, records, expected):
    base = {
        "protocols": {"meeting_type": "Аппаратное совещание", "meeting_date": "20.03.2025", "item_no": "1",
                      "task_text": "x", "executors": "Отдел культуры", "controller": "Орг", "chair": "Аким района",
                      "due_text": "до 31.03.2025"},
        "edms": {"responsible": "Отдел культуры"},
        "appeals": {"received_at": "05.03.2025 10:00", "registered_at": "05.03.2025", "appeal_kind": "Жалоба",
                    "department": "Отдел образования", "result": "Түсіндірілді"},
    }[kind]
    got = flags(con, directory, tmp_path, kind, [{**base, **r} for r in records], rule_id)
    assert set(got) == expected


@pytest.mark.parametrize(("rule_id", "meeting"), [
    ("R-5.31-LANG", "Аппаратное совещание"), ("R-5.16-LANG", "Совещание акима области"),
    ("R-5.43-LANG", "Оперативное совещание")])
def test_materials_of_other_meetings_in_kazakh_and_russian(con, directory, tmp_path, rule_id, meeting):
    records = [{"meeting_type": meeting, "meeting_date": "26.03.2025", "body": b, "material": "Справка",
                "submitted_at": "10.03.2025", "pages": "2", "languages": lang}
               for b, lang in (("Отдел образования", "kk, ru"), ("Отдел культуры", "ru"), ("Отдел ЖКХ", "kk"))]
    flags(con, directory, tmp_path, "materials", records, rule_id)
    assert {r[0] for r in rows(con, "select actual_value from violations")} == {"ru", "kk"}


def test_r_5_14_speech_for_the_regional_meeting(con, directory, tmp_path):
    records = [{"meeting_type": "Совещание акима области", "meeting_date": "26.03.2025", "body": b,
                "material": "Доклад", "submitted_at": "10.03.2025", "pages": p, "languages": "kk, ru"}
               for b, p in (("Отдел образования", "1,5"), ("Отдел культуры", "2"))]
    flags(con, directory, tmp_path, "materials", records, "R-5.14-SPEECH")
    assert [r[0] for r in rows(con, "select actual_value from violations")] == ["2.0"]


def test_meetings_held_monthly_and_weekly(con, directory, tmp_path):
    """R-5.1: a session every month; R-5.23: an apparatus meeting every week with working days."""
    dates = {"Заседание акимата": ["15.01.2025", "20.03.2025"],  # none in February
             "Аппаратное совещание": ["06.01.2025", "13.01.2025", "27.01.2025", "03.02.2025", "10.02.2025",
                                      "17.02.2025", "24.02.2025", "03.03.2025", "10.03.2025", "17.03.2025"]}
    # 24-25.03.2025 are moved days off of Nauryz: that week still has working days (26-28) and is owed
    records = [{"meeting_type": mt, "protocol_no": f"{i}", "meeting_date": d, "protocol_date": d, "item_no": "1",
                "task_text": "x", "executors": "Отдел культуры", "controller": "Орг", "chair": "Аким"}
               for mt, ds in dates.items() for i, d in enumerate(ds, 1)]
    path = tmp_path / "protocols.csv"
    write_export(path, "protocols", records)
    load.load_file(con, path)
    model.build(con, directory)
    run.run(con, ["R-5.1-SESSION", "R-5.23-WEEKLY"], AS_OF, docs_root=None)
    got = rows(con, "select rule_id, reg_no from violations order by 1, 2")
    assert got == [("R-5.1-SESSION", "02.2025"), ("R-5.23-WEEKLY", "20.01.2025–26.01.2025")]


def test_appeal_extension_counts_up_to_two_months(con, directory, tmp_path):
    """appeal_extension_max (60 cd from receipt, APPC art. 76): an extension past it counts up to it."""
    cases = [  # reg no, extended to, answered, flagged
        ("ext-in-cap", "30.04.2025", "30.04.2025", False),
        ("ext-past-cap-ok", "30.05.2025", "05.05.2025", False),  # 05.03 + 60 cd = 04.05 (Sunday) -> 05.05
        ("ext-past-cap-late", "30.05.2025", "06.05.2025", True),
    ]
    records = [appeal(n, "05.03.2025 10:00", "05.03.2025", extended_due_date=ext, answered_at=ans,
                      result="Түсіндірілді") for n, ext, ans, _ in cases]
    got = flags(con, directory, tmp_path, "appeals", records, "APPC-76-ANSWER")
    assert {n for n, *_ in cases if got.get(n, (False,))[0]} == {n for n, *_, f in cases if f}


@pytest.mark.parametrize(("unit", "before", "expected"), [
    # 3 WD after Thursday 20.03.2025: Nauryz and its moved days off (21-25.03) -> 28.03;
    # 3 calendar days: 23.03 (Sunday, holiday) -> the next working day 26.03
    ("wd", False, "2025-03-28"), ("cd", False, "2025-03-26"),
    # 3 WD before Wednesday 26.03: 18.03; 3 cd: 23.03 is a day off -> the working day before, 20.03
    ("wd", True, "2025-03-18"), ("cd", True, "2025-03-20"),
])
def test_terms_in_working_or_calendar_days(con, directory, tmp_path, monkeypatch, unit, before, expected):
    """The unit of a term (data/settings.toml) is read: wd counts working days, cd calendar days."""
    from pipelines import settings
    from pipelines.validate import deadlines

    model.build(con, directory)
    rule = next(r for r in catalogue.load() if r.id == ("R-5.28-MATERIALS" if before else "R-9.9-DELIVERY"))
    monkeypatch.setattr(catalogue.Rule, "term_setting", lambda self: settings.Term(self.term, 3, unit, "R-x", before))
    anchor = "2025-03-26" if before else "2025-03-20"
    relation = (f"select 'x' as record_table, 'x' as record_id, 'x' as reg_no, null as department_code, "
                f"null as source_file, null as sheet, null as row_no, '' as org_name, 'apparatus' as meeting_type, "
                f"date '{anchor}' as anchor_date, null::date as actual_date")
    rule = rule.__class__(**{**rule.__dict__, "relation": relation, "filter": "true"})
    (got,) = rows(con, f"select expected_date::varchar from ({deadlines.family_sql(rule, AS_OF)})")
    assert got == (expected,)


def test_a_term_unit_the_measure_cannot_count_is_refused(monkeypatch):
    from pipelines import settings

    real = settings.term
    monkeypatch.setattr(settings, "term", lambda key: settings.Term(key, 30, "wd", "R-9") if key == "document_default"
                        else real(key))
    with pytest.raises(ValueError, match="document_default must be counted in cd"):
        settings.sql_params()


def test_every_flag_carries_the_organisation_of_its_record(con, ingest, tmp_path):
    # the organisation is written on the flag when it is checked (no join at read time): it must be
    # the one of the record flagged — here an export of two organisations, every rule run
    src = (FIXTURES / "marts" / "edms.csv").read_text(encoding="utf-8").splitlines()
    orgs = ["Отырар ауданы", "Другой район"]
    body = [f"{line};{orgs[i % 2]}" for i, line in enumerate(src[2:])]
    (tmp_path / "edms_two_orgs.csv").write_text("\n".join([src[0], src[1] + ";Организация", *body]) + "\n",
                                                encoding="utf-8")
    ingest(tmp_path / "edms_two_orgs.csv", "marts/protocols.csv", "marts/appeals.csv")
    run.run(con, None, AS_OF, docs_root=None)
    by_org = dict(rows(con, "select org_name, count(*) from current_violations group by all"))
    assert by_org.get("Отырар ауданы", 0) > 0 and by_org.get("Другой район", 0) > 0
    assert rows(con, """
        with record_orgs as (
            select 'documents' as record_table, document_id as record_key, org_name from documents
            union all select 'task_assignments', assignment_id, org_name from task_assignments
            union all select 'protocols', protocol_id, org_name from protocols
            union all select 'appeals', appeal_id, org_name from appeals
            union all select 'material_submissions', submission_id, org_name from material_submissions
        )
        select v.rule_id, v.record_id, v.org_name, o.org_name
        from current_violations as v
        inner join record_orgs as o
            on o.record_table = v.record_table
            and o.record_key = case when v.record_table = 'task_assignments'
                                    then split_part(v.record_id, '~', 1) else v.record_id end
        where v.org_name is distinct from coalesce(o.org_name, '')""") == []


def test_the_snapshot_lists_the_same_current_violations_as_a_view(demo_db):
    import duckdb

    from pipelines.publish import public_path

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        main = rows(con, "select * from current_violations order by all")
    finally:
        con.close()
    snap = duckdb.connect(str(public_path(demo_db)), read_only=True)
    try:
        assert rows(snap, "select table_type from information_schema.tables "
                          "where table_name = 'current_violations'") == [("VIEW",)]
        assert len(main) > 1000 and rows(snap, "select * from current_violations order by all") == main
    finally:
        snap.close()
