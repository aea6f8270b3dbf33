from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from backend.credits import service as credits
from backend.models import AuditLog, CreditTransaction, TransactionType
from backend.users import service as users
from sqlmodel import select


class TestSignIn:
    def test_first_sign_in_creates_user_with_bonus_and_audit(self, session):
        result = users.sign_in(session, provider="google", subject="g-1", email="Ann@Example.com",
                               display_name="Ann")
        assert result.created is True
        assert result.user.email == "ann@example.com"
        assert result.user.last_login_at is not None
        assert credits.get_balance(session, result.user.id).gifted == Decimal("500.00")
        actions = [a.action for a in session.exec(select(AuditLog).where(AuditLog.user_id == result.user.id))]
        assert actions == ["user.created", "auth.login"]

    def test_later_sign_in_returns_same_user_without_second_bonus(self, session):
        first = users.sign_in(session, provider="google", subject="g-2", email="b@example.com", display_name="B")
        second = users.sign_in(session, provider="google", subject="g-2", email="b@example.com", display_name="B")
        assert second.created is False
        assert second.user.id == first.user.id
        gifts = session.exec(select(CreditTransaction).where(
            CreditTransaction.user_id == first.user.id, CreditTransaction.type == TransactionType.GIFT)).all()
        assert len(gifts) == 1

    @given(subject=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=40),
           logins=st.integers(min_value=1, max_value=4))
    def test_property_1_login_creates_or_retrieves(self, session, subject, logins):
        """Property 1: for any OAuth identity, sign-in creates the user once and returns the same user after."""
        email = f"{subject}@p1.example.com"
        ids = {users.sign_in(session, provider="google", subject=f"p1-{subject}", email=email,
                             display_name=subject).user.id for _ in range(logins)}
        assert len(ids) == 1
        assert users.get_by_email(session, email).id in ids

    def test_same_email_from_other_provider_links_account(self, session):
        dev = users.sign_in(session, provider="dev", subject="c@example.com", email="c@example.com", display_name="C")
        google = users.sign_in(session, provider="google", subject="g-3", email="c@example.com", display_name="C")
        assert google.user.id == dev.user.id and google.created is False


class TestUpdateProfile:
    def test_only_profile_fields_change(self, session):
        user = users.sign_in(session, provider="dev", subject="d@example.com", email="d@example.com",
                             display_name="D").user
        users.update_profile(session, user_id=user.id,
                             changes={"language": "zh", "gifted_credits": Decimal("99999")})
        assert user.language == "zh"
        assert user.gifted_credits == Decimal("500.00")
