"""core.queries: a query compiled once returns exactly what the ORM returns for every value, model
instances with their select_related objects included, and keeps the ORM's refusals; a compiled INSERT or
UPDATE writes what Model.save() writes, and leaves signal receivers to Model.save()."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import signals
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from diwan.core import queries
from diwan.core.queries import CompiledRows, insert_instance, insert_rows, update_columns
from diwan.demo.loader import LoadReport, load_directory
from diwan.directory.models import Office

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(db: Any) -> list[Office]:
    load_directory(LoadReport())
    return list(Office.objects.select_related("agency", "parent").order_by("id")[:40])


def _by_codes(lock: bool = False) -> CompiledRows[Office]:
    def build(agency: str, code: str) -> Any:
        found = Office.objects.select_related("agency", "parent")
        if lock:
            found = found.select_for_update(of=("self",))
        return found.filter(agency__code=agency, code=code)

    return CompiledRows(Office, build)


def _fields(office: Office) -> dict[str, Any]:
    return {field.attname: getattr(office, field.attname) for field in Office._meta.concrete_fields}


def test_instances_are_what_the_orm_builds_for_every_value(offices: list[Office]) -> None:
    query = _by_codes()
    for expected in offices:
        (office,) = query(expected.agency.code, expected.code)
        (by_orm,) = query.queryset(expected.agency.code, expected.code)
        assert _fields(office) == _fields(by_orm) == _fields(expected)
        assert office.name == expected.name  # a translated (JSON) field, converted as the ORM converts it
        with CaptureQueriesContext(connection) as reads:
            assert office.agency.name == expected.agency.name  # select_related: no further read
            assert (office.parent.pk if office.parent else None) == expected.parent_id
        assert not reads.captured_queries
        assert office._state.db == "default"
        assert not office._state.adding
    assert query("no-such-agency", offices[0].code) == []


def test_it_is_compiled_once_then_only_run(offices: list[Office]) -> None:
    query = _by_codes()
    query(offices[0].agency.code, offices[0].code)
    compiled = query._local.by_alias["default"]
    for office in offices[1:5]:
        assert query(office.agency.code, office.code)[0].pk == office.pk
    assert query._local.by_alias["default"] is compiled


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction, as a view runs
def test_a_locking_read_runs_only_inside_a_transaction(offices: list[Office]) -> None:
    query = _by_codes(lock=True)
    office = offices[3]
    with transaction.atomic(), CaptureQueriesContext(connection) as reads:
        assert query(office.agency.code, office.code)[0].pk == office.pk
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in reads.captured_queries[-1]["sql"]
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            query(office.agency.code, office.code)  # the ORM refuses this outside a transaction too


def test_every_value_must_appear_exactly_once() -> None:
    once = CompiledRows(Office, lambda agency, code: Office.objects.filter(agency__code=agency))
    with pytest.raises(ValueError, match="exactly once"):
        once("MOI", "PASS-BGD")
    twice = CompiledRows(
        Office, lambda code: Office.objects.filter(code=code) | Office.objects.filter(parent__code=code)
    )
    with pytest.raises(ValueError, match="exactly once"):
        twice("PASS-BGD")


def _row(office_id: int) -> dict[str, Any]:
    return dict(Office.objects.filter(pk=office_id).values().get())


def test_a_compiled_insert_writes_what_save_writes(offices: list[Office]) -> None:
    parent = offices[0]
    made = []
    for n, insert in enumerate([lambda office: office.save(), insert_instance, insert_instance]):
        office = Office(
            agency=parent.agency,
            parent=parent,
            code=f"new-{n}",
            name={"ar": "مكتب", "en": "Office"},
            governorate=parent.governorate,
        )
        insert(office)
        assert office.pk is not None
        assert not office._state.adding
        assert office._state.db == "default"
        made.append(office)
    assert queries._writes.inserts[(Office, "default")] is not None  # the shortcut, not Model.save()
    by_save, *compiled = (_row(office.pk) for office in made)
    for row in compiled:
        assert {k: v for k, v in row.items() if k not in ("id", "code", "created_at")} == {
            k: v for k, v in by_save.items() if k not in ("id", "code", "created_at")
        }
        assert row["name"] == {"ar": "مكتب", "en": "Office"}


def test_a_compiled_update_writes_only_the_named_columns(offices: list[Office]) -> None:
    office, other = offices[5], offices[6]
    before = _row(office.pk)
    office.name = {"ar": "اسم جديد", "en": "New name"}
    office.code = "renamed"
    office.governorate = "BSR"  # changed on the instance, not named: stays as it was in the table
    update_columns(office, ["name", "code"])
    update_columns(office, ["name", "code"])  # the second time through the compiled statement
    assert queries._writes.updates[(Office, ("name", "code"), "default")] is not None
    after = _row(office.pk)
    assert after == {**before, "name": {"ar": "اسم جديد", "en": "New name"}, "code": "renamed"}
    assert _row(other.pk)["code"] == other.code
    gone = Office(pk=10**9, agency=office.agency, code="x", name={}, governorate="BGD")
    gone._state.adding, gone._state.db = False, "default"
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        update_columns(gone, ["name", "code"])


def test_signal_receivers_still_hear_about_the_write(offices: list[Office]) -> None:
    heard: list[tuple[bool, str]] = []

    def receiver(sender: Any, instance: Office, created: bool, **kwargs: Any) -> None:
        heard.append((created, instance.code))

    signals.post_save.connect(receiver, sender=Office)
    try:
        office = Office(agency=offices[0].agency, code="heard", name={}, governorate="BGD")
        insert_instance(office)
        office.code = "heard-again"
        update_columns(office, ["code"])
    finally:
        signals.post_save.disconnect(receiver, sender=Office)
    assert heard == [(True, "heard"), (False, "heard-again")]


def test_compiled_rows_insert_writes_what_bulk_create_writes(offices: list[Office]) -> None:
    parent = offices[0]

    def new(code: str, n: int) -> Office:
        name = {"ar": f"مكتب {n}", "en": f"Office {n}"}
        return Office(agency=parent.agency, parent=parent, code=code, name=name, governorate="NIN")

    Office.objects.bulk_create([new(f"bulk-{n}", n) for n in range(3)])
    for batch in ("a", "b"):  # the second batch through the compiled statement
        made = [new(f"{batch}-{n}", n) for n in range(3)]
        insert_rows(made)
        assert all(not office._state.adding for office in made)
    assert queries._writes.bulk[(Office, "default", 3)] is not None
    rows = {
        office.code: (office.name, office.agency_id, office.parent_id, office.governorate)
        for office in Office.objects.filter(governorate="NIN", parent=parent)
    }
    for n in range(3):
        assert rows[f"a-{n}"] == rows[f"b-{n}"] == rows[f"bulk-{n}"]
