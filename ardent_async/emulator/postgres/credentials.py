"""Random passwords and client-side SCRAM-SHA-256 verifiers for ``CREATE ROLE``.

Sending a pre-computed verifier instead of the plain password keeps the password out of the
server log even if the statement is logged (e.g. on error or with ``log_statement=ddl``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRAM_ITERATIONS = 4096


def new_password() -> str:
    """A random password that needs no escaping in URLs (``[A-Za-z0-9_-]``, ~192 bits)."""
    return secrets.token_urlsafe(24)


def scram_sha256_verifier(password: str, *, iterations: int = SCRAM_ITERATIONS) -> str:
    """The ``SCRAM-SHA-256$...`` string Postgres stores in ``pg_authid.rolpassword``.

    Postgres accepts it verbatim in ``CREATE/ALTER ROLE ... PASSWORD '<verifier>'``.
    (Passwords are used without SASLprep; ours are ASCII, where it is the identity.)
    """
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
