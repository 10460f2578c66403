"""Webhook deliveries as PBXs and Telegram make them: the same delivery many times at the same moment
(gunicorn has three workers, so the copies really overlap), group chats the bot was added to, and
bodies far too big. A duplicate is a 200 with nothing done twice; what is not ours is a 200 that does
nothing; a huge body is a 413 that writes nothing."""

import json
import random
import threading
import time
import uuid

from public_endpoints import (
    configure_telegram,
    configure_telephony,
    fake_telegram,  # noqa: F401  (fixture)
    post_call_event,
    post_telegram_update,
)

COPIES = 8


def at_once(site, send, copies: int = COPIES) -> list:
    """Call send(session, n) from `copies` threads released together; the responses, in order."""
    sessions = [site.guest() for _ in range(copies)]
    barrier = threading.Barrier(copies)
    responses = [None] * copies

    def worker(n):
        barrier.wait()
        try:
            responses[n] = send(sessions[n], n)
        except Exception as error:  # a dropped connection is a failure the assertions should show
            responses[n] = error

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def statuses(responses) -> list:
    return [getattr(r, "status_code", repr(r)) for r in responses]


def phone_number() -> str:
    return "+7916" + "".join(random.choices("0123456789", k=7))


def call(kind: str, call_id: str, event_id: str, number: str, **extra) -> dict:
    event = {"event": kind, "event_id": event_id, "call_id": call_id, "from_number": number,
             "to_number": "+74950000000", "started_at": "2026-05-18T10:00:00+03:00"}
    if kind in ("call_answered", "call_finished"):
        event.update(extension="101", answered_at="2026-05-18T10:00:12+03:00")
    if kind == "call_finished":
        event.update(finished_at="2026-05-18T10:04:40+03:00", duration=268)
    return {**event, **extra}


# ---- telephony ------------------------------------------------------------------------------------

def test_a_call_event_delivered_eight_times_at_once_opens_one_ticket(site, admin, agent):
    configure_telephony(admin, extensions=f"101={agent.user}")
    call_id, number = f"dup-{uuid.uuid4().hex[:10]}", phone_number()
    answered = call("call_answered", call_id, "e-answer", number)

    responses = at_once(site, lambda session, n: post_call_event(session, answered))
    assert statuses(responses) == [200] * COPIES, [getattr(r, "text", r)[:300] for r in responses]
    tickets = admin.rows("Ticket", {"raised_by": number, "channel": "Phone"}, fields=["name"])
    assert len(tickets) == 1, tickets
    calls = admin.rows("Telephony Call", {"call_id": call_id}, fields=["name", "ticket", "ticket_opened"])
    assert calls == [{"name": call_id, "ticket": tickets[0]["name"], "ticket_opened": 1}], calls
    assert len(admin.rows("Telephony Event", {"call_id": call_id})) == 1
    notes = [r.json()["message"]["message"] for r in responses]
    assert sum(note.startswith("duplicate event") for note in notes) == COPIES - 1, notes

    finished = call("call_finished", call_id, "e-finish", number, recording_url="https://pbx.example/rec/1.mp3")
    responses = at_once(site, lambda session, n: post_call_event(session, finished))
    assert statuses(responses) == [200] * COPIES, [getattr(r, "text", r)[:300] for r in responses]
    ticket = admin.doc("Ticket", tickets[0]["name"])
    assert (ticket["call_duration"], ticket["call_recording"]) == (268, "https://pbx.example/rec/1.mp3")
    comments = admin.rows("Comment", {"reference_doctype": "Ticket", "reference_name": ticket["name"],
                                      "content": ["like", "%268%"]}, fields=["content"])
    assert len(comments) == 1, comments


def test_different_events_of_one_call_arriving_together_take_turns(site, admin, agent):
    configure_telephony(admin, extensions=f"101={agent.user}")
    call_id, number = f"mix-{uuid.uuid4().hex[:10]}", phone_number()
    started = call("call_started", call_id, "e-start", number)
    answered = call("call_answered", call_id, "e-answer", number)

    responses = at_once(site, lambda session, n: post_call_event(session, started if n % 2 else answered))
    assert statuses(responses) == [200] * COPIES, [getattr(r, "text", r)[:300] for r in responses]
    assert len(admin.rows("Ticket", {"raised_by": number, "channel": "Phone"})) == 1
    assert len(admin.rows("Telephony Event", {"call_id": call_id})) == 2
    assert len(admin.rows("Telephony Call", {"call_id": call_id})) == 1


# ---- Telegram -------------------------------------------------------------------------------------

def new_update_id() -> int:
    # Telegram Update rows stay on the site; ids must not repeat across runs.
    return random.randint(10**9, 2 * 10**9)


def private_chat_in_describe_step(admin) -> int:
    """A signed-in chat whose next message opens a ticket (as after choosing a topic)."""
    chat = random.randint(10**8, 9 * 10**8)
    admin.insert("Telegram Chat", chat_id=str(chat), customer_name="HTTP test customer", accounts="ACC-HTTP",
                 active_account="ACC-HTTP", state=json.dumps({"step": "describe", "lang": "en"}))
    return chat


def outbox_rows(admin, chat: int) -> list[dict]:
    return admin.rows("Telegram Outbox", {"chat_id": str(chat)}, fields=["name", "dedupe_key", "status", "text"])


def test_a_telegram_update_delivered_eight_times_at_once_is_handled_once(site, admin, fake_telegram):
    fake = fake_telegram
    configure_telegram(admin, fake)
    chat = private_chat_in_describe_step(admin)
    update = fake.message_update(chat, f"Printer {uuid.uuid4().hex[:6]} is on fire", language_code="en")
    update["update_id"] = new_update_id()

    responses = at_once(site, lambda session, n: post_telegram_update(session, update))
    assert statuses(responses) == [200] * COPIES, [getattr(r, "text", r)[:300] for r in responses]
    tickets = admin.rows("Ticket", {"telegram_chat_id": str(chat)}, fields=["name", "channel"])
    assert len(tickets) == 1 and tickets[0]["channel"] == "Telegram", tickets
    received = admin.rows("Communication", {"reference_doctype": "Ticket", "reference_name": tickets[0]["name"],
                                            "sent_or_received": "Received"})
    assert len(received) == 1, received
    assert len(admin.rows("Telegram Update", {"update_id": str(update["update_id"])})) == 1
    replies = [row for row in outbox_rows(admin, chat) if row["dedupe_key"].startswith(f"bot-reply|{update['update_id']}|")]
    assert len(replies) == 1 and tickets[0]["name"] in replies[0]["text"], replies

    # The worker really sends it, once.
    site.wait_for(lambda: fake.texts(chat), timeout=60, what="the bot's reply at the fake Bot API")
    time.sleep(1)
    created = [text for text in fake.texts(chat) if tickets[0]["name"] in text]
    assert len(created) == 1, fake.texts(chat)


def group_message(fake, chat_type: str, chat_id: int, text: str) -> dict:
    update = fake.message_update(chat_id, text)
    update["update_id"] = new_update_id()
    update["message"]["chat"] = {"id": chat_id, "type": chat_type, "title": "Team chat"}
    return update


def group_button(fake, chat_type: str, chat_id: int, data: str) -> dict:
    update = fake.push_callback(chat_id, data)  # also queued for polling; nobody polls this fake
    update = json.loads(json.dumps(update))
    update["update_id"] = new_update_id()
    update["callback_query"]["message"]["chat"] = {"id": chat_id, "type": chat_type, "title": "Team chat"}
    return update


def test_group_chats_get_a_200_and_no_ticket_and_no_reply(site, admin, guest, fake_telegram):
    fake = fake_telegram
    configure_telegram(admin, fake)
    chat = -random.randint(10**12, 2 * 10**12)
    updates = [
        group_message(fake, "group", chat, "Здравствуйте, у нас не работает касса"),
        group_message(fake, "supergroup", chat, "/start ACC-HTTP"),
        group_message(fake, "channel", chat, "News of the day"),
        group_button(fake, "supergroup", chat, "m:new"),
    ]
    for update in updates:
        response = post_telegram_update(guest, update)
        assert response.status_code == 200, response.text[:500]
        assert response.json()["message"]["message"] == "ignored"
        assert not admin.rows("Telegram Update", {"update_id": str(update["update_id"])})
    assert not admin.rows("Telegram Chat", {"chat_id": str(chat)})
    assert not admin.rows("Ticket", {"telegram_chat_id": str(chat)})
    assert not outbox_rows(admin, chat)
    time.sleep(1)
    assert not fake.texts(chat)


def test_an_oversized_telegram_body_is_a_413_and_writes_nothing(admin, guest, fake_telegram):
    configure_telegram(admin, fake_telegram)
    chat = random.randint(10**8, 9 * 10**8)
    update = fake_telegram.message_update(chat, "x" * (1536 * 1024))
    update["update_id"] = new_update_id()
    response = post_telegram_update(guest, update)
    assert response.status_code == 413, response.text[:500]
    assert "Traceback" not in response.text
    assert not admin.rows("Telegram Update", {"update_id": str(update["update_id"])})
    assert not admin.rows("Telegram Chat", {"chat_id": str(chat)})
