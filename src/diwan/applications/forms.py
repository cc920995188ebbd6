"""Forms built from a service definition (docs/applications.md, "Form fields and uploads").

A definition is the JSON dict stored in `ServiceVersion.definition` (the pydantic `ServiceDefinition`
dumped by alias: `show_if` uses the key `in`). Everything here works from that plain dict, so the citizen
portal's pages and the JSON API validate answers the same way:

- `page_form(...)` — a Django form for one page: one field per *visible* field, labels in the active
  language, values normalised (Arabic-Indic digits, phone numbers in E.164, spacing in names);
- `form.cleaned_answers()` — the page's answers as JSON-safe values, hidden fields left out;
- `merge_answers(...)` — stored answers updated with a page, dropping answers of fields now hidden;
- `missing_answers(...)` — before submission: every visible required field without an answer or a file,
  and every stored answer that no longer passes its checks;
- `answer_display(...)` — an answer as a citizen reads it on a "check your answers" page.

A field is visible when it has no `show_if`, or when the field it names is itself visible and has one of
the listed values (for a multi_choice field: any of them is ticked).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from diwan.accounts.validators import ascii_digits, display_phone, normalise_national_id, normalise_phone
from diwan.applications import uploads
from diwan.core.bounded import remember
from diwan.core.errors import DiwanError, NotFound
from diwan.core.governorates import Governorate
from diwan.core.i18n import pick

Definition = Mapping[str, Any]
FieldDef = Mapping[str, Any]

FILE = "file"
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# Length caps when the definition gives none (the page must not accept megabytes of text).
DEFAULT_MAX_LENGTH = {"text": 500, "arabic_name": 200, "address": 1000}
NUMBER_DIGITS = 15  # digits before the decimal point: larger than any fee, area or count, exact in a float

# Letters of the Arabic script (Arabic and Kurdish, with harakat and tatweel), spaces and the punctuation
# names carry: hyphen, apostrophes, full stop; ZWNJ/ZWJ are part of Kurdish spelling.
_ARABIC_NAME = re.compile(
    r"^[\u0621-\u0652\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF\u0640\u200c\u200d \-'’.]+$"
)
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF]")
# Direction marks and zero-width spaces that copy-paste from right-to-left text brings along.
_INVISIBLE = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Thousands separators people type: comma, Arabic thousands separator, apostrophe, (no-break) spaces.
_THOUSANDS = re.compile(r"[,\u066c'\s\u00a0\u202f]")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")


# --- pages and visibility -------------------------------------------------------------------------------


def pages(definition: Definition) -> list[dict[str, Any]]:
    """The form's pages, in order."""
    return list(definition["form"]["pages"])


def get_page(definition: Definition, key: str) -> dict[str, Any]:
    for page in pages(definition):
        if page["key"] == key:
            return page
    raise NotFound()


def _condition_holds(condition: Mapping[str, Any], value: Any) -> bool:
    wanted = list(condition["in"]) if "in" in condition else [condition.get("equals")]
    if isinstance(value, bool):  # a declaration: compare with true/false only (True == 1 in Python)
        return any(isinstance(w, bool) and w is value for w in wanted)
    if isinstance(value, list | tuple):  # multi_choice: any ticked value
        return any(isinstance(v, str) and v in wanted for v in value)
    return isinstance(value, str) and value in wanted


def _is_shown(field: FieldDef, visible: AbstractSet[str], values: Mapping[str, Any]) -> bool:
    condition = field.get("show_if")
    if not condition:
        return True
    target = condition["field"]
    return target in visible and _condition_holds(condition, values.get(target))


def visible_pages(
    definition: Definition, answers: Mapping[str, Any]
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(page, its visible fields) for every page with at least one visible field, in order."""
    visible: set[str] = set()
    out: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for page in pages(definition):
        shown = []
        for field in page["fields"]:
            if _is_shown(field, visible, answers):
                visible.add(field["name"])
                shown.append(field)
        if shown:
            out.append((page, shown))
    return out


def visible_fields(definition: Definition, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every visible field across the pages, in order."""
    return [field for _page, fields in visible_pages(definition, answers) for field in fields]


def _neighbour(definition: Definition, key: str, step: int, answers: Mapping[str, Any] | None) -> str | None:
    keys = [page["key"] for page in pages(definition)]
    if key not in keys:
        raise NotFound()
    if answers is not None:  # skip pages whose every field is hidden by the answers so far
        shown = {page["key"] for page, _fields in visible_pages(definition, answers)}
        keys = [k for k in keys if k in shown or k == key]
    index = keys.index(key) + step
    return keys[index] if 0 <= index < len(keys) else None


def page_after(definition: Definition, key: str, *, answers: Mapping[str, Any] | None = None) -> str | None:
    """The key of the next page (None after the last). With `answers`, pages with nothing to ask are
    skipped."""
    return _neighbour(definition, key, 1, answers)


def page_before(definition: Definition, key: str, *, answers: Mapping[str, Any] | None = None) -> str | None:
    """The key of the previous page (None before the first)."""
    return _neighbour(definition, key, -1, answers)


def page_of(definition: Definition, field_name: str) -> str | None:
    """The key of the page that asks `field_name` (for "change" links and correction requests)."""
    for page in pages(definition):
        if any(field["name"] == field_name for field in page["fields"]):
            return str(page["key"])
    return None


# --- field types ----------------------------------------------------------------------------------------


def _checked(check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except DiwanError as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from exc


def _scalar_text(value: Any) -> str:
    """Form data is text; JSON may carry numbers. Lists and objects are not an answer to a text field."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict | bool):
        raise forms.ValidationError(_("Enter text, not a list."), code="invalid")
    return str(value)


class TextField(forms.CharField):
    """Free text: Unicode NFC, trimmed; a definition `pattern` must match the whole value. Arabic-Indic
    digits are turned into ASCII when that is what makes the value match (e.g. a record number)."""

    def __init__(self, *, pattern: str | None = None, **kwargs: Any) -> None:
        self.pattern = re.compile(pattern) if pattern else None
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = unicodedata.normalize("NFC", _INVISIBLE.sub("", _scalar_text(value)))
        text = str(super().to_python(text))
        if self.pattern is not None and text and not self.pattern.fullmatch(text):
            digits = ascii_digits(text)
            if self.pattern.fullmatch(digits):
                return digits
        return text

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.pattern is not None and value and not self.pattern.fullmatch(value):
            raise forms.ValidationError(
                _("This answer is not in the expected format. Check it against the hint."), code="pattern"
            )


class AddressField(TextField):
    def to_python(self, value: Any) -> str:
        lines = [" ".join(line.split()) for line in super().to_python(value).splitlines()]
        return "\n".join(line for line in lines if line)


class ArabicNameField(TextField):
    """A name in Arabic script: letters, spaces and name punctuation; spacing normalised."""

    def to_python(self, value: Any) -> str:
        return " ".join(super().to_python(value).split())

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and (not _ARABIC_NAME.fullmatch(value) or not _ARABIC_LETTER.search(value)):
            raise forms.ValidationError(
                _("Write the name in Arabic letters only, as on the national ID card."), code="script"
            )


class NumberField(forms.Field):
    """A number typed with ASCII or Arabic-Indic digits, thousands separators allowed; int when whole."""

    default_error_messages = {"invalid": gettext_lazy("Enter a number, using digits only, like 25.")}

    def __init__(self, *, minimum: float | None = None, maximum: float | None = None, **kwargs: Any) -> None:
        self.minimum = minimum
        self.maximum = maximum
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, int | float):
            text = repr(value)
        elif isinstance(value, str):
            text = ascii_digits(unicodedata.normalize("NFKC", value)).replace("\u066b", ".")
            text = _THOUSANDS.sub("", _INVISIBLE.sub("", text)).replace("\u2212", "-")
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not _NUMBER.fullmatch(text) or len(text.lstrip("-").split(".")[0]) > NUMBER_DIGITS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern above only lets numbers through
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return int(number) if number == number.to_integral_value() else float(number)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                message = _("Enter a number between %(min)s and %(max)s.")
            elif low is not None:
                message = _("Enter a number of at least %(min)s.")
            else:
                message = _("Enter a number of at most %(max)s.")
            raise forms.ValidationError(
                message % {"min": _plain_number(low), "max": _plain_number(high)}, code="range"
            )


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


class DateField(forms.Field):
    """A date year first (1990-03-15, what `<input type=date>` sends) or day first (15/03/1990, the Iraqi
    way, for browsers that show a text box), Arabic-Indic digits allowed, between 1900 and 2100."""

    widget = forms.DateInput(
        format="%Y-%m-%d",
        attrs={"type": "date", "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat(), "dir": "ltr"},
    )
    default_error_messages = {
        "invalid": gettext_lazy("Enter a real date as year-month-day, for example 1990-03-15."),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = ascii_digits(_INVISIBLE.sub("", value)).strip()
        if not text:
            return None
        try:
            if found := _YEAR_FIRST.fullmatch(text):
                year, month, day = (int(part) for part in found.groups())
            elif found := _DAY_FIRST.fullmatch(text):
                day, month, year = (int(part) for part in found.groups())
            else:
                raise ValueError(text)
            return dt.date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(
                _("Enter a date between %(min)s and %(max)s.")
                % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
                code="range",
            )


class NationalIdField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = str(super().to_python(_scalar_text(value)))
        return _checked(lambda raw: normalise_national_id(raw, required=False), text) if text else text


class PhoneField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = str(super().to_python(_scalar_text(value)))
        return _checked(normalise_phone, text) if text else text


class UploadField(forms.FileField):
    """A document: size and type (by content) checked here so the page shows every problem at once; the
    action runs `uploads.check_upload` (hash and malware scan) before storing it."""

    def __init__(self, *, rule: Mapping[str, Any], name: str, **kwargs: Any) -> None:
        self.rule = rule
        self.field_name = name
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            try:
                uploads.precheck_upload(upload, self.rule, field=self.field_name)
            except DiwanError as exc:
                raise forms.ValidationError(str(exc.message), code=exc.code) from exc
        return upload


def _required_message(field: FieldDef, label: str) -> str:
    kind = field["type"]
    if kind in {"choice", "governorate"}:
        return _("Choose an answer for “%(label)s”.") % {"label": label}
    if kind == "multi_choice":
        return _("Choose at least one answer for “%(label)s”.") % {"label": label}
    if kind == FILE:
        return _("Upload “%(label)s”.") % {"label": label}
    if kind == "declaration":
        return _("Tick the box to confirm the declaration.")
    return _("Enter “%(label)s”.") % {"label": label}


# Translated when the message is shown, in the language of that response.
_required_lazy = lazy(_required_message, str)


def build_field(field: FieldDef, *, required: bool, language: str | None = None) -> forms.Field:
    """The Django form field for one field of a definition."""
    kind = field["type"]
    label = pick(field["label"], language)
    hint = pick(field.get("hint"), language)
    rules: Mapping[str, Any] = field.get("validators") or {}
    common: dict[str, Any] = {"label": label, "required": required, "help_text": hint}

    def messages(**extra: Any) -> dict[str, Any]:
        # Lazy, so the message follows the language active when the page is rendered.
        return {"required": _required_lazy(field, label), **extra}

    made: forms.Field
    if kind in DEFAULT_MAX_LENGTH:
        cls: type[TextField] = {"text": TextField, "arabic_name": ArabicNameField, "address": AddressField}[
            kind
        ]
        attrs: dict[str, str] = {}
        if kind == "arabic_name":
            attrs = {"dir": "rtl", "lang": "ar", "autocomplete": "off", "spellcheck": "false"}
        widget: forms.Widget = (
            forms.Textarea(attrs={"rows": "3"}) if kind == "address" else forms.TextInput(attrs=attrs)
        )
        made = cls(
            pattern=rules.get("pattern"),
            max_length=int(rules.get("max_length") or DEFAULT_MAX_LENGTH[kind]),
            min_length=rules.get("min_length") or None,
            widget=widget,
            error_messages=messages(
                min_length=gettext_lazy(
                    "Enter at least %(limit_value)d characters (you entered %(show_value)d)."
                ),
                max_length=gettext_lazy(
                    "Enter at most %(limit_value)d characters (you entered %(show_value)d)."
                ),
            ),
            **common,
        )
    elif kind == "number":
        made = NumberField(
            minimum=rules.get("min"),
            maximum=rules.get("max"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages=messages(),
            **common,
        )
    elif kind == "date":
        made = DateField(error_messages=messages(), **common)
    elif kind in {"choice", "multi_choice"}:
        choices = [
            (choice["value"], pick(choice["label"], language)) for choice in field.get("choices") or []
        ]
        invalid = {"invalid_choice": gettext_lazy("Choose one of the answers listed.")}
        if kind == "choice":
            made = forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, error_messages=messages(**invalid), **common
            )
        else:
            made = forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages=messages(
                    **invalid, invalid_list=gettext_lazy("Choose from the answers listed.")
                ),
                **common,
            )
    elif kind == "governorate":
        made = forms.ChoiceField(
            choices=[("", gettext_lazy("Choose a governorate")), *Governorate.choices],
            error_messages=messages(invalid_choice=gettext_lazy("Choose a governorate from the list.")),
            **common,
        )
    elif kind == "national_id":
        made = NationalIdField(
            max_length=40,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "class": "code", "dir": "ltr"}
            ),
            error_messages=messages(),
            **common,
        )
    elif kind == "phone":
        made = PhoneField(
            max_length=40,
            widget=forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}
            ),
            error_messages=messages(),
            **common,
        )
    elif kind == "email":
        made = forms.EmailField(
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
            error_messages=messages(invalid=gettext_lazy("Enter an e-mail address like name@example.com.")),
            **common,
        )
    elif kind == FILE:
        rule: Mapping[str, Any] = field.get("file") or {}
        accept = ",".join(
            f"{uploads.CONTENT_TYPES[k]},{','.join(uploads.EXTENSIONS[k])}"
            for k in uploads.allowed_kinds(rule)
        )
        described = uploads.describe_rule(rule)
        common["help_text"] = f"{hint} ({described})" if hint else described
        made = UploadField(
            rule=rule,
            name=field["name"],
            widget=forms.FileInput(attrs={"accept": accept}),
            error_messages=messages(
                empty=gettext_lazy("The file you chose is empty. Choose the file again."),
                invalid=gettext_lazy("No file was received. Choose the file again."),
            ),
            **common,
        )
    elif kind == "declaration":
        made = forms.BooleanField(error_messages=messages(), **common)
    else:  # pragma: no cover - the schema allows no other type
        raise ValueError(f"unknown field type {kind!r}")
    return made


# --- the page form --------------------------------------------------------------------------------------


def _initial(field: FieldDef, value: Any) -> Any:
    if value is None:
        return None
    kind = field["type"]
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind == "phone" and isinstance(value, str):
        return display_phone(value)
    return value


def _json_value(field: FieldDef, value: Any) -> Any:
    kind = field["type"]
    if kind == "multi_choice":
        return list(value or [])
    if kind == "declaration":
        return bool(value)
    if value is None or value == "":
        return None
    if kind == "date":
        return value.isoformat()
    return value


def _fields_to_bind(
    page: Mapping[str, Any], visible: AbstractSet[str], values: Mapping[str, Any], attached: AbstractSet[str]
) -> Iterator[tuple[FieldDef, bool]]:
    """The page's fields its form binds, each with whether it is required (a file field with an attached
    file is not), judged field by field: the caller adds each field to `visible` and `values` as it binds
    it, and the conditions of the fields below see that."""
    for field in page["fields"]:
        if not _is_shown(field, visible, values):
            continue
        yield (
            field,
            bool(field.get("required", True)) and not (field["type"] == FILE and field["name"] in attached),
        )


class PageForm(forms.Form):
    """One page of a service's form. Build it with `page_form(...)`."""

    def __init__(
        self,
        definition: Definition,
        page: Mapping[str, Any],
        *,
        answers: Mapping[str, Any],
        attached: AbstractSet[str],
        language: str | None,
        data: Any = None,
        files: Any = None,
    ) -> None:
        super().__init__(data=data, files=files)
        self.definition = definition
        self.page = page
        self.page_key: str = page["key"]
        self.title = pick(page.get("title"), language)
        self.field_defs: dict[str, FieldDef] = {}
        visible: set[str] = set()
        for earlier in pages(definition):
            if earlier["key"] == self.page_key:
                break
            for field in earlier["fields"]:
                if _is_shown(field, visible, answers):
                    visible.add(field["name"])
        # Conditions on this page see what was just submitted for the fields above them.
        values: dict[str, Any] = dict(answers)
        for field, required in _fields_to_bind(page, visible, values, attached):
            name = field["name"]
            built = build_field(field, required=required, language=language)
            self.fields[name] = built
            self.field_defs[name] = field
            visible.add(name)
            if field["type"] != FILE:
                built.initial = _initial(field, answers.get(name))
            if self.is_bound:
                values[name] = built.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        for name, built in self.fields.items():
            hint = f"id_{name}-hint" if built.help_text else ""
            if hint:
                built.widget.attrs["aria-describedby"] = hint

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                hint = f"id_{name}-hint " if self.fields[name].help_text else ""
                widget.attrs["aria-describedby"] = f"{hint}id_{name}-error"
                widget.attrs["aria-invalid"] = "true"

    def add_action_error(self, error: DiwanError) -> None:
        """Show an action's refusal (e.g. `check_upload`'s) on its field, or on the page."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, forms.ValidationError(str(error.message), code=error.code))

    def cleaned_answers(self) -> dict[str, Any]:
        """The page's answers as JSON-safe values (dates as ISO text, numbers as int or float, lists for
        multi_choice, None for an optional field left empty). Only visible fields, never files. Call it
        after `is_valid()`; fields with errors are left out."""
        _ = self.errors  # runs the validation once if nobody has
        out: dict[str, Any] = {}
        for name, field in self.field_defs.items():
            if field["type"] != FILE and name in self.cleaned_data:
                out[name] = _json_value(field, self.cleaned_data[name])
        return out

    def uploads(self) -> dict[str, UploadedFile[Any]]:
        """The files sent on this page, by field name (already pre-checked for size and type)."""
        _ = self.errors
        return {
            name: self.cleaned_data[name]
            for name, field in self.field_defs.items()
            if field["type"] == FILE and isinstance(self.cleaned_data.get(name), UploadedFile)
        }


def page_form(
    definition: Definition,
    page_key: str,
    *,
    answers: Mapping[str, Any],
    data: Any = None,
    files: Any = None,
    attached: AbstractSet[str] = frozenset(),
    language: str | None = None,
) -> PageForm:
    """The form of one page. `answers` are the stored answers (initial values, and the values earlier
    pages' conditions see); `data`/`files` the submission (a QueryDict or a plain dict: the JSON API);
    `attached` the file fields that already have a file (then a new one is optional). Raises NotFound for
    an unknown page key."""
    return PageForm(
        definition,
        get_page(definition, page_key),
        answers=answers,
        attached=attached,
        language=language,
        data=data,
        files=files,
    )


# --- answers --------------------------------------------------------------------------------------------


def merge_answers(
    definition: Definition, answers: Mapping[str, Any], cleaned: Mapping[str, Any]
) -> dict[str, Any]:
    """Stored answers updated with one page's `cleaned_answers()`, keeping only fields that are still
    visible (a changed choice on page 1 can hide a field on page 3: its stale answer goes)."""
    merged = {**answers, **cleaned}
    shown = {field["name"] for field in visible_fields(definition, merged)}
    return {name: value for name, value in merged.items() if name in shown}


def _has_answer(value: Any) -> bool:
    # Not `value not in (None, "", [], False)`: 0 == False, and 0 is an answer (a dowry of 0 dinars).
    return not (value is None or value is False or (isinstance(value, str | list | tuple) and not value))


# Fields built for re-checking stored answers, by what they are built from: the field's definition (its
# text: a version's definition never changes, and two versions asking the same question share it), whether
# it is required, and the language of its label. Building a Django field costs several times what cleaning
# a value with it does, and every submission re-checks every page; `clean()` never changes a field, so
# one built field serves every check. Bounded: emptied when full (the catalogue has a few hundred fields).
_checking_fields: dict[tuple[str, bool, str], forms.Field] = {}
CHECKING_FIELDS_MAX = 4096


def _checking_field(field: FieldDef, *, required: bool, language: str) -> forms.Field:
    key = (repr(field), required, language)
    built = _checking_fields.get(key)
    if built is None:
        built = remember(
            _checking_fields,
            key,
            build_field(field, required=required, language=language),
            CHECKING_FIELDS_MAX,
        )
    return built


def missing_answers(
    definition: Definition, answers: Mapping[str, Any], attached: AbstractSet[str]
) -> list[tuple[str, str, str]]:
    """(page key, field name, translated message) for every visible required field without an answer
    (or, for a file field, without an attached file), and every stored answer that fails its checks
    today. Empty when the application can be submitted.

    This is what binding each visible page's form (`page_form`) to the stored answers and reading its
    first error per field gives — the same fields, visibility, widgets and `clean()` — without building a
    form per page and its fields per submission (`_checking_field`). tests/applications compares the two."""
    problems: list[tuple[str, str, str]] = []
    # The labels' language: what `pick` uses when a page form is built without one (the active language).
    language = (get_language() or "ar").split("-")[0]
    visible: set[str] = set()  # fields shown by the stored answers, page after page (`visible_pages`)
    for page in pages(definition):
        earlier = set(visible)  # what the page's form sees of the pages before it
        shown = []
        for field in page["fields"]:
            if _is_shown(field, visible, answers):
                visible.add(field["name"])
                shown.append(field)
        if not shown:
            continue
        # The page's form bound to the stored answers that are answers (files are never form data).
        data = {
            field["name"]: answers[field["name"]]
            for field in shown
            if field["type"] != FILE and _has_answer(answers.get(field["name"]))
        }
        # As in PageForm: conditions on this page see the values bound for the fields above them.
        values: dict[str, Any] = dict(answers)
        for field, required in _fields_to_bind(page, earlier, values, attached):
            name = field["name"]
            built = _checking_field(field, required=required, language=language)
            earlier.add(name)
            value = values[name] = built.widget.value_from_datadict(data, {}, name)
            try:
                if isinstance(built, forms.FileField):
                    built.clean(value, None)  # a form passes the field's initial value: none for files
                else:
                    built.clean(value)
            except forms.ValidationError as error:
                problems.append((str(page["key"]), name, str(next(iter(error)))))  # the form's first error
    return problems


# --- display --------------------------------------------------------------------------------------------


def answer_display(field: FieldDef, value: Any, *, language: str | None = None) -> str:
    """An answer as the citizen reads it on a "check your answers" page."""
    kind = field["type"]
    if kind == "declaration":
        return _("Yes") if value else _("No")
    if not _has_answer(value):
        return _("Not answered")
    if kind in {"choice", "multi_choice"}:
        labels = {choice["value"]: pick(choice["label"], language) for choice in field.get("choices") or []}
        chosen: Sequence[Any] = value if isinstance(value, list | tuple) else [value]
        active = (language or get_language() or "ar").split("-")[0]
        separator = ", " if active == "en" else "، "
        return separator.join(labels.get(item, str(item)) for item in chosen)
    if kind == "governorate":
        try:
            return str(Governorate(value).label)
        except ValueError:
            return str(value)
    if kind == "date":
        try:
            return str(formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT"))
        except ValueError:
            return str(value)
    if kind == "phone":
        return display_phone(str(value))
    if kind == "number":
        return _plain_number(value) if isinstance(value, int | float) else str(value)
    return str(value)
