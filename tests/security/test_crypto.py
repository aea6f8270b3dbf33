import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import EncryptionError
from backend.security.crypto import TokenCipher


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


K1, K2 = key(), key()


class TestTokenCipher:
    @given(token=st.text(max_size=2048))
    def test_property_2_encrypt_then_decrypt_round_trip(self, token):
        """Property 2: for any OAuth token, encrypting then decrypting gives back the original."""
        cipher = TokenCipher.from_spec(f"k1:{K1}")
        sealed = cipher.encrypt(token)
        assert token == cipher.decrypt(sealed)
        assert len(token) < 8 or token not in sealed  # the plaintext is not visible in the ciphertext

    def test_same_token_encrypts_differently_each_time(self):
        cipher = TokenCipher.from_spec(f"k1:{K1}")
        assert cipher.encrypt("abc") != cipher.encrypt("abc")

    def test_rotation_old_ciphertexts_still_decrypt(self):
        old = TokenCipher.from_spec(f"k1:{K1}")
        sealed = old.encrypt("secret")
        rotated = TokenCipher.from_spec(f"k2:{K2},k1:{K1}")
        assert rotated.decrypt(sealed) == "secret"
        assert rotated.needs_rotation(sealed)
        assert rotated.encrypt("x").startswith("v1.k2.")
        assert not rotated.needs_rotation(rotated.encrypt("x"))

    def test_wrong_key_raises_clear_error(self):
        sealed = TokenCipher.from_spec(f"k1:{K1}").encrypt("secret")
        with pytest.raises(EncryptionError) as info:
            TokenCipher.from_spec(f"k1:{K2}").decrypt(sealed)
        assert "tampered" in info.value.message and info.value.details == {"key_id": "k1"}

    def test_unknown_key_id(self):
        sealed = TokenCipher.from_spec(f"k1:{K1}").encrypt("secret")
        with pytest.raises(EncryptionError, match="not configured"):
            TokenCipher.from_spec(f"k9:{K1}").decrypt(sealed)

    @given(position=st.integers(min_value=0, max_value=200))
    def test_any_tampered_byte_is_detected(self, position):
        cipher = TokenCipher.from_spec(f"k1:{K1}")
        sealed = cipher.encrypt("a long enough token value for tampering")
        prefix, body = sealed.rsplit(".", 1)
        raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        raw[position % len(raw)] ^= 0x01
        forged = prefix + "." + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
        with pytest.raises(EncryptionError):
            cipher.decrypt(forged)

    def test_swapped_key_id_header_is_detected(self):
        cipher = TokenCipher.from_spec(f"k1:{K1},k2:{K1}")  # same key material, different ids
        sealed = cipher.encrypt("secret")
        with pytest.raises(EncryptionError):
            cipher.decrypt(sealed.replace("v1.k1.", "v1.k2.", 1))

    @pytest.mark.parametrize("bad", ["", "garbage", "v2.k1.AAAA", "v1.k1"])
    def test_malformed(self, bad):
        with pytest.raises(EncryptionError):
            TokenCipher.from_spec(f"k1:{K1}").decrypt(bad)

    @pytest.mark.parametrize("spec", ["", "k1", "k1:short", "k.1:" + K1, "k1:!!!notbase64"])
    def test_bad_key_specs_refused(self, spec):
        with pytest.raises(ValueError, match="AAE_ENCRYPTION_KEYS"):
            TokenCipher.from_spec(spec)
