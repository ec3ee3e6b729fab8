"""The EPC QR code of a SEPA credit transfer (EPC069-12, DOMAIN.md §8), made with segno."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import segno
from PIL import Image

from app.errors import UserError

MAX_BYTES = 331


def epc_payload(*, name: str, iban: str, amount: Decimal, currency: str = "EUR",
                bic: str = "", reference: str = "", text: str = "", info: str = "") -> str:
    """BCD / 002 / 1 / SCT / BIC / name / IBAN / EUR<amount> / purpose / RF ref / text / info.

    A structured RF reference and free text exclude each other; the reference wins."""
    if currency != "EUR":
        raise UserError(f"An EPC QR code can only ask for euros, not {currency}")
    if not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        raise UserError(f"An EPC QR code amount must be 0.01–999,999,999.99 EUR, not {amount}")
    iban = iban.replace(" ", "").upper()
    if not iban:
        raise UserError("The company has no IBAN: add it in Settings before printing letters "
                        "with a payment QR code")
    lines = ["BCD", "002", "1", "SCT", bic.replace(" ", "").upper(), name[:70], iban,
             f"EUR{amount.quantize(Decimal('0.01'))}", "", reference[:35],
             "" if reference else text[:140], info[:70]]
    payload = "\n".join(lines).rstrip("\n")
    if len(payload.encode("utf-8")) > MAX_BYTES:
        raise UserError(f"The EPC QR payload is {len(payload.encode())} bytes; the limit is "
                        f"{MAX_BYTES} (shorten the company name or the remittance text)")
    return payload


def epc_qr_image(payload: str, scale: int = 4, border: int = 4) -> Image.Image:
    """The code as a greyscale image, `scale` pixels a module, a quiet zone of `border` modules.
    Error correction M, as the EPC guideline asks; segno chooses the mask. Drawn from segno's
    module matrix: a letter hands the image to ReportLab without a PNG encode and decode."""
    qr = segno.make(payload, error="m", micro=False, boost_error=False)
    modules = np.pad(np.array(qr.matrix, dtype=np.uint8), border)
    pixels = np.kron(modules, np.ones((scale, scale), dtype=np.uint8))
    return Image.fromarray(((1 - pixels) * 255).astype(np.uint8), mode="L")
