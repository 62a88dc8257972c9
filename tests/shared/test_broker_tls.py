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


def _pki(tmp_path):
    """A CA, a certificate for localhost signed by it, and a client certificate; their paths."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def make(cn, issuer=None, issuer_key=None, ca=False, san=None):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        builder = (x509.CertificateBuilder().subject_name(name)
                   .issuer_name(issuer.subject if issuer else name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            # kombu dials localhost as 127.0.0.1 and checks the certificate against that
            builder = builder.add_extension(x509.SubjectAlternativeName([
                x509.DNSName(san), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
        cert = builder.sign(issuer_key or key, hashes.SHA256())
        return cert, key

    def write(stem, cert, key):
        (tmp_path / f"{stem}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (tmp_path / f"{stem}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return str(tmp_path / f"{stem}.crt"), str(tmp_path / f"{stem}.key")

    ca, ca_key = make("microwish test CA", ca=True)
    other, other_key = make("another CA", ca=True)
    paths = {"ca": write("ca", ca, ca_key)[0], "other_ca": write("other", other, other_key)[0]}
    paths["server"] = write("server", *make("localhost", ca, ca_key, san="localhost"))
    paths["client"] = write("client", *make("intake", ca, ca_key))
    return paths


def _tls_listener(paths):
    """A TLS listener on localhost that wants a client certificate from our CA; what it saw."""
    import socket
    import threading

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=paths["ca"])
    context.load_cert_chain(*paths["server"])
    context.verify_mode = ssl.CERT_REQUIRED
    sock = socket.create_server(("127.0.0.1", 0))
    seen: dict = {}

    def serve():
        raw, _ = sock.accept()
        try:
            with context.wrap_socket(raw, server_side=True) as tls:
                seen["client"] = dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]
        except (ssl.SSLError, OSError) as exc:
            seen["refused"] = exc
        finally:
            sock.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock.getsockname()[1], seen


def _connect(url, settings):
    conn = connection(url, settings, connect_timeout=5)
    try:
        conn.connect()  # the listener speaks no AMQP: past the handshake it hangs up
    except Exception as exc:  # noqa: BLE001 - what matters is what the listener saw
        return exc
    finally:
        conn.release()


def test_a_real_handshake_checks_the_broker_and_shows_our_certificate(tmp_path):
    from tests.helpers import wait_for
    paths = _pki(tmp_path)
    port, seen = _tls_listener(paths)
    settings = from_env({"MICROWISH_BROKER_CA": paths["ca"],
                         "MICROWISH_BROKER_CERT": paths["client"][0],
                         "MICROWISH_BROKER_KEY": paths["client"][1]})
    _connect(f"amqps://intake:pw@localhost:{port}/microwish", settings)
    assert wait_for(lambda: seen, what="the handshake") == {"client": "intake"}


def test_a_broker_certificate_from_another_ca_is_refused(tmp_path):
    from tests.helpers import wait_for
    paths = _pki(tmp_path)
    port, seen = _tls_listener(paths)
    settings = from_env({"MICROWISH_BROKER_CA": paths["other_ca"]})
    assert _connect(f"amqps://intake:pw@localhost:{port}/microwish", settings) is not None
    # The client hung up on the broker's certificate: it never got as far as showing its own.
    assert "UNKNOWN_CA" in repr(wait_for(lambda: seen, what="the handshake")["refused"])
