"""Keys and encryption of backups: AES-256-GCM over the whole archive, streamed, with a key the owner keeps."""

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from knotwork.core.backup import BackupError

_MAGIC = b"KWBKAES1"
_KEY_SIZE = 32
_KEY_ID_SIZE = 8
_NONCE_SIZE = 12
_TAG_SIZE = 16
_HEADER_SIZE = len(_MAGIC) + _KEY_ID_SIZE + _NONCE_SIZE
_CHUNK = 1024 * 1024


def generate_key() -> str:
    """A new random 256-bit key, as text that fits a file or an environment variable."""
    return base64.urlsafe_b64encode(secrets.token_bytes(_KEY_SIZE)).decode("ascii")


def parse_key(text: str, *, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip().encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError):
        key = b""
    if len(key) != _KEY_SIZE:
        raise BackupError(f"{source} does not hold a backup key. Make one with `manage.py backup --generate-key`.")
    return key


def load_key(key_file: str | None, environ: Mapping[str, str]) -> bytes | None:
    """The key from a file when one is named, else from BACKUP_KEY in the environment; None when neither is set."""
    if key_file:
        try:
            text = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise BackupError(f"The key file {key_file} cannot be read ({error.__class__.__name__}).") from error
        return parse_key(text, source=f"The key file {key_file}")
    if environ.get("BACKUP_KEY", "").strip():
        return parse_key(environ["BACKUP_KEY"], source="BACKUP_KEY")
    return None


def _key_id(key: bytes) -> bytes:
    # Tells a wrong key from a damaged file without revealing anything about the key.
    return hmac.new(key, b"knotwork backup key id", hashlib.sha256).digest()[:_KEY_ID_SIZE]


class EncryptingWriter:
    """A write-only file that encrypts what it is given into `target`; `seal()` appends the authentication tag."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        nonce = secrets.token_bytes(_NONCE_SIZE)
        header = _MAGIC + _key_id(key) + nonce
        self._target = target
        self._encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(header)
        target.write(header)

    def write(self, data: bytes) -> int:
        self._target.write(self._encryptor.update(data))
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def seal(self) -> None:
        self._target.write(self._encryptor.finalize())
        self._target.write(self._encryptor.tag)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_MAGIC)) == _MAGIC


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    """Decrypt an encrypted backup into `target`; nothing in it is trusted until the tag has been checked."""
    size = source.stat().st_size
    with source.open("rb") as file:
        header = file.read(_HEADER_SIZE)
        if len(header) < _HEADER_SIZE or size < _HEADER_SIZE + _TAG_SIZE:
            raise BackupError(f"{source} is damaged: it is too short to be an encrypted backup.")
        if not hmac.compare_digest(header[len(_MAGIC) : len(_MAGIC) + _KEY_ID_SIZE], _key_id(key)):
            raise BackupError(f"{source} was encrypted with a different key; give the key that made it.")
        nonce = header[len(_MAGIC) + _KEY_ID_SIZE :]
        file.seek(size - _TAG_SIZE)
        tag = file.read(_TAG_SIZE)
        file.seek(_HEADER_SIZE)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        remaining = size - _HEADER_SIZE - _TAG_SIZE
        with target.open("xb") as out:
            while remaining:
                chunk = file.read(min(_CHUNK, remaining))
                remaining -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag as error:
                raise BackupError(f"{source} is damaged or was altered: it does not match its seal.") from error
