"""The speech-to-text provider against a fake OpenAI-style transcription server on 127.0.0.1."""

import pytest

from support_hub.fakes.speech import API_KEY, FakeSpeechToText
from support_hub.integrations.speech import OpenAICompatibleSpeechToText, TranscriptionError

VOICE = b"OggS\x00\x02" + bytes(range(256)) * 16


@pytest.fixture
def fake_speech():
    with FakeSpeechToText() as fake:
        yield fake


def test_the_audio_goes_out_whole_and_the_transcript_comes_back(fake_speech):
    provider = OpenAICompatibleSpeechToText(fake_speech.url, API_KEY, model="whisper-large-v3")
    text = provider.transcribe(VOICE, file_name="voice.ogg", mime_type="audio/ogg", language="ru")
    assert text == "Здравствуйте, заказ пришёл без молока"
    (received,) = fake_speech.requests
    assert (received.audio, received.file_name, received.content_type) == (VOICE, "voice.ogg", "audio/ogg")
    assert (received.model, received.language) == ("whisper-large-v3", "ru")


def test_a_wrong_key_or_a_failing_provider_is_an_error_that_names_no_key(fake_speech):
    with pytest.raises(TranscriptionError, match="401"):
        OpenAICompatibleSpeechToText(fake_speech.url, "sk-wrong").transcribe(VOICE, file_name="v.ogg")
    fake_speech.fail_next(503)
    with pytest.raises(TranscriptionError, match="503") as raised:
        OpenAICompatibleSpeechToText(fake_speech.url, API_KEY).transcribe(VOICE, file_name="v.ogg")
    assert API_KEY not in str(raised.value)
    assert fake_speech.requests == []


def test_an_unreachable_provider_is_an_error(fake_speech):
    url = fake_speech.url
    fake_speech.stop()
    with pytest.raises(TranscriptionError):
        OpenAICompatibleSpeechToText(url, API_KEY, timeout=2).transcribe(VOICE, file_name="v.ogg")
