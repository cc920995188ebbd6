"""The malware-scanner plugin interface (ARCHITECTURE §5.4): a small typed protocol, nothing else.

A scanner reads a file as a stream of byte chunks and says whether it is clean. A scanner that cannot give
an answer (daemon down, timeout, protocol error) raises `ScannerUnavailable`: the caller refuses the upload
(fail closed), it never lets an unscanned file through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ScanVerdict:
    """`signature` names what was found (e.g. "Eicar-Test-Signature"); empty when clean."""

    clean: bool
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner gave no verdict. The message is for the operators' log, never shown to citizens."""


@runtime_checkable
class MalwareScanner(Protocol):
    name: str

    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        """Read `chunks` (the whole file, in order) and return the verdict, or raise ScannerUnavailable."""
        ...
