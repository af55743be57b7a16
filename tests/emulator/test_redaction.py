"""The emulator's own redaction: failure messages and legacy configuration echoes."""

from __future__ import annotations

import pytest

from ardent_async.emulator.redaction import MASK, redact_text, redact_value


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("connect postgresql://app:hunter2@db:5432/app failed", "hunter2", "postgresql://app:"),
        ("dsn host=db password=hunter2 user=app", "hunter2", "user=app"),
        ("""body {"password": "hunter2", "user": "app"}""", "hunter2", '"user": "app"'),
        ("sent Authorization: Bearer abc.def-ghi", "abc.def-ghi", "Authorization"),
        ("key sk-ard_live_0123456789abcdef leaked", "0123456789abcdef", "sk-ard_"),
    ],
)
def test_redact_text_hides_the_secret_and_keeps_the_rest(text: str, hidden: str, kept: str) -> None:
    redacted = redact_text(text)
    assert hidden not in redacted
    assert kept in redacted
    assert MASK in redacted


def test_redact_value_masks_secret_keys_at_any_depth() -> None:
    config = {
        "Hostname": "db.example.com",
        "Password": "hunter2",
        "databases": [{"name": "app", "secret_key": "s3"}],
        "url": "mysql://u:pw@h/d",
        "token": None,
    }
    assert redact_value(config) == {
        "Hostname": "db.example.com",
        "Password": MASK,
        "databases": [{"name": "app", "secret_key": MASK}],
        "url": f"mysql://u:{MASK}@h/d",
        "token": None,
    }
