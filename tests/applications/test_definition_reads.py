"""The actions read a version's definition once per process and version (applications.actions._definitions),
not with every file: the same definition, one read fewer of a few KB of JSONB per action; a version whose
content changed (another content hash) is read again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diwan.applications import actions as applying
from diwan.applications.models import Application
from diwan.catalogue.models import ServiceVersion
from tests.casework.support import complete_draft, make_citizen, set_up_desk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applying, "_definitions", {})


def _reads_definition(queries: list[dict[str, Any]]) -> bool:
    return any('"definition"' in query["sql"] for query in queries)


def test_a_second_file_of_the_version_does_not_read_the_definition_again() -> None:
    set_up_desk()
    first, second = complete_draft(make_citizen()), complete_draft(make_citizen())
    applying._definitions.clear()
    with CaptureQueriesContext(connection) as reads:
        submitted = applying.application_submit(actor=first.applicant, application_id=first.pk)
    assert _reads_definition(reads.captured_queries)
    stored = ServiceVersion.objects.get(pk=first.service_version_id).definition
    assert submitted.definition == stored
    with CaptureQueriesContext(connection) as reads:
        again = applying.application_submit(actor=second.applicant, application_id=second.pk)
    assert not _reads_definition(reads.captured_queries)
    assert again.definition == stored
    assert again.status == "in_progress"


def test_a_version_with_another_content_is_read_again() -> None:
    set_up_desk()
    draft = complete_draft(make_citizen())
    first = applying.draft_save_page(
        actor=draft.applicant, application_id=draft.pk, page_key="purpose", answers={"purpose": "employment"}
    )
    version = ServiceVersion.objects.get(pk=first.service_version_id)
    changed = {**version.definition, "legal_time_limit_days": 99}
    ServiceVersion.objects.filter(pk=version.pk).update(definition=changed, content_hash="changed")
    second = applying.draft_save_page(
        actor=draft.applicant, application_id=draft.pk, page_key="purpose", answers={"purpose": "employment"}
    )
    assert second.definition["legal_time_limit_days"] == 99
    assert first.definition["legal_time_limit_days"] != 99


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    set_up_desk()
    monkeypatch.setattr(applying, "DEFINITIONS_MAX", 1)
    draft = complete_draft(make_citizen())
    version = ServiceVersion.objects.get(pk=draft.service_version_id)
    for n in range(3):
        ServiceVersion.objects.filter(pk=version.pk).update(content_hash=f"hash {n}")
        saved = applying.draft_save_page(
            actor=draft.applicant, application_id=draft.pk, page_key="purpose", answers={"purpose": "study"}
        )
        assert saved.definition == version.definition
        assert len(applying._definitions) == 1


def test_the_version_read_with_a_file_has_no_definition_of_its_own() -> None:
    """The shared definition is what the action's file carries (the column is not read with the file)."""
    set_up_desk()
    draft = complete_draft(make_citizen())
    found = applying._own(draft.applicant, draft.pk)
    assert isinstance(found, Application)
    assert (
        found.service_version.definition
        is applying._definitions[(found.service_version_id, found.service_version.content_hash)]
    )
