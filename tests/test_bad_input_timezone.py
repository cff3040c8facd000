"""Bad input on the time-zone picker: generated with Hypothesis, checked as tests/bad_input_helpers.py
describes."""
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bad_input_helpers import (
    REDIRECTS, assert_answered, assert_escaped, assert_stays_on_site, csrf_value, fresh_example, fuzz, send, sending,
    text_values)
from tests.fuzz_helpers import snapshot


# ---------------------------------------------------------------- the time-zone picker

ZONES = ("Asia/Beirut", "Africa/Casablanca", "UTC", "Europe/Paris")


@fuzz(40)
@given(zone=st.one_of(st.sampled_from(ZONES), st.sampled_from(ZONES), text_values()),
       next_=st.one_of(st.sampled_from(REDIRECTS), text_values()), how=sending(),
       method=st.sampled_from(("POST", "POST", "GET")))
@example(zone="Asia/Beirut", next_="/\t/evil.example", how={"csrf": "valid", "encoding": "form"}, method="POST")
@example(zone="Asia/Beirut", next_="/\n/evil.example", how={"csrf": "valid", "encoding": "form"}, method="POST")
def test_timezone_picker(app, db, page_token, zone, next_, how, method):
    from urllib.parse import quote

    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token("/ar/timezone")
    what = f"{method} time zone {zone!r} then {next_!r} ({encoding}, csrf {csrf})"
    before = snapshot()
    if method == "GET":
        response = client.get(f"/ar/timezone?next={quote(next_, safe='')}")
        assert_answered(response, what)
        assert response.status_code in (200, 400), what
    else:
        data = {"timezone": zone, "next": next_}
        if csrf_value(csrf, token, other) is not None:
            data["csrf_token"] = csrf_value(csrf, token, other)
        response = send(client, "/ar/timezone", data, encoding)
        assert_answered(response, what)
        if response.status_code == 302:
            assert csrf == "valid" and zone in ZONES, what
            assert_stays_on_site(response.headers["Location"], what)
            assert f"tz={zone}" in response.headers.get("Set-Cookie", "").replace('"', ""), what
        else:
            assert response.status_code in (400, 413), what
    assert_escaped(response, [zone, next_], what)
    assert snapshot() == before, what
