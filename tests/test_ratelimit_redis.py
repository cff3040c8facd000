"""With CONSULT_REDIS_URL set, login limits are counted in Redis, shared by every worker."""
import os
import socket
import subprocess
import sys
import textwrap
import uuid

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="Redis not running on 127.0.0.1:6379")
def test_login_limit_is_shared_through_redis(database_url, tmp_path):
    marker = uuid.uuid4().hex
    # Two separate processes, as two gunicorn workers: the limit is counted across both.
    script = textwrap.dedent(f"""
        import re, sys
        from consult import create_app
        app = create_app({{"SQLALCHEMY_DATABASE_URI": {database_url!r}, "SECRET_KEY": "x" * 40,
                          "RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_KEY_PREFIX": {marker!r}}})
        assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://"), app.config["RATELIMIT_STORAGE_URI"]
        client = app.test_client()
        codes = []
        for _ in range(int(sys.argv[1])):
            page = client.get("/en/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            codes.append(client.post("/en/login", data={{"csrf_token": token, "email": "x@example.org", "password": "wrong one"}}).status_code)
        print(" ".join(map(str, codes)))
    """)
    env = {**os.environ, "CONSULT_REDIS_URL": REDIS_URL}
    first = subprocess.run([sys.executable, "-c", script, "2"], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", script, "2"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert first.stdout.split() == ["400", "400"]
    assert second.stdout.split() == ["400", "429"]
