"""Notification emails: HTML + text from Jinja2 templates, in the user's language, escaped."""

from backend.notifications import emails
from backend.notifications import service as notifications
from backend.models import EmailOutbox
from sqlmodel import select
from tests.factories import make_user


def test_english_and_chinese_with_absolute_links(session):
    user = make_user(session, display_name="Ann Lee")
    en = emails.render(user, title="Low balance", message="Only 5 credits left.", action_url="/billing",
                       action_text="Recharge")
    assert en.text.startswith("Hello Ann Lee,") and "Recharge: http" in en.text and "/billing" in en.text
    assert '<html lang="en">' in en.html and 'href="http' in en.html
    user.language = "zh"
    zh = emails.render(user, title="余额不足", message="仅剩 5 积分。", action_url=None, action_text=None)
    assert zh.text.startswith("Ann Lee，您好：") and '<html lang="zh">' in zh.html and "AAE 广告平台" in zh.text


def test_html_part_escapes_the_message(session):
    user = make_user(session, display_name="<b>x</b>")
    rendered = emails.render(user, title="t", message="<script>alert(1)</script>", action_url=None, action_text=None)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is not HTML


def test_queued_notification_email_has_both_parts(session):
    user = make_user(session)
    notifications.create_notification(session, user_id=user.id, type="urgent", category="system",
                                      title="Heads up", message="Something happened", action_url="/settings")
    row = session.exec(select(EmailOutbox).where(EmailOutbox.user_id == user.id)).one()
    assert row.body.startswith("Hello") and row.body_html and "Heads up" in row.body_html
