"""Connections to the broker: over TLS when the URL says amqps://, verifying the broker's
certificate and hostname, with our client certificate when one is configured."""
from __future__ import annotations

import ssl

from kombu import Connection

from shared.settings import Settings, from_env


def ssl_options(settings: Settings, url: str) -> dict | None:
    """kombu's `ssl` for `url`: None for plain amqp://, else py-amqp's TLS options (fresh each
    call: kombu writes the hostname into them)."""
    if not url.startswith("amqps://"):
        return None
    if bool(settings.broker_cert) != bool(settings.broker_key):
        raise ValueError("MICROWISH_BROKER_CERT and MICROWISH_BROKER_KEY go together")
    options = {"cert_reqs": ssl.CERT_REQUIRED,
               # None: kombu checks the certificate against the URL's hostname.
               "server_hostname": None}
    if settings.broker_ca:
        options["ca_certs"] = settings.broker_ca  # else the system's trusted CAs
    if settings.broker_cert:
        options["certfile"], options["keyfile"] = settings.broker_cert, settings.broker_key
    return options


def connection(url: str, settings: Settings | None = None, **options) -> Connection:
    """A kombu Connection to `url`, with TLS as MICROWISH_BROKER_CA/_CERT/_KEY say."""
    tls = ssl_options(settings or from_env(), url)
    if tls is not None:
        options["ssl"] = tls
    return Connection(url, **options)
