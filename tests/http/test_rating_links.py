"""Rating links as a customer meets them: the PBX reports a finished call, the site e-mails a rating
request (read back from the mail sink), and a Guest opens the link. GET only shows; POST saves once;
forged and expired links are refused; what is stored is read back as Administrator."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid

import pytest

SECRET = "http-rating-pbx-secret"
LINK = re.compile(r"(/rate\?token=([A-Za-z0-9_-]+))(?:&amp;|&)rating=(bad|ok|great)")
HTML = {"Accept": "text/html"}


def pbx_event(guest, event: dict):
    body = json.dumps(event).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = guest.post("/api/method/support_hub.api.telephony.event", data=body,
                          headers={"Content-Type": "application/json", "X-Signature": signature})
    assert response.status_code == 200, response.text[:1000]


@pytest.fixture(scope="module")
def phone_line(admin):
    """Telephony on, with a support extension and the rating request after each call."""
    response = admin.update("Telephony Settings", "Telephony Settings", enabled=1, webhook_secret=SECRET,
                            support_extensions="101=", send_rating_request=1)
    assert response.status_code == 200, response.text[:1000]


def call_and_rating_mail(site, admin, guest) -> tuple[str, str, str]:
    """A customer calls, support answers, the call ends: returns (ticket, token, customer e-mail) with the
    token taken from the e-mail the site really sent."""
    digits = str(uuid.uuid4().int)[:7]
    number, address = f"+7916{digits}", f"caller-{uuid.uuid4().hex[:8]}@phone.example"
    admin.insert("Contact", first_name=f"Caller {digits}", phone_nos=[{"phone": number, "is_primary_phone": 1}],
                 email_ids=[{"email_id": address, "is_primary": 1}])
    call = f"HTTP-{uuid.uuid4().hex[:10]}"
    base = {"call_id": call, "from_number": number, "to_number": "+74950000000"}
    pbx_event(guest, {**base, "event": "call_started", "event_id": f"{call}-1", "started_at": "2026-05-18T10:00:00+03:00"})
    pbx_event(guest, {**base, "event": "call_answered", "event_id": f"{call}-2", "extension": "101",
                      "answered_at": "2026-05-18T10:00:05+03:00"})
    pbx_event(guest, {**base, "event": "call_finished", "event_id": f"{call}-3", "extension": "101", "duration": 95,
                      "finished_at": "2026-05-18T10:01:40+03:00"})
    ticket = admin.rows("Telephony Call", {"name": call}, fields=["ticket"])[0]["ticket"]
    assert ticket

    def mail():
        site.flush_mail()
        return site.mails_to(address)

    message = site.wait_for(mail, timeout=60, what=f"the rating request to {address}")[0]
    html = message.get_body(preferencelist=("html",)).get_content()
    links = LINK.findall(html)
    assert [rating for _path, _token, rating in links] == ["great", "ok", "bad"], html
    assert len({token for _path, token, _rating in links}) == 1  # one link per ticket, the emoji preselect
    return ticket, links[0][1], address


def stored(admin, ticket: str) -> dict:
    doc = admin.doc("Ticket", ticket)
    return {k: doc.get(k) or None for k in ("rating", "rating_comment", "rated_on")}


def rating_lines(admin, ticket: str) -> list[str]:
    rows = admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket, "comment_type": "Info"},
                      fields=["content"])
    return [r["content"] for r in rows if "rated the ticket" in r["content"]]


def test_the_mail_link_shows_the_question_and_get_writes_nothing(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    for _ in range(2):
        page = guest.get(f"/rate?token={token}&rating=great", headers=HTML)
        assert page.status_code == 200, page.text[:1000]
        assert "Call from" in page.text and ticket in page.text
        for value in ("bad", "ok", "great"):
            assert f'name="rating" value="{value}"' in page.text
        assert re.search(r'value="great"[^>]*checked', page.text)  # the emoji the customer clicked
        assert 'name="comment"' in page.text and 'method="post"' in page.text
    assert stored(admin, ticket) == {"rating": None, "rating_comment": None, "rated_on": None}
    assert admin.rows("Rating Link", {"ticket": ticket}, fields=["used_on"]) == [{"used_on": None}]
    assert rating_lines(admin, ticket) == []


def test_post_saves_once_and_a_second_answer_changes_nothing(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    saved = guest.post("/rate", data={"token": token, "rating": "bad", "comment": "Waited <b>20</b> minutes"},
                       headers=HTML)
    assert saved.status_code == 200, saved.text[:1000]
    assert "Your rating has been saved" in saved.text
    first = stored(admin, ticket)
    assert first["rating"] == "bad" and first["rated_on"]
    assert first["rating_comment"] == "Waited &lt;b&gt;20&lt;/b&gt; minutes"  # kept as text, never as markup
    lines = rating_lines(admin, ticket)
    assert len(lines) == 1 and "👎" in lines[0] and "Waited" in lines[0], lines  # the bad rating's timeline line

    again = guest.post("/rate", data={"token": token, "rating": "great", "comment": ""}, headers=HTML)
    assert again.status_code == 409, again.text[:1000]
    assert "rated already" in again.text
    as_json = guest.post("/api/method/support_hub.api.rating.submit", json={"token": token, "rating": "great"})
    assert as_json.status_code == 409, as_json.text[:1000]
    assert stored(admin, ticket) == first  # neither the rating nor the saved comment changed
    assert len(rating_lines(admin, ticket)) == 1

    revisit = guest.get(f"/rate?token={token}", headers=HTML)
    assert revisit.status_code == 200 and "rated already" in revisit.text
    assert 'name="rating"' not in revisit.text


def test_json_post_saves_and_needs_no_login(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    response = guest.post("/api/method/support_hub.api.rating.submit",
                          json={"token": token, "rating": "great", "comment": "Quick and kind"})
    assert response.status_code == 200, response.text[:1000]
    assert response.json()["message"] == {"ticket": ticket, "rating": "great"}
    assert stored(admin, ticket)["rating"] == "great"
    assert stored(admin, ticket)["rating_comment"] == "Quick and kind"


def test_a_json_body_to_the_page_saves_too(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    response = guest.post("/rate", json={"token": token, "rating": "ok"}, headers=HTML)
    assert response.status_code == 200, response.text[:1000]
    assert stored(admin, ticket)["rating"] == "ok"


def test_a_bad_answer_is_a_400_and_the_link_still_works(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    for answer in ({"rating": "excellent"}, {}, {"rating": ["bad", "great"]}):
        response = guest.post("/api/method/support_hub.api.rating.submit", json={"token": token, **answer})
        assert 400 <= response.status_code < 500, (answer, response.status_code, response.text[:500])
    page = guest.post("/rate", data={"token": token, "rating": "superb"}, headers=HTML)
    assert page.status_code == 400 and 'name="rating"' in page.text
    assert stored(admin, ticket)["rating"] is None
    assert guest.post("/rate", data={"token": token, "rating": "ok"}, headers=HTML).status_code == 200
    assert stored(admin, ticket)["rating"] == "ok"


def test_forged_tokens_are_refused_and_write_nothing(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    old_scheme = hmac.new(b"support-test-a.localhost", f"rate:{ticket}".encode(), hashlib.sha256).hexdigest()[:32]
    for forged in (token[:-4] + "AAAA", hashlib.sha256(token.encode()).hexdigest(), old_scheme, ticket, ""):
        page = guest.get(f"/rate?token={forged}", headers=HTML)
        assert page.status_code == 404 and "not valid" in page.text, (forged, page.status_code)
        assert guest.post("/rate", data={"token": forged, "rating": "great"}, headers=HTML).status_code == 404
        response = guest.post("/api/method/support_hub.api.rating.submit", json={"token": forged, "rating": "great"})
        assert response.status_code == 404, (forged, response.status_code, response.text[:500])
    assert stored(admin, ticket) == {"rating": None, "rating_comment": None, "rated_on": None}
    assert rating_lines(admin, ticket) == []
    # the old GET endpoint that wrote on a click is gone
    gone = guest.get("/api/method/support_hub.api.rating.rate", params={"ticket": ticket, "rating": "great",
                                                                         "token": old_scheme})
    assert 400 <= gone.status_code < 500
    assert stored(admin, ticket)["rating"] is None


def test_an_expired_link_is_refused_and_writes_nothing(site, admin, guest, phone_line):
    ticket, token, _address = call_and_rating_mail(site, admin, guest)
    link = admin.rows("Rating Link", {"ticket": ticket})[0]["name"]
    assert admin.update("Rating Link", link, expires_on="2026-01-01 00:00:00").status_code == 200
    page = guest.get(f"/rate?token={token}", headers=HTML)
    assert page.status_code == 410 and "expired" in page.text
    assert guest.post("/rate", data={"token": token, "rating": "bad"}, headers=HTML).status_code == 410
    response = guest.post("/api/method/support_hub.api.rating.submit", json={"token": token, "rating": "bad"})
    assert response.status_code == 410, response.text[:500]
    assert stored(admin, ticket) == {"rating": None, "rating_comment": None, "rated_on": None}


def test_agents_cannot_read_the_links(site, admin, guest, agent, phone_line):
    ticket, _token, _address = call_and_rating_mail(site, admin, guest)
    assert agent.get("/api/resource/Rating Link", params={"filters": json.dumps({"ticket": ticket})}).status_code == 403
    timeline = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": ticket,
                                            "communication_type": "Automated Message"}, fields=["content"])
    assert timeline and not any("token=" in row["content"] for row in timeline), timeline
