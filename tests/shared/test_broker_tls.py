"""TLS to the broker: amqps:// URLs get kombu `ssl` options from MICROWISH_BROKER_CA/_CERT/_KEY."""
from __future__ import annotations

import ssl

import pytest

from shared.broker import connection, ssl_options
from shared.settings import from_env

URL = "amqps://intake:pw@rabbitmq.microwish.svc:5671/microwish"
TLS = {"MICROWISH_BROKER_CA": "/etc/microwish/broker-tls/ca.crt",
       "MICROWISH_BROKER_CERT": "/etc/microwish/broker-tls/tls.crt",
       "MICROWISH_BROKER_KEY": "/etc/microwish/broker-tls/tls.key"}


def test_plain_amqp_has_no_tls():
    assert ssl_options(from_env(TLS), "amqp://guest:guest@127.0.0.1:5672/x") is None
    assert connection("amqp://guest:guest@127.0.0.1:5672/x", from_env({})).ssl is False


def test_amqps_verifies_the_broker_with_our_ca_and_shows_our_certificate():
    assert ssl_options(from_env(TLS), URL) == {
        "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": None,
        "ca_certs": TLS["MICROWISH_BROKER_CA"],
        "certfile": TLS["MICROWISH_BROKER_CERT"], "keyfile": TLS["MICROWISH_BROKER_KEY"]}


def test_amqps_without_paths_trusts_the_system_cas_and_still_checks():
    assert ssl_options(from_env({}), URL) == {"cert_reqs": ssl.CERT_REQUIRED,
                                              "server_hostname": None}


def test_a_connection_carries_the_options_and_the_tls_port():
    conn = connection(URL, from_env(TLS))
    assert conn.ssl["ca_certs"] == TLS["MICROWISH_BROKER_CA"]
    assert conn.transport_cls in ("amqps", "amqp") and conn.port == 5671
    assert conn.transport.client.ssl is conn.ssl  # what py-amqp wraps its socket with
    assert conn.as_uri(include_password=False).startswith("amqps://intake:**@")


def test_a_certificate_without_its_key_is_refused():
    with pytest.raises(ValueError, match="MICROWISH_BROKER_CERT"):
        ssl_options(from_env({"MICROWISH_BROKER_CERT": "/x.crt"}), URL)


def test_each_call_gets_fresh_options():
    settings = from_env(TLS)
    first = ssl_options(settings, URL)
    first["server_hostname"] = "rabbitmq.microwish.svc"  # as kombu fills it in
    assert ssl_options(settings, URL)["server_hostname"] is None
