from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlmodel import select

from backend.audit.service import AuditAction
from backend.auth import service as auth_service
from backend.auth.tokens import ALGORITHM, create_access_token, decode_access_token, hash_refresh_token
from backend.config import get_settings
from backend.errors import Unauthorized
from backend.models import AuditLog, RefreshToken, UserStatus
from tests.factories import make_user


def _rows(session, family_id):
    return session.exec(select(RefreshToken).where(RefreshToken.family_id == family_id)).all()


class TestAccessToken:
    def test_round_trip_carries_user_id_and_claims(self):
        now = datetime.now(UTC).replace(microsecond=0)
        claims = decode_access_token(create_access_token(42, now=now))
        assert claims.user_id == 42
        assert claims.issued_at == now
        assert claims.expires_at == now + timedelta(seconds=get_settings().access_token_ttl_seconds)
        assert len(claims.jti) == 32

    def test_each_token_has_its_own_jti(self):
        assert decode_access_token(create_access_token(1)).jti != decode_access_token(create_access_token(1)).jti

    def test_expired_token_is_unauthorized(self):
        token = create_access_token(7, now=datetime.now(UTC) - timedelta(hours=2), ttl_seconds=60)
        with pytest.raises(Unauthorized) as caught:
            decode_access_token(token)
        assert caught.value.code == "1002"
        assert caught.value.details["reason"] == "expired"

    def test_forged_signature_is_unauthorized(self):
        now = datetime.now(UTC)
        forged = jwt.encode(
            {"sub": "1", "iat": now, "exp": now + timedelta(hours=1), "jti": "x", "typ": "access"},
            "another-secret-that-is-at-least-32-bytes-long", algorithm=ALGORITHM,
        )
        with pytest.raises(Unauthorized) as caught:
            decode_access_token(forged)
        assert caught.value.code == "1002"

    def test_tampered_payload_is_unauthorized(self):
        header, _payload, signature = create_access_token(1).split(".")
        other_payload = create_access_token(2).split(".")[1]
        with pytest.raises(Unauthorized):
            decode_access_token(f"{header}.{other_payload}.{signature}")

    @pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
    def test_missing_or_garbage_is_unauthorized(self, token):
        with pytest.raises(Unauthorized) as caught:
            decode_access_token(token)
        assert caught.value.code == "1002"

    def test_token_of_another_type_is_refused(self):
        now = datetime.now(UTC)
        other = jwt.encode(
            {"sub": "1", "iat": now, "exp": now + timedelta(hours=1), "jti": "x", "typ": "refresh"},
            get_settings().secret_key, algorithm=ALGORITHM,
        )
        with pytest.raises(Unauthorized):
            decode_access_token(other)

    def test_none_algorithm_is_refused(self):
        now = datetime.now(UTC)
        unsigned = jwt.encode(
            {"sub": "1", "iat": now, "exp": now + timedelta(hours=1), "jti": "x", "typ": "access"},
            None, algorithm="none",
        )
        with pytest.raises(Unauthorized):
            decode_access_token(unsigned)


class TestIssueTokens:
    def test_refresh_token_is_stored_hashed_in_a_new_family(self, session):
        user = make_user(session)
        issued = auth_service.issue_tokens(session, user_id=user.id)
        rows = _rows(session, issued.family_id)
        assert len(rows) == 1
        assert rows[0].token_hash == hash_refresh_token(issued.refresh_token)
        assert issued.refresh_token not in rows[0].token_hash
        assert decode_access_token(issued.access_token).user_id == user.id
        assert rows[0].expires_at > datetime.now(UTC) + timedelta(days=29)


class TestRotateRefreshToken:
    def test_rotation_issues_a_successor_in_the_same_family(self, session):
        user = make_user(session)
        first = auth_service.issue_tokens(session, user_id=user.id)
        second = auth_service.rotate_refresh_token(session, refresh_token=first.refresh_token)
        assert second.family_id == first.family_id
        assert second.refresh_token != first.refresh_token
        assert decode_access_token(second.access_token).user_id == user.id
        by_hash = {row.token_hash: row for row in _rows(session, first.family_id)}
        assert by_hash[hash_refresh_token(first.refresh_token)].used_at is not None
        assert by_hash[hash_refresh_token(second.refresh_token)].used_at is None
        third = auth_service.rotate_refresh_token(session, refresh_token=second.refresh_token)
        assert third.family_id == first.family_id

    def test_reuse_of_a_used_token_revokes_the_whole_family(self, session):
        user = make_user(session)
        first = auth_service.issue_tokens(session, user_id=user.id)
        second = auth_service.rotate_refresh_token(session, refresh_token=first.refresh_token)
        other_session = auth_service.issue_tokens(session, user_id=user.id)
        with pytest.raises(auth_service.RefreshTokenReused) as caught:
            auth_service.rotate_refresh_token(session, refresh_token=first.refresh_token)
        assert caught.value.code == "1002"
        assert all(row.revoked_at is not None for row in _rows(session, first.family_id))
        # The legitimate successor is dead too, but another sign-in of the same user is not.
        with pytest.raises(Unauthorized):
            auth_service.rotate_refresh_token(session, refresh_token=second.refresh_token)
        assert auth_service.rotate_refresh_token(session, refresh_token=other_session.refresh_token)
        audits = session.exec(select(AuditLog).where(
            AuditLog.user_id == user.id, AuditLog.action == AuditAction.TOKEN_REUSE)).all()
        assert len(audits) == 1
        assert audits[0].details["family_id"] == first.family_id

    def test_unknown_token_is_unauthorized(self, session):
        with pytest.raises(Unauthorized) as caught:
            auth_service.rotate_refresh_token(session, refresh_token="never-issued")
        assert caught.value.details["reason"] == "unknown"

    def test_expired_refresh_token_is_unauthorized(self, session):
        user = make_user(session)
        long_ago = datetime.now(UTC) - timedelta(days=60)
        issued = auth_service.issue_tokens(session, user_id=user.id, now=long_ago)
        with pytest.raises(Unauthorized) as caught:
            auth_service.rotate_refresh_token(session, refresh_token=issued.refresh_token)
        assert caught.value.details["reason"] == "expired"

    def test_inactive_user_cannot_refresh(self, session):
        user = make_user(session, status=UserStatus.DELETING)
        issued = auth_service.issue_tokens(session, user_id=user.id)
        with pytest.raises(Unauthorized):
            auth_service.rotate_refresh_token(session, refresh_token=issued.refresh_token)


class TestRevokeRefreshToken:
    def test_logout_revokes_the_family_and_is_audited(self, session):
        user = make_user(session)
        first = auth_service.issue_tokens(session, user_id=user.id)
        second = auth_service.rotate_refresh_token(session, refresh_token=first.refresh_token)
        assert auth_service.revoke_refresh_token(session, refresh_token=second.refresh_token) == user.id
        assert all(row.revoked_at is not None for row in _rows(session, first.family_id))
        with pytest.raises(Unauthorized) as caught:
            auth_service.rotate_refresh_token(session, refresh_token=second.refresh_token)
        assert caught.value.details["reason"] == "revoked"
        actions = [a.action for a in session.exec(select(AuditLog).where(AuditLog.user_id == user.id))]
        assert AuditAction.LOGOUT in actions

    def test_unknown_or_missing_token_is_a_no_op(self, session):
        assert auth_service.revoke_refresh_token(session, refresh_token="nope") is None
        assert auth_service.revoke_refresh_token(session, refresh_token=None) is None

    def test_revoke_all_for_user_spares_other_users(self, session):
        alice, bob = make_user(session), make_user(session)
        for _ in range(2):
            auth_service.issue_tokens(session, user_id=alice.id)
        bobs = auth_service.issue_tokens(session, user_id=bob.id)
        assert auth_service.revoke_all_for_user(session, user_id=alice.id) == 2
        assert auth_service.rotate_refresh_token(session, refresh_token=bobs.refresh_token)


class TestAuthenticateAccessToken:
    def test_returns_the_active_user(self, session):
        user = make_user(session)
        assert auth_service.authenticate_access_token(session, create_access_token(user.id)).id == user.id

    def test_unknown_user_is_unauthorized(self, session):
        with pytest.raises(Unauthorized):
            auth_service.authenticate_access_token(session, create_access_token(987654321))
