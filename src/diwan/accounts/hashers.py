"""Argon2id at the OWASP parameters (m=19 MiB, t=2, p=1) instead of Django's heavier default, so a
2-core server can sign in dozens of staff a second. Existing hashes with other parameters are upgraded
on the next successful login (Django's must_update)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
