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
    assert queries._writes.inserts[(Office, "default", False)] is not None  # the shortcut, not Model.save()
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


def _task_row(**values: Any) -> Any:
    from django_tasks_db.models import DBTaskResult

    fields = {"args_kwargs": {"args": [1], "kwargs": {}}, "task_path": "x.y", "backend_name": "default"}
    return DBTaskResult(**{**fields, **values})


def _stored(instance: Any) -> dict[str, Any]:
    row = dict(type(instance).objects.filter(pk=instance.pk).values().get())
    return {k: v for k, v in row.items() if k not in ("id", "enqueued_at")}


def test_a_client_keyed_row_is_inserted_with_its_key_as_save_inserts_it() -> None:
    """A UUID primary key (a default, or given explicitly): the key is one of the columns; the model's
    pre_save receiver (django-tasks-db sets run_after there) still runs."""
    import uuid

    from django_tasks_db.models import DBTaskResult

    by_save = _task_row()
    by_save.save()
    given = uuid.uuid4()
    made = [_task_row(), _task_row(id=given), _task_row(priority=3)]
    for instance in made:
        key = instance.pk
        insert_instance(instance)
        assert instance.pk == key
        assert not instance._state.adding
        assert instance._state.db == "default"
    assert queries._writes.inserts[(DBTaskResult, "default", True)] is not None  # not Model.save()
    assert made[1].pk == given
    assert _stored(made[0]) == _stored(made[1]) == _stored(by_save)
    assert _stored(made[2]) == {**_stored(by_save), "priority": 3}
    for instance in made:
        assert DBTaskResult.objects.get(pk=instance.pk).enqueued_at == instance.enqueued_at


def _listen(heard: list[tuple[Any, ...]]) -> list[tuple[Any, Any]]:
    def pre(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("pre_save", sender, instance.pk, instance._state.adding, instance._state.db, kwargs))
        instance.governorate = "DHI"  # a receiver's change is what the row gets, as with save()

    def post(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("post_save", sender, instance.pk, instance._state.adding, instance._state.db, kwargs))

    signals.pre_save.connect(pre, sender=Office)
    signals.post_save.connect(post, sender=Office)
    return [(signals.pre_save, pre), (signals.post_save, post)]


def _heard_by(insert: Any, office: Office) -> list[tuple[Any, ...]]:
    heard: list[tuple[Any, ...]] = []
    connected = _listen(heard)
    try:
        insert(office)
    finally:
        for signal, receiver in connected:
            signal.disconnect(receiver, sender=Office)
    # The instance's key after the write stands in for the key it was written with.
    return [(*entry[:2], entry[2] == office.pk, *entry[3:]) for entry in heard]


def test_receivers_hear_what_they_hear_from_save(offices: list[Office]) -> None:
    def new(code: str) -> Office:
        parent = offices[0]
        return Office(agency=parent.agency, parent=parent, code=code, name={"en": "O"}, governorate="BGD")

    by_save = new("by-save")
    expected = _heard_by(lambda office: office.save(), by_save)
    assert [entry[0] for entry in expected] == ["pre_save", "post_save"]
    for n in range(2):  # the second time through the compiled statement
        office = new(f"compiled-{n}")
        assert _heard_by(insert_instance, office) == expected
        assert queries._writes.inserts[(Office, "default", False)] is not None
        written = {**_row(by_save.pk), "id": office.pk, "code": office.code, "created_at": office.created_at}
        assert _row(office.pk) == written
        assert _row(office.pk)["governorate"] == "DHI"


def test_with_receivers_an_expression_still_goes_through_the_orm_and_is_heard_once(
    offices: list[Office],
) -> None:
    from django.db.models import Value
    from django.db.models.functions import Lower

    def new(code: Any) -> Office:
        return Office(agency=offices[0].agency, code=code, name={}, governorate="BGD")

    by_save = new(Lower(Value("BY-SAVE")))
    expected = _heard_by(lambda office: office.save(), by_save)
    office = new(Lower(Value("EXPR")))
    assert _heard_by(insert_instance, office) == expected
    assert Office.objects.get(pk=office.pk).code == "expr"


def test_what_save_does_otherwise_is_left_to_save(offices: list[Office], monkeypatch: Any) -> None:
    # An explicit key on a model whose key has no default: save() tries an UPDATE first.
    existing = offices[3]
    again = Office(pk=existing.pk, agency=existing.agency, code="updated", name={}, governorate="BGD")
    count = Office.objects.count()
    insert_instance(again)
    assert Office.objects.count() == count
    assert Office.objects.get(pk=existing.pk).code == "updated"

    # A save() override runs.
    monkeypatch.setattr(queries, "_plain_savers", {})
    saved: list[str] = []
    original = Office.save

    def save(self: Office, *args: Any, **kwargs: Any) -> None:
        saved.append(self.code)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Office, "save", save)
    insert_instance(Office(agency=existing.agency, code="overridden", name={}, governorate="BGD"))
    assert saved == ["overridden"]
    assert Office.objects.filter(code="overridden").exists()

    # A UUID-keyed instance whose key was cleared: save() sets it from the default.
    monkeypatch.setattr(queries, "_plain_savers", {})
    cleared = _task_row()
    cleared.pk = None
    insert_instance(cleared)
    assert cleared.pk is not None
    assert type(cleared).objects.filter(pk=cleared.pk).exists()
