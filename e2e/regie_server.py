"""Starts and stops a throwaway Regie server for the browser and API tests (stdlib only).

`Server(binary, prefix).start()` runs `regie serve --demo` on a free port with a fresh SQLite file
in a temporary folder (so a developer's `.env` is not read), waits for `/health/ready`, and
`stop()` ends it and removes the folder. `Server(..., env={...})` adds environment variables (the
DUO koppeling: DUO_URL, DUO_NOTIFY_PORT, ...). `restart(clock_offset_days=N)` stops the process and
starts it again on the same port and SQLite file with `--clock-offset-days N`: `--demo` does not load the
demo into a database that has data, so everything stays and the server's "now" runs N days ahead
(`restart()` brings it back to 0). `DUOSimulator(binary, notify_url).start()` runs `regie duo-simulator`
on a free port the same way. Problems raise `ServerError`.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


class ServerError(RuntimeError):
    """The server could not be started or did not become ready."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


class Server:
    """Starts `regie serve --demo` on a free port with a fresh SQLite file; stops it again."""

    what = "server"
    ready_path = "/health/ready"

    def __init__(self, binary: Path, prefix: str = "regie-e2e-", env: dict[str, str] | None = None):
        self.binary = binary
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen | None = None
        # Days the server's clock runs ahead (`--clock-offset-days`, a demo server only); see restart().
        self.clock_offset_days = 0
        self.stdout_path = self.workdir / "stdout.log"
        self.stderr_path = self.workdir / "stderr.log"

    def command(self) -> list[str]:
        command = [str(self.binary), "serve", "--demo", "--port", str(self.port),
                   "--database-path", str(self.workdir / "regie.sqlite")]
        if self.clock_offset_days:
            command += ["--clock-offset-days", str(self.clock_offset_days)]
        return command

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # Flags win over the environment, but a DATABASE_URL would win over --database-path. A
        # developer's DUO settings are not this server's: without DUO_URL it has no koppeling, and
        # DUO_NOTIFY_PORT=0 keeps it off the Notificatie API's fixed development port (8081).
        for key in ("DATABASE_URL", "REGIE_ENV", "HOST", "PORT", "DEMO"):
            env.pop(key, None)
        for key in [k for k in env if k.startswith("DUO_")]:
            env.pop(key)
        env["DUO_NOTIFY_PORT"] = "0"
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> None:
        if not self.binary.is_file() or not os.access(self.binary, os.X_OK):
            raise ServerError(f"{self.what} binary not found or not executable: {self.binary}")
        command = self.command()
        shown = " ".join(f"{k}={v}" for k, v in self.extra_env.items())
        print(f"· starting {shown + ' ' if shown else ''}{' '.join(command)}", flush=True)
        # cwd = the temporary folder, so a developer's .env in the repository is not read. A restart
        # appends to the logs, so print_problems() still sees what the earlier process said.
        mode = "ab" if self.process is not None else "wb"
        self.process = subprocess.Popen(
            command, cwd=self.workdir, env=self.environment(), stdin=subprocess.DEVNULL,
            stdout=open(self.stdout_path, mode), stderr=open(self.stderr_path, mode),
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"{self.what} exited with code {self.process.returncode} before it was ready\n"
                                   + self.log_tail())
            if http_status(self.base_url + self.ready_path, timeout=1.0) == 200:
                return
            time.sleep(0.2)
        raise ServerError(f"{self.what} not ready on {self.base_url}{self.ready_path} after {timeout:.0f}s\n" + self.log_tail())

    def log_tail(self, lines: int = 25) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            try:
                text = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                text = []
            parts.append(f"--- {path.name} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(parts)

    def print_problems(self, limit: int = 15) -> None:
        """The server's warnings, errors and 5xx answers (its log is JSON lines on stderr)."""
        try:
            lines = self.stderr_path.read_text(errors="replace").splitlines()
        except OSError:
            return
        problems = [line for line in lines
                    if re.search(r'"level":"(warning|error|critical)"|"status":"5\d\d"', line)]
        print(f"\nServer log: {len(problems)} warning/error/5xx line(s)" + (f", the last {limit}:" if problems else ""))
        for line in problems[-limit:]:
            print("  " + line)

    def stop(self, grace: float = 5.0) -> None:
        self.terminate(grace)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def terminate(self, grace: float = 5.0) -> None:
        """Ends the process (SIGTERM, then SIGKILL after `grace` seconds) and keeps the folder and its database."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                print(f"· note: the {self.what} did not stop within {grace:.0f}s of SIGTERM; killed it", file=sys.stderr)
                self.process.kill()
                self.process.wait(timeout=5)

    def restart(self, clock_offset_days: int = 0, timeout: float = 60.0) -> None:
        """Stops the running server and starts it again on the same port and database, its clock
        `clock_offset_days` days ahead (0: the real clock again). The data stays (`--demo` loads the demo
        into an empty database only); sessions older than their limit have expired when the clock moved."""
        if self.process is None:
            raise ServerError(f"{self.what} was never started: nothing to restart")
        self.terminate()
        self.clock_offset_days = clock_offset_days
        # The old process released the port; wait until the kernel lets it go (it may linger a moment).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", self.port))
                    break
                except OSError:
                    time.sleep(0.2)
        self.start(timeout)


class DUOSimulator(Server):
    """Starts `regie duo-simulator` on a free port, sending its notifications to `notify_url` (Regie's
    Notificatie API); ready when its control API answers. `base_url` is the simulator's root: DUO's
    interface is below `/v1`, the control API below `/sim`."""

    what = "DUO simulator"
    ready_path = "/sim/log"

    def __init__(self, binary: Path, notify_url: str, prefix: str = "regie-e2e-duo-", week_seconds: float | None = None):
        super().__init__(binary, prefix)
        self.notify_url = notify_url
        self.week_seconds = week_seconds

    def command(self) -> list[str]:
        command = [str(self.binary), "duo-simulator", "--port", str(self.port), "--regie-notify-url", self.notify_url]
        if self.week_seconds is not None:
            command += ["--week", f"{self.week_seconds:g}"]
        return command


class BRPSimulator(Server):
    """Starts `regie brp-simulator --no-seed` on a free port: an empty register that makes up a person
    for any BSN (the same for the same number); ready when its control API answers. The BRP API is
    at the root (`POST /personen`), the control API below `/simulator`."""

    what = "BRP simulator"
    ready_path = "/simulator/uitwisselingen"

    def __init__(self, binary: Path, prefix: str = "regie-e2e-brp-"):
        super().__init__(binary, prefix)

    def command(self) -> list[str]:
        return [str(self.binary), "brp-simulator", "--port", str(self.port), "--no-seed"]
