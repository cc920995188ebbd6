"""Audit event types for accounts (ARCHITECTURE §5.5): `area.subject.verb`."""

from __future__ import annotations

from enum import StrEnum


class AccountEvent(StrEnum):
    # Event names, not secrets: ruff S105 reads "PASSWORD" in a constant name as a hard-coded password.
    # Staff (diwan.accounts.actions.staff)
    STAFF_CREATED = "accounts.staff.created"
    STAFF_SIGNED_IN = "accounts.staff.signed_in"
    STAFF_SIGN_IN_FAILED = "accounts.staff.sign_in_failed"
    STAFF_LOCKED = "accounts.staff.locked"
    STAFF_UNLOCKED = "accounts.staff.unlocked"
    STAFF_CHANGED_IN_ADMIN = "accounts.staff.changed_in_admin"
    STAFF_SIGNED_OUT = "accounts.staff.signed_out"
    STAFF_SIGNED_OUT_EVERYWHERE = "accounts.staff.signed_out_everywhere"
    STAFF_PASSWORD_CHANGED = "accounts.staff.password_changed"  # noqa: S105
    STAFF_PASSWORD_UPGRADED = "accounts.staff.password_rehashed"  # noqa: S105
    MFA_ENROLMENT_STARTED = "accounts.mfa.enrolment_started"
    MFA_ENROLLED = "accounts.mfa.enrolled"
    MFA_RESET = "accounts.mfa.reset"
    MFA_FAILED = "accounts.mfa.failed"
    # Citizens (diwan.accounts.actions.citizens)
    CITIZEN_CODE_REQUESTED = "accounts.code.requested"
    CITIZEN_CODE_REJECTED = "accounts.code.rejected"
    CITIZEN_CODE_THROTTLED = "accounts.code.throttled"
    CITIZEN_REGISTERED = "accounts.citizen.registered"
    CITIZEN_REGISTRATION_REFUSED = "accounts.citizen.registration_refused"
    CITIZEN_SIGNED_IN = "accounts.citizen.signed_in"
    CITIZEN_SIGN_IN_FAILED = "accounts.citizen.sign_in_failed"
    CITIZEN_SIGNED_OUT = "accounts.citizen.signed_out"
    CITIZEN_EID_VERIFIED = "accounts.citizen.eid_verified"
