"""A voice message through the served site's webhook, transcribed by the real background worker against a
fake speech-to-text server on 127.0.0.1: the transcript lands on the message, the audio stays attached."""

import json
import random

import pytest
from public_endpoints import configure_telegram, fake_telegram, post_telegram_update  # noqa: F401  (fixture)

from support_hub.fakes.speech import API_KEY, FakeSpeechToText


@pytest.fixture
def fake_speech():
    with FakeSpeechToText("Курьер оставил пакет у двери, а яиц нет") as fake:
        yield fake


def test_a_voice_message_is_transcribed_by_the_worker_next_to_its_audio(site, admin, guest, fake_telegram,
                                                                       fake_speech):
    fake = fake_telegram
    configure_telegram(admin, fake)
    response = admin.update("Telegram Settings", "Telegram Settings", transcribe_voice=1,
                            transcription_url=fake_speech.url, transcription_api_key=API_KEY)
    assert response.status_code == 200, response.text[:500]
    try:
        chat = random.randint(10**8, 9 * 10**8)
        admin.insert("Telegram Chat", chat_id=str(chat), customer_name="HTTP voice customer", accounts="ACC-HTTP",
                     active_account="ACC-HTTP", state=json.dumps({"step": "describe", "lang": "ru"}))
        spoken = b"OggS\x00\x02" + random.randbytes(4096)
        update = fake.push_voice(chat, spoken)
        update["update_id"] = random.randint(10**9, 2 * 10**9)
        assert post_telegram_update(guest, update).status_code == 200

        (ticket,) = admin.rows("Ticket", {"telegram_chat_id": str(chat)})
        def transcribed():
            rows = admin.rows("Communication", {"reference_name": ticket["name"], "sent_or_received": "Received"},
                              fields=["content"])
            return [r for r in rows if "яиц нет" in (r["content"] or "")]

        (message,) = site.wait_for(transcribed, timeout=60, what="the transcript on the voice message")
        assert "🎤" in message["content"]
        (received,) = fake_speech.requests
        assert (received.audio, received.language) == (spoken, "ru")
        files = admin.rows("File", {"attached_to_doctype": "Ticket", "attached_to_name": ticket["name"]},
                           fields=["file_name", "file_size", "is_private"])
        assert [(f["file_size"], f["is_private"]) for f in files] == [(len(spoken), 1)]
        assert files[0]["file_name"].endswith(".ogg")
    finally:
        admin.update("Telegram Settings", "Telegram Settings", transcribe_voice=0)
