"""Reminder emails as bytes, built directly (the `email` package's object model costs more than
sending the message): multipart/mixed of a text + HTML alternative and PDF attachments, CRLF
line ends, quoted-printable text, base64 attachments, RFC 2047 headers when not ASCII."""

from __future__ import annotations

import base64
import binascii
import secrets
from email.header import Header
from email.utils import encode_rfc2231

CRLF = b"\r\n"


def encoded_words(text: str) -> str:
    """RFC 2047 base64 words of at most 45 UTF-8 bytes each (never splitting a character),
    folded one per line."""
    words, chunk = [], b""
    for char in text:
        raw = char.encode("utf-8")
        if len(chunk) + len(raw) > 45:
            words.append(chunk)
            chunk = b""
        chunk += raw
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def header(name: str, value: str) -> bytes:
    """One header line, folded, encoded-word when the value is not plain ASCII."""
    value = " ".join(value.split())  # no line breaks may reach a header
    if not value.isascii():
        return f"{name}: {encoded_words(value)}".encode("ascii") + CRLF
    if len(name) + len(value) < 76:
        return f"{name}: {value}".encode("ascii") + CRLF
    folded = Header(value, "us-ascii", header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}".encode("ascii") + CRLF


def address(name: str, addr: str) -> str:
    """`Name <addr>` with the name encoded or quoted as it needs."""
    if not name:
        return addr
    if not name.isascii():
        return f"{encoded_words(name)} <{addr}>"
    if any(c in name for c in '()<>[]:;@\\,."'):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{addr}>'
    return f"{name} <{addr}>"


def _qp(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    if not lines.endswith("\n"):
        lines += "\n"
    encoded = binascii.b2a_qp(lines.encode("utf-8"), quotetabs=False, istext=True)
    return encoded.replace(b"\n", CRLF)


def text_part(subtype: str, text: str) -> bytes:
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode("ascii") + _qp(text)


def _filename(name: str) -> str:
    if name.isascii() and '"' not in name and "\\" not in name:
        return f'filename="{name}"'
    return "filename*=" + encode_rfc2231(name, "utf-8")


def attachment_part(data: bytes, filename: str, mime: str = "application/pdf") -> bytes:
    return (f"Content-Type: {mime}\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; {_filename(filename)}\r\n\r\n").encode("ascii") \
        + base64.encodebytes(data).replace(b"\n", CRLF)


def _boundary() -> str:
    # '=' never starts a line of quoted-printable or base64 content, so this cannot collide
    return "===============" + secrets.token_hex(12) + "=="


def multipart(subtype: str, parts: list[bytes]) -> bytes:
    b = _boundary()
    out = [f'Content-Type: multipart/{subtype}; boundary="{b}"\r\n\r\n'.encode("ascii")]
    for part in parts:
        out.append(f"--{b}\r\n".encode("ascii") + part)
        if not part.endswith(CRLF):
            out.append(CRLF)
    out.append(f"--{b}--\r\n".encode("ascii"))
    return b"".join(out)


def message_bytes(headers: list[tuple[str, str]], text: str, html: str | None,
                  attachments: list[tuple[str, bytes]]) -> bytes:
    """The whole message: headers (name, value) then the body as its parts ask."""
    head = b"".join(header(n, v) for n, v in headers if v) + b"MIME-Version: 1.0\r\n"
    body = text_part("plain", text)
    if html is not None:
        body = multipart("alternative", [body, text_part("html", html)])
    if attachments:
        body = multipart("mixed", [body] + [attachment_part(data, name)
                                            for name, data in attachments])
    return head + body
