"""Assignment by rotation (docs/casework.md): a new task goes to the least-loaded eligible official of
the office, ties broken at random, and the reason is written down. Officials never choose a case.

Eligible: holds a position with the stage's role in the task's office today (by membership or by a
delegation), is an active account, has no conflict of interest with the applicant (their own or a
declared relative's national ID), and did not complete an earlier stage of the same file (separation of
duties: the one who reviewed cannot approve).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from diwan.applications.models import Application
from diwan.casework.models import DeclaredRelative, Task, TaskOutcome, TaskStatus
from diwan.core import clock
from diwan.directory.models import Delegation, Membership, Office
from diwan.directory.selectors import delegation_valid_at, membership_valid_at

_random = random.SystemRandom()  # tie-breaks nobody can predict or replay
LOAD_STATUSES = (TaskStatus.OPEN, TaskStatus.WAITING)


@dataclass(frozen=True)
class Choice:
    user: Any | None
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


def eligible(task: Task, *, exclude: set[int] | None = None) -> set[int]:
    holders = role_holders(task.office, task.role)
    holders -= conflicted(holders, task.application)
    if task.kind == "stage":
        holders -= earlier_deciders(task.application, before_stage=task.stage_index)
    return holders - (exclude or set())


def loads(user_ids: set[int]) -> dict[int, int]:
    counted = (
        Task.objects.filter(assignee_id__in=user_ids, status__in=LOAD_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    found = {row["assignee_id"]: row["n"] for row in counted}
    return {user_id: found.get(user_id, 0) for user_id in user_ids}


def choose(task: Task, *, exclude: set[int] | None = None) -> Choice:
    candidates = eligible(task, exclude=exclude)
    if not candidates:
        return Choice(None, "no eligible official in the office", 0)
    load = loads(candidates)
    least = min(load.values())
    tied = sorted(user_id for user_id, n in load.items() if n == least)
    picked = _random.choice(tied)
    reason = f"rotation: least loaded ({least} open tasks) of {len(candidates)} eligible"
    if len(tied) > 1:
        reason += f"; tie among {len(tied)} broken at random"
    user = get_user_model().objects.get(pk=picked)
    return Choice(user, reason, len(candidates), least, len(tied))


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


def q_open_in(office_ids: list[int]) -> Q:
    return Q(
        office_id__in=office_ids, status__in=(TaskStatus.OPEN, TaskStatus.WAITING, TaskStatus.WITH_CITIZEN)
    )
