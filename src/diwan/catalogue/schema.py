"""The service definition schema (docs/catalogue.md), validated with pydantic when a file is loaded.

Three layers of checks, all reported as `Problem`s naming the file, the line and the field:
1. shape and types (pydantic models below);
2. references inside one file (`check_references`: show_if fields exist earlier, stage time limits fit in
   the legal limit, choice values exist, validators suit the field type);
3. references to the directory (done at sync time in `diwan.catalogue.sync`: agency, offices, routing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from diwan.core.governorates import Governorate
from diwan.directory.roles import Role

Loc = tuple[str | int, ...]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,58}[a-z0-9]$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LifeEvent(StrEnum):
    """The life events a citizen may browse by (labels in diwan.catalogue.labels)."""

    HAVING_A_CHILD = "having_a_child"
    GETTING_MARRIED = "getting_married"
    IDENTITY_DOCUMENTS = "identity_documents"
    TRAVELLING_ABROAD = "travelling_abroad"
    STARTING_A_BUSINESS = "starting_a_business"
    BUILDING_A_HOME = "building_a_home"
    DRIVING_AND_VEHICLES = "driving_and_vehicles"
    STUDYING = "studying"
    LOOKING_FOR_WORK = "looking_for_work"
    FACING_HARDSHIP = "facing_hardship"


class FieldType(StrEnum):
    TEXT = "text"
    ARABIC_NAME = "arabic_name"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    GOVERNORATE = "governorate"
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    FILE = "file"
    DECLARATION = "declaration"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN_FOR_CORRECTION = "return_for_correction"
    REQUEST_EXTENSION = "request_extension"
    ESCALATE = "escalate"


TEXT_TYPES = {FieldType.TEXT, FieldType.ARABIC_NAME, FieldType.ADDRESS}
CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTI_CHOICE}
ALLOWED_FILE_TYPES = {"pdf", "jpeg", "png"}
MAX_FILE_MB = 20


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Text citizens read, in all three languages; none may be empty."""

    ar: NonEmpty
    ckb: NonEmpty
    en: NonEmpty


class Choice(Strict):
    value: Key
    label: Text


class Validators(Strict):
    min: float | None = None
    max: float | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Validators:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise ValueError("min_length is greater than max_length")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValueError(f"pattern is not a valid regular expression: {error}") from error
        return self


class FileRule(Strict):
    allowed_types: list[Literal["pdf", "jpeg", "png"]] = Field(min_length=1)
    max_size_mb: int = Field(ge=1, le=MAX_FILE_MB)


class ShowIf(Strict):
    """Show the field only when an earlier field has one of these values (`equals` or `in`)."""

    field: Key
    equals: str | bool | None = None
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)

    @model_validator(mode="after")
    def _one_condition(self) -> ShowIf:
        if (self.equals is None) == (self.in_ is None):
            raise ValueError("give exactly one of equals or in")
        return self

    @property
    def values(self) -> list[str | bool]:
        return list(self.in_) if self.in_ is not None else [self.equals] if self.equals is not None else []


class Prefill(Strict):
    """Where the data exchange may fill this field from (until it exists, the field is simply asked)."""

    source: Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]


class FormField(Strict):
    name: Key
    type: FieldType
    label: Text
    hint: Text | None = None
    required: bool = True
    validators: Validators | None = None
    choices: list[Choice] | None = None
    file: FileRule | None = None
    show_if: ShowIf | None = None
    prefill: Prefill | None = None


class Page(Strict):
    key: Key
    title: Text
    fields: list[FormField] = Field(min_length=1)


class Form(Strict):
    pages: list[Page] = Field(min_length=1)


class Consultation(Strict):
    """A parallel sub-task to another office, which must answer before the stage completes."""

    agency: NonEmpty
    office: NonEmpty
    question: Text
    time_limit_days: int = Field(ge=1)


class Stage(Strict):
    key: Key
    name: Text
    role: Role
    office: NonEmpty = Field(
        default="routed", description="routed (the office routing picked), parent, or an office code"
    )
    time_limit_days: int = Field(ge=1)
    actions: list[Action] = Field(min_length=1)
    consultations: list[Consultation] = Field(default_factory=list)


class RejectionReason(Strict):
    code: Key
    text: Text


class Workflow(Strict):
    stages: list[Stage] = Field(min_length=1)
    rejection_reasons: list[RejectionReason] = Field(default_factory=list)


class RoutingException(Strict):
    governorates: list[Governorate] = Field(min_length=1)
    agency: NonEmpty
    office: NonEmpty


class Routing(Strict):
    """`by: governorate` fills {governorate} in `office` with the applicant's governorate code;
    `by: fixed` sends every application to one office of the owning agency."""

    by: Literal["governorate", "fixed"]
    office: NonEmpty
    exceptions: list[RoutingException] = Field(default_factory=list)
    not_offered_in: list[Governorate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pattern(self) -> Routing:
        if self.by == "governorate" and "{governorate}" not in self.office:
            raise ValueError("with by: governorate, office must contain {governorate}")
        if self.by == "fixed" and "{" in self.office:
            raise ValueError("with by: fixed, office is a plain office code")
        return self


class Output(Strict):
    template: Key
    title: Text


class ServiceDefinition(Strict):
    code: Code
    agency: NonEmpty
    title: Text
    summary: Text
    eligibility: Text
    fee_iqd: int | None = Field(ge=0, description="Official fee in Iraqi dinars; none or 0 for free")
    documents: list[Text] = Field(default_factory=list)
    legal_time_limit_days: int = Field(ge=1, le=365)
    life_events: list[LifeEvent] = Field(default_factory=list)
    routing: Routing
    form: Form
    workflow: Workflow
    output: Output


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ServiceFileError(Exception):
    """One or more service files are invalid; nothing was published."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(file)"


@dataclass
class LoadedFile:
    path: Path
    name: str  # as shown in messages, e.g. services/passport-application.yaml
    data: Any
    root: yaml.Node | None

    def line(self, loc: Loc) -> int:
        """1-based line of the deepest YAML node on the path `loc`: the line of its key in a mapping,
        of the item in a list (a missing key: the line of its parent's key)."""
        node = self.root
        if node is None:
            return 1
        line = int(node.start_mark.line)
        for part in loc:
            found = _child(node, part)
            if found is None:
                break
            key, node = found
            line = int((key or node).start_mark.line)
        return line + 1

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.name, self.line(loc), dotted(loc), message)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """(key node or None, value node) of `part` under `node`."""
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def read_file(path: Path, name: str | None = None) -> LoadedFile:
    """Parse one YAML file (safe loader). A syntax error is a Problem with the line of the error."""
    shown = name or path.name
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = Problem(shown, line, "(file)", f"not valid YAML: {error.problem}")
        raise ServiceFileError([problem]) from error
    return LoadedFile(path=path, name=shown, data=data, root=root)


def parse(loaded: LoadedFile) -> ServiceDefinition:
    """Validate shape, types and in-file references; raise ServiceFileError listing every problem."""
    if not isinstance(loaded.data, dict):
        raise ServiceFileError([loaded.problem((), "a service file is a mapping of fields")])
    try:
        definition = ServiceDefinition.model_validate(loaded.data)
    except ValidationError as error:
        problems = [
            loaded.problem(_loc(item["loc"]), item["msg"])
            for item in error.errors(include_url=False, include_context=False)
        ]
        raise ServiceFileError(problems) from error
    problems = [loaded.problem(loc, message) for loc, message in check_references(definition)]
    expected = loaded.path.stem
    if definition.code != expected:
        problems.append(loaded.problem(("code",), f"the code must match the file name ({expected!r})"))
    if problems:
        raise ServiceFileError(problems)
    return definition


def _loc(loc: Sequence[Any]) -> Loc:
    # pydantic adds the failing member of a union or a validator tag ("function-after[...]"); keep only
    # the parts that exist in the file, and use the alias "in" for ShowIf.in_.
    return tuple("in" if p == "in_" else p for p in loc if isinstance(p, int) or "[" not in str(p))


def check_references(definition: ServiceDefinition) -> Iterator[tuple[Loc, str]]:
    """Cross-references inside one definition (no database needed)."""
    seen: dict[str, FormField] = {}
    page_keys: set[str] = set()
    for p, page in enumerate(definition.form.pages):
        if page.key in page_keys:
            yield ("form", "pages", p, "key"), f"page key {page.key!r} is used twice"
        page_keys.add(page.key)
        for f, field in enumerate(page.fields):
            at: Loc = ("form", "pages", p, "fields", f)
            if field.name in seen:
                yield (*at, "name"), f"field name {field.name!r} is used twice"
            yield from _check_field(field, at, seen)
            seen[field.name] = field
    stage_keys: set[str] = set()
    total = 0
    for s, stage in enumerate(definition.workflow.stages):
        at = ("workflow", "stages", s)
        if stage.key in stage_keys:
            yield (*at, "key"), f"stage key {stage.key!r} is used twice"
        stage_keys.add(stage.key)
        if stage.role == Role.CITIZEN:
            yield (*at, "role"), "a stage is acted on by staff, not by the citizen"
        total += stage.time_limit_days
        for c, consultation in enumerate(stage.consultations):
            if consultation.time_limit_days > stage.time_limit_days:
                yield (
                    (*at, "consultations", c, "time_limit_days"),
                    "a consultation cannot take longer than its stage",
                )
        if Action.REJECT in stage.actions and not definition.workflow.rejection_reasons:
            yield (*at, "actions"), "a stage that may reject needs workflow.rejection_reasons"
    if definition.workflow.stages[-1].actions.count(Action.APPROVE) == 0:
        yield (
            ("workflow", "stages", len(definition.workflow.stages) - 1, "actions"),
            ("the last stage must allow approve (it issues the output document)"),
        )
    if total > definition.legal_time_limit_days:
        yield (
            ("workflow", "stages"),
            (
                f"the stages' time limits add up to {total} working days, more than the legal time limit "
                f"of {definition.legal_time_limit_days}"
            ),
        )
    routing = definition.routing
    covered: set[str] = set(routing.not_offered_in)
    for e, exception in enumerate(routing.exceptions):
        for g in exception.governorates:
            if g in covered:
                yield ("routing", "exceptions", e, "governorates"), f"governorate {g} is routed twice"
            covered.add(g)


def _check_field(field: FormField, at: Loc, seen: dict[str, FormField]) -> Iterator[tuple[Loc, str]]:
    if field.type in CHOICE_TYPES:
        if not field.choices:
            yield (*at, "choices"), f"a {field.type} field needs choices"
        elif len({c.value for c in field.choices}) != len(field.choices):
            yield (*at, "choices"), "choice values must be unique"
    elif field.choices is not None:
        yield (*at, "choices"), f"only choice and multi_choice fields have choices, not {field.type}"
    if field.type == FieldType.FILE and field.file is None:
        yield (*at, "file"), "a file field needs file: {allowed_types, max_size_mb}"
    if field.type != FieldType.FILE and field.file is not None:
        yield (*at, "file"), "only file fields have file rules"
    if field.type == FieldType.DECLARATION and not field.required:
        yield (*at, "required"), "a declaration must be required"
    rules = field.validators
    if rules is not None:
        if (rules.min is not None or rules.max is not None) and field.type != FieldType.NUMBER:
            yield (*at, "validators"), "min and max apply to number fields only"
        text_rule = rules.min_length is not None or rules.max_length is not None or rules.pattern is not None
        if text_rule and field.type not in TEXT_TYPES:
            yield (*at, "validators"), "length and pattern apply to text, arabic_name and address fields only"
    condition = field.show_if
    if condition is not None:
        target = seen.get(condition.field)
        if target is None:
            yield (*at, "show_if", "field"), f"show_if refers to {condition.field!r}, not an earlier field"
        elif target.type in CHOICE_TYPES:
            known = {c.value for c in target.choices or []}
            for value in condition.values:
                if value not in known:
                    yield (*at, "show_if"), f"{value!r} is not a choice of {condition.field!r}"
        elif target.type == FieldType.DECLARATION and any(not isinstance(v, bool) for v in condition.values):
            yield (*at, "show_if"), f"{condition.field!r} is a declaration: compare with true or false"
