"""The web form as a signed-in shopper on the served ERP site: it offers her own recent orders (no
cancelled ones, nobody else's) and links the one she picks; any other order, or a Guest's pick, is
refused with 403 and writes nothing."""

from __future__ import annotations

from grocery_story import shopper_story  # noqa: F401  (the fixture)
from served import PASSWORD


def test_a_signed_in_shopper_picks_her_order_on_the_web_form(site, admin, guest, shopper_story):  # noqa: F811
    story = shopper_story
    site.ensure_user(story.email, [])
    shopper = site.login(story.email, PASSWORD)
    page = shopper.get("/contact-support", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for role in ("open", "unpaid", "short", "returned"):
        assert story.orders[role] in page.text
    assert story.orders["cancelled"] not in page.text and story.other_order not in page.text

    def send(client, order):
        return client.call("support_hub.api.intake.create_ticket", subject="Вопрос по заказу", description="",
                           email=story.email, order=order)

    before = len(admin.rows("Ticket", {"raised_by": story.email}))
    assert send(shopper, story.other_order).status_code == 403
    assert send(guest, story.orders["short"]).status_code == 403
    assert len(admin.rows("Ticket", {"raised_by": story.email})) == before
    accepted = send(shopper, story.orders["unpaid"])
    assert accepted.status_code == 200, accepted.text[:1000]
    assert admin.doc("Ticket", accepted.json()["message"]["ticket"])["order"] == story.orders["unpaid"]
