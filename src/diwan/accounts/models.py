"""People who use Diwan: citizens (phone + one-time code, or national eID) and staff (password + TOTP).

One user table with a `kind`, because audit events, sessions and throttles treat both alike. Staff roles
are not stored here: they come from memberships in the directory (diwan.directory).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from diwan.core import clock
from diwan.core.fields import EncryptedTextField
from diwan.core.governorates import Governorate

NATIONAL_ID_CONTEXT = "accounts.User.national_id"
SESSION_AUTH_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"  # Django's own


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")


class VerificationLevel(models.IntegerChoices):
    PHONE = 1, _("Phone number confirmed")
    NATIONAL_EID = 2, _("Verified with the national eID")
    IN_PERSON = 3, _("Verified in person at an office")


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str | None = None, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username or None, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("kind", UserKind.STAFF)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    kind = models.CharField(max_length=10, choices=UserKind.choices, default=UserKind.CITIZEN)
    username = models.CharField(_("username"), max_length=150, unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text="E.164, +9647XXXXXXXXX",
    )
    email = models.EmailField(_("email"), blank=True)
    full_name_ar = models.CharField(_("full name (Arabic script)"), max_length=200)
    full_name_ckb = models.CharField(_("full name (Kurdish)"), max_length=200, blank=True)
    full_name_latin = models.CharField(_("full name (Latin letters)"), max_length=200, blank=True)
    national_id = EncryptedTextField(_("national ID number"), blank=True, context=NATIONAL_ID_CONTEXT)
    # HMAC of the national ID for exact lookup without decrypting (core.crypto.blind_index). Unique per
    # kind: an official may also have a citizen account (and apply for services), and the same index on
    # both is how casework knows the official must not handle their own file.
    national_id_index = models.CharField(  # noqa: DJ001 NULL, not "": many accounts have none, and NULLs never collide
        max_length=64, null=True, blank=True, editable=False
    )
    governorate = models.CharField(_("governorate"), max_length=3, choices=Governorate.choices, blank=True)
    verification_level = models.PositiveSmallIntegerField(
        choices=VerificationLevel.choices, default=VerificationLevel.PHONE
    )
    is_test_data = models.BooleanField(
        default=False, help_text="Synthetic demo person, never a real citizen."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=clock.now)
    # Bumped by "sign out everywhere": sessions remember the epoch they were created in.
    session_epoch = models.PositiveIntegerField(default=0)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name_ar"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "national_id_index"], name="accounts_user_national_id_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="staff", username__isnull=False)
                | models.Q(kind="citizen", phone__isnull=False)
                | models.Q(kind="citizen", national_id_index__isnull=False),
                name="accounts_user_has_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name_ar or self.username or f"user {self.pk}"

    @property
    def is_staff(self) -> bool:
        """Django admin's gate; the admin also needs is_superuser and completed MFA (core.access)."""
        return self.kind == UserKind.STAFF

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's HMAC of the password field, which every signed-in request compares with the session's
        copy: the same value, kept per password hash and secret (2 % of a signed-in page's CPU). A new
        password or a rotated SECRET_KEY is another key, so it still ends the other sessions."""
        return _session_auth_hash(self.password, settings.SECRET_KEY if secret is None else secret)

    def set_national_id(self, national_id: str) -> None:
        from diwan.core.crypto import blind_index

        self.national_id = national_id
        self.national_id_index = (
            blind_index(national_id, context=NATIONAL_ID_CONTEXT) if national_id else None
        )


class TOTPDevice(models.Model):
    """A staff member's authenticator app. The secret is encrypted; the last accepted time step
    blocks replay."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField(context="accounts.TOTPDevice.secret")
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP for {self.user_id}"


class OneTimeCode(models.Model):
    """A sign-in code sent to a citizen's phone: hashed, 5 minutes, single use, few attempts."""

    phone = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "-created_at"], name="accounts_otc_phone_recent")]

    def __str__(self) -> str:
        return f"code for {self.phone}"


@lru_cache(maxsize=4096)
def _session_auth_hash(password: str, secret: str) -> str:
    return salted_hmac(SESSION_AUTH_HASH_SALT, password, secret=secret, algorithm="sha256").hexdigest()


class Throttle(models.Model):
    """One fixed-window counter of sign-in throttling (diwan.accounts.throttles): a key (a hashed phone or
    address and what is counted), the count in the current window and when that window ends (Unix
    seconds). Written only by throttles.hit, one atomic statement each."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.window_ends}"
