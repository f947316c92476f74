"""Send e-mail over SMTP (production, tests) or into instance/mail as .eml files (development)."""

import os
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from uuid import uuid4

from flask import current_app, render_template
from flask_babel import force_locale

from app.i18n import formatting_locale


def send_email(to, subject_factory, template, locale="en", **context):
    """Render template (.txt) under the recipient's locale and send it.

    subject_factory is a callable returning the translated subject, so it is evaluated under that locale.
    """
    with force_locale(formatting_locale(locale)):
        subject = subject_factory()
        body = render_template(f"{template}.txt", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="neighbourhood-budgets.example")
    message.set_content(body)
    message["Content-Language"] = locale  # after set_content, which resets Content-* headers
    _deliver(message)
    return message


def _deliver(message):
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    elif backend == "file":
        folder = os.path.join(current_app.instance_path, "mail")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{uuid4().hex}.eml")
        with open(path, "wb") as handle:
            handle.write(bytes(message))
        current_app.logger.info("Mail to %s written to %s", message["To"], path)
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")
