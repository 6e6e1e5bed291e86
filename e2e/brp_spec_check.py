#!/usr/bin/env python3
"""Checks Regie's BRP traffic against the published OpenAPI description of the BRP API Personen.

    python3 e2e/brp_spec_check.py EXCHANGES.jsonl [--spec FILE] [--require-exchanges]

EXCHANGES.jsonl is what the Swift tests write when REGIE_BRP_EXCHANGES is set: one JSON object per
HTTP exchange between Regie and the BRP simulator, header names in lower case, bodies as strings:

    {"method": "POST", "path": "/personen", "requestHeaders": {...}, "requestBody": "<JSON>",
     "status": 200, "responseHeaders": {...}, "responseBody": "<JSON>"}

Three checks per exchange, each printed as one PASS or FAIL line:

- request: Regie's request must meet the spec (Haal Centraal BRP API Personen v2, POST /personen):
  the body against PersonenQuery and the schema its discriminator `type` names (Regie sends
  RaadpleegMetBurgerservicenummer: 1–20 nine-digit BSNs, 1–130 fields), the Content-Type one the spec
  declares (openapi-core's matching: "application/json; charset=utf-8" exactly, or the bare media
  type where the spec declares that). Every violation is a failure.
- fields: data minimisation. Every entry of `fields` must be a path that exists in the person
  schema of the answer for that query type (Persoon for RaadpleegMetBurgerservicenummer; the walk
  follows properties, allOf, $ref, discriminator mappings and array items; a path may stop at an
  object such as "naam" or "verblijfplaats"), and must not name a field the BRP delivers
  automatically (read from the description of PersonenQuery.fields: inOnderzoek,
  geheimhoudingPersoonsgegevens, opschortingBijhouding, rni, verificatie). The BRP answers either with
  400 Bad Request; here both are failures.
- answer: the simulator's answer, reported separately: the simulator must speak the spec's shapes,
  or Regie is tested against the wrong thing. The status must be one the operation declares (one
  covered only by `default` fails), the body must meet the declared schema (a 200 against
  PersonenQueryResponse and the schema its `type` names, which must be the request's type; an error
  status against the application/problem+json schema declared for it). A person the answer delivers
  with a field Regie did not ask for, or a BSN Regie did not ask for, is a note, not a failure (the
  real BRP would not deliver it: Regie must not come to rely on it).

openapi-core validates OpenAPI 3.1 schemas with JSON Schema 2020-12, where `discriminator` is an
annotation only: a base schema that carries the discriminator (PersonenQuery, PersonenQueryResponse,
AbstractDatum, AbstractVerblijfplaats, …) while the concrete schemas `allOf` it is checked only for
the base's own properties, so a BSN of eight digits or a date "1990-02-30" would pass. The document is
therefore rewritten in memory before it is loaded (the file is never changed or copied): such a base
keeps its name but becomes `oneOf` its mapping with the discriminator (which openapi-schema-validator
does dispatch on) and an `enum` of the mapping's keys for the property; the `allOf` references of
the concrete schemas go to a copy of the original base. The printed report says which bases were
rewritten.

The spec is read where it lies, never copied: BRP_SPEC or --spec (the openapi.yaml, or the folder
holding it), by default ../shared/reference/brp/openapi.yaml next to the repository.

Exit code 0 when nothing failed (notes do not fail), 1 when something did, 2 when the check could not
run, 3 when openapi-core or PyYAML is missing (pip install -r e2e/requirements.txt). When the spec is
not there, or the exchanges file is missing or empty, it prints a line starting with "SKIPPED:" and
exits 0 (with --require-exchanges, a missing or empty file is a failure when the spec is there). The
last line is "N passed, N failed" (one per check made).
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_DIR.parent / "shared" / "reference" / "brp" / "openapi.yaml"
HOST_URL = "http://brp.invalid"  # used when the spec declares no servers
MAX_SHOWN = 600  # characters of a body shown with a failure
SCHEMA_PREFIX = "#/components/schemas/"
BASE_SUFFIX = "__basis"  # the name of the copy of a rewritten discriminator base
# The fields the BRP delivers automatically and that `fields` must not name, when the description of
# PersonenQuery.fields (or Field) cannot be read: "Velden die automatisch worden geleverd (inOnderzoek,
# geheimhoudingPersoonsgegevens, opschortingBijhouding, rni en verificatie) mag je niet opgeven in
# fields." (BRP API Personen 2.7.0).
AUTOMATIC_FIELDS_FALLBACK = ("inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie")


# --------------------------------------------------------------------------------------------
# The spec


@dataclass
class Operation:
    method: str
    template: str
    regex: re.Pattern  # matches the end of a request path; group "base" is what comes before
    operation_id: str
    declared: dict  # the operation's responses: status -> response object (references resolved)
    request_content: dict  # media type -> media type object

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template} ({self.operation_id})"

    def declared_content(self, status: int) -> dict | None:
        response = self.declared.get(str(status)) or self.declared.get("default") or {}
        return response.get("content")


@dataclass
class Spec:
    path: Path
    document: dict  # as published
    api: object  # openapi_core.OpenAPI, on the rewritten document
    operations: list[Operation]
    rewritten: list[str]  # discriminator bases made to dispatch
    automatic: tuple[str, ...]  # fields delivered automatically, not to be asked
    automatic_source: str
    server_host: str
    server_path: str

    @property
    def title(self) -> str:
        return self.document.get("info", {}).get("title", self.path.name)

    @property
    def version(self) -> str:
        return str(self.document.get("info", {}).get("version", "?"))

    @property
    def openapi(self) -> str:
        return str(self.document.get("openapi", "?"))

    def lookup(self, ref: str):
        """The node a local reference ("#/components/schemas/X") points to in the published document."""
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are followed, not {ref}")
        node = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


def find_spec_file(path: Path) -> Path | None:
    if path.is_file():
        return path
    if path.is_dir():
        for name in ("openapi.yaml", "openapi.yml", "openapi.json"):
            if (path / name).is_file():
                return path / name
    return None


def dispatching(document: dict) -> tuple[dict, list[str]]:
    """A copy of the document in which every base schema that carries a discriminator with a mapping,
    but no oneOf/anyOf/allOf of its own, dispatches on it (see the module's description)."""
    document = copy.deepcopy(document)
    schemas = (document.get("components") or {}).get("schemas") or {}
    bases = sorted(name for name, schema in schemas.items()
                   if isinstance(schema, dict) and isinstance(schema.get("discriminator"), dict)
                   and schema["discriminator"].get("mapping")
                   and not any(key in schema for key in ("oneOf", "anyOf", "allOf")))

    def redirect(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "allOf" and isinstance(value, list):
                    for item in value:
                        ref = item.get("$ref", "") if isinstance(item, dict) else ""
                        if ref.startswith(SCHEMA_PREFIX) and ref[len(SCHEMA_PREFIX):] in bases:
                            item["$ref"] = ref + BASE_SUFFIX
                redirect(value)
        elif isinstance(node, list):
            for item in node:
                redirect(item)

    redirect(schemas)
    for name in bases:
        base = schemas[name]
        discriminator = base["discriminator"]
        schemas[name + BASE_SUFFIX] = {key: value for key, value in base.items() if key != "discriminator"}
        schemas[name] = {
            "oneOf": [{"$ref": ref} for ref in dict.fromkeys(discriminator["mapping"].values())],
            "discriminator": discriminator,
            "properties": {discriminator["propertyName"]: {"enum": list(discriminator["mapping"])}},
        }
    return document, bases


def automatic_fields(document: dict) -> tuple[tuple[str, ...], str]:
    """The fields the spec says are delivered automatically and must not be asked for, from the
    description of PersonenQuery.fields or Field; the fallback list when neither says."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    candidates = [("PersonenQuery.fields", ((schemas.get("PersonenQuery") or {}).get("properties") or {}).get("fields") or {}),
                  ("Field", schemas.get("Field") or {})]
    for where, schema in candidates:
        match = re.search(r"automatisch\w*\s+(?:worden\s+)?geleverd\w*\s*\(([^)]*)\)", str(schema.get("description") or ""))
        if match:
            names = [n.strip() for n in re.split(r",|\s+en\s+|\s+and\s+", match.group(1)) if n.strip()]
            if names and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", n) for n in names):
                return tuple(names), f"the description of {where}"
    return AUTOMATIC_FIELDS_FALLBACK, "built in (the spec's descriptions did not say)"


def media_types(node):
    """Every media type named under a `content` in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                yield from (k for k in value if isinstance(k, str) and "/" in k)
            yield from media_types(value)
    elif isinstance(node, list):
        for item in node:
            yield from media_types(item)


def load_spec(path: Path) -> Spec:
    import yaml
    from openapi_core import OpenAPI

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    rewritten_document, bases = dispatching(document)
    # openapi-core parses only a fixed list of media types as JSON (application/json, …/vnd.api+json);
    # any other body, application/problem+json included, stays bytes and fails "is not of type
    # 'object'". Every structured-syntax +json type the spec declares is parsed as JSON.
    from openapi_core import Config
    from openapi_core.deserializing.media_types.util import json_loads

    json_types = {m.split(";", 1)[0].strip().lower() for m in media_types(document) if m.split(";", 1)[0].strip().lower().endswith("+json")}
    api = OpenAPI.from_dict(rewritten_document, config=Config(extra_media_type_deserializers={m: json_loads for m in json_types}))
    server = urlparse(((document.get("servers") or [{}])[0] or {}).get("url") or HOST_URL)
    server_host = f"{server.scheme or 'http'}://{server.netloc or 'brp.invalid'}"
    server_path = server.path.rstrip("/")

    def resolved(node):
        while isinstance(node, dict) and "$ref" in node:
            node = lookup(node["$ref"])
        return node

    def lookup(ref: str):
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    operations = []
    for template, item in (document.get("paths") or {}).items():
        pattern = "^(?P<base>.*?)" + re.sub(r"\\\{[^/}]+\\\}", "[^/]+", re.escape(template)) + "$"
        for method, operation in item.items():
            if method.lower() not in ("get", "put", "post", "delete", "patch", "head", "options"):
                continue
            responses = {str(status): resolved(response) for status, response in (operation.get("responses") or {}).items()}
            request_body = resolved(operation.get("requestBody") or {})
            operations.append(Operation(method=method.lower(), template=template, regex=re.compile(pattern),
                                        operation_id=operation.get("operationId", "?"), declared=responses,
                                        request_content=request_body.get("content") or {}))
    automatic, source = automatic_fields(document)
    return Spec(path=path, document=document, api=api, operations=operations, rewritten=bases, automatic=automatic,
                automatic_source=source, server_host=server_host, server_path=server_path)


def find_operation(spec: Spec, method: str, path: str) -> tuple[Operation, str, str] | None:
    """The operation for this method and path, with the base path before the template and the path
    as the spec serves it. "/personen", "/haalcentraal/api/brp/personen" and "/brp/personen" all find
    POST /personen; the longest literal template wins."""
    matches = []
    for operation in spec.operations:
        match = operation.regex.match(path) if operation.method == method.lower() else None
        if match:
            matches.append((operation, match.group("base"), path[len(match.group("base")):]))
    if not matches:
        return None
    return max(matches, key=lambda m: len(re.sub(r"\{[^}]+\}", "", m[0].template)))


# --------------------------------------------------------------------------------------------
# Walking the published schemas (for `fields`)


def children(spec: Spec, node, seen: frozenset = frozenset(), dispatch: bool = True) -> dict[str, list]:
    """The properties an instance of this schema can have, name -> the schemas they may have: through
    $ref, allOf/oneOf/anyOf, the schemas a discriminator maps to, and an array's items. A base reached
    through allOf is inherited, not dispatched: its mapping is not followed there (otherwise
    RaadpleegMetBurgerservicenummerResponse would inherit the persons of every other answer type)."""
    out: dict[str, list] = defaultdict(list)
    if not isinstance(node, dict):
        return out
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return out
        seen = seen | {ref}
        node = spec.lookup(ref)
    if isinstance(node.get("items"), dict):
        for name, schemas in children(spec, node["items"], seen).items():
            out[name].extend(schemas)
    for name, schema in (node.get("properties") or {}).items():
        out[name].append(schema)
    subschemas = [(s, key != "allOf") for key in ("allOf", "oneOf", "anyOf") for s in node.get(key) or []]
    mapping = (node.get("discriminator") or {}).get("mapping") or {} if dispatch else {}
    subschemas += [({"$ref": ref}, True) for ref in dict.fromkeys(mapping.values())]
    for subschema, dispatching_ in subschemas:
        for name, schemas in children(spec, subschema, seen, dispatching_).items():
            out[name].extend(schemas)
    return out


def person_schemas(spec: Spec, operation: Operation, query_type: str) -> tuple[list, str] | None:
    """The schemas of one person in the 200 answer to a query of this type: the declared answer's
    discriminator mapping for the type, its property `personen`, its items."""
    content = operation.declared_content(200) or {}
    for media in content.values():
        schema = media.get("schema") or {}
        node = spec.lookup(schema["$ref"]) if "$ref" in schema else schema
        mapping = (node.get("discriminator") or {}).get("mapping") or {}
        target = mapping.get(query_type)
        if target:
            personen = children(spec, {"$ref": target}).get("personen")
            if personen:
                names = sorted({ref.rsplit("/", 1)[-1] for p in personen for ref in item_refs(spec, p)})
                return personen, f"{target.rsplit('/', 1)[-1]}.personen ({', '.join(names) or 'inline'})"
    return None


def item_refs(spec: Spec, node) -> list[str]:
    if not isinstance(node, dict):
        return []
    if "$ref" in node and "items" not in node:
        target = spec.lookup(node["$ref"])
        return item_refs(spec, target) if "items" in target else [node["$ref"]]
    items = node.get("items")
    return [items["$ref"]] if isinstance(items, dict) and "$ref" in items else []


def field_problems(spec: Spec, roots: list, fields: list) -> list[str]:
    problems = []
    automatic = set(spec.automatic)
    for entry in fields:
        if not isinstance(entry, str) or not entry:
            problems.append(f"field {entry!r} is no path")
            continue
        segments = entry.split(".")
        named = [s for s in segments if s in automatic]
        if named:
            problems.append(f"field {entry!r} asks for {named[0]}, which the BRP delivers automatically and must not be "
                            f"asked (the spec: a 400 Bad Request)")
            continue
        current = roots
        for depth, segment in enumerate(segments):
            following = [schema for node in current for schema in children(spec, node).get(segment, [])]
            if not following:
                where = ".".join(segments[:depth]) or "the person"
                known = sorted({name for node in current for name in children(spec, node)})
                problems.append(f"field {entry!r} does not exist: {where} has no {segment!r}"
                                + (f" (it has: {', '.join(known)})" if known and len(known) <= 40 else ""))
                break
            current = following
    duplicates = [name for name, count in Counter(f for f in fields if isinstance(f, str)).items() if count > 1]
    if duplicates:
        problems.append(f"fields asked more than once: {', '.join(duplicates)}")
    return problems


def delivered_paths(value, prefix: tuple = ()):
    """The paths of the leaves of a delivered person (list items share their list's path)."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from delivered_paths(item, prefix + (key,))
    elif isinstance(value, list) and value:
        for item in value:
            yield from delivered_paths(item, prefix)
    else:
        yield prefix


# --------------------------------------------------------------------------------------------
# Exchanges


def request_path(raw: str) -> str:
    return (urlparse(raw).path if "://" in raw else raw.split("?", 1)[0]) or "/"


def header(headers: dict | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def body_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def parsed(value):
    try:
        return json.loads(body_text(value)), None
    except json.JSONDecodeError as error:
        return None, str(error)


def make_request(spec: Spec, exchange: dict, served_path: str):
    from openapi_core.testing import MockRequest

    headers = dict(exchange.get("requestHeaders") or {})
    return MockRequest(spec.server_host, exchange.get("method", "POST"), spec.server_path + served_path, headers=headers,
                       data=body_text(exchange.get("requestBody")).encode("utf-8"),
                       content_type=header(headers, "content-type") or "")


def make_response(exchange: dict):
    from openapi_core.testing import MockResponse

    headers = dict(exchange.get("responseHeaders") or {})
    return MockResponse(body_text(exchange.get("responseBody")).encode("utf-8"), int(exchange.get("status") or 0),
                        headers=headers, content_type=header(headers, "content-type") or "")


def describe(error: Exception) -> str:
    """openapi-core's error with the schema errors that caused it (which field, what is wrong)."""
    from openapi_core.validation.request.exceptions import InvalidRequestBody
    from openapi_core.validation.response.exceptions import InvalidData, InvalidHeader

    text = str(error)
    if isinstance(error, InvalidHeader):
        text = f"Invalid response header: {error.name}"
    elif isinstance(error, InvalidData):
        text = "Invalid response body"
    elif isinstance(error, InvalidRequestBody):
        text = "Invalid request body"
    elif "not valid for schema" in text:
        text = text.split(":", 1)[0]
    cause = error.__cause__ or error
    schema_errors = list(getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None) or ())
    # An unknown discriminator value gives two errors: the enum of the mapping's keys, and the
    # reference to a schema of that name that does not exist. The first says it.
    enum_paths = {tuple(e.path)[:-1] for e in schema_errors if e.validator == "enum"}
    details = []
    for schema_error in schema_errors:
        if "could not be resolved" in schema_error.message and tuple(schema_error.path) in enum_paths:
            continue
        where = "/".join(str(p) for p in schema_error.path)
        details.append(f"{where + ': ' if where else ''}{schema_error.message}")
    return text + (" — " + "; ".join(details) if details else "")


def short(text, limit: int = MAX_SHOWN) -> str:
    text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


# --------------------------------------------------------------------------------------------
# The check


REQUEST = "request"
FIELDS = "fields"
ANSWER = "answer"
SECTION_TITLES = {REQUEST: "Regie's requests to the BRP",
                  FIELDS: "the fields Regie asks for (data minimisation)",
                  ANSWER: "the simulator's answers to Regie"}


@dataclass
class Result:
    section: str
    number: int
    exchange: dict
    problems: list[str]
    summary: str  # the short reason on the PASS/FAIL line


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    notes: list[Result] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (operation label, status) -> count
    bases: Counter = field(default_factory=Counter)  # the base path before the operation's template

    def result(self, section: str, number: int, exchange: dict, problems: list[str], passed: str) -> None:
        summary = passed if not problems else problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        self.results.append(Result(section, number, exchange, problems, summary))

    def note(self, number: int, exchange: dict, problems: list[str]) -> None:
        self.notes.append(Result(ANSWER, number, exchange, problems, ""))

    def failed(self, section: str | None = None) -> list[Result]:
        return [r for r in self.results if r.problems and (section is None or r.section == section)]


def check_exchange(spec: Spec, report: Report, number: int, exchange: dict) -> None:
    method = str(exchange.get("method") or "").lower()
    path = request_path(str(exchange.get("path") or ""))
    status = int(exchange.get("status") or 0)
    found = find_operation(spec, method, path)
    if found is None:
        report.counts[(f"{method.upper()} {path} (no such operation)", status)] += 1
        report.result(REQUEST, number, exchange, [f"no operation in the spec for {method.upper()} {path}"], "")
        return
    operation, base, served = found
    report.counts[(operation.label, status)] += 1
    report.bases[base or "(none)"] += 1
    request = make_request(spec, exchange, served)
    body, body_error = parsed(exchange.get("requestBody"))
    query_type = body.get("type") if isinstance(body, dict) else None

    # Regie's request: the body and its media type, by openapi-core on the dispatching document.
    problems = [describe(e) for e in spec.api.iter_request_errors(request)]
    report.result(REQUEST, number, exchange, problems,
                  f"{operation.label}: {header(exchange.get('requestHeaders'), 'content-type')}, "
                  f"body meets {query_type or 'the schema'}")

    # Data minimisation: the fields exist and are not delivered automatically.
    fields = body.get("fields") if isinstance(body, dict) else None
    roots = person_schemas(spec, operation, query_type) if isinstance(query_type, str) else None
    if body_error is not None or not isinstance(body, dict):
        report.result(FIELDS, number, exchange, [f"the request body is no JSON object ({body_error or type(body).__name__})"], "")
    elif not isinstance(fields, list) or not fields:
        report.result(FIELDS, number, exchange, ["the request asks no fields (the BRP would deliver nothing, or refuse)"], "")
    elif roots is None:
        report.result(FIELDS, number, exchange, [f"no person schema for a query of type {query_type!r} in the spec's 200 answer"], "")
    else:
        report.result(FIELDS, number, exchange, field_problems(spec, roots[0], fields),
                      f"{len(fields)} field(s), all in {roots[1]}, none delivered automatically")

    # The simulator's answer.
    problems = []
    if str(status) not in operation.declared:
        covered = " (only `default` covers it)" if "default" in operation.declared else ""
        problems.append(f"status {status} is not declared for {operation.label}{covered}; "
                        f"declared: {', '.join(s for s in operation.declared if s != 'default')}")
    problems += [describe(e) for e in spec.api.iter_response_errors(request, make_response(exchange))]
    answer, answer_error = parsed(exchange.get("responseBody"))
    if not operation.declared_content(status) and body_text(exchange.get("responseBody")):
        problems.append(f"a body, but {operation.operation_id} declares none for {status}: {short(exchange.get('responseBody'), 120)}")
    if 200 <= status < 300 and isinstance(answer, dict) and isinstance(query_type, str):
        if answer.get("type") != query_type:
            problems.append(f"the answer's type is {answer.get('type')!r}, the request's {query_type!r}")
        personen = answer.get("personen") if isinstance(answer.get("personen"), list) else []
        asked_bsns = set(body.get("burgerservicenummer") or []) if isinstance(body.get("burgerservicenummer"), list) else None
        asked = [tuple(f.split(".")) for f in fields or [] if isinstance(f, str)]
        unasked: Counter = Counter()
        for persoon in personen:
            if not isinstance(persoon, dict):
                continue
            bsn = persoon.get("burgerservicenummer")
            if asked_bsns is not None and bsn is not None and bsn not in asked_bsns:
                report.note(number, exchange, [f"the answer delivers BSN {bsn}, which Regie did not ask for"])
            for delivered in delivered_paths(persoon):
                if (any(delivered[:len(a)] == a for a in asked) or any(s in spec.automatic for s in delivered)
                        or (delivered and delivered[-1] == "type")):
                    continue
                unasked[".".join(delivered)] += 1
        if unasked:
            report.note(number, exchange, ["the answer delivers fields Regie did not ask for (the BRP would not; "
                                           f"Regie must not rely on them): {', '.join(sorted(unasked))}"])
    report.result(ANSWER, number, exchange, problems,
                  f"{status} declared, body meets "
                  + (f"{answer.get('type')}" if 200 <= status < 300 and isinstance(answer, dict) and answer.get("type")
                     else "the declared schema"))


def print_exchange(number: int, exchange: dict) -> None:
    print(f"      exchange #{number}: {exchange.get('method')} {exchange.get('path')} → {exchange.get('status')}"
          + (f" at {exchange['at']}" if exchange.get("at") else ""))
    print(f"        request headers:  {short({k: ('…' if k.lower() in ('x-api-key', 'authorization') else v) for k, v in (exchange.get('requestHeaders') or {}).items()})}")
    if exchange.get("requestBody") is not None:
        print(f"        request body:     {short(exchange['requestBody'])}")
    print(f"        response headers: {short(exchange.get('responseHeaders') or {})}")
    if exchange.get("responseBody") is not None:
        print(f"        response body:    {short(exchange['responseBody'])}")


def print_report(report: Report, spec: Spec, total: int) -> None:
    print(f"The spec: {spec.title} {spec.version} (OpenAPI {spec.openapi}), {spec.path}")
    if spec.rewritten:
        print(f"  (discriminator bases made to dispatch on their mapping: {', '.join(spec.rewritten)})")
    print(f"  (fields delivered automatically, not to be asked: {', '.join(spec.automatic)} — from {spec.automatic_source})")
    print(f"Exchanges: {total}; base path before the operation: "
          + ", ".join(f"{base}×{count}" for base, count in sorted(report.bases.items())))
    by_operation: dict[str, list] = defaultdict(list)
    for (label, status), count in report.counts.items():
        by_operation[label].append((status, count))
    for label in sorted(by_operation):
        print(f"  {label}: " + ", ".join(f"{s}×{c}" for s, c in sorted(by_operation[label], key=lambda x: str(x[0]))))

    for section in (REQUEST, FIELDS, ANSWER):
        results = [r for r in report.results if r.section == section]
        if not results:
            continue
        print(f"\n{SECTION_TITLES[section][0].upper() + SECTION_TITLES[section][1:]}:")
        for r in results:
            print(f"  {'FAIL' if r.problems else 'PASS'} #{r.number} {section}: {r.summary}")

    for section in (REQUEST, FIELDS, ANSWER):
        findings = report.failed(section)
        if not findings:
            continue
        print(f"\nFAILED — {SECTION_TITLES[section]} ({len(findings)}):")
        for finding in findings:
            for problem in finding.problems:
                print(f"  ✗ {problem}")
            print_exchange(finding.number, finding.exchange)

    if report.notes:
        print(f"\nNotes on the simulator's answers (not failures) ({len(report.notes)}):")
        grouped: dict[str, list[Result]] = defaultdict(list)
        for finding in report.notes:
            grouped["; ".join(finding.problems)].append(finding)
        for problem, findings in grouped.items():
            print(f"  · {problem} ({len(findings)}×, first in exchange #{findings[0].number})")


def main() -> int:
    parser = argparse.ArgumentParser(description="Check Regie's BRP exchanges against the BRP API Personen OpenAPI spec.")
    parser.add_argument("exchanges", type=Path, help="JSON lines written by the Swift tests (REGIE_BRP_EXCHANGES)")
    parser.add_argument("--spec", type=Path, default=Path(os.environ.get("BRP_SPEC") or DEFAULT_SPEC),
                        help="the BRP API Personen openapi.yaml, or its folder (default: BRP_SPEC or "
                             "../shared/reference/brp/openapi.yaml)")
    parser.add_argument("--require-exchanges", action="store_true",
                        help="fail (instead of skip) when the spec is there but the exchanges file is missing or empty")
    args = parser.parse_args()

    spec_file = find_spec_file(args.spec)
    if spec_file is None:
        print(f"SKIPPED: the BRP API Personen spec is not present at {args.spec} (set BRP_SPEC to its openapi.yaml)")
        return 0
    lines = []
    if args.exchanges.is_file():
        lines = [line for line in args.exchanges.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        what = "is empty" if args.exchanges.is_file() else "does not exist"
        if args.require_exchanges:
            print(f"FAILED: the exchanges file {args.exchanges} {what}: the Swift tests wrote no BRP exchanges "
                  "(is REGIE_BRP_EXCHANGES passed to them?)")
            print("0 passed, 1 failed")
            return 1
        print(f"SKIPPED: no BRP exchanges to check: {args.exchanges} {what} (run the Swift tests with REGIE_BRP_EXCHANGES set)")
        return 0

    try:
        import openapi_core  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"MISSING: the Python package {error.name} (pip install -r e2e/requirements.txt)")
        return 3
    try:
        spec = load_spec(spec_file)
        exchanges = []
        for number, line in enumerate(lines, 1):
            try:
                exchange = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"ERROR (test infrastructure, not Regie): line {number} of {args.exchanges} is no JSON: {error}.\n"
                      "The exchange log was written torn (two writers overwrote each other's lines, or a test run was "
                      f"killed while writing). The line starts: {line[:120]!r}")
                return 2
            if not isinstance(exchange, dict):
                print(f"ERROR (test infrastructure, not Regie): line {number} of {args.exchanges} is no JSON object")
                return 2
            exchanges.append(exchange)
        report = Report()
        for number, exchange in enumerate(exchanges, 1):
            check_exchange(spec, report, number, exchange)
    except Exception as error:  # a spec that does not load, or a bug in this script
        import traceback
        traceback.print_exc()
        print(f"ERROR: the check could not run: {error}")
        return 2

    print_report(report, spec, len(exchanges))
    failed = len(report.failed())
    passed = len(report.results) - failed
    print(f"\n{'PASSED' if not failed else 'FAILED'}: {len(report.results)} checks on {len(exchanges)} exchanges, "
          f"{failed} failed ({len(report.failed(ANSWER))} of them the simulator's), {len(report.notes)} note(s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
