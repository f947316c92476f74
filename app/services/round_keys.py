"""Per-round ballot keys, kept in files outside the database and deleted when voting closes.

The key turns a resident id into the replace_key of their anonymous ballot (an HMAC). Whoever reads the
database alone cannot link a ballot to a resident; after the close even the key is gone.
"""

import hashlib
import hmac
import os
import secrets

from flask import current_app


def _folder():
    folder = current_app.config.get("ROUND_KEY_DIR") or os.path.join(current_app.instance_path, "round_keys")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def _path(round_id):
    return os.path.join(_folder(), f"round-{int(round_id)}.key")


def round_key(round_id):
    """Return the round's key, creating it (atomically, once) if needed."""
    path = _path(round_id)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    # Write a complete file under a temporary name, then link it into place: a concurrent reader sees either
    # no key or the whole key, and only one of two racing writers wins.
    temporary = f"{path}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(32))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.remove(temporary)
    with open(path, "rb") as handle:
        return handle.read()


def replace_key(round_id, user_id, pot_id):
    return hmac.new(round_key(round_id), f"{user_id}:{pot_id}".encode(), hashlib.sha256).hexdigest()


def discard(round_id):
    try:
        os.remove(_path(round_id))
    except FileNotFoundError:
        pass
