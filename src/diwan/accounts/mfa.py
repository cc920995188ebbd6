"""TOTP (RFC 6238) for staff: secrets, verification with replay protection, and the enrolment QR code.

Codes are 6 digits over 30-second steps; one step of clock drift either way is accepted (valid_window=1).
A code is accepted only for a time step later than the device's `last_used_step`, so a code that was
seen once (over a shoulder, in a proxy log) cannot be used again.
"""

from __future__ import annotations

import base64
import hmac

import pyotp
import segno

from diwan.core import clock

ISSUER = "Diwan"
DIGITS = 6
INTERVAL = 30
VALID_WINDOW = 1


def new_secret() -> str:
    """160 random bits, base32 (what authenticator apps expect)."""
    return pyotp.random_base32(length=32)


def normalise_secret(secret: str) -> str:
    """Accept a secret with spaces or lower case (as people copy it); raise ValueError if not base32."""
    cleaned = "".join(secret.split()).upper()
    padded = cleaned + "=" * (-len(cleaned) % 8)
    base64.b32decode(padded, casefold=False)  # raises binascii.Error (a ValueError) on bad input
    if len(cleaned) < 16:
        raise ValueError("TOTP secret is shorter than 80 bits")
    return cleaned


def current_step() -> int:
    return int(clock.now().timestamp()) // INTERVAL


def code_at(secret: str, step: int) -> str:
    return str(pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).at(step * INTERVAL))


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (used by tests, the benchmark and the demo helpers)."""
    return code_at(secret, current_step())


def matching_step(secret: str, code: str, *, last_used_step: int) -> int | None:
    """The time step `code` is valid for (within the window, after `last_used_step`), else None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_step = current_step()
    found: int | None = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        # Compare every candidate so the time taken does not depend on which one matched.
        if hmac.compare_digest(code_at(secret, step), code) and step > last_used_step and found is None:
            found = step
    return found


def provisioning_uri(secret: str, *, account: str) -> str:
    return str(
        pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
            name=account, issuer_name=ISSUER
        )
    )


def qr_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI for an <img> (the CSP allows img data:, no inline SVG/script)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=4))
