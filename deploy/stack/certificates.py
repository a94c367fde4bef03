"""The front door's certificate: given as files, made here (self-signed), or obtained by ACME (certbot)."""

from __future__ import annotations

import datetime
import ipaddress
import os
import pathlib
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class CertificateError(RuntimeError):
    """The certificate cannot be used or obtained; the message says why in plain words."""


def write_private(path: pathlib.Path, data: bytes) -> pathlib.Path:
    """A file only this user can read (keys, secrets), written without a moment of wider access."""
    path = pathlib.Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)
    return path


def _subject_names(names: list[str]) -> list[x509.GeneralName]:
    out = []
    for name in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            out.append(x509.DNSName(name))
    return out


def _pem_key(key) -> bytes:
    pkcs8, clear = serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, pkcs8, clear)


def make_certificate(
    names: list[str], days: int = 365, issuer: tuple | None = None, is_ca: bool = False
) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for ``names`` (DNS names or IP addresses), self-signed unless
    ``issuer`` = (CA certificate PEM, CA key PEM) is given. ``is_ca`` makes a CA (tests make one)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    if issuer is None:
        issuer_name, signing_key = subject, key
    else:
        ca_cert = x509.load_pem_x509_certificate(issuer[0])
        issuer_name, signing_key = ca_cert.subject, serialization.load_pem_private_key(issuer[1], None)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName(_subject_names(names)), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
    cert = builder.sign(signing_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def names_in(cert_pem: bytes) -> list[str]:
    cert = x509.load_pem_x509_certificate(cert_pem)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(n.value) for n in san]


def check_files(cert_path: pathlib.Path, key_path: pathlib.Path, needed: list[str]) -> tuple[bytes, bytes]:
    """Read ``--tls-cert``/``--tls-key``; say plainly what is wrong (unreadable, not PEM, a name missing)."""
    try:
        cert_pem, key_pem = pathlib.Path(cert_path).read_bytes(), pathlib.Path(key_path).read_bytes()
    except OSError as error:
        raise CertificateError(f"cannot read {error.filename}: {error.strerror}") from None
    try:
        x509.load_pem_x509_certificates(cert_pem)
    except ValueError:
        raise CertificateError(f"{cert_path} is not a PEM certificate") from None
    try:
        key = serialization.load_pem_private_key(key_pem, None)
    except (ValueError, TypeError):
        raise CertificateError(f"{key_path} is not an unencrypted PEM private key") from None
    if _public_der(key.public_key()) != _public_der(x509.load_pem_x509_certificate(cert_pem).public_key()):
        raise CertificateError(f"{key_path} is not the key of {cert_path} (a renewal half done?)")
    have = names_in(cert_pem)
    missing = [name for name in needed if not _covered(name, have)]
    if missing:
        raise CertificateError(f"{cert_path} is not valid for {', '.join(missing)} (it names: {', '.join(have)})")
    return cert_pem, key_pem


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def valid_until(cert_pem: bytes) -> str:
    return x509.load_pem_x509_certificate(cert_pem).not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC")


class WatchedFiles:
    """The certificate and key in use, as files something else renews (certbot, a cron job).

    ``changed()`` is cheap (two ``stat`` calls): it reads the files only once they change, and
    returns their contents when they form a valid pair for ``names`` that is not the one in use."""

    def __init__(self, cert: pathlib.Path, key: pathlib.Path, names: list[str]):
        self.cert, self.key, self.names = pathlib.Path(cert), pathlib.Path(key), names
        self._seen = self._stamp()
        self.in_use = self.cert.read_bytes()

    def _stamp(self) -> tuple | None:
        try:  # stat() follows certbot's live/ symlinks to the archive files they point at
            return tuple((s.st_mtime_ns, s.st_size, s.st_ino) for s in (self.cert.stat(), self.key.stat()))
        except OSError:
            return None

    def changed(self) -> tuple[bytes, bytes] | None:
        """(certificate, key) PEM if the files changed into a new valid pair; raises ``CertificateError``
        (once per change) if they changed into something that cannot be used."""
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return None
        self._seen = stamp
        cert, key = check_files(self.cert, self.key, self.names)
        if cert == self.in_use:
            return None
        self.in_use = cert
        return cert, key


def _covered(name: str, have: list[str]) -> bool:
    return name in have or any(h.startswith("*.") and name.split(".", 1)[-1] == h[2:] for h in have)


def obtain_by_acme(
    names: list[str], email: str, directory: str, state_dir: pathlib.Path, http_port: int, log
) -> tuple[pathlib.Path, pathlib.Path]:
    """certbot (standalone HTTP-01 on 127.0.0.1:``http_port``, behind HAProxy's port 80): the
    certificate and key paths of its lineage. Renewal: the same call later renews when due."""
    state_dir = pathlib.Path(state_dir)
    command = ["certbot", "certonly", "--standalone", "--non-interactive", "--agree-tos", "--keep-until-expiring"]
    command += ["--email", email, "--server", directory, "--cert-name", names[0]]
    command += ["--http-01-address", "127.0.0.1", "--http-01-port", str(http_port)]
    command += ["--config-dir", str(state_dir / "config"), "--work-dir", str(state_dir / "work")]
    command += ["--logs-dir", str(state_dir / "logs")]
    for name in names:
        command += ["-d", name]
    result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=300)
    live = state_dir / "config" / "live" / names[0]
    if result.returncode != 0 or not (live / "fullchain.pem").exists():
        raise CertificateError(
            f"certbot could not get a certificate for {', '.join(names)} from {directory} (exit code "
            f"{result.returncode}); its log is in {state_dir / 'logs'}. Check that these names point at this "
            "machine and that TCP port 80 reaches it."
        )
    return live / "fullchain.pem", live / "privkey.pem"
