"""How many tickets the public web intake takes, and from whom: per sender and per client address.

A sender is the normalised e-mail address (engine.identity.normalize_email), so "Anna@Firm.ru",
" anna@firm.ru " and "mailto:anna@firm.ru" share one allowance. A client address is the IP of the
machine that connected. X-Forwarded-For is a header anyone can write, so it counts only when the
connection comes from a proxy the site names as trusted; then the client is the nearest address in
the header that is not one of those proxies (each proxy appends the address it saw, so everything to
the left of that may have been made up by the client).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SENDER = "sender"
CLIENT_ADDRESS = "client address"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Limits:
    """Tickets allowed per window; 0 switches that limit off."""

    per_sender: int = 5
    per_client_address: int = 30
    window_seconds: int = 10 * 60


def trusted_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Proxy addresses or networks, as a list or one string separated by commas, spaces or newlines.

    Entries that are not addresses are left out: a typo must not make the header trusted.
    """
    if not value:
        return ()
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(v) for v in value]
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...] = ()) -> str:
    """The address a request is counted against.

    `peer` is the socket's remote address; `forwarded_for` the X-Forwarded-For header, if any. Without
    trusted proxies, or when the peer is not one of them, the peer is the client whatever the header says.
    """
    peer_address = _address(peer or "")
    if peer_address is None:
        return (peer or "").strip() or "unknown"
    if not trusted or not forwarded_for or not _trusted(peer_address, trusted):
        return str(peer_address)
    client = peer_address
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage from here leftwards was not written by a proxy we trust
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def exceeded(counts: Mapping[str, int], limits: Limits) -> str | None:
    """Which limit this request goes over, counting it (SENDER first), or None."""
    if limits.per_sender and counts.get(SENDER, 0) > limits.per_sender:
        return SENDER
    if limits.per_client_address and counts.get(CLIENT_ADDRESS, 0) > limits.per_client_address:
        return CLIENT_ADDRESS
    return None
