"""Page weight: every byte a browser fetches for the public submission form, and nothing from
another host. A small NGO on a phone over a slow, metered link is the reader this is for."""
import pytest

BUDGET = 60 * 1024  # bytes: HTML, CSS, JS, images and fonts together


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_submission_form_weighs_under_60_kb(new_page, create_consultation, db, lang, blocked_requests):
    create_consultation()
    db.session.commit()
    page = new_page(locale=lang, viewport={"width": 360, "height": 740})
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(request))
    page.goto(f"/{lang}/consultations/gcm-review-2026/submit", wait_until="networkidle")
    sizes = {}
    for request in fetched:
        sizes[request.url] = sizes.get(request.url, 0) + request.sizes()["responseBodySize"] + \
            request.sizes()["responseHeadersSize"]
    total = sum(sizes.values())
    report = ", ".join(f"{url.rsplit('/', 1)[-1] or url}: {size} B" for url, size in sorted(sizes.items()))
    print(f"\n{lang}: {total} bytes in {len(fetched)} requests ({report})")
    assert len(fetched) >= 3, report  # the page, its stylesheet and its script were all counted
    assert total <= BUDGET, f"{total} bytes > {BUDGET}: {report}"
    assert blocked_requests == []
