"""Checked reads of accounts (ARCHITECTURE §5.2). Citizen parts: a citizen sees their own account only."""

from __future__ import annotations

from typing import Any

from diwan.accounts.models import User, UserKind
from diwan.core.access import is_citizen
from diwan.core.errors import NotFound


def access_citizen_for(actor: Any, citizen_id: int | None) -> User:
    """The citizen account `citizen_id` if `actor` may see it: today only the citizen themselves.
    Staff reach citizen records through their casework (with purpose and audit), not through here.
    Anything else is NotFound, never Forbidden, so ids do not reveal which accounts exist."""
    if citizen_id is None or not is_citizen(actor) or actor.pk != citizen_id:
        raise NotFound()
    try:
        return User.objects.get(pk=citizen_id, kind=UserKind.CITIZEN, is_active=True)
    except User.DoesNotExist:
        raise NotFound() from None


def national_id_hint(user: User) -> str:
    """The last four digits only, for pages that remind the citizen which ID is on file."""
    national_id = user.national_id or ""
    return f"••••••••{national_id[-4:]}" if len(national_id) >= 4 else ""
