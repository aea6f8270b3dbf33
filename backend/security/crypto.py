"""AES-256-GCM encryption of OAuth tokens at rest, with a key id so keys can rotate.

Ciphertext format: ``v1.<key id>.<base64url(nonce || ciphertext+tag)>``. The key id and format
version are bound into the GCM associated data, so swapping the header is detected too.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.config import get_settings
from backend.errors import EncryptionError

FORMAT_VERSION = "v1"
NONCE_BYTES = 12


@dataclass(frozen=True)
class TokenCipher:
    """Encrypts with the first key; decrypts with whichever key id the ciphertext names."""

    keys: dict[str, bytes]
    active_key_id: str

    @classmethod
    def from_spec(cls, spec: str) -> TokenCipher:
        """Parse ``kid:base64key,kid2:base64key2``; each key must be 32 bytes (AES-256)."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            kid, sep, encoded = part.partition(":")
            if not sep or not kid or "." in kid:
                raise ValueError(f"AAE_ENCRYPTION_KEYS: entry {kid!r} must look like 'kid:base64key'")
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"AAE_ENCRYPTION_KEYS: key {kid!r} is not base64") from exc
            if len(key) != 32:
                raise ValueError(f"AAE_ENCRYPTION_KEYS: key {kid!r} must be 32 bytes, got {len(key)}")
            keys[kid] = key
            order.append(kid)
        if not order:
            raise ValueError("AAE_ENCRYPTION_KEYS: no key configured")
        return cls(keys=keys, active_key_id=order[0])

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        aad = self._aad(self.active_key_id)
        sealed = AESGCM(self.keys[self.active_key_id]).encrypt(nonce, plaintext.encode("utf-8"), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{FORMAT_VERSION}.{self.active_key_id}.{body}"

    def decrypt(self, token: str) -> str:
        try:
            version, kid, body = token.split(".", 2)
        except ValueError:
            raise EncryptionError("Encrypted value is malformed") from None
        if version != FORMAT_VERSION:
            raise EncryptionError(f"Unknown ciphertext format {version!r}")
        key = self.keys.get(kid)
        if key is None:
            raise EncryptionError(f"Encryption key {kid!r} is not configured", details={"key_id": kid})
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._aad(kid))
        except (InvalidTag, binascii.Error, ValueError):
            raise EncryptionError(
                "Encrypted value was tampered with or the key is wrong", details={"key_id": kid}
            ) from None
        return plain.decode("utf-8")

    def needs_rotation(self, token: str) -> bool:
        return token.split(".", 2)[1:2] != [self.active_key_id]

    @staticmethod
    def _aad(kid: str) -> bytes:
        return f"aae-token:{FORMAT_VERSION}:{kid}".encode()


@lru_cache(maxsize=1)
def get_cipher() -> TokenCipher:
    return TokenCipher.from_spec(get_settings().encryption_keys)


def encrypt_token(plaintext: str) -> str:
    return get_cipher().encrypt(plaintext)


def decrypt_token(ciphertext: str) -> str:
    return get_cipher().decrypt(ciphertext)
