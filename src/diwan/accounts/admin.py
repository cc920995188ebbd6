"""Django admin for users: superusers with completed MFA only (diwan.core.access maps every admin view
to SUPERUSER). Read-mostly: accounts are created and changed through the actions (audited), the
national ID (ciphertext and blind index), the password hash and TOTP secrets are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diwan.accounts.actions.staff import staff_sign_out_everywhere, staff_unlock, totp_reset
from diwan.accounts.events import AccountEvent
from diwan.accounts.models import User, UserKind
from diwan.audit.actions import record_event


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ("username", "full_name_ar", "kind", "is_active", "is_superuser", "locked_until")
    list_filter = ("kind", "is_active", "is_superuser", "is_test_data")
    search_fields = ("username", "full_name_ar", "full_name_latin", "email", "phone")
    ordering = ("kind", "username", "id")
    # Never national_id / national_id_index (encrypted data and its keyed hash) or the password hash.
    fields = (
        "kind",
        "username",
        "phone",
        "email",
        "full_name_ar",
        "full_name_ckb",
        "full_name_latin",
        "governorate",
        "verification_level",
        "is_test_data",
        "is_active",
        "is_superuser",
        "date_joined",
        "last_login",
        "password_changed_at",
        "failed_logins",
        "locked_until",
        "session_epoch",
    )
    readonly_fields = tuple(f for f in fields if f not in {"is_active", "is_superuser"})
    actions = ("unlock_accounts", "reset_authenticators", "sign_out_everywhere")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff_create (diwan command / directory UI) validates and audits

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: audit events keep pointing at the account

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                event_type=AccountEvent.STAFF_CHANGED_IN_ADMIN,
                actor=request.user,
                objects={"user": obj.pk},
                details={"changed": sorted(form.changed_data)},
            )
            if "is_active" in form.changed_data or "is_superuser" in form.changed_data:
                staff_sign_out_everywhere(actor=request.user, user=obj)  # type: ignore[arg-type]

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            staff_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, gettext("Accounts unlocked."))

    @admin.action(description=_("Reset the authenticator app of the selected staff"))
    def reset_authenticators(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(kind=UserKind.STAFF):
            totp_reset(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(
            request, gettext("Authenticators reset. Each person sets up a new app at their next sign-in.")
        )

    @admin.action(description=_("Sign the selected accounts out everywhere"))
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            staff_sign_out_everywhere(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, gettext("The selected accounts are signed out everywhere."))
