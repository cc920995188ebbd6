"""Adds the request id to every log record so one request's lines can be found together."""

from __future__ import annotations

import logging

from diwan.core.middleware import current


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = current.get()
        record.request_id = context.request_id if context else "-"
        return True
