"""The statements of a staff sign-in, written once per process instead of built by the ORM every time.

A sign-in runs the same few statements every time, and the ORM spends more CPU building them than the
database spends running them: the password step's user lookup cost ~0.4 ms to build and ~0.05 ms to run,
the code step's device lookup ~0.25 ms to build (py-spy and cProfile of bench/login.py). Each function here
runs the statement that the ORM call named in its docstring runs, and returns what that call returns: rows
become model instances as the ORM makes them (core.queries.ModelColumns), and the case-insensitive
username match is Django's `iexact` for the database in use.
tests/accounts/test_signin_statements.py checks each against its ORM call on the same rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections, router
from django.utils import timezone

from diwan.accounts.models import TOTPDevice, User, UserKind
from diwan.core.queries import ModelColumns, columns_of


@dataclass(frozen=True)
class _Statements:
    user: ModelColumns[User]
    device: ModelColumns[TOTPDevice]
    staff_by_username: str
    username_param: Callable[[str], str]
    confirmed_device: str
    claim_step: str
    last_login: str


_local = threading.local()  # by thread (as core.queries: converters belong to the thread's connection)


def _statements(alias: str) -> _Statements:
    by_alias: dict[str, _Statements] = _local.__dict__.setdefault("by_alias", {})
    found = by_alias.get(alias)
    if found is not None:
        return found
    connection = connections[alias]
    quote = connection.ops.quote_name
    users, devices = quote(User._meta.db_table), quote(TOTPDevice._meta.db_table)
    user_columns, device_columns = columns_of(User, alias), columns_of(TOTPDevice, alias)
    # `username__iexact=%s` as Django's IExact lookup writes it (BuiltinLookup.as_sql): SQLite
    # `"username" LIKE %s ESCAPE '\'` with LIKE's wildcards escaped in the value, PostgreSQL
    # `UPPER("username"::text) = UPPER(%s)`.
    username = connection.ops.lookup_cast("iexact", "CharField") % f"{users}.{quote('username')}"
    matches = connection.operators["iexact"] % "%s"  # type: ignore[attr-defined]  # every backend has them
    found = by_alias[alias] = _Statements(
        user=user_columns,
        device=device_columns,
        staff_by_username=(
            f"SELECT {user_columns.select}, {device_columns.select} FROM {users} "  # noqa: S608 (names from the models, values as parameters)
            f"LEFT OUTER JOIN {devices} ON ({users}.{quote('id')} = {devices}.{quote('user_id')}) "
            f"WHERE ({users}.{quote('kind')} = %s AND {username} {matches}) "
            f"ORDER BY {users}.{quote('id')} ASC LIMIT 1"
        ),
        username_param=connection.ops.prep_for_iexact_query,
        confirmed_device=(
            f"SELECT {device_columns.select} FROM {devices} "  # noqa: S608 (as above)
            f"WHERE ({devices}.{quote('confirmed_at')} IS NOT NULL AND {devices}.{quote('user_id')} = %s) "
            f"ORDER BY {devices}.{quote('id')} ASC LIMIT 1"
        ),
        claim_step=(
            f"UPDATE {devices} SET {quote('last_used_step')} = %s "  # noqa: S608 (as above)
            f"WHERE ({quote('last_used_step')} < %s AND {quote('id')} = %s)"
        ),
        last_login=f"UPDATE {users} SET {quote('last_login')} = %s WHERE {quote('id')} = %s",  # noqa: S608 (as above)
    )
    return found


def staff_by_username(username: str) -> User | None:
    """`User.objects.select_related("totp_device").filter(username__iexact=username, kind=UserKind.STAFF)
    .first()`: the staff account, with its authenticator device (or its absence) already loaded."""
    alias = router.db_for_read(User)
    statements = _statements(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            statements.staff_by_username, [str(UserKind.STAFF), statements.username_param(username)]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(statements.user.attnames)
    user = statements.user.instance(row[:width])
    values = row[width:]
    device = None
    if values[statements.device.pk_index] is not None:  # LEFT JOIN: NULLs when there is no device
        device = statements.device.instance(values)
    # What select_related's populator does for a reverse one-to-one: the user knows its device (or that
    # it has none: user.totp_device then raises DoesNotExist without a query), the device its user.
    field = TOTPDevice.user.field
    field.remote_field.set_cached_value(user, device)
    if device is not None:
        field.set_cached_value(device, user)
    return user


def confirmed_device_of(user: User) -> TOTPDevice | None:
    """`TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()`."""
    alias = router.db_for_read(TOTPDevice)
    statements = _statements(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(statements.confirmed_device, [user.pk])
        row = cursor.fetchone()
    return None if row is None else statements.device.instance(row)


def claim_step(device: TOTPDevice, step: int) -> bool:
    """`TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step) == 1`:
    True if this call moved the device's last used step forward to `step` (of two concurrent calls with the
    same step, only one does)."""
    alias = router.db_for_write(TOTPDevice)
    with connections[alias].cursor() as cursor:
        cursor.execute(_statements(alias).claim_step, [step, step, device.pk])
        claimed: bool = cursor.rowcount == 1
    return claimed


def record_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    """`django.contrib.auth.models.update_last_login` (the `user_logged_in` receiver), which sets
    `user.last_login` and saves it with `user.save(update_fields=["last_login"])`, as one UPDATE. Like that
    save it fails when the row is gone."""
    user.last_login = timezone.now()
    alias = router.db_for_write(User, instance=user)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(
            _statements(alias).last_login,
            [connection.ops.adapt_datetimefield_value(user.last_login), user.pk],
        )
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")
