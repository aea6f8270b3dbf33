"""Notification emails: an HTML and a plain-text part from Jinja2 templates, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from backend.config import get_settings
from backend.models import User

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

COPY = {
    "en": {"greeting": "Hello {name},", "open": "Open", "footer": "— AAE Web Platform. You get this email because "
           "of your notification settings, or because it is urgent."},
    "zh": {"greeting": "{name}，您好：", "open": "打开", "footer": "— AAE 广告平台。您收到这封邮件，是因为您的通知设置，或因为此事紧急。"},
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(user: User, *, title: str, message: str, action_url: str | None, action_text: str | None) -> RenderedEmail:
    lang = user.language if user.language in COPY else "en"
    copy = COPY[lang]
    url = None
    if action_url:
        url = action_url if "://" in action_url else get_settings().public_url.rstrip("/") + action_url
    values = {"lang": lang, "title": title, "message": message, "greeting": copy["greeting"].format(name=user.display_name),
              "action_url": url, "action_text": action_text or copy["open"], "footer": copy["footer"]}
    return RenderedEmail(subject=title, text=_env.get_template("email.txt.j2").render(**values),
                         html=_env.get_template("email.html.j2").render(**values))
