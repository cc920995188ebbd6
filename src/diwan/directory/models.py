"""The organisation directory: agencies, offices in a tree, positions, memberships, delegations, keys.

A role is never stored on a user: it is held through a Membership (person × position, for a period) or
borrowed through a Delegation (acting for a position for a bounded period). See docs/directory.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diwan.core import clock
from diwan.core.fields import TranslatedTextField
from diwan.core.governorates import Governorate
from diwan.core.i18n import pick
from diwan.directory.roles import ROLE_LABELS, Role


class AgencyKind(models.TextChoices):
    FEDERAL_MINISTRY = "federal_ministry", _("Federal ministry")
    INDEPENDENT_BODY = "independent_body", _("Independent body")
    KRG_MINISTRY = "krg_ministry", _("Kurdistan Region ministry or body")
    GOVERNORATE_OFFICE = "governorate_office", _("Governorate office")
    COORDINATION_BODY = "coordination_body", _("Coordination body")
    JUDICIARY = "judiciary", _("Judiciary")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")


# Roles whose positions may exist only in agencies of one kind (separation of powers).
ROLE_REQUIRES_KIND: dict[str, str] = {
    Role.JUDGE: AgencyKind.JUDICIARY,
    Role.LAW_ENFORCEMENT_OFFICER: AgencyKind.LAW_ENFORCEMENT,
    Role.COORDINATION_ADMIN: AgencyKind.COORDINATION_BODY,
}
# Citizens are a kind of account, not a position anyone can be appointed to.
POSITION_ROLES = [(role.value, ROLE_LABELS[role]) for role in Role if role != Role.CITIZEN]


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = TranslatedTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=24, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self.name)

    @property
    def is_judiciary(self) -> bool:
        return self.kind == AgencyKind.JUDICIARY

    @property
    def is_law_enforcement(self) -> bool:
        return self.kind == AgencyKind.LAW_ENFORCEMENT

    @property
    def is_coordination_body(self) -> bool:
        return self.kind == AgencyKind.COORDINATION_BODY


class Office(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="offices")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = TranslatedTextField(_("name"))
    governorate = models.CharField(_("governorate"), max_length=3, choices=Governorate.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["agency_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="directory_office_code_per_agency"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self.name)


class Position(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="positions")
    title = TranslatedTextField(_("title"))
    role = models.CharField(_("role"), max_length=32, choices=POSITION_ROLES)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["office_id", "id"]
        indexes = [models.Index(fields=["role"], name="directory_position_role")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self.title)


class Membership(models.Model):
    """A person holds a position from valid_from until valid_to (open-ended while valid_to is empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="memberships")
    valid_from = models.DateTimeField(_("valid from"), default=clock.now)
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position_id", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_from", "valid_to"], name="directory_membership_user")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="directory_membership_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.position_id}"


class Delegation(models.Model):
    """The delegate acts for the delegator's position for a bounded period (leave, illness, travel)."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="delegations")
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received"
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid until"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position_id", "valid_from"]
        indexes = [
            models.Index(fields=["delegate", "valid_from", "valid_to"], name="directory_delegation_to")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")), name="directory_delegation_period"
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")), name="directory_delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_id} for {self.position_id}"


class SigningKey(models.Model):
    """An agency's Ed25519 public key (raw 32 bytes, base64) and the period it may sign in."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.SlugField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["agency_id", "valid_from"]

    def __str__(self) -> str:
        return self.key_id
