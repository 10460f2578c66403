"""Web intake limits as the internet meets them: one allowance per sender however the address is
spelled, a cap per connecting address however many senders it claims to be, X-Forwarded-For not
believed, the /contact-support page held to the same limits, and a 429 that writes nothing.

Every test here connects from 127.0.0.1 like the rest of the suite, so each sets the limits it needs
as Administrator and puts the site's values back afterwards (a change of limits starts the counts
afresh, so the rest of the suite is not left throttled)."""

import pytest

from public_endpoints import assert_refused, unique

CREATE_TICKET = "/api/method/support_hub.api.intake.create_ticket"
SETTINGS = ("Support Hub Settings", "Support Hub Settings")
FIELDS = ("intake_limit_per_sender", "intake_limit_per_client_address", "intake_limit_window_minutes")


@pytest.fixture
def set_limits(admin):
    saved = {field: admin.doc(*SETTINGS).get(field) for field in FIELDS}

    def apply(per_sender: int, per_client_address: int, minutes: int = 10) -> None:
        response = admin.update(*SETTINGS, intake_limit_per_sender=per_sender,
                                intake_limit_per_client_address=per_client_address,
                                intake_limit_window_minutes=minutes)
        assert response.status_code == 200, response.text[:1000]

    yield apply
    response = admin.update(*SETTINGS, **saved)
    assert response.status_code == 200, response.text[:1000]


def post_json(guest, email: str, subject: str = "Rate limit", **headers):
    return guest.post(CREATE_TICKET, json={"subject": subject, "description": "x", "email": email}, headers=headers)


def post_like_the_page(guest, email: str, subject: str = "From the page"):
    # What frappe.call on /contact-support sends: a form body, an AJAX header, JSON wanted back.
    return guest.post(CREATE_TICKET, data={"subject": subject, "description": "x", "email": email, "name": "Page"},
                      headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"})


def tickets_of(admin, address: str) -> int:
    return len(admin.rows("Ticket", {"raised_by": address}, limit=100))


def assert_limited(response, says: str) -> None:
    assert_refused(response, statuses=(429,), says=says)
    assert int(response.headers.get("Retry-After", "0")) >= 1, response.headers


def test_one_sender_gets_five_however_the_address_is_written(admin, guest, set_limits):
    set_limits(per_sender=5, per_client_address=0)
    box = unique("anna")
    address = f"{box}@firm.example"
    # ("Anna <…>" never reaches the method from a Guest: Frappe strips tags from a Guest's arguments.)
    spellings = [address, f"{box.upper()}@FIRM.EXAMPLE", f"  {box}@firm.example  ", f"mailto:{box}@firm.example",
                 f"\t{box.title()}@Firm.Example\n"]
    for spelling in spellings:
        response = post_json(guest, spelling)
        assert response.status_code == 200, (spelling, response.status_code, response.text[:500])
    assert tickets_of(admin, address) == 5

    response = post_json(guest, f"MAILTO:{box.title()}@firm.example ")
    assert_limited(response, says=address)
    assert tickets_of(admin, address) == 5

    other = f"{unique('boris')}@firm.example"  # another sender is not held back
    assert post_json(guest, other).status_code == 200


def test_the_contact_page_goes_through_the_same_limits(admin, guest, set_limits):
    set_limits(per_sender=5, per_client_address=0)
    page = guest.get("/contact-support", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[:500]
    assert "support_hub.api.intake.create_ticket" in page.text  # the page posts to the limited method

    address = f"{unique('page')}@shop.example"
    for _ in range(3):
        assert post_json(guest, address).status_code == 200
    for _ in range(2):
        response = post_like_the_page(guest, address)
        assert response.status_code == 200, response.text[:500]
    assert_limited(post_like_the_page(guest, address), says=address)
    assert tickets_of(admin, address) == 5


def test_many_senders_from_one_address_meet_its_cap_whatever_they_forward(admin, guest, set_limits):
    set_limits(per_sender=5, per_client_address=3)
    made = []
    for n in range(3):
        address = f"{unique(f'crowd{n}')}@shop.example"
        response = post_json(guest, address, **{"X-Forwarded-For": f"203.0.113.{n + 1}"})
        assert response.status_code == 200, response.text[:500]
        made.append(address)

    late = f"{unique('crowd-late')}@shop.example"
    for forwarded in ("203.0.113.99", "198.51.100.1, 203.0.113.98", ""):
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        assert_limited(post_json(guest, late, **headers), says="network")
    assert tickets_of(admin, late) == 0
    assert all(tickets_of(admin, address) == 1 for address in made)


def test_putting_the_limits_back_leaves_nobody_throttled(admin, guest, set_limits):
    set_limits(per_sender=5, per_client_address=1)
    assert post_json(guest, f"{unique('first')}@shop.example").status_code == 200
    assert_limited(post_json(guest, f"{unique('second')}@shop.example"), says="network")
    set_limits(per_sender=5, per_client_address=0)
    assert post_json(guest, f"{unique('third')}@shop.example").status_code == 200
