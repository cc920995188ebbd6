"""Checking a citizen's upload before it is stored (docs/applications.md, "Form fields and uploads").

The type is judged by the content (magic bytes, with puremagic), never by the file name or the browser's
content type. Every upload is checked for size, type and malware; a scanner that cannot answer refuses the
file (fail closed). The file is read once, in chunks (hash and scan in the same pass), and rewound.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import puremagic
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from diwan.applications.scanners import ScannerUnavailable, get_scanner
from diwan.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

Kind = Literal["pdf", "jpeg", "png"]
KINDS: tuple[Kind, ...] = ("pdf", "jpeg", "png")
CONTENT_TYPES: dict[Kind, str] = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
_BY_MIME: dict[str, Kind] = {mime: kind for kind, mime in CONTENT_TYPES.items()}
# What the citizen reads ("PDF, JPEG, PNG") and the extensions a stored name may keep.
LABELS: dict[Kind, str] = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
EXTENSIONS: dict[Kind, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg", ".jpe"),
    "png": (".png",),
}
# Bytes read to judge the type: every signature we accept sits at the start of the file.
HEAD_BYTES = 8192
MB = 1024 * 1024
NAME_MAX = 200  # Attachment.original_name
# Characters a file name may not keep: controls, bidi overrides that disguise an extension
# ("invoice\u202efdp.exe"), path separators and the characters Windows refuses.
_NAME_UNSAFE = re.compile(r'[\\/<>:"|?*]')


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    content_type: str  # from the content, for the Attachment row and the download's Content-Type
    size: int
    sha256: str
    original_name: str  # safe to store and to show; its extension matches the content


def detect_type(head: bytes) -> Kind | None:
    """The file's type from its first bytes (at least the first few hundred), or None if it is none of
    PDF, JPEG, PNG. Only a signature at offset 0 counts, among puremagic's most confident matches."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except (LookupError, ValueError):  # puremagic.PureError (no match), PureValueError (no input)
        return None
    if not matches:
        return None
    best = matches[0].confidence
    for match in matches:
        if match.confidence < best:
            break
        kind = _BY_MIME.get(match.mime_type)
        if kind is not None and match.offset == 0:
            return kind
    return None


def limit_bytes(rule: Mapping[str, Any]) -> int:
    return int(rule["max_size_mb"]) * MB


def allowed_kinds(rule: Mapping[str, Any]) -> list[Kind]:
    allowed = set(rule.get("allowed_types") or ())
    return [kind for kind in KINDS if kind in allowed]


def describe_rule(rule: Mapping[str, Any]) -> str:
    """ "PDF, JPEG, PNG — up to 5 MB", for the hint under a file field."""
    return _("%(types)s, up to %(limit)s MB") % {
        "types": ", ".join(LABELS[kind] for kind in allowed_kinds(rule)),
        "limit": rule["max_size_mb"],
    }


def _empty(field: str) -> ValidationFailed:
    return ValidationFailed(
        _("The file you chose is empty. Choose the file again."), field=field, code="empty"
    )


def _too_large(field: str, size: int, rule: Mapping[str, Any]) -> ValidationFailed:
    return ValidationFailed(
        _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
        % {"size": f"{size / MB:.1f}", "limit": rule["max_size_mb"]},
        field=field,
        code="too_large",
    )


def _wrong_type(field: str, rule: Mapping[str, Any]) -> ValidationFailed:
    return ValidationFailed(
        _(
            "This file is not one of the accepted types (%(types)s). The type is judged by the file's "
            "content: renaming a file does not change it."
        )
        % {"types": ", ".join(LABELS[kind] for kind in allowed_kinds(rule))},
        field=field,
        code="wrong_type",
    )


def precheck_upload(upload: UploadedFile[Any], rule: Mapping[str, Any], *, field: str) -> Kind:
    """The cheap checks (empty, declared size, type by content) without reading the whole file; the form
    uses it so a page shows every problem at once. `check_upload` does these and the rest."""
    size = upload.size
    if size is not None and size > limit_bytes(rule):
        raise _too_large(field, size, rule)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise _empty(field)
    kind = detect_type(head)
    if kind is None or kind not in allowed_kinds(rule):
        raise _wrong_type(field, rule)
    return kind


class _TooLarge(Exception):
    pass


def check_upload(upload: UploadedFile[Any], rule: Mapping[str, Any], *, field: str) -> CheckedUpload:
    """Check one upload against a field's file rule ({allowed_types, max_size_mb}) and the malware
    scanner; raise ValidationFailed(field=field) with a translated message, or return what to store.

    The file is read once after the first bytes: size (counted, not the browser's figure), SHA-256 and
    the scan in the same pass. It is rewound before returning or raising."""
    kind = precheck_upload(upload, rule, field=field)
    limit = limit_bytes(rule)
    digest = hashlib.sha256()
    counted = 0

    def stream() -> Iterator[bytes]:
        nonlocal counted
        for chunk in upload.chunks():  # File.chunks() starts from the beginning
            counted += len(chunk)
            if counted > limit:
                raise _TooLarge
            digest.update(chunk)
            yield chunk

    chunks = stream()
    try:
        verdict = get_scanner().scan(chunks)
        for _chunk in chunks:  # what the scanner did not read still counts for the size and the hash
            pass
    except _TooLarge:
        raise _too_large(field, counted, rule) from None
    except ScannerUnavailable as exc:
        logger.error("upload for field %s refused: the malware scanner is unavailable: %s", field, exc)
        raise ValidationFailed(
            _("We could not check this file for viruses just now. Please try again later."),
            field=field,
            code="scanner_unavailable",
        ) from exc
    finally:
        upload.seek(0)
    if counted > limit:  # a scanner that swallowed the exception does not get the file through
        raise _too_large(field, counted, rule)
    if counted == 0:
        raise _empty(field)
    if not verdict.clean:
        logger.warning("upload for field %s refused: malware scanner found %s", field, verdict.signature)
        raise ValidationFailed(
            _(
                "This file was refused: the virus check found “%(signature)s”. Check your device for "
                "viruses, then upload a clean copy of the document."
            )
            % {"signature": verdict.signature},
            field=field,
            code="malware",
        )
    return CheckedUpload(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=counted,
        sha256=digest.hexdigest(),
        original_name=clean_file_name(upload.name or "", kind),
    )


def clean_file_name(name: str, kind: Kind) -> str:
    """The citizen's file name made safe to store and show: no folders, control or direction-override
    characters, no leading dots, at most 200 characters, and an extension that matches the content
    (a PNG sent as "scan.pdf" is kept as "scan.png"). Storage never uses it (attachment_path is random)."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        ch for ch in base if unicodedata.category(ch)[0] != "C" or ch in "\u200c\u200d"
    )  # keep ZWNJ/ZWJ: Kurdish and Persian words use them
    base = _NAME_UNSAFE.sub("_", base)
    base = " ".join(base.split()).strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    suffix = f".{extension}" if f".{extension.lower()}" in EXTENSIONS[kind] else EXTENSIONS[kind][0]
    stem = stem.strip(" .") or "document"
    return stem[: NAME_MAX - len(suffix)].rstrip(" .") + suffix
