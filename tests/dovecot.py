"""A real IMAP server for tests: Debian's Dovecot on 127.0.0.1, in a temporary folder.

One mailbox user with a password; messages are put in with IMAP APPEND, as a mail server would
deliver them. As root, Dovecot drops to its own `dovecot` and `dovenull` users (created by the
package); as anyone else, everything runs as that user. `make test` installs dovecot-imapd.
"""

from __future__ import annotations

import getpass
import imaplib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "bounces", "bounce-mailbox-password"


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(found).exists():
        raise RuntimeError("these tests need Dovecot's IMAP server: `make test` installs Debian's dovecot-imapd "
                           "when run as root; otherwise: apt-get install dovecot-imapd")
    return found


@dataclass
class Dovecot:
    config: Path
    port: int
    tls_port: int = 0  # IMAPS, when started with a certificate
    ca_file: Path | None = None  # the authority that signed it, for a client to trust

    @property
    def url(self) -> str:
        return f"imap://{USER}@127.0.0.1:{self.port}/INBOX"

    @property
    def tls_url(self) -> str:
        return f"imaps://{USER}@127.0.0.1:{self.tls_port}/INBOX"

    def deliver(self, message: bytes) -> None:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), message)
        finally:
            client.logout()

    def flags(self) -> list[str]:
        """Each message's flags, in order."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            client.login(USER, PASSWORD)
            client.select("INBOX", readonly=True)
            _, found = client.fetch("1:*", "(FLAGS)")
            return [line.decode() for line in found if isinstance(line, bytes)]
        finally:
            client.logout()

    def stop(self) -> None:
        subprocess.run([dovecot_binary(), "-c", str(self.config), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def start_dovecot(folder: Path, port: int, tls_port: int = 0, certificate: tuple[Path, Path] | None = None
                  ) -> Dovecot:
    """Dovecot on 127.0.0.1:port (plain IMAP) and, with a (certificate, key) pair, IMAPS on tls_port."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("run", "state", "home"):
        (folder / sub).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        internal, login, owner = "dovecot", "dovenull", "dovecot"
        shutil.chown(folder / "home", owner, owner)
    else:
        internal = login = owner = getpass.getuser()
    folder.chmod(0o755)
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = folder / "dovecot.conf"
    config.write_text(f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
instance_name = masthead-test-{port}
protocols = imap
listen = 127.0.0.1
{f"ssl = yes{chr(10)}ssl_cert = <{certificate[0]}{chr(10)}ssl_key = <{certificate[1]}" if certificate
 else "ssl = no"}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={owner} gid={owner} home={folder}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port if certificate else 0}
  }}
}}
service anvil {{
  chroot =
}}
""")
    # the daemon keeps what it inherits: no pipes, or this call would wait for them to close
    with open(folder / "start.log", "wb") as log:
        started = subprocess.run([dovecot_binary(), "-c", str(config)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=log, timeout=30)
    if started.returncode != 0:
        raise RuntimeError(f"Dovecot did not start: {(folder / 'start.log').read_text()[-2000:]}")
    server = Dovecot(config, port, tls_port if certificate else 0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"Dovecot did not answer on 127.0.0.1:{port}: {(folder / 'dovecot.log').read_text()[-2000:]}")
