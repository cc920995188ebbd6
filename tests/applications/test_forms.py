"""Page forms built from real service definitions (services/*.yaml): every field type, show_if, answers."""

from __future__ import annotations

import copy
import datetime as dt
import json
import struct
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation

from diwan.applications import forms
from diwan.applications.forms import (
    answer_display,
    merge_answers,
    missing_answers,
    page_after,
    page_before,
    page_form,
    page_of,
    pages,
    visible_fields,
)
from diwan.catalogue.actions import canonical
from diwan.catalogue.schema import parse, read_file
from diwan.core.errors import NotFound, ValidationFailed

SERVICES = Path(__file__).resolve().parents[2] / "services"
ALL_SERVICES = sorted(path.stem for path in SERVICES.glob("*.yaml"))


@cache
def _definition(code: str) -> dict[str, Any]:
    return canonical(parse(read_file(SERVICES / f"{code}.yaml", f"services/{code}.yaml")))


def definition(code: str) -> dict[str, Any]:
    return copy.deepcopy(_definition(code))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    header = struct.pack("!IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


# Valid answers for every field, by type (a pattern gets a value that matches it).
PATTERN_VALUES = {
    "^[A-Z][0-9]{8}$": "A12345678",
    "^[A-HJ-NPR-Z0-9]{17}$": "1HGCM82633A004352",
    "^[0-9]{5,12}$": "1234567",
    "^[0-9/ -]+$": "12/345",
}


def valid_answer(field: dict[str, Any], *, last_choice: bool = False) -> Any:
    kind = field["type"]
    rules = field.get("validators") or {}
    if kind == "text":
        if rules.get("pattern"):
            return PATTERN_VALUES[rules["pattern"]]
        return "A valid answer text"
    if kind == "arabic_name":
        return "علي حسن كاظم الربيعي"
    if kind == "address":
        return "بغداد، الكرادة، شارع ٦٢، دار ١٤"
    if kind == "number":
        low, high = rules.get("min"), rules.get("max")
        value = int(low) if low is not None else 1
        assert high is None or value <= high
        return value
    if kind == "date":
        return "2020-01-15"
    if kind == "choice":
        return field["choices"][-1 if last_choice else 0]["value"]
    if kind == "multi_choice":
        return [choice["value"] for choice in field["choices"]]
    if kind == "governorate":
        return "BGD"
    if kind == "national_id":
        return "198501234567"
    if kind == "phone":
        return "+9647701234567"
    if kind == "email":
        return "citizen@example.com"
    if kind == "declaration":
        return True
    raise AssertionError(kind)


def complete_answers(code: str, *, last_choice: bool = False) -> tuple[dict[str, Any], set[str]]:
    """Answers filled page by page, the way a citizen would: conditions see the answers so far."""
    data = definition(code)
    answers: dict[str, Any] = {}
    files: set[str] = set()
    for page in pages(data):
        before = -1
        while before != len(answers) + len(files):  # a choice may reveal a field further down the page
            before = len(answers) + len(files)
            form = page_form(data, page["key"], answers=answers)
            for name, field in form.field_defs.items():
                if field["type"] == "file":
                    files.add(name)
                elif name not in answers:
                    answers[name] = valid_answer(field, last_choice=last_choice)
    return answers, files


def field_def(code: str, name: str) -> dict[str, Any]:
    for field in visible_fields(definition(code), {}) + [
        f for page in pages(definition(code)) for f in page["fields"]
    ]:
        if field["name"] == name:
            return field
    raise KeyError(name)


def bind(
    code: str, page: str, data: dict[str, Any], *, answers: dict[str, Any] | None = None, **kw: Any
) -> forms.PageForm:
    return page_form(definition(code), page, answers=answers or {}, data=data, **kw)


def first_error(form: forms.PageForm, name: str) -> str:
    assert not form.is_valid()
    return str(form.errors[name][0])


# --- every service, every page --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_SERVICES)
@pytest.mark.parametrize("last_choice", [False, True])
def test_every_service_can_be_completed(code: str, last_choice: bool) -> None:
    answers, files = complete_answers(code, last_choice=last_choice)
    data = definition(code)
    assert missing_answers(data, answers, files) == []
    for page in pages(data):
        form = page_form(data, page["key"], answers=answers, data=dict(answers), files={}, attached=files)
        assert form.is_valid(), (page["key"], form.errors)
        for name, value in form.cleaned_answers().items():
            assert answers[name] == value


@pytest.mark.parametrize("code", ALL_SERVICES)
def test_an_empty_application_misses_every_required_field(code: str) -> None:
    data = definition(code)
    missing = missing_answers(data, {}, set())
    required = [f["name"] for f in visible_fields(data, {}) if f.get("required", True)]
    assert [name for _page, name, _message in missing] == required
    assert all(message for _page, _name, message in missing)
    assert {page for page, _name, _message in missing} <= {p["key"] for p in pages(data)}


# --- field types ----------------------------------------------------------------------------------------


def test_labels_hints_and_initial_values_come_from_the_definition_in_the_language() -> None:
    data = definition("passport-application")
    answers = {"full_name": "علي حسن كاظم", "phone": "+9647701234567", "governorate": "BSR"}
    english = page_form(data, "applicant", answers=answers, language="en")
    arabic = page_form(data, "applicant", answers=answers, language="ar")
    assert english.fields["full_name"].label == "Full name (four parts and surname)"
    assert arabic.fields["full_name"].label == "الاسم الرباعي واللقب"
    assert english.title == "About you"
    assert english.fields["full_name"].initial == "علي حسن كاظم"
    assert english.fields["phone"].initial == "0770 123 4567"  # shown the way Iraqis write it
    assert english.fields["governorate"].initial == "BSR"
    assert list(english.fields) == ["full_name", "national_id", "phone", "governorate", "email"]
    assert english.fields["email"].required is False


def test_arabic_name_normalises_spacing_and_refuses_other_scripts() -> None:
    form = bind("passport-application", "applicant", {"full_name": "  علي   حسن\u200f كاظم  عبد-الله  "})
    form.is_valid()
    assert form.cleaned_data["full_name"] == "علي حسن كاظم عبد-الله"
    for wrong in ("Ali Hassan Kadhim", "علي حسن 1990", "علي <script>", "-- .. --"):
        form = bind("passport-application", "applicant", {"full_name": wrong})
        assert "Arabic letters" in first_error(form, "full_name"), wrong
    form = bind("passport-application", "applicant", {"full_name": "علي"})
    assert "at least 8 characters" in first_error(form, "full_name")  # min_length from the definition
    form = bind("passport-application", "applicant", {"full_name": "ع " * 100})
    assert "at most 120 characters" in first_error(form, "full_name")


def test_kurdish_letters_and_zwnj_are_arabic_script() -> None:
    form = bind("passport-application", "applicant", {"full_name": "ڕێبوار ئەحمەد مە\u200cحمود"})
    form.is_valid()
    assert "full_name" not in form.errors


def test_text_pattern_and_arabic_indic_digits() -> None:
    answers = {"kind": "renewal"}
    form = bind(
        "passport-application",
        "passport",
        {"kind": "renewal", "old_passport_number": "a1234"},
        answers=answers,
    )
    assert "expected format" in first_error(form, "old_passport_number")
    form = bind("driving-licence-renewal", "licence", {"licence_number": "١٢٣٤٥٦٧"})
    form.is_valid()
    assert (
        form.cleaned_data["licence_number"] == "1234567"
    )  # the pattern wants digits: Arabic-Indic ones become ASCII


def test_text_refuses_a_list_from_json() -> None:
    form = bind("driving-licence-renewal", "licence", {"licence_number": ["1234567"]})
    assert "licence_number" in form.errors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("120", 120),
        ("١٢٠", 120),
        ("۱۲۰", 120),
        ("1,500", 1500),
        ("١٬٥٠٠", 1500),
        ("150.5", 150.5),
        ("٧٥٫٥", 75.5),
        (200, 200),
    ],
)
def test_number_accepts_what_people_type(typed: Any, expected: float) -> None:
    form = bind("building-permit", page_with("building-permit", "area_m2"), {"area_m2": typed})
    form.is_valid()
    assert form.cleaned_data["area_m2"] == expected
    assert type(form.cleaned_data["area_m2"]) is type(expected)


@pytest.mark.parametrize("typed", ["abc", "12a", "1.2.3", "1e5", True, "9" * 16, ["1"]])
def test_number_refuses_what_is_not_a_number(typed: Any) -> None:
    form = bind("building-permit", page_with("building-permit", "area_m2"), {"area_m2": typed})
    assert "Enter a number" in first_error(form, "area_m2")


def test_number_min_and_max_from_the_definition() -> None:
    assert first_error(
        bind("building-permit", page_with("building-permit", "area_m2"), {"area_m2": "19"}), "area_m2"
    ) == ("Enter a number between 20 and 5000.")
    assert "between 20 and 5000" in first_error(
        bind("building-permit", page_with("building-permit", "area_m2"), {"area_m2": "5001"}), "area_m2"
    )
    form = bind(
        "company-registration", page_with("company-registration", "capital_iqd"), {"capital_iqd": "999999"}
    )
    assert first_error(form, "capital_iqd") == "Enter a number of at least 1000000."


def page_with(code: str, name: str) -> str:
    found = page_of(definition(code), name)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1990-03-15", "1990-03-15"),
        ("15/03/1990", "1990-03-15"),
        ("١٥/٠٣/١٩٩٠", "1990-03-15"),
        ("٢٠٢٠-٠١-٠٢", "2020-01-02"),
        ("1990-3-5", "1990-03-05"),
        ("1990/03/15", "1990-03-15"),
    ],
)
def test_date_accepts_iso_and_day_first(typed: str, expected: str) -> None:
    page = page_with("passport-application", "birth_date")
    form = bind("passport-application", page, {"kind": "first", "birth_date": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_answers()["birth_date"] == expected


@pytest.mark.parametrize(
    "typed",
    ["1990-02-30", "15-3", "yesterday", "1990/03/15x", "03/15/1990", "2020-W03-1", "20200115", "15/3/90"],
)
def test_date_refuses_what_is_not_a_date(typed: str) -> None:
    page = page_with("passport-application", "birth_date")
    form = bind("passport-application", page, {"kind": "first", "birth_date": typed})
    assert "Enter a real date" in first_error(form, "birth_date")


def test_date_bounds_and_input_type() -> None:
    page = page_with("passport-application", "birth_date")
    form = bind("passport-application", page, {"kind": "first", "birth_date": "1899-12-31"})
    assert first_error(form, "birth_date") == "Enter a date between 1900-01-01 and 2100-12-31."
    html = str(form["birth_date"])
    assert 'type="date"' in html
    assert 'min="1900-01-01"' in html


def test_choice_is_radio_and_refuses_unknown_values() -> None:
    form = bind("passport-application", "passport", {"kind": "spaceship"})
    assert first_error(form, "kind") == "Choose one of the answers listed."
    assert 'type="radio"' in str(form["kind"])
    form = bind("passport-application", "passport", {})
    assert first_error(form, "kind") == "Choose an answer for “Type of application”."


def test_multi_choice_is_checkboxes_and_gives_a_list() -> None:
    page = page_with("social-protection-application", "category")
    field = field_def("social-protection-application", "category")
    values = [c["value"] for c in field["choices"]]
    query = QueryDict(mutable=True)
    query.setlist("category", values[:2])
    base, _files = complete_answers("social-protection-application")
    data = {k: v for k, v in base.items() if page_of(definition("social-protection-application"), k) == page}
    post = QueryDict(mutable=True)
    for key, value in data.items():
        if key != "category":
            post[key] = str(value)
    post.setlist("category", values[:2])
    form = page_form(definition("social-protection-application"), page, answers={}, data=post)
    assert form.is_valid(), form.errors
    assert form.cleaned_answers()["category"] == values[:2]
    assert 'type="checkbox"' in str(form["category"])
    post.setlist("category", ["not_a_value"])
    form = page_form(definition("social-protection-application"), page, answers={}, data=post)
    assert first_error(form, "category") == "Choose one of the answers listed."


def test_governorate_choices_are_the_governorates() -> None:
    form = bind("passport-application", "applicant", {"governorate": "XXX"})
    assert first_error(form, "governorate") == "Choose a governorate from the list."
    form = bind("passport-application", "applicant", {"governorate": "SUL"})
    form.is_valid()
    assert form.cleaned_data["governorate"] == "SUL"
    assert len(form.fields["governorate"].choices) == 20  # 19 governorates and "choose"


@pytest.mark.parametrize("typed", ["١٩٨٥٠١٢٣٤٥٦٧", "۱۹۸۵۰۱۲۳۴۵۶۷", "1985 0123 4567", "198501234567"])
def test_national_id_accepts_arabic_indic_digits(typed: str) -> None:
    form = bind("passport-application", "applicant", {"national_id": typed})
    form.is_valid()
    assert form.cleaned_data["national_id"] == "198501234567"


@pytest.mark.parametrize(
    ("typed", "message"), [("19850123456", "exactly 12 digits"), ("19850123456X", "digits only")]
)
def test_national_id_refuses_the_wrong_shape(typed: str, message: str) -> None:
    form = bind("passport-application", "applicant", {"national_id": typed})
    assert message in first_error(form, "national_id")


@pytest.mark.parametrize("typed", ["٠٧٧٠ ١٢٣ ٤٥٦٧", "07701234567", "+964 770 123 4567", "00964۷۷۰۱۲۳۴۵۶۷"])
def test_phone_is_normalised_to_e164(typed: str) -> None:
    form = bind("passport-application", "applicant", {"phone": typed})
    form.is_valid()
    assert form.cleaned_data["phone"] == "+9647701234567"


@pytest.mark.parametrize("typed", ["0770123", "+44 7700 900123", "07201234567"])
def test_phone_refuses_non_iraqi_mobiles(typed: str) -> None:
    form = bind("passport-application", "applicant", {"phone": typed})
    assert "phone" in form.errors


def test_email_optional_and_checked() -> None:
    form = bind("passport-application", "applicant", {"email": "not-an-address"})
    assert first_error(form, "email") == "Enter an e-mail address like name@example.com."
    answers, _files = complete_answers("passport-application")
    data = {k: answers[k] for k in ("full_name", "national_id", "phone", "governorate")}
    form = bind("passport-application", "applicant", data)
    assert form.is_valid(), form.errors
    assert form.cleaned_answers()["email"] is None  # an optional field left empty overwrites the old answer


def test_address_is_a_textarea_with_tidy_lines() -> None:
    code = next(
        c
        for c in ALL_SERVICES
        if any(f["type"] == "address" for p in pages(definition(c)) for f in p["fields"])
    )
    field = next(f for p in pages(definition(code)) for f in p["fields"] if f["type"] == "address")
    page = page_with(code, field["name"])
    form = bind(code, page, {field["name"]: "  بغداد   الكرادة \r\n\r\n  شارع ٦٢  "})
    form.is_valid()
    assert form.cleaned_data[field["name"]] == "بغداد الكرادة\nشارع ٦٢"
    assert "<textarea" in str(form[field["name"]])


def test_declaration_must_be_ticked() -> None:
    code = "passport-application"
    field = next(f for p in pages(definition(code)) for f in p["fields"] if f["type"] == "declaration")
    page = page_with(code, field["name"])
    form = bind(code, page, {})
    assert first_error(form, field["name"]) == "Tick the box to confirm the declaration."
    form = bind(code, page, {field["name"]: "on"})
    assert form.is_valid()
    assert form.cleaned_answers() == {field["name"]: True}
    form = bind(code, page, {field["name"]: True})  # JSON
    assert form.is_valid()


def test_required_file_field_and_an_existing_attachment() -> None:
    answers = {"kind": "first"}
    form = bind("passport-application", "documents", {}, answers=answers, files={})
    assert first_error(form, "photo") == "Upload “Recent photo on a white background”."
    assert "JPEG, PNG, up to 2 MB" in form.fields["photo"].help_text
    assert 'accept="image/jpeg,.jpg,.jpeg,.jpe,image/png,.png"' in str(form["photo"])
    form = bind(
        "passport-application",
        "documents",
        {},
        answers=answers,
        files={},
        attached={"photo", "national_card"},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_answers() == {}  # files are never answers
    assert form.uploads() == {}


def test_file_field_checks_the_content_not_the_name() -> None:
    answers = {"kind": "first"}
    fake = SimpleUploadedFile("photo.png", b"just some text, not an image", content_type="image/png")
    form = bind(
        "passport-application",
        "documents",
        {},
        answers=answers,
        files={"photo": fake},
        attached={"national_card"},
    )
    assert "not one of the accepted types (JPEG, PNG)" in first_error(form, "photo")
    real = SimpleUploadedFile("photo.pdf", png_bytes(), content_type="application/pdf")
    form = bind(
        "passport-application",
        "documents",
        {},
        answers=answers,
        files={"photo": real},
        attached={"national_card"},
    )
    assert form.is_valid(), form.errors
    assert form.uploads() == {"photo": real}
    big = SimpleUploadedFile("photo.png", png_bytes() + b"\0" * (2 * 1024 * 1024), content_type="image/png")
    form = bind(
        "passport-application",
        "documents",
        {},
        answers=answers,
        files={"photo": big},
        attached={"national_card"},
    )
    assert "The limit is 2 MB" in first_error(form, "photo")
    empty = SimpleUploadedFile("photo.png", b"", content_type="image/png")
    form = bind(
        "passport-application",
        "documents",
        {},
        answers=answers,
        files={"photo": empty},
        attached={"national_card"},
    )
    assert "empty" in first_error(form, "photo")


def test_errors_are_wired_for_screen_readers() -> None:
    form = bind("passport-application", "applicant", {"national_id": "12"})
    form.is_valid()
    attrs = form.fields["national_id"].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"].endswith("id_national_id-error")


def test_add_action_error_puts_a_refusal_on_its_field() -> None:
    form = bind(
        "passport-application",
        "documents",
        {},
        answers={"kind": "first"},
        files={},
        attached={"photo", "national_card"},
    )
    assert form.is_valid()
    form.add_action_error(ValidationFailed("The virus check found X.", field="photo", code="malware"))
    assert form.errors["photo"] == ["The virus check found X."]
    form.add_action_error(ValidationFailed("Something else."))
    assert form.non_field_errors() == ["Something else."]


# --- show_if --------------------------------------------------------------------------------------------


def test_hidden_field_is_not_in_the_form_and_not_required() -> None:
    data = definition("passport-application")
    form = page_form(data, "passport", answers={}, data={"kind": "first", "birth_date": "1990-01-01"})
    assert "old_passport_number" not in form.fields
    assert form.is_valid(), form.errors
    form = page_form(data, "passport", answers={}, data={"kind": "renewal", "birth_date": "1990-01-01"})
    assert first_error(form, "old_passport_number") == "Enter “Previous passport number”."


def test_condition_on_the_same_page_follows_the_submitted_value_not_the_stored_one() -> None:
    data = definition("passport-application")
    stored = {"kind": "renewal", "old_passport_number": "A12345678"}
    shown = page_form(data, "passport", answers=stored)
    assert "old_passport_number" in shown.fields  # unbound: the stored answers decide
    changed = page_form(
        data,
        "passport",
        answers=stored,
        data={"kind": "first", "birth_date": "1990-01-01", "old_passport_number": "A12345678"},
    )
    assert changed.is_valid(), changed.errors
    assert "old_passport_number" not in changed.cleaned_answers()  # hidden: dropped even though it was sent


def test_condition_on_an_earlier_page_uses_the_stored_answers() -> None:
    data = definition("passport-application")
    assert "police_report" not in page_form(data, "documents", answers={"kind": "renewal"}).fields
    assert "police_report" in page_form(data, "documents", answers={"kind": "lost"}).fields


def test_condition_on_a_multi_choice_field_matches_any_ticked_value() -> None:
    data = definition("social-protection-application")
    page = page_with("social-protection-application", "medical_committee")
    category = field_def("social-protection-application", "category")
    others = [c["value"] for c in category["choices"] if c["value"] != "disability"]
    assert "medical_committee" not in page_form(data, page, answers={"category": others}).fields
    assert (
        "medical_committee" in page_form(data, page, answers={"category": [others[0], "disability"]}).fields
    )


def test_a_condition_on_a_hidden_field_is_false() -> None:
    data = definition("passport-application")
    data["form"]["pages"][1]["fields"].append(
        {
            "name": "chained",
            "type": "text",
            "label": {"ar": "س", "ckb": "س", "en": "Chained"},
            "required": True,
            "show_if": {"field": "old_passport_number", "in": ["A12345678"]},
        }
    )
    names = [f["name"] for f in visible_fields(data, {"kind": "first", "old_passport_number": "A12345678"})]
    assert "old_passport_number" not in names
    assert "chained" not in names  # its target is hidden, whatever stale value it has
    names = [f["name"] for f in visible_fields(data, {"kind": "lost", "old_passport_number": "A12345678"})]
    assert "chained" in names


def test_declaration_condition_compares_booleans_only() -> None:
    assert forms._condition_holds({"field": "x", "equals": True}, True)
    assert not forms._condition_holds({"field": "x", "equals": True}, False)
    assert not forms._condition_holds({"field": "x", "equals": "1"}, True)
    assert not forms._condition_holds({"field": "x", "in": ["a"]}, None)


def test_merge_answers_drops_answers_of_fields_now_hidden() -> None:
    data = definition("passport-application")
    stored = {"kind": "lost", "old_passport_number": "A12345678", "full_name": "علي حسن كاظم"}
    merged = merge_answers(data, stored, {"kind": "first", "birth_date": "1990-01-01"})
    assert merged == {"kind": "first", "birth_date": "1990-01-01", "full_name": "علي حسن كاظم"}
    assert merge_answers(data, {"unknown": 1}, {}) == {}


def test_hidden_required_field_is_not_missing() -> None:
    data = definition("passport-application")
    answers, files = complete_answers("passport-application")
    assert answers["kind"] == "first"
    assert "old_passport_number" not in answers
    assert "police_report" not in files
    assert missing_answers(data, answers, files) == []
    lost = {**answers, "kind": "lost"}
    missing = missing_answers(data, lost, files)
    assert [(p, n) for p, n, _m in missing] == [
        ("passport", "old_passport_number"),
        ("documents", "police_report"),
    ]


# --- missing answers ------------------------------------------------------------------------------------


def test_missing_answers_rechecks_stored_answers() -> None:
    data = definition("passport-application")
    answers, files = complete_answers("passport-application")
    stale = {**answers, "national_id": "12345", "governorate": "ZZZ", "birth_date": "1800-01-01"}
    problems = missing_answers(data, stale, files)
    assert [(p, n) for p, n, _m in problems] == [
        ("applicant", "national_id"),
        ("applicant", "governorate"),
        ("passport", "birth_date"),
    ]
    assert "12 digits" in problems[0][2]


def test_missing_answers_names_missing_files_and_declarations() -> None:
    data = definition("passport-application")
    answers, files = complete_answers("passport-application")
    declaration = next(f["name"] for f in visible_fields(data, answers) if f["type"] == "declaration")
    problems = missing_answers(data, {**answers, declaration: False}, files - {"photo"})
    assert [(n, m) for _p, n, m in problems] == [
        ("photo", "Upload “Recent photo on a white background”."),
        (declaration, "Tick the box to confirm the declaration."),
    ]


# --- pages ----------------------------------------------------------------------------------------------


def test_page_navigation() -> None:
    data = definition("passport-application")
    keys = [p["key"] for p in pages(data)]
    assert page_after(data, keys[0]) == keys[1]
    assert page_after(data, keys[-1]) is None
    assert page_before(data, keys[0]) is None
    assert page_before(data, keys[1]) == keys[0]
    assert page_of(data, "police_report") == "documents"
    assert page_of(data, "nothing") is None
    with pytest.raises(NotFound):
        page_after(data, "nowhere")
    with pytest.raises(NotFound):
        page_form(data, "nowhere", answers={})


def test_page_navigation_skips_pages_with_nothing_to_ask() -> None:
    data = definition("passport-application")
    data["form"]["pages"].insert(
        2,
        {
            "key": "lost_details",
            "title": {"ar": "ف", "ckb": "ف", "en": "Lost"},
            "fields": [
                {
                    "name": "where_lost",
                    "type": "text",
                    "label": {"ar": "أين", "ckb": "لە کوێ", "en": "Where"},
                    "required": True,
                    "show_if": {"field": "kind", "equals": "lost"},
                }
            ],
        },
    )
    assert page_after(data, "passport", answers={"kind": "first"}) == "documents"
    assert page_before(data, "documents", answers={"kind": "first"}) == "passport"
    assert page_after(data, "passport", answers={"kind": "lost"}) == "lost_details"
    assert page_after(data, "passport") == "lost_details"


# --- display --------------------------------------------------------------------------------------------


def test_answer_display() -> None:
    kind = field_def("passport-application", "kind")
    assert answer_display(kind, "lost") == "Replacement of a lost passport"
    assert answer_display(kind, "lost", language="ar") == "بدل ضائع"
    assert answer_display(field_def("passport-application", "governorate"), "BSR") == "Basra"
    assert answer_display(field_def("passport-application", "phone"), "+9647701234567") == "0770 123 4567"
    assert answer_display(field_def("passport-application", "email"), None) == "Not answered"
    assert answer_display(field_def("passport-application", "birth_date"), "1990-03-15") == "March 15, 1990"
    assert answer_display(field_def("building-permit", "area_m2"), 150.0) == "150"
    assert answer_display(field_def("building-permit", "area_m2"), 150.5) == "150.5"
    assert (
        answer_display(field_def("marriage-contract-registration", "dowry_iqd"), 0) == "0"
    )  # 0 is an answer
    declaration = next(
        f for f in visible_fields(definition("passport-application"), {}) if f["type"] == "declaration"
    )
    assert answer_display(declaration, True) == "Yes"
    category = field_def("social-protection-application", "category")
    values = [c["value"] for c in category["choices"]][:2]
    labels = [c["label"] for c in category["choices"]][:2]
    assert answer_display(category, values) == ", ".join(label["en"] for label in labels)
    assert answer_display(category, values, language="ar") == "، ".join(label["ar"] for label in labels)


def test_json_data_from_the_api_is_accepted() -> None:
    answers, files = complete_answers("social-protection-application")
    assert isinstance(answers["category"], list)
    data = definition("social-protection-application")
    for page in pages(data):
        # A plain dict: lists for multi_choice, numbers as numbers, True for declarations.
        form = page_form(data, page["key"], answers={}, data=answers, files={}, attached=files)
        assert form.is_valid(), form.errors
        names = [n for n, f in form.field_defs.items() if f["type"] != "file"]
        assert form.cleaned_answers() == {name: answers[name] for name in names}


def test_cleaned_answers_are_json_safe() -> None:
    answers, files = complete_answers("marriage-contract-registration")
    data = definition("marriage-contract-registration")
    for page in pages(data):
        form = page_form(data, page["key"], answers=answers, data=answers, files={}, attached=files)
        assert form.is_valid(), form.errors
        cleaned = form.cleaned_answers()
        assert json.loads(json.dumps(cleaned)) == cleaned
        for name, field in form.field_defs.items():
            if field["type"] == "date":
                assert isinstance(cleaned[name], str)
                assert dt.date.fromisoformat(cleaned[name])
