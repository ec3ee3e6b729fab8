"""The email's wire format: the fast header path writes exactly what compat32 folding writes,
and a reminder parses back the same whatever its subject and names contain."""

from datetime import date
from email import message_from_bytes
from email.policy import compat32, default

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.dispatch.channel import PreparedMessage
from app.services.dispatch.email_channel import WIRE, boundary, build_email
from app.services.dispatch.smtp_settings import SmtpSettings

REFERENCE = compat32.clone(linesep="\r\n")
NAMES = ["Subject", "To", "From", "Reply-To", "Message-ID", "Content-Disposition", "X-Long-Name"]
header_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(NAMES), st.one_of(header_text, st.text("abc =;:<>@.\t\"-_", max_size=90)))
def test_the_fast_header_path_writes_what_compat32_folding_writes(name, value):
    assert WIRE.fold_binary(name, value) == REFERENCE.fold_binary(name, value)


def message(subject, body, name="Client"):
    return PreparedMessage(
        outbox_id=7, message_id="<collecta.c1.a7.email@dupuis.fr>", channel="email",
        campaign_id=1, action_id=7, debtor_id=3, recipient="ap@client.example",
        subject=subject, body=body, reply_to="marie@dupuis.fr", as_of=date(2025, 6, 12),
        context={"debtor": {"ref": name}})


SMTP = SmtpSettings(host="127.0.0.1", port=25, security="plain",
                    from_address="relances@dupuis.fr", from_name="Atelier Dupuis – relances")


@settings(max_examples=150, deadline=None)
@given(header_text, st.text(min_size=1, max_size=400), st.binary(max_size=3000))
def test_a_reminder_parses_back_to_its_subject_body_and_attachment(subject, body, pdf):
    raw = build_email(message(subject, body), SMTP, attachments=[("statement.pdf", pdf)])
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    mail = message_from_bytes(raw, policy=default)
    # a subject is one line: line breaks inside it become spaces in any mail reader
    assert " ".join(str(mail["Subject"]).split()) == " ".join(subject.split())
    assert mail.get_body(("plain",)).get_content() == body
    assert next(mail.iter_attachments()).get_content() == pdf
    assert mail.get_boundary() == boundary("<collecta.c1.a7.email@dupuis.fr>", "mix")


def test_the_same_message_gives_the_same_bytes_but_for_its_date():
    one = build_email(message("Relance", "Bonjour"), SMTP, attachments=[("s.pdf", b"%PDF")])
    two = build_email(message("Relance", "Bonjour"), SMTP, attachments=[("s.pdf", b"%PDF")])
    def strip(raw):
        return [line for line in raw.split(b"\r\n") if not line.startswith(b"Date:")]
    assert strip(one) == strip(two)
