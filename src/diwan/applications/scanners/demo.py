"""The demo scanner: refuses the EICAR anti-virus test file, passes everything else.

For development, tests and small offices that do not run ClamAV yet (production logs a warning when it is
used). It is a fake, not a virus scanner: it only knows the one harmless test string.

The EICAR rule (eicar.org) asks a scanner to flag a file that *starts* with the 68-byte test string,
optionally followed by white space, at most 128 bytes in all. Uploads must first pass the type check (PDF,
JPEG or PNG by content), which such a file never does, so the demo scanner also flags the string anywhere
in the first 4 KB: a tester can put it inside a small PDF and see the refusal in the portal. The string is
assembled from parts so that no scanner flags this source file.
"""

from __future__ import annotations

from collections.abc import Iterable

from diwan.applications.scanners.base import ScanVerdict

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-" + b"FILE!$H+H*"
WINDOW = 4096
SIGNATURE = "Eicar-Test-Signature"


class DemoScanner:
    name = "demo"

    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        head = bytearray()
        for chunk in chunks:  # read everything: the caller may be hashing the stream as we go
            if len(head) < WINDOW:
                head += chunk[: WINDOW - len(head)]
        if EICAR in head:
            return ScanVerdict(clean=False, signature=SIGNATURE)
        return ScanVerdict(clean=True)
