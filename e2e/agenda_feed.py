#!/usr/bin/env python3
"""The agenda's iCalendar feed read by a real calendar parser (issue 15).

Starts `regie serve --demo`, signs in as the demo consulent, plans an intake conversation for the
next working day on the first case of the werkvoorraad, makes the secret feed URL on the account
page and reads it without a session, as Outlook does. The PyPI `icalendar` package parses it: one
VCALENDAR with VERSION and PRODID, each VEVENT with UID, DTSTAMP, DTSTART and DTEND, the planned
appointment at its time, and no name of the newcomer (nor the place) anywhere in it; the raw text has CRLF line ends
and no line over 75 octets. Revoking the URL makes it answer 404.

    python3 e2e/agenda_feed.py --binary .build/debug/regie

Exit code 0 when every check passed, 1 when one failed, 2 when the test could not run, 3 when the
`icalendar` package is missing (scripts/test skips then).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

E2E_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(E2E_DIR))

try:
    import icalendar
except ImportError:  # pragma: no cover - reported as "missing"
    icalendar = None

from regie_server import Server, ServerError

PASSWORD = "regie-demo-2026"
CONSULENT = "consulent@regie.example"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Client:
    """A cookie-keeping HTTP client that does not follow redirects (so they can be checked)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, cookies: bool = True):
        self.base = base
        handlers = [self.NoRedirect()]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", errors="replace")

    @staticmethod
    def csrf(page: str) -> str:
        found = re.search(r'name="_csrf" value="([^"]+)"', page)
        if not found:
            raise RuntimeError("no CSRF token on the page")
        return found.group(1)


def run(base: str) -> list[str]:
    failures: list[str] = []

    def check(condition: bool, what: str) -> None:
        print(("  ok   " if condition else "  FAIL ") + what)
        if not condition:
            failures.append(what)

    browser = Client(base)
    _, _, login = browser.request("/inloggen")
    status, _, _ = browser.request("/inloggen", {"email": CONSULENT, "password": PASSWORD, "_csrf": Client.csrf(login)})
    check(status == 303, "the consulent signs in")
    _, _, caseload = browser.request("/")
    person = re.search(r'href="/personen/(?!nieuw")([0-9a-zA-Z-]+)"', caseload)
    if not person:
        raise RuntimeError("no case on the werkvoorraad")
    person_id = person.group(1)
    _, _, file_page = browser.request(f"/personen/{person_id}")
    name = html.unescape(re.search(r"<h1[^>]*>([^<]+)</h1>", file_page).group(1)).strip()
    family = name.split()[-1]

    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    _, _, plan_page = browser.request(f"/personen/{person_id}/afspraken")
    status, headers, _ = browser.request(f"/personen/{person_id}/afspraken", {
        "kind": "intakegesprek", "date": day.isoformat(), "time": "10:00", "duration": "45", "place": "Stadhuis, spreekkamer 3",
        "interpreter": "", "attendees": "consulent", "_csrf": Client.csrf(plan_page)})
    check(status == 303, f"an intake conversation is planned on {day.isoformat()} at 10:00")
    appointment = headers.get("Location", "").split("/")[4].split("?")[0] if status == 303 else ""

    _, _, account = browser.request("/account")
    status, _, made = browser.request("/agenda/abonnement", {"_csrf": Client.csrf(account)})
    found = re.search(r'>(https?://[^<]+/agenda-feed/[^<]+)</textarea>', made)
    check(status == 200 and found is not None, "the account page makes a secret feed URL")
    feed_path = urllib.parse.urlparse(html.unescape(found.group(1))).path if found else "/agenda-feed/none"

    outlook = Client(base, cookies=False)
    status, headers, text = outlook.request(feed_path)
    check(status == 200, "the feed answers without a session")
    check(headers.get("Content-Type", "").startswith("text/calendar"), "served as text/calendar")
    raw = text.encode("utf-8")
    check(b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF")
    check(all(len(line) <= 75 for line in raw.split(b"\r\n")), "no line is longer than 75 octets")
    calendar = icalendar.Calendar.from_ical(text)
    check(calendar.name == "VCALENDAR" and str(calendar.get("VERSION")) == "2.0" and calendar.get("PRODID") is not None,
          "icalendar parses one VCALENDAR with VERSION 2.0 and PRODID")
    events = list(calendar.walk("VEVENT"))
    check(len(events) >= 1, f"it holds the planned appointment ({len(events)} event(s))")
    check(all(all(e.get(p) is not None for p in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY")) for e in events),
          "every VEVENT has UID, DTSTAMP, DTSTART, DTEND and SUMMARY")
    mine = [e for e in events if str(e.get("UID")) == f"{appointment}@regie"]
    check(len(mine) == 1, "the appointment is there by its UID")
    if mine:
        start = mine[0].decoded("DTSTART").astimezone(AMSTERDAM)
        end = mine[0].decoded("DTEND").astimezone(AMSTERDAM)
        check((start.date(), start.hour, start.minute) == (day, 10, 0), f"it starts at 10:00 in Amsterdam ({start.isoformat()})")
        check(end - start == dt.timedelta(minutes=45), "it lasts 45 minutes")
        description = str(mine[0].get("DESCRIPTION"))
        check(description.startswith("Zaak ") and ", " in description, f"the description's escaped comma reads back as a comma ({description})")
    check(family not in text and name not in text and "Stadhuis" not in text, f"no name of the newcomer ({name}) and no place in the feed")

    _, _, account = browser.request("/account")
    status, _, _ = browser.request("/agenda/abonnement/intrekken", {"_csrf": Client.csrf(account)})
    check(status == 303, "the URL is revoked from the account page")
    check(outlook.request(feed_path)[0] == 404, "a revoked URL answers 404")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, required=True, help="the built regie executable")
    args = parser.parse_args()
    if icalendar is None:
        print("agenda feed: missing the icalendar package (pip install -r e2e/requirements.txt)")
        return 3
    server = Server(args.binary, prefix="regie-agenda-")
    try:
        server.start()
    except ServerError as error:
        print(f"agenda feed: the server did not start: {error}")
        return 2
    try:
        failures = run(server.base_url)
    except Exception as error:  # noqa: BLE001 - any crash means the test could not run
        print(f"agenda feed: could not run: {type(error).__name__}: {error}")
        server.print_problems()
        return 2
    finally:
        server.stop()
    if failures:
        print(f"agenda feed: {len(failures)} check(s) failed")
        return 1
    print("agenda feed: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
