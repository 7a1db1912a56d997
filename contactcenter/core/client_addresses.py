"""Who is asking: the client's address, taken from ``X-Forwarded-For`` only when the request
came through proxies named in ``TRUSTED_PROXIES``; with none named (the default) the header
is ignored and the socket's peer is the client."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks_parse(entries: Iterable[str]) -> tuple[Network, ...]:
    """``entries`` (addresses or CIDR networks) as networks; a bad entry is a configuration
    error that names it, so a typing slip cannot silently trust nobody or everybody."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry.strip()!r} is not an IP address or network"
            ) from None
    return tuple(networks)


_parsed: tuple[tuple[str, ...], tuple[Network, ...]] | None = None


def trusted_networks() -> tuple[Network, ...]:
    global _parsed
    entries = tuple(settings.TRUSTED_PROXIES)
    if _parsed is None or _parsed[0] != entries:
        _parsed = (entries, trusted_networks_parse(entries))
    return _parsed[1]


def _trusted(address: str, networks: Sequence[Network]) -> bool | None:
    """Whether ``address`` is one of ours; None when it is not an address at all."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The right-most address in the chain that is not a trusted proxy: the socket's peer
    unless it is trusted, then each ``X-Forwarded-For`` hop from the right. A hop that is
    not an address was written by someone we do not trust; the last trusted hop before it
    stands for the client."""
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    networks = trusted_networks()
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    address = peer
    for hop in reversed([hop for hop in hops if hop]):
        trusted = _trusted(hop, networks)
        if trusted is None:
            return address
        address = hop
        if not trusted:
            return hop
    return address
