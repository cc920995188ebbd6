"""`missing_answers` re-checks stored answers with fields built once (forms._checking_field), not with a
page form per page: it must say exactly what binding each visible page's form to the stored answers says —
the same problems, in the same order, with the same messages — for every service, whatever is stored."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diwan.applications import forms
from diwan.applications.forms import missing_answers, page_form, pages, visible_pages
from tests.applications.test_forms import ALL_SERVICES, complete_answers, definition


def missing_by_page_forms(
    definition: Mapping[str, Any], answers: Mapping[str, Any], attached: AbstractSet[str]
) -> list[tuple[str, str, str]]:
    """The former implementation: every visible page's form bound to the stored answers, first error of
    each field."""
    problems: list[tuple[str, str, str]] = []
    for page, fields in visible_pages(definition, answers):
        data = {
            field["name"]: answers[field["name"]]
            for field in fields
            if field["type"] != forms.FILE and forms._has_answer(answers.get(field["name"]))
        }
        form = page_form(definition, page["key"], answers=answers, data=data, files={}, attached=attached)
        for name in form.fields:
            for error in form.errors.get(name, []):
                problems.append((str(page["key"]), name, str(error)))
                break
    return problems


# Stored values a field may hold: valid and invalid ones of every type, wrong types, empty values.
ODD_VALUES: list[Any] = [
    None,
    "",
    "   ",
    False,
    True,
    [],
    0,
    12,
    -5,
    2.5,
    10**20,
    "abc",
    "A12345678",
    "١٢٣٤",
    "1,250",
    "1990-03-15",
    "15/03/1990",
    "1800-01-01",
    "2020-02-30",
    "علي",
    "علي حسن كاظم الربيعي",
    "Ali Hassan",
    "+9647701234567",
    "07701234567",
    "12345",
    "198501234567",
    "citizen@example.com",
    "bad@",
    "BGD",
    "ZZZ",
    "x" * 600,
    ["x"],
    {"a": 1},
]


def _field_names(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [field for page in pages(data) for field in page["fields"]]


@st.composite
def stored_files(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], set[str], str]:
    code = draw(st.sampled_from(ALL_SERVICES))
    data = definition(code)
    answers, files = complete_answers(code, last_choice=draw(st.booleans()))
    fields = _field_names(data)
    choice_values = [c["value"] for f in fields for c in f.get("choices") or []]
    values = st.sampled_from(ODD_VALUES + choice_values) | st.lists(st.sampled_from(choice_values or ["x"]))
    for field in draw(st.lists(st.sampled_from(fields), max_size=6)):
        if field["type"] == forms.FILE:
            continue
        if draw(st.booleans()):
            answers.pop(field["name"], None)
        else:
            answers[field["name"]] = draw(values)
    file_names = sorted(f["name"] for f in fields if f["type"] == forms.FILE)
    attached = set(draw(st.lists(st.sampled_from(file_names)))) if file_names else set()
    if draw(st.booleans()):
        attached |= files
    return data, answers, attached, draw(st.sampled_from(["ar", "ckb", "en"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored_files())
def test_same_problems_as_the_page_forms(case: tuple[dict[str, Any], dict[str, Any], set[str], str]) -> None:
    data, answers, attached, language = case
    with translation.override(language):
        assert missing_answers(data, answers, attached) == missing_by_page_forms(data, answers, attached)


@pytest.mark.parametrize("code", ALL_SERVICES)
@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
def test_same_problems_for_empty_and_complete_files(code: str, language: str) -> None:
    data = definition(code)
    answers, files = complete_answers(code)
    with translation.override(language):
        for stored, attached in [
            ({}, set()),
            (answers, files),
            (answers, set()),
            ({**answers, "x": 1}, files),
        ]:
            assert missing_answers(data, stored, attached) == missing_by_page_forms(data, stored, attached)


def test_fields_are_built_once_per_field_requirement_and_language(monkeypatch: pytest.MonkeyPatch) -> None:
    data = definition("passport-application")
    answers, files = complete_answers("passport-application")
    built: list[str] = []
    original = forms.build_field

    def counting(field: Mapping[str, Any], **kwargs: Any) -> Any:
        built.append(field["name"])
        return original(field, **kwargs)

    monkeypatch.setattr(forms, "build_field", counting)
    monkeypatch.setattr(forms, "_checking_fields", {})
    with translation.override("en"):
        assert missing_answers(data, answers, files) == []
        first = len(built)
        assert first > 0
        assert missing_answers(definition("passport-application"), answers, files) == []  # another copy
        assert len(built) == first
        missing = missing_answers(data, {}, set())
    with translation.override("ar"):
        arabic = missing_answers(data, {}, set())
    # Labels are part of the messages: each language has its own fields.
    assert [m for _p, _n, m in missing] != [m for _p, _n, m in arabic]
    assert "Upload “Recent photo on a white background”." in [m for _p, _n, m in missing]


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms, "_checking_fields", {})
    monkeypatch.setattr(forms, "CHECKING_FIELDS_MAX", 3)
    data = definition("passport-application")
    with translation.override("en"):
        for _ in range(3):
            missing_answers(data, {}, set())
            assert 0 < len(forms._checking_fields) <= 3
