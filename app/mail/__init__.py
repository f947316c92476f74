"""Outgoing e-mail. Requests only *queue* mail: send_email renders the message in the recipient's language and
adds it to the outbox in the caller's database transaction. `flask --app wsgi mail send` (app/mail/sender.py,
from cron or a worker) delivers it over SMTP (production, tests) or into instance/mail as .eml files
(development), with retries. So a mail server outage never shows anyone an error, never loses a message, and
a request costs the same whether or not it sends mail."""

from email.utils import make_msgid
from functools import lru_cache

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound, meta

from app.extensions import db
from app.i18n import formatting_locale
from app.models.notifications import Letter
from app.models.outbox import SMS, STAND_IN, OutboxMessage


def send_email(to, subject_factory, template, locale="en", *, headers=None, **context):
    """Render template (.txt, and .html when there is one) under the recipient's locale and queue it.

    subject_factory is a callable returning the translated subject, so it is evaluated under that locale.
    The message joins the request's database session: it is sent only if the caller commits, and it is never
    lost once committed. headers are extra SMTP headers (e.g. List-Unsubscribe). Returns the OutboxMessage.
    """
    with force_locale(formatting_locale(locale)):
        subject = subject_factory()
        text_body = render_template(f"{template}.txt", **context)
        try:
            html_body = render_template(f"{template}.html", **context)
        except TemplateNotFound:
            html_body = None
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers={
            "From": current_app.config["MAIL_DEFAULT_SENDER"],
            "Message-ID": make_msgid(domain="neighbourhood-budgets.example"),
            "Content-Language": locale,
            **(headers or {}),
        },
    )
    db.session.add(message)
    db.session.flush()
    return message


def send_text(to, template, locale="en", **context):
    """Render a text message (template .txt) under the recipient's locale and queue it in the outbox; the
    sender hands it to GOV.UK Notify (app/mail/notify.py). Returns the OutboxMessage."""
    with force_locale(formatting_locale(locale)):
        body = render_template(f"{template}.txt", **context).strip()
    message = OutboxMessage(to_address=to, subject="", text_body=body, channel=SMS,
                            headers={"Message-ID": make_msgid(domain="neighbourhood-budgets.example"),
                                     "Content-Language": locale})
    db.session.add(message)
    db.session.flush()
    return message


def queue_letter(recipient, kind, subject_factory, template, locale="en", **context):
    """Render a notice as a letter to post (template .txt, under the resident's locale) for the officers' list of
    letters to print (app/officer/letters.py). Returns the Letter."""
    with force_locale(formatting_locale(locale)):
        subject = subject_factory()
        body = render_template(f"{template}.txt", **context).strip()
    letter = Letter(user_id=recipient.id, kind=kind, locale=locale, name=recipient.name,
                    address=recipient.address or "", postcode=recipient.postcode, subject=subject, body=body)
    db.session.add(letter)
    db.session.flush()
    return letter


def queue_stand_in(template):
    """Do the work of queuing a message from template (render it, write an outbox row with the caller's commit)
    and send nothing.

    For an answer that must take as long whether or not an address has an account (a password reset for an
    unknown address): without it, rendering and the commit's disk write made the known address measurably
    slower. The row holds no address and no text, and the sender deletes it.
    """
    render_template(f"{template}.txt", **dict.fromkeys(_names_in(f"{template}.txt"), _BLANK))  # the cost only
    db.session.add(OutboxMessage(to_address="", subject="", text_body="", status=STAND_IN))
    db.session.flush()


class _Blank(str):
    """Renders as nothing, whatever attribute a template asks it for."""

    def __getattr__(self, name):
        return self


_BLANK = _Blank()


@lru_cache(maxsize=32)
def _names_in(template):
    env = current_app.jinja_env
    source = env.loader.get_source(env, template)[0]
    return frozenset(meta.find_undeclared_variables(env.parse(source))) - set(env.globals)
