"""Small, valid documents for the demo applications' uploads: a one-page PDF and a PNG "scan".

Both are built byte by byte (no imaging library): the PDF has a real cross-reference table so any viewer
opens it, and says on its face that it is synthetic test data; the PNG is a small pale card with a few
darker "text" bars, different for every seed. A few hundred bytes each, so thousands of uploads stay small.
"""

from __future__ import annotations

import random
import struct
import zlib

PNG_WIDTH = 120
PNG_HEIGHT = 80


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A one-page A5 PDF showing `title` and `lines` (ASCII; anything else is replaced by '?')."""

    def escape(text: str) -> str:
        text = text.encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [f"BT /F1 14 Tf 36 540 Td ({escape(title)}) Tj ET"]
    for number, line in enumerate(lines):
        rows.append(f"BT /F1 10 Tf 36 {510 - 16 * number} Td ({escape(line)}) Tj ET")
    rows.append("BT /F1 8 Tf 36 40 Td (Diwan demo: synthetic test data, not a real document.) Tj ET")
    stream = "\n".join(rows).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png_image(seed: int) -> bytes:
    """A small greyscale PNG: a pale card with darker bars where text would be (varies with `seed`)."""
    rng = random.Random(seed)  # noqa: S311 - picture noise, not a secret
    background = rng.randint(225, 248)
    bars = [
        (rng.randint(6, 20), rng.randint(8 + 12 * i, 12 + 12 * i), rng.randint(40, 110)) for i in range(5)
    ]
    rows = bytearray()
    for y in range(PNG_HEIGHT):
        rows.append(0)  # filter: none
        row = bytearray([background] * PNG_WIDTH)
        for left, top, right in bars:
            if top <= y < top + 4:
                row[left:right] = bytes([90]) * (right - left)
        rows += row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", PNG_WIDTH, PNG_HEIGHT, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )
