"""Answers a citizen would give to a service's form, generated from the service definition.

Every field type of the catalogue schema has a generator that respects the field's validators (length,
range, pattern); some field names get more realistic values (a passport number, a chassis number, a
university). The values are raw form input — what a browser would send — and the caller binds them to the
real page form (`diwan.applications.forms.page_form`), so only answers the portal would accept are saved.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import case_content as words
from . import content
from .files import pdf_document, png_image


@dataclass(frozen=True)
class Person:
    """What the form asks about the applicant, from their account."""

    user_id: int
    full_name_ar: str
    full_name_latin: str
    national_id: str
    phone: str
    governorate: str
    language: str = "ar"  # the language they use the portal in (their messages come in it)


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    content_type: str


def _arabic_name(rng: random.Random) -> str:
    first = rng.choice(content.ARAB_WOMEN + content.ARAB_MEN)
    father, grandfather = rng.choice(content.ARAB_MEN), rng.choice(content.ARAB_MEN)
    family = rng.choice(content.ARAB_FAMILIES)
    return " ".join([first[0], father[0], grandfather[0], family[0]])


def _national_id(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + f"{rng.randrange(10**11):011d}"


def _address(rng: random.Random, governorate: str) -> str:
    district = rng.choice(words.DISTRICTS.get(governorate, words.GENERIC_DISTRICTS))
    city = content.GOVERNORATES.get(governorate, ("بغداد", "", ""))[0]
    return (
        f"{city}، {district}، محلة {rng.randint(101, 999)}، زقاق {rng.randint(1, 60)}، "
        f"دار {rng.randint(1, 120)}"
    )


def _number(field: Mapping[str, Any], rng: random.Random) -> int:
    rules = field.get("validators") or {}
    by_name: dict[str, Callable[[], int]] = {
        "copies": lambda: rng.choice([1, 1, 1, 2, 3]),
        "household_size": lambda: rng.randint(2, 9),
        "monthly_income_iqd": lambda: rng.randrange(0, 450_000, 25_000),
        "area_m2": lambda: rng.randrange(100, 400, 25),
        "floors": lambda: rng.choice([1, 2, 2, 3]),
        "capital_iqd": lambda: rng.randrange(1_000_000, 50_000_000, 500_000),
        "graduation_year": lambda: rng.randint(1995, 2025),
        "dowry_iqd": lambda: rng.randrange(1_000_000, 25_000_000, 500_000),
    }
    value = by_name[field["name"]]() if field["name"] in by_name else None
    low = rules.get("min")
    high = rules.get("max")
    if value is None:
        low_i = int(low) if low is not None else 1
        value = rng.randint(low_i, int(high) if high is not None else max(low_i * 10, 10))
    if low is not None:
        value = max(value, int(low))
    if high is not None:
        value = min(value, int(high))
    return value


def _text(field: Mapping[str, Any], rng: random.Random, person: Person) -> str:
    name = field["name"]
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    by_name: dict[str, Callable[[], str]] = {
        "old_passport_number": lambda: rng.choice("ABGN") + f"{rng.randrange(10**8):08d}",
        "record_number": lambda: f"{rng.randint(1, 400)}/{rng.randint(1, 99)}",
        "licence_number": lambda: f"{rng.randrange(10**8):08d}",
        "chassis_number": lambda: "".join(rng.choice(letters + "0123456789") for _ in range(17)),
        "plate_number": lambda: f"{rng.randint(10000, 99999)} {rng.choice(words.PLATE_LETTERS)}",
        "plot_number": lambda: f"{rng.randint(1, 3000)}/{rng.randint(1, 300)}",
        "company_name": lambda: rng.choice(words.COMPANY_NAMES),
        "activity": lambda: rng.choice(words.COMPANY_ACTIVITIES),
        "university": lambda: rng.choice(words.UNIVERSITIES)[0],
        "destination_country": lambda: rng.choice(words.COUNTRIES),
        "trade": lambda: rng.choice(words.TRADES),
        "experience": lambda: rng.choice(words.EXPERIENCE),
        "purpose_other": lambda: rng.choice(words.PURPOSE_OTHER),
    }
    if name == "college":
        return rng.choice(rng.choice(words.UNIVERSITIES)[1])
    if name in by_name:
        return by_name[name]()
    rules = field.get("validators") or {}
    text = "معلومات تجريبية لأغراض العرض"
    low = int(rules.get("min_length") or 0)
    high = int(rules.get("max_length") or 500)
    return (text * (1 + low // len(text)))[: max(low, min(high, len(text)))]


def _date(field: Mapping[str, Any], rng: random.Random, when: dt.date) -> str:
    name = field["name"]
    if name == "birth_date":
        day = dt.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
    elif name == "registration_expiry":
        day = when + dt.timedelta(days=rng.randint(-40, 25))
    elif name == "contract_date":
        day = when - dt.timedelta(days=rng.randint(3, 60))
    else:
        day = when - dt.timedelta(days=rng.randint(30, 3000))
    return day.isoformat()


def _choice(field: Mapping[str, Any], rng: random.Random) -> str:
    values = [str(choice["value"]) for choice in field.get("choices") or []]
    # The first answers are the usual ones (a first passport, "self", "no"): weight them up.
    weights = [max(1, 6 - 2 * index) for index in range(len(values))]
    return rng.choices(values, weights=weights)[0]


def upload_for(field: Mapping[str, Any], rng: random.Random, person: Person, label: str) -> Upload:
    """A small PDF when the field takes PDF (a scan of a document), else a PNG (a photo)."""
    allowed = (field.get("file") or {}).get("allowed_types") or ["pdf"]
    if "pdf" in allowed and not ("png" in allowed and rng.random() < 0.3):
        data = pdf_document(
            label,
            [
                f"Applicant: {person.full_name_latin}",
                f"Field: {field['name']}",
                f"Reference: DEMO-{rng.randrange(10**8):08d}",
            ],
        )
        return Upload(f"{field['name']}.pdf", data, "application/pdf")
    return Upload(f"{field['name']}.png", png_image(rng.randrange(10**9)), "image/png")


def value_for(
    field: Mapping[str, Any], rng: random.Random, person: Person, when: dt.date, *, own: bool = True
) -> Any:
    """Raw input for one non-file field. `own`: the applicant's own name, ID, phone (else someone else's)."""
    kind = field["type"]
    name = field["name"]
    if kind == "arabic_name":
        return person.full_name_ar if own and name == "full_name" else _arabic_name(rng)
    if kind == "national_id":
        return person.national_id if own and name == "national_id" else _national_id(rng)
    if kind == "phone":
        return person.phone
    if kind == "governorate":
        return person.governorate
    if kind == "email":
        if field.get("required", True) or rng.random() < 0.35:
            local = person.full_name_latin.lower().replace("'", "").replace(" ", ".")[:30]
            return f"{local}{rng.randint(1, 99)}@{rng.choice(words.EMAIL_DOMAINS)}"
        return ""
    if kind == "address":
        return _address(rng, person.governorate)
    if kind == "number":
        return str(_number(field, rng))
    if kind == "date":
        return _date(field, rng, when)
    if kind == "choice":
        return _choice(field, rng)
    if kind == "multi_choice":
        values = [choice["value"] for choice in field.get("choices") or []]
        return rng.sample(values, k=min(len(values), rng.choice([1, 1, 2])))
    if kind == "declaration":
        return True
    if kind == "text":
        return _text(field, rng, person)
    raise ValueError(f"no demo answer for a {kind!r} field")


def page_inputs(
    page: Mapping[str, Any], rng: random.Random, person: Person, when: dt.date
) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Raw input for every field of a page (the page form ignores the hidden ones), and its uploads."""
    data: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    for field in page["fields"]:
        if field["type"] == "file":
            label = str(field["label"].get("en", field["name"]))
            files[field["name"]] = upload_for(field, rng, person, label)
        elif not field.get("required", True) and field["type"] != "email" and rng.random() < 0.4:
            continue  # an optional answer left empty
        else:
            data[field["name"]] = value_for(field, rng, person, when)
    return data, files
