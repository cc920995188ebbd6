"""Service files: a bad file names the file, the line and the field; every cross-reference is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from diwan.catalogue.actions import catalogue_sync, check_directory, load_files
from diwan.catalogue.models import Service
from diwan.catalogue.schema import ServiceFileError, parse, read_file

PASSPORT = "passport-application.yaml"


def _edit(folder: Path, name: str, change: Any) -> Path:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ServiceFileError) as caught:
        parse(read_file(path, f"services/{path.name}"))
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def test_every_shipped_service_is_valid() -> None:
    from diwan.catalogue.actions import services_dir

    loaded = load_files(services_dir())
    assert len(loaded) >= 12
    assert len({definition.agency for _, definition in loaded}) >= 6


def test_a_wrong_field_type_names_file_line_and_field(services_copy: Path) -> None:
    path = services_copy / PASSPORT
    text = path.read_text(encoding="utf-8").replace("type: national_id", "type: national_number", 1)
    path.write_text(text, encoding="utf-8")
    [problem] = _problems(path)
    line = _line_of(path, "type: national_number")
    assert problem.startswith(f"services/{PASSPORT}:{line}: form.pages[0].fields[1].type: ")
    assert "arabic_name" in problem  # the allowed types are listed


def test_a_missing_translation_names_its_parent_line(services_copy: Path) -> None:
    path = services_copy / PASSPORT
    text = path.read_text(encoding="utf-8").replace("  ckb: داواکاریی پاسپۆرت\n", "", 1)
    path.write_text(text, encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith(f"services/{PASSPORT}:{_line_of(path, 'title:')}: title.ckb: Field required")


def test_an_empty_translation_is_refused(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d["summary"].update(en="  "))
    [problem] = _problems(path)
    assert "summary.en" in problem


def test_a_negative_fee_and_an_unknown_key_are_refused(services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["fee_iqd"] = -5
        data["fees"] = 3

    problems = _problems(_edit(services_copy, PASSPORT, change))
    assert any(": fee_iqd: " in p for p in problems)
    assert any(": fees: Extra inputs are not permitted" in p for p in problems)


def test_yaml_syntax_error_gives_the_line(services_copy: Path) -> None:
    path = services_copy / PASSPORT
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "  en: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith(f"services/{PASSPORT}:")
    assert "not valid YAML" in problem


def test_code_must_match_the_file_name(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d.update(code="passport"))
    [problem] = _problems(path)
    assert f"services/{PASSPORT}:{_line_of(path, 'code: passport')}: code: " in problem


def test_show_if_must_refer_to_an_earlier_field(services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["form"]["pages"][1]["fields"][1]["show_if"] = {"field": "photo", "equals": "x"}

    [problem] = _problems(_edit(services_copy, PASSPORT, change))
    assert "form.pages[1].fields[1].show_if.field: show_if refers to 'photo', not an earlier field" in problem


def test_show_if_value_must_be_a_choice(services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["form"]["pages"][1]["fields"][1]["show_if"] = {"field": "kind", "in": ["renewal", "stolen"]}

    [problem] = _problems(_edit(services_copy, PASSPORT, change))
    assert "'stolen' is not a choice of 'kind'" in problem


def test_stage_role_must_be_a_directory_role(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d["workflow"]["stages"][0].update(role="boss"))
    [problem] = _problems(path)
    assert "workflow.stages[0].role: Input should be" in problem


def test_citizen_cannot_be_a_stage_role(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d["workflow"]["stages"][0].update(role="citizen"))
    [problem] = _problems(path)
    assert "workflow.stages[0].role: a stage is acted on by staff" in problem


def test_stage_time_limits_must_fit_in_the_legal_limit(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d.update(legal_time_limit_days=11))
    [problem] = _problems(path)
    assert "workflow.stages: the stages' time limits add up to 12 working days" in problem
    assert f"services/{PASSPORT}:{_line_of(path, '  stages:')}:" in problem


def test_validators_must_suit_the_field_type(services_copy: Path) -> None:
    path = _edit(
        services_copy, PASSPORT, lambda d: d["form"]["pages"][1]["fields"][2].update(validators={"min": 1})
    )
    [problem] = _problems(path)
    assert "form.pages[1].fields[2].validators: min and max apply to number fields only" in problem


def test_a_file_field_needs_its_rules_and_duplicate_names_are_refused(services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["form"]["pages"][2]["fields"][0]["file"]
        data["form"]["pages"][2]["fields"][1]["name"] = "photo"

    problems = _problems(_edit(services_copy, PASSPORT, change))
    assert any("form.pages[2].fields[0].file: a file field needs" in p for p in problems)
    assert any("form.pages[2].fields[1].name: field name 'photo' is used twice" in p for p in problems)


def test_file_types_and_size_are_bounded(services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["form"]["pages"][2]["fields"][0]["file"] = {"allowed_types": ["exe"], "max_size_mb": 500}

    problems = _problems(_edit(services_copy, PASSPORT, change))
    assert any("form.pages[2].fields[0].file.allowed_types[0]" in p for p in problems)
    assert any("form.pages[2].fields[0].file.max_size_mb" in p for p in problems)


def test_rejecting_needs_rejection_reasons(services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d["workflow"].update(rejection_reasons=[]))
    problems = _problems(path)
    assert any("workflow.stages[0].actions: a stage that may reject" in p for p in problems)


@pytest.mark.django_db
def test_unknown_agency_is_refused_at_sync(directory: None, services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d.update(agency="MOX"))
    file = read_file(path, f"services/{path.name}")
    [problem] = check_directory(file, parse(file))
    line = _line_of(path, "agency: MOX")
    assert str(problem) == f"services/{PASSPORT}:{line}: agency: no agency 'MOX' in the directory"


@pytest.mark.django_db
def test_routing_names_every_governorate_without_an_office(directory: None, services_copy: Path) -> None:
    path = _edit(services_copy, PASSPORT, lambda d: d["routing"].update(office="CS-{governorate}"))
    file = read_file(path, f"services/{path.name}")
    [problem] = check_directory(file, parse(file))
    assert problem.field == "routing.office"
    for governorate in ("EBL", "SUL", "DUK", "HLB"):  # MOI has no civil status office in the Region
        assert f"{governorate} (MOI/CS-{governorate})" in problem.message
    assert "BGD" not in problem.message
    assert problem.line == _line_of(path, "office: CS-{governorate}")


@pytest.mark.django_db
def test_not_offered_in_silences_missing_governorates(directory: None, services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["routing"].update(office="CS-{governorate}", not_offered_in=["EBL", "SUL", "DUK", "HLB"])

    file = read_file(_edit(services_copy, PASSPORT, change), PASSPORT)
    assert check_directory(file, parse(file)) == []


@pytest.mark.django_db
def test_stage_and_consultation_offices_must_exist(directory: None, services_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["workflow"]["stages"][2]["office"] = "NOWHERE"
        data["workflow"]["stages"][1]["consultations"] = [
            {"agency": "IQ-POLICE", "office": "NOPE", "question": data["title"], "time_limit_days": 2}
        ]

    file = read_file(_edit(services_copy, PASSPORT, change), PASSPORT)
    problems = [p.field for p in check_directory(file, parse(file))]
    assert problems == ["workflow.stages[1].consultations[0].office", "workflow.stages[2].office"]


@pytest.mark.django_db
def test_one_bad_file_publishes_nothing(directory: None, services_copy: Path) -> None:
    _edit(services_copy, PASSPORT, lambda d: d.update(agency="MOX"))
    with pytest.raises(ServiceFileError):
        catalogue_sync(actor=None, directory=services_copy)
    assert Service.objects.count() == 0
