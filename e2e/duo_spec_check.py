#!/usr/bin/env python3
"""Checks Regie's DUO traffic against DUO's published OpenAPI descriptions.

    python3 e2e/duo_spec_check.py EXCHANGES.jsonl [--specs DIR] [--require-exchanges]

EXCHANGES.jsonl is what the Swift tests write when REGIE_DUO_EXCHANGES is set: one JSON object per
HTTP exchange with the DUO simulator (see Tests/RegieServerTests/DUOEndToEndTests.swift, ExchangeLog):

- "in":  a request Regie sent to DUO (the simulator), path below /v1, with the simulator's answer.
         Regie's request must meet the spec (headers bron/doel/berichtId, path parameters, body):
         every violation is a failure. The simulator's answer is checked too, reported separately:
         the simulator must speak the specs' shapes, or Regie is tested against the wrong thing.
- "out": a notification the simulator sent to Regie's Notificatie API, with Regie's answer. Regie's
         answer must meet the Notificatie spec (a declared status, the API-Version header, a body only
         where one is declared). A 201 must answer a valid notification; a 400/403 should answer one
         that violates the spec or names a foreign bron/doel (otherwise a note, not a failure).

DUO's specs are read where they lie, never copied: DUO_SPECS or --specs (the duo-m2m folder, its API
folder, or any folder with */openapi.yml), by default ../shared/reference/duo-m2m next to the
repository. The specs have no `servers`: DUO's base path is /v1, and a path below it is matched
against the path templates of all specs to find the operation.

Exit code 0 when nothing failed (notes do not fail), 1 when something did, 2 when the check could not
run, 3 when openapi-core or PyYAML is missing (pip install -r e2e/requirements.txt). When the specs are not there, or the exchanges file is missing or empty, it prints a line
starting with "SKIPPED:" and exits 0 (with --require-exchanges, a missing or empty file is a
failure when the specs are there). The last line is "N passed, N failed" (one per check made).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SPECS = REPO_DIR.parent / "shared" / "reference" / "duo-m2m"
BASE_PATH = "/v1"
HOST_URL = "http://duo.invalid"  # the specs declare no servers; openapi-core then serves them at /
MAX_SHOWN = 600  # characters of a body shown with a failure


# --------------------------------------------------------------------------------------------
# DUO's specs


@dataclass
class Operation:
    spec: "Spec"
    method: str
    template: str
    regex: re.Pattern
    operation_id: str
    declared: dict  # the operation's responses: status -> response object

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template} ({self.spec.title} {self.spec.version}, {self.operation_id})"

    def declared_content(self, status: int) -> dict | None:
        response = self.declared.get(str(status)) or self.declared.get("default") or {}
        return response.get("content")


@dataclass
class Spec:
    path: Path
    document: dict
    api: object  # openapi_core.OpenAPI

    @property
    def title(self) -> str:
        return self.document.get("info", {}).get("title", self.path.parent.name)

    @property
    def version(self) -> str:
        return str(self.document.get("info", {}).get("version", "?"))


def find_spec_files(root: Path) -> list[Path]:
    files = sorted(root.glob("API/*/openapi.yml")) or sorted(root.glob("*/openapi.yml")) or sorted(root.glob("openapi.yml"))
    return files


# Unicode property classes that DUO's patterns use and Python's `re` lacks, with what stands in for them:
# \p{L} (any letter) becomes \w (letters, digits and _), a superset, so a loosened pattern never
# refuses what DUO's accepts; \p{Pd} becomes the dash punctuation characters.
PROPERTY_CLASSES = {r"\p{L}": r"\w", r"\p{Pd}": "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
                    "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d"}
LOOSENED: list[str] = []  # "spec: pattern → stand-in", printed with the report


def python_patterns(node, where: str):
    """The document with every `pattern` that Python's `re` cannot compile made compilable (see above)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                try:
                    re.compile(value)
                except re.error:
                    loosened = value
                    for prop, stand_in in PROPERTY_CLASSES.items():
                        loosened = loosened.replace(prop, stand_in)
                    re.compile(loosened)  # still not compilable: let the spec fail to load, loudly
                    LOOSENED.append(f"{where}: {value} → {loosened}")
                    value = loosened
            out[key] = python_patterns(value, where)
        return out
    if isinstance(node, list):
        return [python_patterns(item, where) for item in node]
    return node


def load_specs(files: list[Path]) -> tuple[list[Spec], list[Operation]]:
    import yaml
    from openapi_core import OpenAPI

    specs, operations = [], []
    for path in files:
        document = python_patterns(yaml.safe_load(path.read_text(encoding="utf-8")), path.parent.name)
        spec = Spec(path=path, document=document, api=OpenAPI.from_dict(document))
        specs.append(spec)
        for template, item in (document.get("paths") or {}).items():
            pattern = "^" + re.sub(r"\\\{[^/}]+\\\}", "[^/]+", re.escape(template)) + "$"
            for method, operation in item.items():
                if method.lower() not in ("get", "put", "post", "delete", "patch", "head", "options"):
                    continue
                operations.append(Operation(spec=spec, method=method.lower(), template=template, regex=re.compile(pattern),
                                            operation_id=operation.get("operationId", "?"),
                                            declared=operation.get("responses") or {}))
    return specs, operations


def find_operation(operations: list[Operation], method: str, path: str) -> Operation | None:
    """The operation for this method and path (below /v1); a literal segment beats a template."""
    matches = [o for o in operations if o.method == method.lower() and o.regex.match(path)]
    if not matches:
        return None
    return max(matches, key=lambda o: len(re.sub(r"\{[^}]+\}", "", o.template)))


# --------------------------------------------------------------------------------------------
# Exchanges


def spec_path(raw: str) -> str:
    """The path below DUO's base path: "/v1/notificaties", "http://host:1/v1/notificaties" and
    "/notificaties" all give "/notificaties"."""
    path = urlparse(raw).path if "://" in raw else raw.split("?", 1)[0]
    if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
        path = path[len(BASE_PATH):] or "/"
    return path


def header(headers: dict | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def body_bytes(text: str | None) -> bytes:
    return (text or "").encode("utf-8")


def make_request(exchange: dict, path: str):
    from openapi_core.testing import MockRequest

    headers = dict(exchange.get("headers") or {})
    # No Content-Type with a body: no declared media type either (DUO's descriptions declare application/json).
    return MockRequest(HOST_URL, exchange.get("method", "GET"), path, headers=headers,
                       data=body_bytes(exchange.get("body")), content_type=header(headers, "content-type") or "")


def make_response(exchange: dict):
    from openapi_core.testing import MockResponse

    headers = dict(exchange.get("responseHeaders") or {})
    return MockResponse(body_bytes(exchange.get("responseBody")), int(exchange.get("status") or 0), headers=headers,
                        content_type=header(headers, "content-type") or "")


def describe(error: Exception) -> str:
    """openapi-core's error with the schema errors that caused it (which field, what is wrong)."""
    from openapi_core.validation.response.exceptions import InvalidData, InvalidHeader

    text = str(error)
    if isinstance(error, InvalidHeader):
        text = f"Invalid response header: {error.name}"
    elif isinstance(error, InvalidData):
        text = "Invalid response body"
    elif "not valid for schema" in text:
        text = text.split(":", 1)[0]
    cause = error.__cause__ or error
    details = []
    for schema_error in getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None) or ():
        where = "/".join(str(p) for p in schema_error.path)
        details.append(f"{where + ': ' if where else ''}{schema_error.message}")
    return text + (" — " + "; ".join(details) if details else "")


def request_errors(operation: Operation, exchange: dict, path: str) -> list[str]:
    return [describe(e) for e in operation.spec.api.iter_request_errors(make_request(exchange, path))]


def response_errors(operation: Operation, exchange: dict, path: str) -> list[str]:
    """The answer against the operation: a declared status, the declared headers, and the declared body
    (none where the description declares none)."""
    status = int(exchange.get("status") or 0)
    errors = [describe(e) for e in
              operation.spec.api.iter_response_errors(make_request(exchange, path), make_response(exchange))]
    content = operation.declared_content(status)
    body = exchange.get("responseBody")
    declared = str(status) in operation.declared or "default" in operation.declared
    if declared and not content and body not in (None, ""):
        errors.append(f"a body, but {operation.operation_id} declares none for {status}: {short(body, 120)}")
    return errors


def short(text, limit: int = MAX_SHOWN) -> str:
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


# --------------------------------------------------------------------------------------------
# The check


@dataclass
class Finding:
    section: str
    number: int
    exchange: dict
    problems: list[str]


@dataclass
class Report:
    checks_passed: int = 0
    failures: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    # section -> (operation label, status) -> count
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    checked: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)

    def result(self, section: str, number: int, exchange: dict, problems: list[str]) -> None:
        self.checked[section] += 1
        if problems:
            self.failed[section] += 1
            self.failures.append(Finding(section, number, exchange, problems))
        else:
            self.checks_passed += 1

    def note(self, section: str, number: int, exchange: dict, problems: list[str]) -> None:
        self.notes.append(Finding(section, number, exchange, problems))


REGIE_REQUESTS = "Regie's requests to DUO"
SIMULATOR_ANSWERS = "the simulator's answers to Regie"
REGIE_ANSWERS = "Regie's answers to DUO's notifications"
NOTIFICATIONS_ACCEPTED = "notifications Regie accepted (201)"
SECTIONS = (REGIE_REQUESTS, SIMULATOR_ANSWERS, REGIE_ANSWERS, NOTIFICATIONS_ACCEPTED)


def known_oins(exchanges: list[dict]) -> tuple[set[str], set[str]]:
    """DUO's OINs and the municipalities' OINs as this run used them: the doel/bron of Regie's requests,
    and the bron/doel of notifications Regie accepted; plus DUO_OIN and the development DUO OIN."""
    duo = {"00000009999999999000"} | ({os.environ["DUO_OIN"]} if os.environ.get("DUO_OIN") else set())
    municipalities: set[str] = set()
    for e in exchanges:
        headers = e.get("headers") or {}
        if e.get("direction") == "in":
            duo.add(header(headers, "doel") or "")
            municipalities.add(header(headers, "bron") or "")
        elif e.get("direction") == "out" and e.get("status") == 201:
            duo.add(header(headers, "bron") or "")
            municipalities.add(header(headers, "doel") or "")
    return duo - {""}, municipalities - {""}


def check(exchanges: list[dict], operations: list[Operation]) -> Report:
    report = Report()
    duo_oins, municipality_oins = known_oins(exchanges)
    notification = find_operation(operations, "post", "/notificaties")
    for number, exchange in enumerate(exchanges, 1):
        direction = exchange.get("direction")
        method = str(exchange.get("method") or "").lower()
        path = spec_path(str(exchange.get("path") or ""))
        status = int(exchange.get("status") or 0)
        if direction == "in":
            operation = find_operation(operations, method, path)
            if operation is None:
                report.counts[REGIE_REQUESTS][(f"{method.upper()} {path} (no such operation)", status)] += 1
                report.result(REGIE_REQUESTS, number, exchange,
                              [f"no operation in DUO's specs for {method.upper()} {path} (below {BASE_PATH})"])
                continue
            report.counts[REGIE_REQUESTS][(operation.label, status)] += 1
            report.result(REGIE_REQUESTS, number, exchange, request_errors(operation, exchange, path))
            problems = response_errors(operation, exchange, path)
            version = header(exchange.get("responseHeaders"), "API-Version")
            if version and version != operation.spec.version:
                report.note(SIMULATOR_ANSWERS, number, exchange,
                            [f"API-Version {version}, the spec is {operation.spec.title} {operation.spec.version}"])
            report.result(SIMULATOR_ANSWERS, number, exchange, problems)
        elif direction == "out":
            if notification is None:
                raise RuntimeError("the Notificatie spec (POST /notificaties) is not among the specs")
            if status == 0:
                report.counts[REGIE_ANSWERS][(notification.label, "no answer")] += 1
                report.note(REGIE_ANSWERS, number, exchange,
                            [f"Regie did not answer: {exchange.get('reason') or 'sending failed'} (not checked)"])
                continue
            if method != "post" or path != "/notificaties":
                report.result(REGIE_ANSWERS, number, exchange,
                              [f"a notification as {method.upper()} {path}: the Notificatie API is POST {BASE_PATH}/notificaties"])
                continue
            report.counts[REGIE_ANSWERS][(notification.label, status)] += 1
            report.result(REGIE_ANSWERS, number, exchange, response_errors(notification, exchange, path))
            invalid = request_errors(notification, exchange, path)
            if status == 201:
                report.result(NOTIFICATIONS_ACCEPTED, number, exchange,
                              [f"accepted (201) a notification that violates the spec: {e}" for e in invalid])
            elif status in (400, 403):
                headers = exchange.get("headers") or {}
                foreign = []
                if (header(headers, "bron") or "") not in duo_oins:
                    foreign.append(f"bron {header(headers, 'bron')!r} is not DUO's OIN")
                if (header(headers, "doel") or "") not in municipality_oins:
                    foreign.append(f"doel {header(headers, 'doel')!r} is no municipality of this Regie")
                if not invalid and not foreign:
                    report.note(REGIE_ANSWERS, number, exchange,
                                [f"{status} for a notification that meets the spec, from DUO to a known municipality"])
    return report


def print_exchange(number: int, exchange: dict) -> None:
    print(f"      exchange #{number}: {exchange.get('direction')} {exchange.get('method')} {exchange.get('path')} "
          f"→ {exchange.get('status')} at {exchange.get('at')}" + (f" (reason: {exchange['reason']})" if exchange.get("reason") else ""))
    print(f"        request headers:  {short(exchange.get('headers') or {})}")
    if exchange.get("body") is not None:
        print(f"        request body:     {short(exchange['body'])}")
    print(f"        response headers: {short(exchange.get('responseHeaders') or {})}")
    if exchange.get("responseBody") is not None:
        print(f"        response body:    {short(exchange['responseBody'])}")


def print_report(report: Report, specs: list[Spec], total: int) -> None:
    print(f"DUO's specs: {len(specs)} ({', '.join(f'{s.title} {s.version}' for s in specs)})")
    for line in LOOSENED:
        print(f"  (a pattern Python's re cannot compile, loosened: {line})")
    print(f"Exchanges: {total}")
    for section in (REGIE_REQUESTS, REGIE_ANSWERS):
        if not report.counts[section]:
            continue
        print(f"\n{section[0].upper() + section[1:]}, per operation and status:")
        by_operation: dict[str, list[tuple[object, int]]] = defaultdict(list)
        for (label, status), count in report.counts[section].items():
            by_operation[label].append((status, count))
        for label in sorted(by_operation):
            statuses = ", ".join(f"{status}×{count}" for status, count in sorted(by_operation[label], key=lambda x: str(x[0])))
            print(f"  {label}: {statuses}")

    print("\nChecks:")
    for section in SECTIONS:
        print(f"  {section}: {report.checked[section]} checked, {report.failed[section]} failed")

    for section in SECTIONS:
        findings = [f for f in report.failures if f.section == section]
        if not findings:
            continue
        print(f"\nFAILED — {section} ({len(findings)}):")
        for finding in findings:
            for problem in finding.problems:
                print(f"  ✗ {problem}")
            print_exchange(finding.number, finding.exchange)

    if report.notes:
        print(f"\nNotes (not failures) ({len(report.notes)}):")
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in report.notes:
            grouped["; ".join(finding.problems)].append(finding)
        for problem, findings in grouped.items():
            print(f"  · {problem} ({len(findings)}×)")
            print_exchange(findings[0].number, findings[0].exchange)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check Regie's DUO exchanges against DUO's OpenAPI specs.")
    parser.add_argument("exchanges", type=Path, help="JSON lines written by the Swift tests (REGIE_DUO_EXCHANGES)")
    parser.add_argument("--specs", type=Path, default=Path(os.environ.get("DUO_SPECS") or DEFAULT_SPECS),
                        help="folder with DUO's specs (default: DUO_SPECS or ../shared/reference/duo-m2m)")
    parser.add_argument("--require-exchanges", action="store_true",
                        help="fail (instead of skip) when the specs are there but the exchanges file is missing or empty")
    args = parser.parse_args()

    files = find_spec_files(args.specs) if args.specs.is_dir() else []
    if not files:
        print(f"SKIPPED: DUO's OpenAPI specs are not present at {args.specs} (set DUO_SPECS to the duo-m2m folder)")
        return 0
    lines = []
    if args.exchanges.is_file():
        lines = [line for line in args.exchanges.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        what = "is empty" if args.exchanges.is_file() else "does not exist"
        if args.require_exchanges:
            print(f"FAILED: the exchanges file {args.exchanges} {what}: the Swift tests wrote no DUO exchanges "
                  "(is REGIE_DUO_EXCHANGES passed to them?)")
            print("0 passed, 1 failed")
            return 1
        print(f"SKIPPED: no DUO exchanges to check: {args.exchanges} {what} (run the Swift tests with REGIE_DUO_EXCHANGES set)")
        return 0

    try:
        import openapi_core  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"MISSING: the Python package {error.name} (pip install -r e2e/requirements.txt)")
        return 3
    try:
        specs, operations = load_specs(files)
        exchanges = []
        for number, line in enumerate(lines, 1):
            try:
                exchanges.append(json.loads(line))
            except json.JSONDecodeError as error:
                print(f"ERROR (test infrastructure, not Regie): line {number} of {args.exchanges} is no JSON: {error}.\n"
                      "The exchange log was written torn: two writers overwrote each other's lines "
                      "(ExchangeLog.append in Tests/RegieServerTests/DUOEndToEndTests.swift must append with "
                      "O_APPEND under its lock), or a test run was killed while writing. The line starts: "
                      f"{line[:120]!r}")
                return 2
        report = check(exchanges, operations)
    except Exception as error:  # a spec that does not load, or a bug in this script
        import traceback
        traceback.print_exc()
        print(f"ERROR: the check could not run: {error}")
        return 2

    print_report(report, specs, len(exchanges))
    failed = len(report.failures)
    print(f"\n{'PASSED' if not failed else 'FAILED'}: {sum(report.checked.values())} checks on {len(exchanges)} exchanges, "
          f"{failed} failed, {len(report.notes)} note(s)")
    print(f"{report.checks_passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
