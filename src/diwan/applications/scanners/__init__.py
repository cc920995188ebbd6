"""Malware-scanner plugins (ARCHITECTURE §5.4), chosen by the DIWAN_MALWARE_SCANNER setting.

`demo` (the default) refuses the EICAR test file and nothing else; `clamd` asks a ClamAV daemon at
DIWAN_CLAMD_ADDRESS; a dotted path to a class implementing `MalwareScanner` plugs in another engine.
Production logs a warning when the demo scanner is in use (it is allowed: small offices may not run
ClamAV yet, see docs/applications.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from diwan.applications.scanners.base import MalwareScanner, ScannerUnavailable, ScanVerdict
from diwan.applications.scanners.clamd import ClamdScanner
from diwan.applications.scanners.demo import DemoScanner

__all__ = ["MalwareScanner", "ScanVerdict", "ScannerUnavailable", "get_scanner"]

logger = logging.getLogger(__name__)
_warned = False


def get_scanner() -> MalwareScanner:
    name = str(settings.DIWAN_MALWARE_SCANNER)
    scanner: object
    if name == "demo":
        _warn_if_production()
        scanner = DemoScanner()
    elif name == "clamd":
        scanner = ClamdScanner(str(settings.DIWAN_CLAMD_ADDRESS))
    elif "." in name:
        scanner = import_string(name)()
    else:
        raise ImproperlyConfigured(f"unknown malware scanner {name!r}; use demo, clamd or a dotted path")
    if not isinstance(scanner, MalwareScanner):
        raise ImproperlyConfigured(f"{name} does not implement the MalwareScanner interface")
    return scanner


def _warn_if_production() -> None:
    global _warned  # once per process is enough for the operators' log
    if settings.PRODUCTION and not _warned:
        _warned = True
        logger.warning(
            "uploads are checked by the demo malware scanner, which only knows the EICAR test file; "
            "set DIWAN_MALWARE_SCANNER=clamd and run ClamAV (docs/applications.md)"
        )
