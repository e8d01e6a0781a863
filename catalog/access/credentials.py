"""Credentials sealed at rest (ADR 0016): accounts and API tokens are kept in the store as
opaque `Credential` nodes that no query over the graph can read.

A node is `(:Credential {key, sealed})`, a token's also `owner`:

- `key`: an HMAC of the account's name or the token's id (with its kind), so the node is found
  by what the caller knows, and nothing else learns the name or the id from it;
- `owner` (tokens): its account's `key`, an opaque link;
- `sealed`: the account's or token's properties as JSON, sealed with AES-256-GCM (a random
  nonce per write; the node's `key` as associated data, so a sealed value moved to another node
  does not open).

The server key is 32 bytes: `GOVCAT_SECRET_KEY` (base64) when set, else `credentials.key` in
the data directory (GOVCAT_DATA_DIR), made on first use with mode 0600. It is never in the
store, so ad-hoc Cypher, saved queries, SPARQL, exports and backups carry only sealed values.
Every process of one installation must use the same key; a backup records its fingerprint, so
a restore under another key is refused (catalog.backup).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from catalog.config import Settings

KEY_ENV = "GOVCAT_SECRET_KEY"
KEY_FILE = "credentials.key"
KEY_BYTES = 32
NONCE_BYTES = 12
ACCOUNT = "account"
TOKEN = "token"


class KeyProblem(RuntimeError):
    """The server key cannot be had (a malformed GOVCAT_SECRET_KEY or key file), said in en
    and fa."""

    def __init__(self, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa


class SealBroken(KeyProblem):
    """A stored credential does not open with this server's key: the key was changed, or the
    store holds credentials sealed by another installation."""


def generate_key() -> str:
    """A new server key, as GOVCAT_SECRET_KEY takes it (base64 of 32 random bytes)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            f"{where} must be the base64 of {KEY_BYTES} bytes (make one with `python -c "
            "'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'`)",
            f"{where} باید base64 یک کلید {KEY_BYTES} بایتی باشد")
    return key


def key_file(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def server_key(settings: Settings | None = None) -> bytes:
    """GOVCAT_SECRET_KEY if set, else the data directory's key file, made on first use (mode
    0600). Two processes making it at once agree on one: it is written whole under another name
    and linked into place only if no key is there yet."""
    env = os.environ.get(KEY_ENV, "")
    if env.strip():
        return _decode(env, KEY_ENV)
    path = key_file((settings or Settings()).data_dir)
    if not path.exists():
        _make_key_file(path)
    return _decode(path.read_text(encoding="ascii", errors="replace"), str(path))


def _make_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(generate_key() + "\n")
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # another made it first: theirs is it
            os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class Sealer:
    """Lookup keys, sealing and opening with one server key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a server key is {KEY_BYTES} bytes")
        self._aead = AESGCM(_derive(key, b"govcat credentials: seal"))
        self._mac = _derive(key, b"govcat credentials: lookup")
        self.fingerprint = hmac.new(key, b"govcat credentials: key fingerprint",
                                    hashlib.sha256).hexdigest()[:16]

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Sealer:
        return cls(server_key(settings))

    def lookup(self, kind: str, value: str) -> str:
        """The key of the node of an account (by name) or a token (by id)."""
        message = f"{kind}\x00{value}".encode()
        return hmac.new(self._mac, message, hashlib.sha256).hexdigest()

    def seal(self, key: str, content: dict[str, Any]) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        plain = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plain, key.encode())).decode()

    def open(self, key: str, sealed: Any) -> dict[str, Any]:
        """The content sealed on the node of `key`; SealBroken if it does not open."""
        try:
            raw = base64.b64decode(str(sealed), validate=True)
            content = json.loads(self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                    key.encode()))
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SealBroken(
                "a stored credential does not open with this server's key: was "
                f"{KEY_ENV} or {KEY_FILE} changed, or the store filled by another installation? "
                "(ADR 0016)",
                "اعتبارنامهٔ ذخیره‌شده با کلید این کارساز باز نمی‌شود: آیا "
                f"{KEY_ENV} یا {KEY_FILE} عوض شده یا انباره از نصب دیگری پر شده است؟") from exc
        if not isinstance(content, dict):
            raise SealBroken("a stored credential is not govcat's",
                             "اعتبارنامهٔ ذخیره‌شده از govcat نیست")
        return content


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)
