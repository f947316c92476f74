"""GOV.UK Notify as the outbox's transport (MAIL_BACKEND = "notify"), beside SMTP.

Notify sends e-mail from templates written in its dashboard. We keep one template per language whose subject
is ((subject)) and body ((body)) (NOTIFY_TEMPLATE_IDS = {"en": id, "cy": id, ...}; a language without one uses
"en"), and fill them with the message the outbox already rendered in the recipient's language. Notify writes
its own List-Unsubscribe headers from one_click_unsubscribe_url, which we take from the message's header.

What an answer means for the outbox (app/mail/sender.py): 201 sent; 429 (rate limit), 5xx or no answer:
NotifyUnavailable, an outage (this run stops, the message is tried again later, never given up); 400 (Notify
will not take this message) or 403 (our key is refused): NotifyRefused, counted as a refusal, so the message is
set aside after MAIL_MAX_REFUSALS tries; a 403 also ends the run, as every other message would get the same.
"""

import re

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyUnavailable(OSError):
    """Notify is down, overloaded or rate limiting us: try again later."""


class NotifyRefused(Exception):
    """Notify will not send this message as it is (400), or will not take our API key (403)."""

    def __init__(self, message, ends_run=False):
        super().__init__(message)
        self.ends_run = ends_run


def texts_configured(config):
    """Whether text messages can be sent: a Notify API key and at least an English text template."""
    return bool(config.get("NOTIFY_API_KEY") and (config.get("NOTIFY_SMS_TEMPLATE_IDS") or {}).get("en"))


def texts_offered(config):
    """Whether residents may choose text messages: Notify texts are set up, or (development) mail lands in files."""
    return texts_configured(config) or config.get("MAIL_BACKEND") == "file"


class NotifyTransport:
    def __init__(self, config):
        key = config.get("NOTIFY_API_KEY") or ""
        if len(key) < 74:  # "{name}-{service id}-{secret}": the client reads the two uuids from the end
            raise ValueError("NOTIFY_API_KEY is not set to a GOV.UK Notify API key")
        self.templates = dict(config.get("NOTIFY_TEMPLATE_IDS") or {})
        self.sms_templates = dict(config.get("NOTIFY_SMS_TEMPLATE_IDS") or {})
        self.client = NotificationsAPIClient(key, base_url=config["NOTIFY_BASE_URL"],
                                             timeout=config["MAIL_TIMEOUT_SECONDS"])

    def send(self, message):
        """Send one outbox message (an EmailMessage) through Notify, or raise NotifyUnavailable/NotifyRefused."""
        locale = message["Content-Language"] or "en"
        template_id = self.templates.get(locale) or self.templates.get("en")
        if not template_id:
            raise ValueError(f"no GOV.UK Notify template for {locale!r} or 'en' in NOTIFY_TEMPLATE_IDS")
        body = message.get_body(("plain",))
        unsubscribe = re.search(r"<(https?://[^>]+)>", message["List-Unsubscribe"] or "")
        try:
            self.client.send_email_notification(
                email_address=message["To"],
                template_id=template_id,
                personalisation={"subject": message["Subject"], "body": body.get_content() if body else ""},
                reference=(message["Message-ID"] or "").strip("<>") or None,
                one_click_unsubscribe_url=unsubscribe.group(1) if unsubscribe else None,
            )
        except APIError as error:
            _raise_for(error)

    def send_sms(self, message):
        """Send one text message (an outbox row of channel "sms": To is the phone number, the body its text)."""
        locale = message["Content-Language"] or "en"
        template_id = self.sms_templates.get(locale) or self.sms_templates.get("en")
        if not template_id:
            raise ValueError(f"no GOV.UK Notify text template for {locale!r} or 'en' in NOTIFY_SMS_TEMPLATE_IDS")
        body = message.get_body(("plain",))
        try:
            self.client.send_sms_notification(
                phone_number=str(message["To"]).strip('"'), template_id=template_id,
                personalisation={"body": body.get_content() if body else ""},
                reference=(message["Message-ID"] or "").strip("<>") or None,
            )
        except APIError as error:
            _raise_for(error)


def _raise_for(error):
    status = error.status_code
    if status in (400, 403):
        raise NotifyRefused(f"GOV.UK Notify {error}", ends_run=status == 403) from error
    raise NotifyUnavailable(f"GOV.UK Notify {error}") from error
