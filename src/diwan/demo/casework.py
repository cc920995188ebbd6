"""Demo applications run through the real actions over the last months (`diwan demo-data`).

About 2,000 applications to the 12 services are *lived*, not inserted: each is started, filled in page by
page (answers bound to the service's own page forms, small generated PDF/PNG uploads), submitted, routed,
assigned by rotation and worked on by the officials who got it — approved, returned for correction and
corrected, extended, escalated, rejected with reasons; citizens and offices exchange messages; a few files
are opened through break-glass and reviewed by the integrity office. So the audit log, the timelines, the
statutory clocks, the inboxes and the outbox are exactly what the system would hold after those months.

Time is simulated: every step runs under a clock set to its moment (the actions and the models read
`django.utils.timezone.now` through `diwan.core.clock`), in time order across all applications, each step
in its own transaction. The periodic jobs run as they would: overdue stages are escalated once a day
(`tasks_escalate_overdue`), and queued SMS/e-mail are delivered when their transaction commits (what the
task worker does a moment later; the loader is that worker for the simulated past). Whatever falls after
the real "now" does not happen: those files are still waiting, some of them overdue.

Idempotent: each planned application has a fixed start token (`draft_start` returns the existing draft for
it), and plans already present are not run again.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from diwan.accounts.models import User
from diwan.applications import actions as applying
from diwan.applications.forms import page_after, page_form, page_of, pages, visible_fields
from diwan.applications.models import Application, ApplicationStatus
from diwan.casework import actions as casework
from diwan.casework.clock import BAGHDAD
from diwan.casework.deadlines import calendar_of
from diwan.casework.models import BreakGlassAccess, Task, TaskKind, TaskStatus
from diwan.catalogue.actions import route
from diwan.catalogue.models import Service
from diwan.core.errors import DiwanError
from diwan.notifications import actions as notifications

from . import case_content as words
from .answers import Person, page_inputs, upload_for, value_for

TOKEN_NAMESPACE = uuid.UUID("5b0c3f4e-7d1a-4c3e-9a57-64697761e0a1")
OFFICE_OPENS = dt.time(8, 30)  # Baghdad time; officials act between these hours on working days
OFFICE_HOURS = 6.0
IDENTITY_FIELDS = {"full_name", "national_id", "phone", "governorate", "declaration", "email"}


class DemoDataError(RuntimeError):
    """The generated demo data does not fit a service (a bug in the demo content, not in the platform)."""


# --- The plan: what happens to each application ------------------------------------------------------


@dataclass
class StagePlan:
    outcome: str  # approve, reject, return, extend, escalate
    pace: float  # share of the stage's time limit (working days) the official takes to act
    then: str = "approve"  # after an extension, an escalation or a corrected resubmission
    resubmit_days: float | None = None  # after a return: the citizen's correction (None: not yet)


@dataclass
class Plan:
    number: int
    service: str
    citizen: int  # index in the list of people
    started_at: dt.datetime
    submit: bool = True
    pages_done: int = 99  # drafts: how many pages were filled in
    stages: list[StagePlan] = field(default_factory=list)
    message_days: tuple[float, float] | None = None  # citizen writes after x days, office replies y later
    seed: int = 0

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid5(TOKEN_NAMESPACE, f"demo-application-{self.number}")


def _stage_plan(rng: random.Random, index: int, actions: list[str]) -> StagePlan:
    first = index == 0
    r = rng.random()
    outcome = "approve"
    if r < (0.11 if first else 0.04) and "return_for_correction" in actions:
        outcome = "return"
    elif r < (0.155 if first else 0.07) and "reject" in actions:
        outcome = "reject"
    elif r < (0.195 if first else 0.11) and "request_extension" in actions:
        outcome = "extend"
    elif r < (0.225 if first else 0.13) and "escalate" in actions:
        outcome = "escalate"
    u = rng.random()
    if u < 0.72:
        pace = rng.uniform(0.15, 0.9)
    elif u < 0.91:
        pace = rng.uniform(0.9, 1.0)
    else:
        pace = rng.uniform(1.2, 2.6)  # late: overdue before anyone acts
    then = "approve" if rng.random() < 0.9 else "reject"
    resubmit = rng.uniform(0.2, 6.0) if rng.random() < 0.8 else None
    return StagePlan(outcome, pace, then, resubmit)


def make_plans(
    people: list[Person],
    definitions: dict[str, dict[str, Any]],
    offered: dict[str, set[str]],
    now: dt.datetime,
) -> list[Plan]:
    """The same plans every run (seeded), relative to `now`: the showcase citizens' files first."""
    rng = random.Random(words.APPLICATION_SEED)  # noqa: S311 - reproducible demo data, not secrets
    plans = showcase_plans(people, definitions, now)
    by_governorate: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        by_governorate.setdefault(person.governorate, []).append(index)
    governorates = [g for g in words.GOVERNORATE_WEIGHTS if g in by_governorate]
    weights = [words.GOVERNORATE_WEIGHTS[g] for g in governorates]
    services = [code for code in words.SERVICE_WEIGHTS if code in definitions]
    service_weights = [words.SERVICE_WEIGHTS[code] for code in services]
    window = dt.timedelta(days=words.WINDOW_DAYS)
    number = len(plans)
    while len(plans) < words.APPLICATIONS:
        service = rng.choices(services, weights=service_weights)[0]
        governorate = rng.choices(governorates, weights=weights)[0]
        if governorate not in offered[service]:
            continue  # not offered there (e.g. building permits in the Kurdistan Region): ask again
        citizen = rng.choice(by_governorate[governorate])
        # More applications lately (the service is new and spreading): density grows towards today.
        started = now - window + window * math.sqrt(rng.random())
        started = started.replace(hour=rng.choice([7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22]))
        started = started.replace(minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
        if started >= now - dt.timedelta(minutes=30):
            continue
        stages = definitions[service]["workflow"]["stages"]
        draft = rng.random() < words.DRAFT_SHARE
        pages_count = len(definitions[service]["form"]["pages"])
        plans.append(
            Plan(
                number=number,
                service=service,
                citizen=citizen,
                started_at=started,
                submit=not draft,
                pages_done=rng.randint(1, pages_count - 1) if draft else 99,
                stages=[_stage_plan(rng, i, stage["actions"]) for i, stage in enumerate(stages)],
                message_days=(rng.uniform(0.5, 6), rng.uniform(0.2, 3)) if rng.random() < 0.14 else None,
                seed=rng.randrange(2**32),
            )
        )
        number += 1
    return plans


SHOWCASE_CITIZENS = (0, 36)  # the first Arab citizen (Baghdad) and the first Kurdish one (Erbil)


def showcase_plans(
    people: list[Person], definitions: dict[str, dict[str, Any]], now: dt.datetime
) -> list[Plan]:
    """Hand-made files for the citizens printed by `--print-accounts`: one of each kind of state."""
    A, R, E, X, J = "approve", "return", "extend", "escalate", "reject"

    def stages(service: str, *plans: StagePlan) -> list[StagePlan]:
        count = len(definitions[service]["workflow"]["stages"])
        return [*plans, *[StagePlan(A, 0.5) for _ in range(count - len(plans))]]

    def ago(days: float, hour: int = 10) -> dt.datetime:
        moment = (now - dt.timedelta(days=days)).astimezone(BAGHDAD).replace(hour=hour, minute=12)
        return moment.astimezone(dt.UTC)

    later = StagePlan(A, 40.0)  # not before the end of the window: still waiting there
    wanted = [
        # Baghdad citizen: approved, returned and waiting for them, rejected, at review with messages,
        # extended, a draft, an overdue one.
        (
            0,
            "passport-application",
            70,
            stages("passport-application", StagePlan(A, 0.4), StagePlan(A, 0.5)),
            None,
        ),
        (0, "national-card-renewal", 12, stages("national-card-renewal", StagePlan(R, 0.5, A, None)), None),
        (
            0,
            "civil-status-record-copy",
            40,
            stages("civil-status-record-copy", StagePlan(A, 0.3), StagePlan(J, 0.5)),
            None,
        ),
        (
            0,
            "good-conduct-certificate",
            6,
            stages("good-conduct-certificate", StagePlan(A, 0.3), later),
            (1.0, 0.5),
        ),
        (
            0,
            "driving-licence-renewal",
            8,
            stages("driving-licence-renewal", StagePlan(E, 0.6, A), later),
            None,
        ),
        (
            0,
            "social-protection-application",
            30,
            stages("social-protection-application", later),  # overdue at the first stage
            None,
        ),
        (
            0,
            "job-seeker-registration",
            55,
            stages("job-seeker-registration", StagePlan(R, 0.4, A, 1.5)),
            (2.0, 1.0),
        ),
        # Erbil citizen: approved, escalated and waiting, returned and corrected, in progress.
        (
            36,
            "passport-application",
            45,
            stages("passport-application", StagePlan(A, 0.5), StagePlan(A, 0.5)),
            None,
        ),
        (
            36,
            "national-card-renewal",
            9,
            stages("national-card-renewal", StagePlan(X, 0.4, A), later),
            (1.0, 1.0),
        ),
        (
            36,
            "civil-status-record-copy",
            20,
            stages("civil-status-record-copy", StagePlan(R, 0.3, A, 1.0)),
            None,
        ),
        (36, "driving-licence-renewal", 3, stages("driving-licence-renewal", later), None),
    ]
    plans = []
    for number, (citizen, service, days, stage_plans, message) in enumerate(wanted):
        if citizen >= len(people) or service not in definitions:
            continue
        plans.append(
            Plan(
                number=-1 - number,  # negative: never the same token as a generated plan
                service=service,
                citizen=citizen,
                started_at=ago(days),
                stages=stage_plans,
                message_days=message,
                seed=1000 + number,
            )
        )
    plans.append(  # and a draft
        Plan(
            number=-100,
            service="vehicle-registration-renewal",
            citizen=0,
            started_at=ago(2, 21),
            submit=False,
            pages_done=2,
            seed=7,
        )
    )
    return plans


# --- Simulated time ------------------------------------------------------------------------------------


class SimulatedClock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def now(self) -> dt.datetime:
        return self.at

    def set(self, moment: dt.datetime) -> None:
        self.at = max(self.at, moment)  # time never runs backwards inside the simulation

    def advance(self, **delta: float) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


@contextmanager
def simulated_time(start: dt.datetime) -> Iterator[SimulatedClock]:
    """Every `clock.now()` (and Django's `timezone.now()`) answers the simulated moment; queued messages
    are delivered as soon as their transaction commits, at that moment (the worker's job, done here)."""
    clock = SimulatedClock(start)

    def deliver(message_id: int, *, when: dt.datetime | None = None) -> None:
        if when is None:
            notifications.message_deliver(message_id=message_id)

    with (
        mock.patch.object(timezone, "now", clock.now),
        mock.patch.object(notifications, "enqueue_delivery", deliver),
    ):
        yield clock


# --- Running the plans ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    applications: int = 0
    steps: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


class Simulation:
    def __init__(self, plans: list[Plan], people: list[Person], now: dt.datetime) -> None:
        self.plans = {plan.number: plan for plan in plans}
        self.people = people
        self.now = now
        self.queue: list[tuple[dt.datetime, int, int, str, dict[str, Any]]] = []
        self.order = itertools.count()
        self.application_of: dict[int, int] = {}
        self.users: dict[int, User] = {}
        self.services: dict[str, Service] = {
            s.code: s for s in Service.objects.select_related("current_version", "agency")
        }
        self.outcome = Outcome()
        self.rngs: dict[int, random.Random] = {}
        self.clock: SimulatedClock | None = None

    # scheduling

    def push(self, when: dt.datetime, plan: int, step: str, **payload: Any) -> None:
        if when < self.now:
            heapq.heappush(self.queue, (when, next(self.order), plan, step, payload))

    def rng(self, plan: Plan) -> random.Random:
        if plan.number not in self.rngs:
            self.rngs[plan.number] = random.Random(plan.seed)  # noqa: S311 - demo data
        return self.rngs[plan.number]

    def office_time(
        self, office: Any, start: dt.datetime, working_days: float, rng: random.Random
    ) -> dt.datetime:
        """A moment in office hours `working_days` (fractional) after `start`, on the office's calendar."""
        calendar = calendar_of(office)
        local = start.astimezone(BAGHDAD)
        whole = int(working_days)
        day = (
            calendar.add_working_days(local.date(), whole)
            if whole
            else calendar.working_day_on_or_after(local.date())
        )
        fraction = working_days - whole
        hours = OFFICE_HOURS * (fraction if whole else max(fraction, rng.random()))
        opens = dt.datetime.combine(day, OFFICE_OPENS, tzinfo=BAGHDAD)
        moment = opens + dt.timedelta(hours=hours, minutes=rng.randrange(20))
        if moment > start:
            return moment.astimezone(dt.UTC)
        closes = opens + dt.timedelta(hours=OFFICE_HOURS)
        if opens <= local and local + dt.timedelta(minutes=30) < closes:  # later the same working day
            left = (closes - local).total_seconds() / 60
            return (local + dt.timedelta(minutes=rng.uniform(10, left))).astimezone(dt.UTC)
        day = calendar.next_working_day(day)  # the office was closed by then: the next working day
        opens = dt.datetime.combine(day, OFFICE_OPENS, tzinfo=BAGHDAD)
        return (opens + dt.timedelta(hours=OFFICE_HOURS * rng.random())).astimezone(dt.UTC)

    def run(self, clock: SimulatedClock, first: dt.datetime) -> Outcome:
        self.clock = clock
        for plan in self.plans.values():
            self.push(plan.started_at, plan.number, "fill")
        day = first.astimezone(BAGHDAD).date()
        while True:  # the daily job: escalate what became overdue (00:30 Baghdad time)
            moment = dt.datetime.combine(day, dt.time(0, 30), tzinfo=BAGHDAD).astimezone(dt.UTC)
            if moment >= self.now:
                break
            self.push(moment, 0, "tick")
            day += dt.timedelta(days=1)
        for number, hours_ago in enumerate((700, 480, 290, 150, 70, 30)):
            self.push(self.now - dt.timedelta(hours=hours_ago), number, "break_glass")
        handlers: dict[str, Callable[..., None]] = {
            "fill": self.fill,
            "submit": self.submit,
            "act": self.act,
            "resubmit": self.resubmit,
            "citizen_message": self.citizen_message,
            "office_reply": self.office_reply,
            "answer": self.answer_consultation,
            "tick": self.tick,
            "break_glass": self.break_glass,
            "review": self.review,
        }
        while self.queue:
            when, _order, number, step, payload = heapq.heappop(self.queue)
            clock.set(when)
            with transaction.atomic():
                handlers[step](number, **payload)
            self.outcome.steps += 1
        return self.outcome

    # helpers

    def user(self, user_id: int) -> User:
        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def application(self, number: int) -> Application | None:
        found = self.application_of.get(number)
        if found is None:
            return None
        return Application.objects.select_related("service_version", "service", "office", "applicant").get(
            pk=found
        )

    def open_stage(self, application_id: int, *, with_application: bool = False) -> Task | None:
        """The application's open stage (one query; with the application and its definition if asked)."""
        related = ["office", "assignee"]
        if with_application:
            related += ["application__service_version", "application__service", "application__office"]
            related += ["application__applicant"]
        return (
            Task.objects.filter(application_id=application_id, kind=TaskKind.STAGE, status=TaskStatus.OPEN)
            .select_related(*related)
            .order_by("-stage_index")
            .first()
        )

    def schedule_stage(self, plan: Plan, application: Application) -> None:
        """The stage just opened: its official acts after the plan's share of the time limit; its
        consultations (if the service asks other offices) are answered before that."""
        task = self.open_stage(application.pk)
        if task is None or task.stage_index >= len(plan.stages):
            return
        rng = self.rng(plan)
        stage = plan.stages[task.stage_index]
        if application.definition["workflow"]["stages"][task.stage_index].get("consultations"):
            for consultation in Task.objects.filter(parent=task, status=TaskStatus.OPEN).select_related(
                "office"
            ):
                pace = rng.uniform(0.2, 0.9) * consultation.limit_days
                when = self.office_time(consultation.office, consultation.opened_at, pace, rng)
                self.push(when, plan.number, "answer", task_id=consultation.pk)
        when = self.office_time(task.office, task.opened_at, stage.pace * task.limit_days, rng)
        self.push(when, plan.number, "act", stage_index=task.stage_index, outcome=stage.outcome)

    # steps

    def fill(self, number: int) -> None:
        """The citizen starts the application and fills it in, page by page, with the documents."""
        plan = self.plans[number]
        assert self.clock is not None
        rng = self.rng(plan)
        person = self.people[plan.citizen]
        citizen = self.user(person.user_id)
        service = self.services[plan.service]
        with translation.override(person.language):
            application = applying.draft_start(
                actor=citizen, service_code=plan.service, start_token=plan.token
            )
        if application.status != ApplicationStatus.DRAFT or application.answers:
            self.outcome.skip("already loaded")
            return
        self.application_of[number] = application.pk
        self.outcome.applications += 1
        definition = application.definition
        attached: set[str] = set()
        for page_number, page in enumerate(pages(definition)):
            if page_number >= plan.pages_done:
                break
            self.clock.advance(seconds=rng.randint(30, 240))
            data, files = page_inputs(page, rng, person, self.clock.at.date())
            # The answers are bound to the page's own form. The documents are checked once, by
            # attachment_add (type by content, size, malware), as the portal's page does after its form.
            form = page_form(
                definition, page["key"], answers=application.answers, data=data, files={}, attached=set(files)
            )
            if not form.is_valid():
                raise DemoDataError(f"{service.code}, page {page['key']}: {form.errors.as_json()}")
            for name, field_def in form.field_defs.items():
                if field_def["type"] == "file" and name in files:
                    made = files[name]
                    upload = SimpleUploadedFile(made.name, made.data, made.content_type)
                    applying.attachment_add(
                        actor=citizen, application=application, field_name=name, upload=upload
                    )
                    attached.add(name)
            answers = form.cleaned_answers()
            merged = {**application.answers, **answers}
            application = applying.draft_save_page(
                actor=citizen,
                application_id=application.pk,
                page_key=page["key"],
                answers=answers,
                next_page=page_after(definition, page["key"], answers=merged) or "check",
            )
        if plan.submit:
            self.push(self.clock.advance(seconds=rng.randint(40, 400)), number, "submit")

    def submit(self, number: int) -> None:
        plan = self.plans[number]
        citizen = self.user(self.people[plan.citizen].user_id)
        application = applying.application_submit(actor=citizen, application_id=self.application_of[number])
        self.schedule_stage(plan, application)
        if plan.message_days is not None:
            assert application.submitted_at is not None
            when = application.submitted_at + dt.timedelta(days=plan.message_days[0])
            self.push(when, number, "citizen_message")

    def act(self, number: int, *, stage_index: int, outcome: str, tries: int = 0) -> None:
        """The official holding the stage acts on it, as the plan says."""
        plan = self.plans[number]
        assert self.clock is not None
        rng = self.rng(plan)
        application_id = self.application_of.get(number)
        task = self.open_stage(application_id, with_application=True) if application_id else None
        if task is None or task.stage_index != stage_index:
            return
        application = task.application
        if task.assignee is None:
            self.outcome.skip("waiting unassigned")  # nobody in that office holds the role (yet)
            return
        official = task.assignee
        casework.case_viewed(actor=official, application=application, office_id=task.office_id)
        self.clock.advance(seconds=rng.randint(60, 900))
        stage = plan.stages[stage_index]
        allowed = application.definition["workflow"]["stages"][stage_index]["actions"]
        revision = application.revision
        try:
            if outcome == "extend" and "request_extension" in allowed and not application.extension_days:
                days = rng.choice([5, 7, 10])
                casework.task_request_extension(
                    actor=official,
                    task_id=task.pk,
                    revision=revision,
                    days=days,
                    reason=rng.choice(words.EXTENSION_REASONS),
                )
                when = self.office_time(task.office, self.clock.at, days * rng.uniform(0.3, 0.9), rng)
                self.push(when, number, "act", stage_index=stage_index, outcome=stage.then)
            elif outcome == "escalate" and "escalate" in allowed:
                casework.task_escalate(
                    actor=official,
                    task_id=task.pk,
                    revision=revision,
                    reason=rng.choice(words.ESCALATION_REASONS),
                )
                when = self.office_time(task.office, self.clock.at, rng.uniform(1, 3), rng)
                self.push(when, number, "act", stage_index=stage_index, outcome=stage.then)
            elif outcome == "return" and "return_for_correction" in allowed:
                self.return_for_correction(plan, application, task, official)
            elif outcome == "reject" and "reject" in allowed:
                reasons = [r["code"] for r in application.definition["workflow"].get("rejection_reasons", [])]
                code = rng.choice(reasons)
                text = rng.choice(words.REJECTION_TEXTS.get(code) or [words.DEFAULT_REJECTION_TEXT])
                casework.task_reject(
                    actor=official, task_id=task.pk, revision=revision, reason_code=code, text=text
                )
            else:
                done = casework.task_approve(
                    actor=official, task_id=task.pk, revision=revision, note=rng.choice(words.APPROVAL_NOTES)
                )
                if done.application.status == ApplicationStatus.IN_PROGRESS:  # the next stage opened
                    self.schedule_stage(plan, done.application)
        except DiwanError as refusal:
            if tries < 5 and "consultation" in str(refusal.message):
                when = self.office_time(task.office, self.clock.at, 1, rng)  # ask again tomorrow
                self.push(when, number, "act", stage_index=stage_index, outcome=outcome, tries=tries + 1)
                return
            self.outcome.skip(f"refused: {type(refusal).__name__}")

    def return_for_correction(self, plan: Plan, application: Application, task: Task, official: User) -> None:
        rng = self.rng(plan)
        attached = applying.attached_fields(application)
        candidates = [
            f
            for f in visible_fields(application.definition, application.answers)
            if f["name"] not in IDENTITY_FIELDS
            and (f["name"] in attached if f["type"] == "file" else f["name"] in application.answers)
            and f["type"] in {"file", "text", "address", "number", "date", "arabic_name"}
        ]
        if not candidates:
            casework.task_approve(actor=official, task_id=task.pk, revision=application.revision)
            return
        files = [f for f in candidates if f["type"] == "file"]
        chosen = rng.choice(files) if files and rng.random() < 0.65 else rng.choice(candidates)
        kind = chosen["type"] if chosen["type"] in words.RETURN_MESSAGES else "other"
        casework.task_return(
            actor=official,
            task_id=task.pk,
            revision=application.revision,
            fields=[chosen["name"]],
            message=rng.choice(words.RETURN_MESSAGES[kind]),
        )
        stage = plan.stages[task.stage_index]
        if stage.resubmit_days is not None:
            assert self.clock is not None
            self.push(
                self.clock.at + dt.timedelta(days=stage.resubmit_days),
                plan.number,
                "resubmit",
                stage_index=task.stage_index,
            )

    def resubmit(self, number: int, *, stage_index: int) -> None:
        """The citizen corrects the marked answers (a new file, a corrected value) and sends it back."""
        plan = self.plans[number]
        rng = self.rng(plan)
        application = self.application(number)
        if application is None or application.status != ApplicationStatus.RETURNED:
            return
        person = self.people[plan.citizen]
        citizen = self.user(person.user_id)
        definition = application.definition
        fields = {f["name"]: f for page in pages(definition) for f in page["fields"]}
        assert self.clock is not None
        for name in application.correction_fields:
            field_def = fields[name]
            if field_def["type"] == "file":
                label = str(field_def["label"].get("en", name))
                made = upload_for(field_def, rng, person, label)
                upload = SimpleUploadedFile(made.name, made.data, made.content_type)
                applying.attachment_add(
                    actor=citizen, application=application, field_name=name, upload=upload
                )
                continue
            page_key = page_of(definition, name)
            assert page_key is not None
            page_fields = next(page["fields"] for page in pages(definition) if page["key"] == page_key)
            data = {
                f["name"]: application.answers[f["name"]]
                for f in page_fields
                if f["name"] in application.answers and application.answers[f["name"]] is not None
            }
            data[name] = value_for(field_def, rng, person, self.clock.at.date())
            form = page_form(
                definition,
                page_key,
                answers=application.answers,
                data=data,
                files={},
                attached=applying.attached_fields(application),
            )
            if not form.is_valid():
                raise DemoDataError(f"{plan.service}, correcting {name}: {form.errors.as_json()}")
            corrected = {name: form.cleaned_answers()[name]}
            application = applying.draft_save_page(
                actor=citizen,
                application_id=application.pk,
                page_key=page_key,
                answers=corrected,
                next_page="",
            )
        self.clock.advance(seconds=rng.randint(30, 300))
        application = applying.application_resubmit(
            actor=citizen, application_id=application.pk, revision=application.revision
        )
        task = self.open_stage(application.pk)
        if task is not None:
            stage = plan.stages[stage_index]
            when = self.office_time(task.office, self.clock.at, rng.uniform(0.3, 0.9) * task.limit_days, rng)
            self.push(when, number, "act", stage_index=stage_index, outcome=stage.then)

    def citizen_message(self, number: int) -> None:
        plan = self.plans[number]
        application = self.application(number)
        if application is None:
            return
        rng = self.rng(plan)
        citizen = self.user(self.people[plan.citizen].user_id)
        casework.message_post(actor=citizen, application=application, body=rng.choice(words.CITIZEN_MESSAGES))
        assert plan.message_days is not None
        assert self.clock is not None
        assert application.office is not None
        when = self.office_time(application.office, self.clock.at, plan.message_days[1], rng)
        self.push(when, number, "office_reply")

    def office_reply(self, number: int) -> None:
        plan = self.plans[number]
        application = self.application(number)
        if application is None:
            return
        task = (
            Task.objects.filter(application=application, assignee__isnull=False)
            .select_related("office", "assignee")
            .order_by("-opened_at")
            .first()
        )
        if task is None or task.assignee is None:
            self.outcome.skip("message without an official")
            return
        rng = self.rng(plan)
        casework.case_viewed(actor=task.assignee, application=application, office_id=task.office_id)
        casework.message_post(
            actor=task.assignee,
            application=application,
            body=rng.choice(words.OFFICE_REPLIES),
            office=task.office,
        )

    def answer_consultation(self, number: int, *, task_id: int) -> None:
        task = Task.objects.select_related("application", "assignee").filter(pk=task_id).first()
        if task is None or task.status != TaskStatus.OPEN or task.assignee is None:
            return
        application = task.application
        casework.case_viewed(actor=task.assignee, application=application, office_id=task.office_id)
        casework.consultation_answer(
            actor=task.assignee,
            task_id=task.pk,
            revision=application.revision,
            answer="لا مانع لدينا من إكمال المعاملة.",
        )

    def tick(self, number: int) -> None:
        assert self.clock is not None
        casework.tasks_escalate_overdue(today=self.clock.at.astimezone(BAGHDAD).date())

    def break_glass(self, number: int) -> None:
        """An MOI official outside Baghdad opens a Baghdad file (a citizen asked at their counter...)."""
        rng = random.Random(words.APPLICATION_SEED + number)  # noqa: S311 - demo data
        file = (
            Application.objects.filter(office__agency__code="MOI", office__code__in=["CS-BGD", "PASS-BGD"])
            .exclude(status=ApplicationStatus.DRAFT)
            .order_by("submitted_at")
            .values_list("pk", flat=True)
        )
        candidates = list(file[:200])
        officials = list(
            User.objects.filter(
                kind="staff",
                is_test_data=True,
                memberships__position__office__agency__code="MOI",
                memberships__position__office__code__in=["PASS-BSR", "CS-BSR", "TR-BSR", "PASS-EBL"],
            ).distinct()
        )
        if not candidates or not officials:
            self.outcome.skip("break-glass: nothing to open")
            return
        access = casework.case_break_glass(
            actor=rng.choice(officials),
            application_id=rng.choice(candidates),
            reason=rng.choice(words.BREAK_GLASS_REASONS),
        )
        if number < 3:  # the older openings have been reviewed by the integrity office
            assert self.clock is not None
            self.push(
                self.clock.at + dt.timedelta(days=1, hours=rng.randint(1, 6)),
                number,
                "review",
                access_id=access.pk,
            )

    def review(self, number: int, *, access_id: int) -> None:
        from diwan.directory.selectors import held_positions

        rng = random.Random(words.APPLICATION_SEED - number)  # noqa: S311 - demo data
        access = BreakGlassAccess.objects.get(pk=access_id)
        reviewers = [
            user
            for user in User.objects.filter(
                kind="staff", memberships__position__role="integrity_officer"
            ).distinct()
            if held_positions(user)
            .filter(role="integrity_officer", office__agency__code=access.agency_code)
            .exists()
        ]
        if not reviewers:
            self.outcome.skip("break-glass: no integrity officer yet")
            return
        casework.break_glass_review(
            actor=reviewers[0], access_id=access_id, note=rng.choice(words.BREAK_GLASS_REVIEW_NOTES)
        )


# --- Entry point ---------------------------------------------------------------------------------------


def offered_in(
    definitions: dict[str, dict[str, Any]], services: dict[str, Service], offices: set[tuple[str, str]]
) -> dict[str, set[str]]:
    """For each service, the governorates where routing finds an office."""
    from diwan.core.governorates import Governorate

    found: dict[str, set[str]] = {}
    for code, definition in definitions.items():
        found[code] = set()
        for governorate in Governorate.values:
            target = route(definition, governorate, services[code].agency.code)
            if target is not None and target in offices:
                found[code].add(governorate)
    return found


def load_applications(
    people: list[Person], *, now: dt.datetime | None = None, limit: int | None = None
) -> Outcome:
    """Run every planned application that is not there yet. `limit` caps the number (tests)."""
    from diwan.directory.models import Office

    now = now or timezone.now()
    services = {
        s.code: s for s in Service.objects.select_related("current_version", "agency") if s.current_version
    }
    definitions = {code: s.current_version.definition for code, s in services.items() if s.current_version}
    offices = set(Office.objects.values_list("agency__code", "code"))
    plans = make_plans(people, definitions, offered_in(definitions, services, offices), now)
    if limit is not None:
        plans = plans[:limit]
    present = set(
        Application.objects.filter(start_token__in=[plan.token for plan in plans]).values_list(
            "start_token", flat=True
        )
    )
    todo = [plan for plan in plans if plan.token not in present]
    if not todo:
        return Outcome()
    first = min(plan.started_at for plan in todo)
    simulation = Simulation(todo, people, now)
    with simulated_time(first - dt.timedelta(minutes=1)) as clock:
        outcome = simulation.run(clock, first)
    # Demo files are flagged like the demo people (no action sets this flag: it only marks test data).
    Application.objects.filter(applicant__is_test_data=True, is_test_data=False).update(is_test_data=True)
    return outcome
