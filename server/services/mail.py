"""Sending e-mail: through the SMTP server of ``CODOSSIER_SMTP_HOST``, else into the log.

Without an SMTP server (a laptop, the demo) the message is written to the server's
log at WARNING level, links included, so that whoever runs it can still follow them.
Messages are plain text, French first and English second.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from .errors import DomainError

log = logging.getLogger(__name__)


class MailFailed(DomainError):
    status = 503
    code = "mail_failed"


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config["SMTP_HOST"]:
        log.warning("no SMTP server configured (CODOSSIER_SMTP_HOST): e-mail not sent\n%s", message)
        return
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.exception("could not send an e-mail through %s", config["SMTP_HOST"])
        raise MailFailed("The e-mail could not be sent; try again in a moment.") from exc
