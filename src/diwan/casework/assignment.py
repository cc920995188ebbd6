"""Assignment by rotation (docs/casework.md): a new task goes to the least-loaded eligible official of
the office, ties broken at random, and the reason is written down. Officials never choose a case.

Eligible: holds a position with the stage's role in the task's office today (by membership or by a
delegation), is an active account, has no conflict of interest with the applicant (their own or a
declared relative's national ID), and did not complete an earlier stage of the same file (separation of
duties: the one who reviewed cannot approve).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from diwan.applications.models import Application
from diwan.casework.models import DeclaredRelative, Task, TaskOutcome, TaskStatus
from diwan.core import clock
from diwan.core.db import prepared
from diwan.directory.models import Delegation, Membership, Office
from diwan.directory.selectors import delegation_valid_at, membership_valid_at

_random = random.SystemRandom()  # tie-breaks nobody can predict or replay
LOAD_STATUSES = (TaskStatus.OPEN, TaskStatus.WAITING)


@dataclass(frozen=True)
class Choice:
    user_id: int | None
    reason: str  # for the audit log and the task (English, like every audit detail)
    candidates: int
    load: int | None = None
    tied: int = 0

    def facts(self) -> dict[str, int | None]:
        """The numbers behind the choice, for a translated sentence in the interfaces."""
        return {"eligible": self.candidates, "load": self.load, "tied": self.tied}


def role_holders(office: Office, role: str) -> set[int]:
    """Ids of the active staff who hold `role` in `office` now (membership or delegation)."""
    now = clock.now()
    members = Membership.objects.filter(
        membership_valid_at(now), position__office=office, position__role=role, user__is_active=True
    ).values_list("user_id", flat=True)
    delegates = Delegation.objects.filter(
        delegation_valid_at(now), position__office=office, position__role=role, delegate__is_active=True
    ).values_list("delegate_id", flat=True)
    return set(members) | set(delegates)


def conflicted(user_ids: set[int], application: Application) -> set[int]:
    """Officials among `user_ids` who may not handle the file: it is their own or a declared relative's."""
    if not user_ids:
        return set()
    found = {application.applicant_id} & user_ids
    if application.applicant_nid_index:
        users = (
            get_user_model()
            .objects.filter(pk__in=user_ids, national_id_index=application.applicant_nid_index)
            .values_list("pk", flat=True)
        )
        found |= set(users)
        relatives = DeclaredRelative.objects.filter(
            official_id__in=user_ids, national_id_index=application.applicant_nid_index
        ).values_list("official_id", flat=True)
        found |= set(relatives)
    return found


def earlier_deciders(application: Application, *, before_stage: int) -> set[int]:
    """Officials who completed an earlier stage of this file (separation of duties)."""
    return set(
        Task.objects.filter(
            application=application,
            stage_index__lt=before_stage,
            kind="stage",
            outcome=TaskOutcome.APPROVED,
            closed_by__isnull=False,
        ).values_list("closed_by_id", flat=True)
    )


_ELIGIBLE_SQL = """
WITH holders AS (
    SELECT m.user_id AS id FROM directory_membership m
      JOIN directory_position p ON p.id = m.position_id
     WHERE p.office_id = %(office)s AND p.role = %(role)s
       AND m.valid_from <= %(now)s AND (m.valid_to IS NULL OR m.valid_to > %(now)s)
    UNION
    SELECT d.delegate_id FROM directory_delegation d
      JOIN directory_position p ON p.id = d.position_id
     WHERE p.office_id = %(office)s AND p.role = %(role)s
       AND d.valid_from <= %(now)s AND d.valid_to > %(now)s AND d.ended_at IS NULL
)
SELECT u.id,
       (SELECT COUNT(*) FROM casework_task t WHERE t.assignee_id = u.id AND t.status IN ('open', 'waiting'))
  FROM holders h JOIN accounts_user u ON u.id = h.id
 WHERE u.is_active AND u.id <> %(applicant)s
   AND (%(nid)s = '' OR (
        (u.national_id_index IS NULL OR u.national_id_index <> %(nid)s)
        AND NOT EXISTS (SELECT 1 FROM casework_declaredrelative r
                         WHERE r.official_id = u.id AND r.national_id_index = %(nid)s)))
   AND NOT EXISTS (SELECT 1 FROM casework_task e
                    WHERE e.application_id = %(application)s AND e.kind = 'stage'
                      AND e.stage_index < %(before)s AND e.outcome = 'approved' AND e.closed_by_id = u.id)
"""
# Run as a prepared statement (core.db.prepared, which takes `%s` placeholders): PostgreSQL spends most of
# this query's time planning it — 0.8 ms per run sent as text, 0.2 ms prepared once its generic plan is
# chosen (psql on the bench's seed data) — and it runs in every submission.
_PARAMETER = re.compile(r"%\((\w+)\)s")
_ELIGIBLE_PARAMETERS = _PARAMETER.findall(_ELIGIBLE_SQL)
_ELIGIBLE_POSITIONAL_SQL = _PARAMETER.sub("%s", _ELIGIBLE_SQL)


def eligible_with_loads(task: Task, *, exclude: set[int] | None = None) -> dict[int, int]:
    """{official id: open tasks} of everyone eligible for `task`: holds the role in the office today by
    membership or delegation, active, not the applicant nor someone whose own or declared relative's
    national ID is the applicant's, not a decider of an earlier stage (stages only). One hand-written query:
    this runs inside every submission and every stage change, and the ORM's version cost more to build
    than to run."""
    application = task.application
    params: dict[str, Any] = {
        "office": task.office_id,
        "role": task.role,
        "now": connection.ops.adapt_datetimefield_value(clock.now()),
        "applicant": application.applicant_id,
        "nid": application.applicant_nid_index or "",
        "application": application.pk,
        "before": task.stage_index if task.kind == "stage" else 0,
    }
    rows, _count = prepared.execute(
        connection, _ELIGIBLE_POSITIONAL_SQL, [params[name] for name in _ELIGIBLE_PARAMETERS]
    )
    skip = exclude or set()
    return {int(pk): int(load) for pk, load in rows if int(pk) not in skip}


def eligible(task: Task, *, exclude: set[int] | None = None) -> set[int]:
    return set(eligible_with_loads(task, exclude=exclude))


def choose(task: Task, *, exclude: set[int] | None = None) -> Choice:
    load = eligible_with_loads(task, exclude=exclude)
    if not load:
        return Choice(None, "no eligible official in the office", 0)
    least = min(load.values())
    tied = sorted(user_id for user_id, n in load.items() if n == least)
    picked = _random.choice(tied)
    reason = f"rotation: least loaded ({least} open tasks) of {len(load)} eligible"
    if len(tied) > 1:
        reason += f"; tie among {len(tied)} broken at random"
    return Choice(picked, reason, len(load), least, len(tied))


def supervisors(office: Office, *, exclude: set[int] | None = None) -> list[int]:
    """Who supervises an office's work: its approvers, else those of the nearest parent office."""
    current: Office | None = office
    while current is not None:
        found = role_holders(current, "approver") - (exclude or set())
        if found:
            return sorted(found)
        current = current.parent
    return []


def is_supervisor(user: Any, office: Office) -> bool:
    current: Office | None = office
    while current is not None:
        if user.pk in role_holders(current, "approver"):
            return True
        current = current.parent
    return False
