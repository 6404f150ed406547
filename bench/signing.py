"""DKIM signing of real digests: masthead's signer (OpenSSL through `cryptography`) beside dkimpy.

    .venv/bin/python bench/signing.py         # 300 digests of the bench newsroom, each signed by each signer

Each row signs the same messages (a real digest, about 20 KB, with its own unsubscribe token) and
prints milliseconds per message and messages per second on one core. Target (issue #21): at most
0.5 ms per message. dkimpy, the anchor, signs with pure-Python RSA.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from feeds_share import machine  # noqa: E402

from masthead.digest.dkim_sign import DkimSigner  # noqa: E402


def keys(folder: Path) -> dict[str, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    found = {}
    for name, key in (("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                      ("ed25519", ed25519.Ed25519PrivateKey.generate())):
        path = folder / f"{name}.pem"
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        found[name] = path
    return found


def messages(count: int) -> list[bytes]:
    from digest import bench_config, real_messages  # the digest bench's own messages, built by masthead

    built = [message for message, _ in real_messages(bench_config(), count)]
    return [built[n % len(built)] for n in range(count)]


def timed(sign, batch: list[bytes]) -> float:
    start = time.perf_counter()
    for message in batch:
        sign(message)
    return (time.perf_counter() - start) / len(batch)


def main(count: int = 300) -> None:
    import dkim

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        paths = keys(Path(folder))
        batch = messages(count)
        print(f"{len(batch)} digests, {sum(map(len, batch)) / len(batch) / 1024:.1f} KB on average")
        rsa_key = paths["rsa"].read_bytes()
        rows = [
            ("dkimpy, RSA-2048 (anchor)", lambda m: dkim.sign(m, b"mh", b"news.example", rsa_key,
                                                             linesep=b"\r\n"), batch[: max(20, count // 10)]),
            ("masthead, RSA-2048", DkimSigner.from_settings(
                {"selector": "mh", "domain": "news.example", "key_file": str(paths["rsa"])}).sign, batch),
            ("masthead, Ed25519", DkimSigner.from_settings(
                {"selector": "ed", "domain": "news.example", "key_file": str(paths["ed25519"])}).sign, batch),
            ("masthead, RSA-2048 + Ed25519", DkimSigner.from_settings({"domain": "news.example", "keys": [
                {"selector": "mh", "key_file": str(paths["rsa"])},
                {"selector": "ed", "key_file": str(paths["ed25519"])}]}).sign, batch),
        ]
        print(f"{'signer':<30} {'ms/message':>10} {'messages/s':>11}")
        for name, sign, sample in rows:
            seconds = timed(sign, sample)
            print(f"{name:<30} {seconds * 1000:>10.2f} {1 / seconds:>11,.0f}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
