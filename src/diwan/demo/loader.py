"""Loads the demo organisation, staff, citizens and their applications through the actions, idempotently.

Everything is keyed (agency code, office code, position role + title, username, phone, an application's
start token), so a second run creates nothing. Demo passwords and TOTP secrets are derived from the
username and are public: the command refuses to run when settings.DIWAN_DEMO_ALLOWED is false
(production), and every demo person and application is flagged is_test_data.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from diwan.accounts import mfa
from diwan.accounts.actions.staff import staff_create, totp_confirm, totp_enrol
from diwan.accounts.models import TOTPDevice, User, UserKind
from diwan.accounts.passwords import Nist80063bValidator
from diwan.accounts.validators import normalise_phone
from diwan.casework.calendar import holidays_load
from diwan.catalogue.actions import catalogue_sync
from diwan.core import clock
from diwan.directory import actions
from diwan.directory.models import Agency, Membership, Office, Position
from diwan.directory.roles import Role
from diwan.directory.selectors import membership_valid_at

from . import case_content, content
from .answers import Person
from .casework import SHOWCASE_CITIZENS, load_applications


@dataclass
class DemoAccount:
    username: str
    password: str
    totp_secret: str
    role: str
    agency: str
    office: str
    name: str


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


DEMO_WORDS = (
    "tigris",
    "euphrates",
    "palm",
    "lantern",
    "saffron",
    "minaret",
    "caravan",
    "orchard",
    "river",
    "cedar",
    "falcon",
    "jasmine",
    "harbour",
    "citadel",
    "meadow",
    "copper",
)


@functools.cache
def _password_rules() -> Nist80063bValidator:
    return Nist80063bValidator()  # reads the common-passwords list once


def demo_password(username: str, names: tuple[str, str, str] = ("", "", "")) -> str:
    """A public demo passphrase of four words (>= 15 characters), the same every run for a username.
    A phrase the password rules refuse for this person (it contains a part of the username or of the
    names (ar, ckb, latin), e.g. "mot" in "demo tigris") is passed over for the next one."""
    person = SimpleNamespace(
        username=username, full_name_ar=names[0], full_name_ckb=names[1], full_name_latin=names[2], email=""
    )
    candidate = ""
    for attempt in range(50):
        salt = f":{attempt}" if attempt else ""
        digest = hashlib.sha256(f"diwan-demo-password:{username}{salt}".encode()).digest()
        candidate = " ".join(["demo", *(DEMO_WORDS[b % len(DEMO_WORDS)] for b in digest[:4])])
        try:
            _password_rules().validate(candidate, person)
        except ValidationError:
            continue
        return candidate
    return candidate


def demo_totp_secret(username: str) -> str:
    digest = hashlib.sha256(f"diwan-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(
            username=spec.username,
            password=demo_password(spec.username, (spec.name_ar, spec.name_ckb, spec.name_latin)),
            totp_secret=demo_totp_secret(spec.username),
            role=spec.role,
            agency=spec.agency,
            office=spec.office,
            name=spec.name_latin,
        )
        for spec in content.STAFF
    ]


def _text(text: content.Text) -> dict[str, str]:
    ar, ckb, en = text
    return {"ar": ar, "ckb": ckb, "en": en}


def load_directory(report: LoadReport) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    for spec in content.AGENCIES:
        if spec.code not in agencies:
            agencies[spec.code] = actions.agency_create(
                actor=None,
                code=spec.code,
                name=_text(spec.name),
                kind=spec.kind,
                parent=agencies[spec.parent] if spec.parent else None,
            )
            report.count("agencies")
    offices = {(o.agency.code, o.code): o for o in Office.objects.select_related("agency")}
    for office_spec in content.OFFICES:
        key = (office_spec.agency, office_spec.code)
        if key not in offices:
            offices[key] = actions.office_create(
                actor=None,
                agency=agencies[office_spec.agency],
                code=office_spec.code,
                name=_text(office_spec.name),
                governorate=office_spec.governorate,
                parent=offices[(office_spec.agency, office_spec.parent)] if office_spec.parent else None,
            )
            report.count("offices")


def _position(office: Office, role: str, report: LoadReport) -> Position:
    title = _text(content.POSITION_TITLES[role])
    found = Position.objects.filter(office=office, role=role, title__en=title["en"]).first()
    if found is None:
        found = actions.position_create(actor=None, office=office, title=title, role=role)
        report.count("positions")
    return found


def synthetic_staff() -> list[content.StaffSpec]:
    """The officials of the offices the services route to (case_content.STAFFED), the same every run."""
    rng = random.Random(case_content.STAFF_SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    roles = (("officer", Role.CASE_OFFICER), ("reviewer", Role.REVIEWER), ("approver", Role.APPROVER))
    people: list[content.StaffSpec] = []
    for staffing in case_content.STAFFED:
        counts = {
            "officer": staffing.officers,
            "reviewer": staffing.reviewers,
            "approver": staffing.approvers,
        }
        kurdish = (staffing.agency, staffing.office) in case_content.KURDISH_STAFFED
        for short, role in roles:
            for n in range(1, counts[short] + 1):
                username = f"{staffing.agency}.{staffing.office}.{short}{n}".lower()
                if kurdish:
                    first = rng.choice(content.KURDISH_WOMEN + content.KURDISH_MEN)
                    father, grandfather = rng.choice(content.KURDISH_FATHERS), rng.choice(content.KURDISH_MEN)
                    parts = [first, father, grandfather]
                    name_ar, name_ckb, name_latin = (" ".join(p[i] for p in parts) for i in range(3))
                else:
                    first_ar = rng.choice(content.ARAB_WOMEN + content.ARAB_MEN)
                    father_ar, family = rng.choice(content.ARAB_MEN), rng.choice(content.ARAB_FAMILIES)
                    name_ar = " ".join([first_ar[0], father_ar[0], family[0]])
                    name_latin = " ".join([first_ar[1], father_ar[1], family[1]])
                    name_ckb = ""
                people.append(
                    content.StaffSpec(
                        username, name_ar, name_ckb, name_latin, staffing.agency, staffing.office, role
                    )
                )
    return people


def staff_since() -> dt.datetime:
    """When the demo officials took up their posts: before the first demo application."""
    return clock.now() - dt.timedelta(days=case_content.WINDOW_DAYS + 30)


def _confirm_demo_authenticator(user: User, secret: str) -> None:
    """Confirm with the previous step's code, so the code an app shows now still signs in. Near the end of
    a 30-second step, wait for the next one: the previous step's code must still be inside the accepted
    window when it is checked (else demo-data fails about once in every few hundred accounts)."""
    into_step = clock.now().timestamp() % mfa.INTERVAL
    if into_step > mfa.INTERVAL - 2:
        time.sleep(mfa.INTERVAL - into_step + 0.05)
    totp_confirm(actor=None, user=user, code=mfa.code_at(secret, mfa.current_step() - 1))


def load_staff(report: LoadReport, specs: Iterable[content.StaffSpec] | None = None) -> None:
    since = staff_since()
    for spec in content.STAFF if specs is None else specs:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = staff_create(
                actor=None,
                username=spec.username,
                full_name_ar=spec.name_ar,
                full_name_ckb=spec.name_ckb,
                full_name_latin=spec.name_latin,
                password=demo_password(spec.username, (spec.name_ar, spec.name_ckb, spec.name_latin)),
                is_test_data=True,
            )
            report.count("staff")
        if not TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            secret = demo_totp_secret(spec.username)
            totp_enrol(actor=None, user=user, secret=secret)
            _confirm_demo_authenticator(user, secret)
        office = Office.objects.select_related("agency").get(agency__code=spec.agency, code=spec.office)
        position = _position(office, spec.role, report)
        if not Membership.objects.filter(
            membership_valid_at(clock.now()), user=user, position=position
        ).exists():
            actions.membership_grant(actor=None, user=user, position=position, valid_from=since)
            report.count("memberships")


def synthetic_citizens() -> list[dict[str, str]]:
    """The same people every run (seeded): names, governorate, 12-digit national ID and mobile number.
    The first 60 are the original demo citizens; the others apply for the demo applications."""
    rng = random.Random(content.CITIZEN_SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    people: list[dict[str, str]] = []
    seen_ids: set[str] = set()
    seen_phones: set[str] = set()

    def unique(make: Callable[[], str], seen: set[str]) -> str:
        while True:
            value = make()
            if value not in seen:
                seen.add(value)
                return value

    federal = content.FEDERAL_GOVERNORATES
    for index in range(content.ARAB_CITIZENS + content.KURDISH_CITIZENS):
        if index < content.ARAB_CITIZENS:
            first = rng.choice(content.ARAB_WOMEN if index % 2 else content.ARAB_MEN)
            father, grandfather = rng.choice(content.ARAB_MEN), rng.choice(content.ARAB_MEN)
            family = rng.choice(content.ARAB_FAMILIES)
            name_ar = " ".join([first[0], father[0], grandfather[0], family[0]])
            name_latin = " ".join([first[1], father[1], grandfather[1], family[1]])
            name_ckb = ""
            governorate = federal[index % len(federal)]
        else:
            k_first = rng.choice(content.KURDISH_WOMEN if index % 2 else content.KURDISH_MEN)
            k_father, k_grandfather = rng.choice(content.KURDISH_FATHERS), rng.choice(content.KURDISH_MEN)
            parts = [k_first, k_father, k_grandfather]
            name_ar = " ".join(p[0] for p in parts)
            name_ckb = " ".join(p[1] for p in parts)
            name_latin = " ".join(p[2] for p in parts)
            governorate = content.REGION_GOVERNORATES[index % len(content.REGION_GOVERNORATES)]
        national_id = unique(lambda: str(rng.randint(1, 9)) + f"{rng.randrange(10**11):011d}", seen_ids)
        phone = unique(
            lambda: "+9647" + rng.choice(content.MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}", seen_phones
        )
        people.append(
            {
                "full_name_ar": name_ar,
                "full_name_ckb": name_ckb,
                "full_name_latin": name_latin,
                "governorate": governorate,
                "national_id": national_id,
                "phone": normalise_phone(phone),
            }
        )
    people += _more_citizens(seen_ids, seen_phones)
    return people


def _more_citizens(seen_ids: set[str], seen_phones: set[str]) -> list[dict[str, str]]:
    """Applicants of the demo applications, living mostly in the demo governorates (case_content)."""
    rng = random.Random(case_content.EXTRA_CITIZEN_SEED)  # noqa: S311 - reproducible synthetic data
    governorates = list(case_content.GOVERNORATE_WEIGHTS)
    weights = list(case_content.GOVERNORATE_WEIGHTS.values())
    people: list[dict[str, str]] = []
    while len(people) < case_content.EXTRA_CITIZENS:
        governorate = rng.choices(governorates, weights=weights)[0]
        if governorate in content.REGION_GOVERNORATES:
            k_first = rng.choice(content.KURDISH_WOMEN + content.KURDISH_MEN)
            parts = [k_first, rng.choice(content.KURDISH_FATHERS), rng.choice(content.KURDISH_MEN)]
            name_ar, name_ckb, name_latin = (" ".join(p[i] for p in parts) for i in range(3))
        else:
            first = rng.choice(content.ARAB_WOMEN + content.ARAB_MEN)
            father, grandfather = rng.choice(content.ARAB_MEN), rng.choice(content.ARAB_MEN)
            family = rng.choice(content.ARAB_FAMILIES)
            name_ar = " ".join([first[0], father[0], grandfather[0], family[0]])
            name_latin = " ".join([first[1], father[1], grandfather[1], family[1]])
            name_ckb = ""
        national_id = str(rng.randint(1, 9)) + f"{rng.randrange(10**11):011d}"
        phone = normalise_phone("+9647" + rng.choice(content.MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}")
        if national_id in seen_ids or phone in seen_phones:
            continue
        seen_ids.add(national_id)
        seen_phones.add(phone)
        people.append(
            {
                "full_name_ar": name_ar,
                "full_name_ckb": name_ckb,
                "full_name_latin": name_latin,
                "governorate": governorate,
                "national_id": national_id,
                "phone": phone,
            }
        )
    return people


def load_citizens(report: LoadReport) -> None:
    people = synthetic_citizens()
    existing = set(
        User.objects.filter(phone__in=[p["phone"] for p in people]).values_list("phone", flat=True)
    )
    for person in people:
        if person["phone"] in existing:
            continue
        with transaction.atomic():
            user = User(
                kind=UserKind.CITIZEN,
                phone=person["phone"],
                full_name_ar=person["full_name_ar"],
                full_name_ckb=person["full_name_ckb"],
                full_name_latin=person["full_name_latin"],
                governorate=person["governorate"],
                is_test_data=True,
            )
            user.set_national_id(person["national_id"])
            user.set_unusable_password()
            user.save(force_insert=True)
        report.count("citizens")


def demo_people() -> list[Person]:
    """The synthetic citizens as applicants (their accounts, national IDs decrypted), in a fixed order."""
    people = synthetic_citizens()
    users = {u.phone: u for u in User.objects.filter(phone__in=[p["phone"] for p in people])}
    found = []
    for person in people:
        user = users.get(person["phone"])
        if user is None:
            continue
        found.append(
            Person(
                user_id=user.pk,
                full_name_ar=user.full_name_ar,
                full_name_latin=user.full_name_latin,
                national_id=user.national_id,
                phone=person["phone"],
                governorate=user.governorate,
                language="ckb" if user.full_name_ckb else "ar",
            )
        )
    return found


def showcase_citizens() -> list[dict[str, str]]:
    """The citizens whose applications show every state (printed by `--print-accounts`)."""
    people = synthetic_citizens()
    return [people[index] for index in SHOWCASE_CITIZENS if index < len(people)]


def load_demo_data(*, applications: int | None = None) -> LoadReport:
    """Everything, idempotently. `applications` caps the number of demo applications (tests)."""
    report = LoadReport()
    with transaction.atomic():
        load_directory(report)
        for _code, _number in catalogue_sync(actor=None).published:  # services/*.yaml, after the offices
            report.count("service versions")
        for calendar_path in sorted((settings.BASE_DIR / "calendars").glob("iraq-*.yaml")):
            # Official holidays: the statutory clock's calendar.
            loaded = holidays_load(actor=None, path=calendar_path)
            for _ in range(loaded.added + loaded.changed):
                report.count("holidays")
        load_staff(report)
        load_staff(report, synthetic_staff())
        load_citizens(report)
    # Months of casework, step by step in simulated time, each step its own transaction (see casework.py).
    outcome = load_applications(demo_people(), limit=applications)
    for _ in range(outcome.applications):
        report.count("applications")
    return report
