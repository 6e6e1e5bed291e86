#!/usr/bin/env python3
"""API contract test for Regie: checks /api/v1/openapi.json and the provider API's
/api/aanbieder/v1/openapi.json against the running server with schemathesis.

    python3 e2e/api_contract.py                                   # starts .build/debug/regie itself
    python3 e2e/api_contract.py --binary /path/to/regie
    python3 e2e/api_contract.py --base-url http://127.0.0.1:8080  # a running demo server; creates a key
    python3 e2e/api_contract.py --base-url URL --api-key regie_<prefix>_<secret>
    python3 e2e/api_contract.py --seed 1234                       # replay a run: every run prints its seed
    python3 e2e/api_contract.py -- --max-failures 1               # arguments after -- go to `st run`

It creates an API key through the web UI (as the functioneel beheerder of the demo data, approved by
the demo's consulent: a key that reads personal data needs a second person holding its role), then runs
`st run` twice against BASE/api/v1/openapi.json with every schemathesis check: once with
`Authorization: Bearer <key>` and once without it (every answer must then be the spec's 401
application/problem+json). It does the same for the provider API with a link key the functioneel
beheerder makes on the first demo provider's page. Afterwards it revokes the keys it created.

Exit code 0 only if schemathesis found no failures in either run; 1 if it did; 2 if the test could not
run at all (the server did not start, no API key could be created, schemathesis is missing or could
not load the document). See e2e/README.md.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

import requests

from regie_server import Server, ServerError

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent
DEFAULT_BINARY = REPO_DIR / ".build" / "debug" / "regie"
REQUIREMENTS = E2E_DIR / "requirements.txt"

BEHEER = "beheer@regie.example"
CONSULENT = "consulent@regie.example"
PASSWORD = "regie-demo-2026"
DEFAULT_MAX_EXAMPLES = 200  # per operation, for the fuzzing phase; the whole test takes ~10 s with it


class CannotRun(Exception):
    """The test could not run at all (exit code 2)."""


# --------------------------------------------------------------------------------------------
# Server (the same approach as smoke.py, which is not imported so this test does not need Selenium)


# --------------------------------------------------------------------------------------------
# An API key, created (and revoked) through the web UI as the functioneel beheerder

CSRF_FIELD = re.compile(r'<input[^>]*\bname="_csrf"[^>]*\bvalue="([^"]*)"|<input[^>]*\bvalue="([^"]*)"[^>]*\bname="_csrf"')
SECRET = re.compile(r'<code class="secret">\s*(regie_[^<\s]+)\s*</code>')
PROVIDER_SECRET = re.compile(r'(regie-aanbieder_[A-Za-z0-9-]{12}_[A-Za-z0-9_-]+)')
PROVIDER_LINK = re.compile(r'href="(/beheer/aanbieders/[^"/]+)"')


def csrf_token(page: str, where: str) -> str:
    match = CSRF_FIELD.search(page)
    if not match:
        raise CannotRun(f"no hidden _csrf field on {where}")
    return html.unescape(match.group(1) or match.group(2))


class KeyAdmin:
    """A logged-in session of the functioneel beheerder on /beheer/api-sleutels."""

    def __init__(self, base_url: str, email: str = BEHEER):
        self.base_url = base_url
        self.email = email
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return self.base_url + path

    def login(self) -> None:
        page = self.http.get(self.url("/inloggen"), timeout=10)
        if page.status_code != 200:
            raise CannotRun(f"GET /inloggen gave HTTP {page.status_code}")
        answer = self.http.post(self.url("/inloggen"), allow_redirects=False, timeout=10, data={
            "_csrf": csrf_token(page.text, "/inloggen"), "email": self.email, "password": PASSWORD})
        if answer.status_code != 303 or "regie_session" not in self.http.cookies:
            raise CannotRun(f"logging in as {self.email} gave HTTP {answer.status_code} "
                            f"(location {answer.headers.get('location')!r}); does the server have the demo data?")

    def approve_key(self, key: str) -> None:
        """As the second person holding the key's role: approve it on the account page (four eyes)."""
        prefix = key.split("_")[1]
        page = self.http.get(self.url("/account"), timeout=10).text
        for item in page.split("<li>")[1:]:
            if f'<span class="mono">{prefix}</span>' in item:
                action = re.search(r'<form method="post" action="([^"]+)"', item)
                answer = self.http.post(self.url(html.unescape(action.group(1))), allow_redirects=False, timeout=10,
                                        data={"_csrf": csrf_token(item, "the key's entry")}) if action else None
                if answer is not None and answer.status_code == 303:
                    return
        raise CannotRun(f"{self.email} could not approve the API key regie_{prefix}_… on /account")

    def keys_page(self) -> str:
        page = self.http.get(self.url("/beheer/api-sleutels"), timeout=10)
        if page.status_code != 200:
            raise CannotRun(f"GET /beheer/api-sleutels gave HTTP {page.status_code}")
        return page.text

    def create_key(self, name: str, role: str = "consulent") -> str:
        page = self.keys_page()
        answer = self.http.post(self.url("/beheer/api-sleutels"), allow_redirects=False, timeout=10, data={
            "_csrf": csrf_token(page, "/beheer/api-sleutels"), "name": name, "role": role})
        match = SECRET.search(answer.text)
        if answer.status_code != 201 or not match:
            raise CannotRun(f"POST /beheer/api-sleutels gave HTTP {answer.status_code} "
                            f"{'without' if not match else 'with'} a <code class=\"secret\"> key")
        return html.unescape(match.group(1))

    def revoke_key(self, key: str) -> bool:
        """Revokes the key through its row's "Intrekken" form; False if that did not work."""
        prefix = key.split("_")[1]
        page = self.keys_page()
        for row in page.split("<tr>")[1:]:
            if f'<td class="mono">{prefix}</td>' in row:
                action = re.search(r'<form method="post" action="([^"]+)"', row)
                if not action:
                    return False
                answer = self.http.post(self.url(html.unescape(action.group(1))), allow_redirects=False, timeout=10,
                                        data={"_csrf": csrf_token(row, "the key's row")})
                return answer.status_code == 303
        return False


class ProviderKeyAdmin(KeyAdmin):
    """The functioneel beheerder making (and revoking) a provider's link key on its page."""

    def provider_page(self) -> str:
        listing = self.http.get(self.url("/beheer/aanbieders"), timeout=10)
        match = PROVIDER_LINK.search(listing.text)
        if listing.status_code != 200 or not match:
            raise CannotRun(f"GET /beheer/aanbieders gave HTTP {listing.status_code} and no provider; does the server have the demo data?")
        self.provider = html.unescape(match.group(1))
        return self.http.get(self.url(self.provider), timeout=10).text

    def create_key(self, name: str, role: str = "") -> str:
        page = self.provider_page()
        answer = self.http.post(self.url(self.provider + "/sleutels"), allow_redirects=False, timeout=10, data={
            "_csrf": csrf_token(page, self.provider), "actie": "maken", "keyName": name})
        match = PROVIDER_SECRET.search(answer.text)
        if answer.status_code != 201 or not match:
            raise CannotRun(f"POST {self.provider}/sleutels gave HTTP {answer.status_code} {'without' if not match else 'with'} a link key")
        return match.group(1)

    def revoke_key(self, key: str) -> bool:
        """Revokes the link key through its "Intrekken" form (the one naming its prefix)."""
        page = self.http.get(self.url(self.provider), timeout=10).text
        prefix = key.split("_")[1]
        for block in page.split("<details")[1:]:
            found = re.search(r'name="key" value="([^"]+)"', block)
            if f'<span class="mono">{prefix}</span>' in block and found:
                answer = self.http.post(self.url(self.provider + "/sleutels"), allow_redirects=False, timeout=10, data={
                    "_csrf": csrf_token(block, "the key's form"), "actie": "intrekken", "key": html.unescape(found.group(1)),
                    "reason": "Einde contracttest"})
                return answer.status_code == 303
        return False


def check_provider_key(base_url: str, key: str) -> None:
    answer = requests.get(base_url + "/api/aanbieder/v1/referrals?limit=1", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    if answer.status_code != 200:
        raise CannotRun(f"the link key does not work: GET /api/aanbieder/v1/referrals gave HTTP {answer.status_code}: {answer.text[:300]}")
    print(f"· link key works: {len(answer.json().get('data') or [])} referral(s) on the first page", flush=True)


def check_key(base_url: str, key: str) -> None:
    """The key must work, or every authenticated test case would only see 401 (a useless green run)."""
    try:
        answer = requests.get(base_url + "/api/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    except requests.RequestException as error:
        raise CannotRun(f"GET /api/v1/me failed: {error}") from None
    if answer.status_code != 200:
        raise CannotRun(f"the API key does not work: GET /api/v1/me gave HTTP {answer.status_code}: {answer.text[:300]}")
    me = answer.json()
    print(f"· API key works: {me.get('name')!r}, roles {me.get('roles')}, "
          f"{len(me.get('municipalities') or [])} municipalities", flush=True)


# --------------------------------------------------------------------------------------------
# schemathesis


@dataclass
class RunResult:
    name: str
    exit_code: int
    seconds: float
    operations: int = 0
    failed: list[str] = field(default_factory=list)  # "GET /me: ST204"

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def schemathesis_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version
        return version("schemathesis")
    except PackageNotFoundError:
        raise CannotRun("schemathesis is not installed: pip install -r e2e/requirements.txt") from None


def pinned_version() -> str | None:
    try:
        match = re.search(r"^schemathesis==(\S+)", REQUIREMENTS.read_text(), re.MULTILINE)
    except OSError:
        return None
    return match.group(1) if match else None


def describe_failure(code: str) -> str:
    """`ST201` -> `ST201 negative_data_rejection: Schema-violating request accepted`."""
    try:
        from schemathesis.failure_codes import get_failure_class
        kind = get_failure_class(code)
        return f"{code} {', '.join(kind.checks)}: {kind.kind_title}" if kind else code
    except Exception:  # an internal module of schemathesis; the code alone will do
        return code


# A schema-valid request is not always one the law or the stored state accepts: a random case id is
# 404, a date in the future or a score without a test date 400, a duplicate BSN or a closed case
# 409, a fine without a culpable assessment 422. Those answers are correct refusals, with
# problem+json (which the other checks still verify), not rejections of valid data.
SCHEMATHESIS_CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", 400, 401, 403, 404, 409, 422]
"""


def run_schemathesis(name: str, schema_url: str, header: str | None, args: argparse.Namespace,
                     workdir: Path, extra: list[str]) -> RunResult:
    junit = workdir / f"{name}.xml"
    command = [sys.executable, "-m", "schemathesis.cli", "run", schema_url,
               "--checks", "all",
               "--max-examples", str(args.max_examples),
               "--continue-on-failure",
               "--request-timeout", "10",
               "--generation-database", "none",
               "--seed", str(args.seed)]
    if args.report_dir:
        args.report_dir.mkdir(parents=True, exist_ok=True)
        junit = args.report_dir.resolve() / f"{name}.xml"
        command += ["--report", "junit,har", "--report-dir", str(args.report_dir.resolve()),
                    "--report-har-path", str(args.report_dir.resolve() / f"{name}.har")]
    else:
        command += ["--report", "junit"]
    command += ["--report-junit-path", str(junit)]
    if header:
        command += ["--header", header]
    else:
        # Every answer is a 401 here on purpose: do not warn that authentication failed.
        shown = ["missing_test_data", "base_url_mismatch", "validation_mismatch", "missing_deserializer",
                 "unsupported_regex", "method_not_allowed", "unresolvable_reference", "rate_limited"]
        command += ["--warnings", ",".join(shown)]
    command += extra
    shown_command = [c if not c.startswith("Authorization:") else "Authorization: Bearer [key]" for c in command]
    print(f"\n== schemathesis, {name}\n· {' '.join(shown_command)}", flush=True)
    started = time.monotonic()
    # cwd = a temporary folder: only the configuration written here applies, and the .schemathesis/
    # folder it writes is removed at the end.
    (workdir / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG)
    result = subprocess.run(command, cwd=workdir, stdin=subprocess.DEVNULL)
    run = RunResult(name=name, exit_code=result.returncode, seconds=time.monotonic() - started)
    try:
        root = ElementTree.parse(junit).getroot()
        for case in root.iter("testcase"):
            run.operations += 1
            for problem in case.iter("failure"):
                for code in (problem.get("message") or "?").split(", "):
                    run.failed.append(f"{case.get('name')}: {describe_failure(code)}")
            for problem in case.iter("error"):
                run.failed.append(f"{case.get('name')}: error: {(problem.get('message') or '?')[:200]}")
    except (OSError, ElementTree.ParseError):
        pass  # e.g. the document could not be loaded; the exit code says so
    return run


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=Path(os.environ.get("REGIE_BINARY", DEFAULT_BINARY)),
                        help="the regie binary to start (default .build/debug/regie, or REGIE_BINARY)")
    parser.add_argument("--base-url", default=os.environ.get("REGIE_BASE_URL"),
                        help="test a running demo server instead of starting one (or REGIE_BASE_URL)")
    parser.add_argument("--api-key", default=os.environ.get("REGIE_API_KEY"),
                        help="with --base-url: use this key instead of creating one in the UI (or REGIE_API_KEY)")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES,
                        help=f"test cases per operation in the fuzzing phase (default {DEFAULT_MAX_EXAMPLES})")
    parser.add_argument("--seed", type=int, default=int(os.environ["REGIE_TEST_SEED"]) if os.environ.get("REGIE_TEST_SEED") else None,
                        help="schemathesis's seed, to replay a run exactly (or REGIE_TEST_SEED; default: a new random one, printed)")
    parser.add_argument("--report-dir", type=Path,
                        help="also keep schemathesis's JUnit and HAR reports (keys are filtered) in this folder")
    args = parser.parse_args(argv)
    if args.api_key and not args.base_url:
        parser.error("--api-key needs --base-url (a server this script starts has no keys yet)")
    if "--seed" in extra:
        parser.error("give the seed as --seed N before --, so it is printed and used for both runs")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    return args, extra


def main(argv: list[str]) -> int:
    args, extra = parse_args(argv)
    started = time.monotonic()
    server: Server | None = None
    admin: KeyAdmin | None = None
    provider_admin: ProviderKeyAdmin | None = None
    provider_key: str | None = None
    key: str | None = args.api_key
    runs: list[RunResult] = []
    workdir = Path(tempfile.mkdtemp(prefix="regie-schemathesis-"))
    try:
        version = schemathesis_version()
        pinned = pinned_version()
        print(f"· schemathesis {version}" + (f" (requirements.txt pins {pinned})" if pinned and pinned != version else ""))
        print(f"· seed {args.seed} (replay: python3 e2e/api_contract.py --seed {args.seed}, or REGIE_TEST_SEED={args.seed} ./scripts/test)",
              flush=True)
        if args.base_url:
            base_url = args.base_url.rstrip("/")
        else:
            server = Server(args.binary.resolve(), prefix="regie-api-contract-")
            server.start()
            base_url = server.base_url
        print(f"· server {base_url}", flush=True)
        if not key:
            admin = KeyAdmin(base_url)
            admin.login()
            key = admin.create_key(f"API contract test {time.strftime('%Y-%m-%d %H:%M:%S')}")
            print(f"· created API key regie_{key.split('_')[1]}_… (role consulent) as {BEHEER}")
            approver = KeyAdmin(base_url, CONSULENT)
            approver.login()
            approver.approve_key(key)
            print(f"· approved it as {CONSULENT} (a key that reads personal data needs a second person holding its role)")
        check_key(base_url, key)

        schema_url = base_url + "/api/v1/openapi.json"
        runs.append(run_schemathesis("with-api-key", schema_url, f"Authorization: Bearer {key}", args, workdir, extra))
        runs.append(run_schemathesis("without-api-key", schema_url, None, args, workdir, extra))

        if not args.api_key:
            provider_admin = ProviderKeyAdmin(base_url)
            provider_admin.login()
            provider_key = provider_admin.create_key(f"Contracttest {time.strftime('%Y-%m-%d %H:%M:%S')}")
            print(f"· created link key regie-aanbieder_{provider_key.split('_')[1]}_… for {provider_admin.provider} as {BEHEER}")
            check_provider_key(base_url, provider_key)
            provider_url = base_url + "/api/aanbieder/v1/openapi.json"
            runs.append(run_schemathesis("provider-with-key", provider_url, f"Authorization: Bearer {provider_key}", args, workdir, extra))
            runs.append(run_schemathesis("provider-without-key", provider_url, None, args, workdir, extra))
    except (CannotRun, ServerError) as error:
        print(f"\nCOULD NOT RUN: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 2
    finally:
        if admin and key:
            try:
                if not admin.revoke_key(key):
                    print(f"· note: could not revoke the API key regie_{key.split('_')[1]}_…", file=sys.stderr)
            except requests.RequestException as error:
                print(f"· note: could not revoke the API key: {error}", file=sys.stderr)
        if provider_admin and provider_key:
            try:
                if not provider_admin.revoke_key(provider_key):
                    print("· note: could not revoke the link key", file=sys.stderr)
            except requests.RequestException as error:
                print(f"· note: could not revoke the link key: {error}", file=sys.stderr)
        if server:
            server.print_problems()
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("\n== API contract test")
    for run in runs:
        state = "passed" if run.passed else ("FAILED" if run.exit_code == 1 else f"ERROR (exit code {run.exit_code})")
        print(f"  {run.name:<20} {state:<8} {run.operations} operation(s), {run.seconds:.1f}s")
        for failure in run.failed:
            print(f"    - {failure}")
    if any(run.exit_code not in (0, 1) for run in runs):
        print(f"could not run schemathesis to the end ({time.monotonic() - started:.0f}s)")
        return 2
    failed = [run for run in runs if not run.passed]
    print(f"{len(runs) - len(failed)} passed, {len(failed)} failed ({time.monotonic() - started:.0f}s, seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
