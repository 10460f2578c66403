"""Web intake limits: who a request is counted against, and when a count is over its limit."""

from hypothesis import given
from hypothesis import strategies as st

from support_hub.engine.intake_limits import (
    CLIENT_ADDRESS,
    SENDER,
    Limits,
    client_address,
    exceeded,
    trusted_networks,
)

PROXY = trusted_networks("127.0.0.1, 10.0.0.0/8")


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert client_address("127.0.0.1", "203.0.113.9, 10.1.1.1") == "127.0.0.1"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_speak_for_others():
    assert client_address("198.51.100.7", "203.0.113.9", PROXY) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_nearest_untrusted_hop():
    assert client_address("127.0.0.1", "203.0.113.9", PROXY) == "203.0.113.9"
    # The client wrote "1.2.3.4" itself; nginx appended what it saw, then an inner proxy its peer.
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5", PROXY) == "203.0.113.9"


def test_garbage_in_the_header_stops_the_walk():
    assert client_address("127.0.0.1", "203.0.113.9, not-an-ip", PROXY) == "127.0.0.1"
    assert client_address("127.0.0.1", "", PROXY) == "127.0.0.1"
    assert client_address("127.0.0.1", "10.0.0.2, 10.0.0.3", PROXY) == "10.0.0.2"  # all ours: the farthest


def test_ports_and_ipv6_are_understood():
    assert client_address("127.0.0.1", "203.0.113.9:51234", PROXY) == "203.0.113.9"
    assert client_address("::1", "[2001:db8::7]:443", trusted_networks(["::1"])) == "2001:db8::7"
    assert client_address("2001:db8::1", None) == "2001:db8::1"


def test_trusted_networks_skip_what_is_not_an_address():
    assert [str(n) for n in trusted_networks("127.0.0.1\nnginx, 10.0.0.0/8 ::1")] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    assert trusted_networks(None) == () and trusted_networks([]) == ()


def test_each_limit_counts_on_its_own_and_zero_switches_it_off():
    limits = Limits(per_sender=5, per_client_address=30)
    assert exceeded({SENDER: 5, CLIENT_ADDRESS: 30}, limits) is None
    assert exceeded({SENDER: 6, CLIENT_ADDRESS: 1}, limits) == SENDER
    assert exceeded({SENDER: 1, CLIENT_ADDRESS: 31}, limits) == CLIENT_ADDRESS
    assert exceeded({SENDER: 99, CLIENT_ADDRESS: 99}, Limits(per_sender=0, per_client_address=0)) is None


@given(st.ip_addresses(), st.lists(st.ip_addresses(), max_size=4))
def test_an_untrusted_peer_is_always_its_own_client(peer, hops):
    header = ", ".join(str(h) for h in hops)
    assert client_address(str(peer), header) == str(peer)
