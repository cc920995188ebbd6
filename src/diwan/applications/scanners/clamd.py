"""ClamAV through its daemon (clamd), with the INSTREAM command over TCP or a Unix socket.

Protocol (clamd(8)): send `zINSTREAM\\0`, then the file as chunks, each prefixed by its length as a 4-byte
big-endian unsigned integer, then a zero-length chunk; clamd answers one NUL-terminated line:
`stream: OK`, `stream: <signature> FOUND`, or `<reason> ERROR` (for instance when the stream is longer
than its StreamMaxLength). Anything else — no daemon, a timeout, a closed connection, an ERROR or a reply
we do not understand — raises ScannerUnavailable, and the upload is refused (fail closed).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from diwan.applications.scanners.base import ScannerUnavailable, ScanVerdict

# clamd reads the stream in pieces of any size; keep each one small enough to never look like a huge
# allocation, and big enough to keep the number of system calls low.
CHUNK = 64 * 1024
MAX_REPLY = 4096


def parse_address(address: str) -> tuple[int, str | tuple[str, int]]:
    """`tcp://host:port` or `unix:///path/to/clamd.ctl` as (socket family, socket address)."""
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path and not parts.netloc:
        return socket.AF_UNIX, parts.path
    if parts.scheme == "tcp" and parts.hostname:
        try:
            port = parts.port or 3310
        except ValueError as exc:
            raise ImproperlyConfigured(f"DIWAN_CLAMD_ADDRESS has an invalid port: {address!r}") from exc
        return (socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET), (parts.hostname, port)
    raise ImproperlyConfigured(
        f"DIWAN_CLAMD_ADDRESS must look like tcp://127.0.0.1:3310 or unix:///run/clamav/clamd.ctl, "
        f"not {address!r}"
    )


def _framed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK):
            piece = chunk[start : start + CHUNK]
            yield struct.pack("!L", len(piece)) + piece
    yield struct.pack("!L", 0)


class ClamdScanner:
    name = "clamd"

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        self.address = address
        self.family, self.sockaddr = parse_address(address)
        self.timeout = timeout

    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        try:
            with socket.socket(self.family, socket.SOCK_STREAM) as connection:
                connection.settimeout(self.timeout)
                connection.connect(self.sockaddr)
                connection.sendall(b"zINSTREAM\0")
                for frame in _framed(chunks):
                    connection.sendall(frame)
                reply = self._read_reply(connection)
        except OSError as exc:  # refused, unreachable, timeout, reset while sending
            raise ScannerUnavailable(f"clamd at {self.address} did not answer: {exc}") from exc
        return self._verdict(reply)

    @staticmethod
    def _read_reply(connection: socket.socket) -> str:
        data = b""
        while b"\0" not in data and len(data) < MAX_REPLY:
            piece = connection.recv(MAX_REPLY)
            if not piece:
                break
            data += piece
        return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def _verdict(self, reply: str) -> ScanVerdict:
        if reply.endswith(" FOUND"):
            signature = reply.removesuffix(" FOUND").removeprefix("stream:").strip()
            return ScanVerdict(clean=False, signature=signature or "unknown")
        if reply == "stream: OK":
            return ScanVerdict(clean=True)
        raise ScannerUnavailable(f"clamd at {self.address} gave no verdict: {reply[:200]!r}")
