#!/usr/bin/env python3
"""Browser end-to-end smoke test for Regie.

Drives headless Chromium (Selenium) through the main journeys of the web UI, runs axe-core
on every page it visits and saves a full-page screenshot of each page.

    python3 e2e/smoke.py                                  # starts .build/debug/regie itself
    python3 e2e/smoke.py --binary /path/to/regie
    python3 e2e/smoke.py --base-url http://127.0.0.1:8080 # against a running demo server

The journey "duo" starts its own Regie with the DUO koppeling and a DUO simulator (from --binary). The journey
"ontzorgen" validates the SEPA file it exports against pain.001.001.03.xsd when xmllint and sepaxml are there.

Exit code 0 only if every step passed and every checked page loaded its stylesheet and script without
console errors and has no serious/critical axe violation; 1 otherwise; 2 if the test could not run at
all (server or browser did not start, or a bug in this script).
See e2e/README.md.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse
from urllib.request import Request, urlopen

from regie_server import DUOSimulator, Server, ServerError, free_port, http_status

import axe_selenium_python
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent
DEFAULT_BINARY = REPO_DIR / ".build" / "debug" / "regie"
DEFAULT_SCREENSHOTS = E2E_DIR / "screenshots"

PASSWORD = "regie-demo-2026"
CONSULENT = "consulent@regie.example"
BEHEER = "beheer@regie.example"
BELEID = "beleid@regie.example"
TEAMLEIDER = "teamleider@regie.example"
BUDGET = "budget@regie.example"  # Anouk Verbeek, budgetbeheerder
BUDGET2 = "budget2@regie.example"  # Bram Coenen, the second budgetbeheerder (four eyes)

# Dutch UI texts (Sources/RegieServer/Resources/Locales/nl.json).
TXT_LOGIN_FAILED = "Het e-mailadres of het wachtwoord klopt niet."
TXT_LOGGED_OUT = "U bent uitgelogd."
TXT_REVEAL_BSN = "Toon BSN"
TXT_LOGOUT = "Uitloggen"
# Casework (intake, LBT, route, PIP).
TXT_SORT_TERM = "eerstvolgende termijn"
TXT_TILE_OVERDUE = "termijn verstreken"
TXT_TILE_SOON = "termijn binnen 14 dagen"
TXT_SECTIONS = {"Brede intake": "/intake", "Leerbaarheidstoets en advies": "/lbt", "Leerroute kiezen": "/route", "PIP": "/pip"}
TXT_TERM_PIP = "PIP vaststellen"
TXT_TERM_INBURGERING = "Inburgeringstermijn"
TXT_INTAKE_SAVED = "Het gesprek is vastgelegd."
TXT_INTAKE_COMPLETE = "Alle wettelijke onderwerpen zijn besproken."
TXT_LBT_SAVED = "De leerbaarheidstoets is vastgelegd."
TXT_LBT_NOT_B1 = "B1-route niet haalbaar (drempel 28)"
TXT_ROUTE_SAVED = "De leerroute is vastgelegd. Werk nu het PIP-concept uit."
TXT_CONCEPT_MARK = "Concept — nog geen beschikking."
TXT_CONCEPT_SAVED = "Het concept is opgeslagen."
TXT_TO_FIX = "Verder naar vaststellen"
TXT_FIX_BUTTON = "PIP vaststellen"
TXT_FIX_CONSEQUENCE = re.compile(r"Vaststellen start de inburgeringstermijn van 3 jaar \(Wi2021 art\. 11\): "
                                 r"van (.+) tot en met (.+)\.")
TXT_PIP_FIXED = "Het PIP is vastgesteld."
TXT_TIMELINE_FIXED = "PIP vastgesteld (versie 1)"
TXT_SHOW_LETTER = "Brief tonen"
TXT_LETTER_HEADING = "Besluit: uw persoonlijk plan inburgering en participatie"
TXT_LETTER_BEZWAAR = "Bent u het niet eens met dit besluit?"
TXT_LETTER_BACK = "Terug naar het PIP"
TXT_LETTER_TERM = "Uw inburgeringstermijn loopt van {start} tot en met {end}."
# The other casework pages (registration, handover, progress, enforcement, documents, close, tasks, team, settings).
TXT_REGISTER = "Nieuwe inburgeraar registreren"
TXT_REGISTER_BUTTON = "Registreren"
TXT_PHASE_LEERROUTE = "In leerroute"
TXT_MORE_SECTIONS = {"Warme overdracht (COA)": "/overdracht", "Informatie van derden": "/derden", "Voortgang en uren": "/voortgang",
                     "Handhaving": "/handhaving", "Documenten": "/documenten", "Dossier afsluiten": "/afsluiten"}
TXT_DERDEN_HEADING = "Informatie van derden voor het PIP"
TXT_DERDEN_SAVED = "Het verzoek is vastgelegd."
TXT_METER = re.compile(r"[\d.,]+ van [\d.,]+ uur")
TXT_UPLOAD = "Document toevoegen"
TXT_UPLOADED = "Het document is toegevoegd."
TXT_CLOSE_BUTTON = "Dossier afsluiten"
TXT_SETTINGS_SAVE = "Instellingen opslaan"
# The DUO koppeling (journey "duo").
TXT_DUO_TITLE = "Koppeling met DUO"
TXT_DUO_NOTIFICATIONS = "Notificaties van DUO"
TXT_DUO_PROCESSED = "Verwerkt"
TXT_DUO_UNKNOWN = "Onbekend"
TXT_DUO_OPEN_CASE = "Dossier"
TXT_NAME_PENDING = "Naam volgt uit de BRP"
TXT_DETAILS_LINK = "Persoonsgegevens"
TXT_DETAILS_HEADING = "Persoonsgegevens"
TXT_DUO_TAB = "DUO"
TXT_DUO_REGISTERED = ("Inburgeringsplicht", "Doelgroep")
TXT_DUO_REFRESH = "Gegevens nu ophalen bij DUO"
TXT_DUO_REFRESHED = "De gegevens van DUO zijn opgehaald."
TXT_DUO_RECONCILIATION_LINK = "Verschillen tussen Regie en DUO"
TXT_DUO_RECONCILIATION = "Afstemming Regie en DUO"
DUO_MUNICIPALITY = "GM0988"
DUO_SCENARIO = "nieuwe-statushouder"
DUO_UNKNOWN_EVENT = "SS777"
# The monitoring dashboard (journey "figures").
FIGURES_MUNICIPALITY = "GM0988"  # Weert: a route plan and two own targets in the demo data
FIGURES_FROM = "2026-01-01"
FIGURES_DOELGROEP = "cat:asielstatushouder"
TXT_FIGURES_PLACE = "Weert"
TXT_FIGURES_PIP = "PIP binnen 10 weken"
TXT_FIGURES_SECTIONS = ("Inburgeringsplichtigen per doelgroep", "PIP binnen 10 weken", "Doorlooptijden per stap",
                        "Wachtenden per stap (vandaag)", "Leerbaarheidstoets en gekozen leerroute",
                        "Routeverdeling: gepland en werkelijk", "Eigen doelen van de gemeente")
TXT_FIGURES_ORDER = "De einddatum ligt vóór de begindatum: kies een latere einddatum."
TXT_FIGURES_CASES = "Dossiers achter een cijfer"
TXT_FIGURES_COUNCIL_LINK = "Kwartaaloverzicht voor de raad (vorig kwartaal)"
TXT_FIGURES_NO_CASES = "U ziet alleen aantallen, geen personen."
TXT_FIGURES_CSV_HEADER = "Uitkomst,Dossiers,Aandeel"
# Financieel ontzorgen (journey "ontzorgen").
TXT_ONTZORGEN = "Financieel ontzorgen"
TXT_ONTZORGEN_NAV = "Ontzorgen"
TXT_ONTZORGEN_SECTIONS = ("Beleid ontzorgen", "Betaalrun voorbereiden", "Betaalruns", "Regelingen", "Nog te beslissen")
TXT_RUN_PREPARE = "Betaalrun voorbereiden"
TXT_RUN_TOO_FAR = "hoogstens twee maanden vooruit"
TXT_MANDATE_MISSING = "machtiging ontbreekt"  # the column "Aandacht" of the table "Regelingen"
TXT_RUN_WAITING = "Wacht op goedkeuring"
TXT_RUN_HELD = "Eerst oplossen: niet betaald in deze run"
TXT_HELD_NO_MANDATE = "Geen getekende machtiging"
TXT_FOUR_EYES = "vier-ogenprincipe"
TXT_APPROVE = "Goedkeuren"
TXT_RECALCULATE = "Opnieuw berekenen"
TXT_DELETE = "Verwijderen"
TXT_RUN_PERSONS = "Per persoon"
TXT_RUN_LINES = "Betalingen"
TXT_RUN_PAID = "Wordt betaald"
TXT_LINE_IN_FILE = "In het betaalbestand"
TXT_LINE_HELD = "Aangehouden"
TXT_RUN_APPROVED = "Goedgekeurd"
TXT_DOWNLOAD = "Betaalbestand downloaden (SEPA)"
TXT_DOWNLOADED_TWICE = "2 keer gedownload"
TXT_PERSON_SECTIONS = ("Besluit", "Uitkering", "Vaste lasten en begunstigden", "Betalingen")
TXT_STATEMENT_LINK = "maandoverzicht"
TXT_STATEMENT_TITLE = "Uw geld in {month}"
TXT_STATEMENT_BACK = "Terug naar ontzorgen"
TXT_POLICY_TITLE = "Beleid ontzorgen"
TXT_POLICY_VERSIONS = "Versies"
TXT_POLICY_NEW = "Nieuwe versie vastleggen"
POLICY_MUNICIPALITY = "GM0988"  # Weert: two policy versions in the demo data
TXT_POLICY_PLACE = "Weert"
BAD_IBAN = "NL91ABNA0417164301"  # NL91ABNA0417164300 with its last digit changed: the check digits fail
PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december")

# The journeys in the order they run; --journey NAME runs only the ones named.
JOURNEYS = ("consulent", "beheer", "beleid", "mobile", "casework", "pages", "duo", "figures", "ontzorgen")

DESKTOP = (1366, 900)
MOBILE = (390, 844)
BLOCKING_IMPACTS = {"serious", "critical"}
WAIT = 15  # seconds for a page or element


# --------------------------------------------------------------------------------------------
# Results


class StepSkipped(Exception):
    """A step that cannot run here (a tool or package missing); reported as SKIP, neither passed nor failed."""


class StepFailure(Exception):
    """A journey step did not find what it expected."""

    def __init__(self, expected: str, found: str = ""):
        super().__init__(expected)
        self.expected = expected
        self.found = found


@dataclass
class PageCheck:
    number: int
    name: str
    url: str
    screenshot: str
    violations: list = field(default_factory=list)  # axe violations (dicts)
    axe_error: str | None = None
    width: int = DESKTOP[0]
    load_errors: list = field(default_factory=list)  # stylesheets/scripts that did not load, console errors

    @property
    def blocking(self) -> list:
        return [v for v in self.violations if v.get("impact") in BLOCKING_IMPACTS]

    @property
    def axe_passed(self) -> bool:
        return self.axe_error is None and not self.blocking

    @property
    def passed(self) -> bool:
        return self.axe_passed and not self.load_errors


@dataclass
class StepResult:
    journey: str
    name: str
    passed: bool
    seconds: float
    detail: str = ""
    skipped: bool = False


# --------------------------------------------------------------------------------------------
# Server


# --------------------------------------------------------------------------------------------
# axe-core engine

# axe-selenium-python 2.1.6 (the last release for Python < 3.12) ships axe-core 3.1.1 from 2018, which
# lacks many rules and reports known false positives (e.g. autocomplete-valid on
# <input type=email autocomplete=username>, fixed in axe-core 4.3). Its Axe class can inject any
# axe.min.js, so the newest engine installed is used: selenium-axe-python ships axe-core 4.9.1,
# axe-selenium-python 3.0.0 (Python >= 3.12) ships 4.10.2.
MIN_AXE = (4, 3)


def axe_script_version(path: str) -> tuple[int, ...]:
    try:
        text = Path(path).read_bytes()
    except OSError:
        return ()
    # 4.x starts with "/*! axe v4.9.1"; 3.x only has `axe.version="3.1.1"` inside.
    match = re.search(rb"axe v(\d+)\.(\d+)\.(\d+)", text[:400]) or \
        re.search(rb"\.version=\"(\d+)\.(\d+)\.(\d+)\"", text)
    return tuple(int(x) for x in match.groups()) if match else ()


def choose_axe_script(explicit: str | None) -> tuple[str, tuple[int, ...]]:
    if explicit:
        if not Path(explicit).is_file():
            raise RuntimeError(f"axe script not found: {explicit}")
        return explicit, axe_script_version(explicit)
    candidates = [str(Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js")]
    try:
        import selenium_axe_python
        candidates.append(str(Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js"))
    except ImportError:
        pass
    found = [(axe_script_version(c), c) for c in candidates if Path(c).is_file()]
    if not found:
        raise RuntimeError("no axe.min.js found: pip install -r e2e/requirements.txt")
    version, path = max(found)
    return path, version


# --------------------------------------------------------------------------------------------
# Browser


def make_driver(chromium: str | None, chromedriver: str | None) -> WebDriver:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=nl-NL",
                     "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors, CSP reports
    binary = chromium or os.environ.get("CHROME_BIN") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = chromedriver or os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    service = Service(executable_path=driver_path) if driver_path else Service()
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    driver.set_window_size(*DESKTOP)
    return driver


# --------------------------------------------------------------------------------------------
# The test run


class Smoke:
    def __init__(self, driver: WebDriver, base_url: str, screenshots: Path, axe_script: str, binary: Path | None = None):
        self.driver = driver
        self.binary = binary  # for the journeys that start their own servers (duo)
        self.base_url = base_url.rstrip("/")
        self.screenshots = screenshots
        self.axe_script = axe_script
        self.axe_version = "?"
        self.pages: list[PageCheck] = []
        self.steps: list[StepResult] = []
        self.counter = 0
        self.journey = ""
        self.facts: dict[str, str] = {}  # what one journey learns for a later one

    # -- helpers ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    @property
    def path(self) -> str:
        return urlparse(self.driver.current_url).path

    @property
    def query(self) -> dict:
        return parse_qs(urlparse(self.driver.current_url).query)

    def wait_for(self, condition, expected: str, timeout: float = WAIT):
        try:
            return WebDriverWait(self.driver, timeout).until(lambda d: condition(d))
        except TimeoutException:
            raise StepFailure(expected, f"not so after {timeout:.0f}s") from None

    def wait_path(self, path: str) -> None:
        self.wait_for(lambda d: urlparse(d.current_url).path == path and self.ready(), f"to be on {path}")

    def ready(self) -> bool:
        return self.driver.execute_script("return document.readyState") == "complete"

    def find(self, css: str, what: str | None = None) -> WebElement:
        return self.wait_for(lambda d: (d.find_elements(By.CSS_SELECTOR, css) or [None])[0],
                             f"{what or 'an element'} ({css}) on the page")

    def text_of(self, css: str) -> str:
        elements = self.driver.find_elements(By.CSS_SELECTOR, css)
        return " ".join(e.text for e in elements).strip()

    def expect(self, condition: bool, expected: str, found: str = "") -> None:
        if not condition:
            raise StepFailure(expected, found)

    def page_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def click_and_wait(self, element: WebElement) -> None:
        """Click something that navigates and wait until the new page has loaded."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait_for(lambda d: self.stale(old) and self.ready(), "a new page to load after the click")

    @staticmethod
    def stale(element: WebElement) -> bool:
        try:
            element.tag_name
            return False
        except WebDriverException:
            return True

    def open(self, path: str) -> None:
        self.driver.get(self.url(path))
        self.wait_for(lambda d: self.ready(), f"{path} to load")

    def screenshot(self, name: str) -> str:
        self.counter += 1
        target = self.screenshots / f"{self.counter:02d}-{name}.png"
        try:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
            width = max(size["width"], viewport["clientWidth"])
            height = max(size["height"], viewport["clientHeight"])
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
            target.write_bytes(base64.b64decode(shot["data"]))
        except WebDriverException:
            self.driver.save_screenshot(str(target))  # viewport only, better than nothing
        return str(target.relative_to(REPO_DIR) if target.is_relative_to(REPO_DIR) else target)

    # -- per page: screenshot + axe ------------------------------------------------------------

    def check_page(self, name: str) -> PageCheck:
        width = self.driver.execute_script("return window.innerWidth")
        check = PageCheck(number=self.counter + 1, name=name, url=self.driver.current_url,
                          screenshot=self.screenshot(name), width=width)
        check.load_errors = self.load_errors()
        try:
            axe = Axe(self.driver, self.axe_script)
            axe.inject()
            results = axe.run()
            self.axe_version = (results.get("testEngine") or {}).get("version") or self.driver.execute_script(
                "return window.axe && axe.version") or "?"
            check.violations = results.get("violations", [])
            self.console_errors()  # drop what axe itself caused (it sets inline styles, which the CSP refuses)
        except WebDriverException as error:
            check.axe_error = f"axe did not run: {error.msg if hasattr(error, 'msg') else error}"
        self.pages.append(check)
        self.print_axe(check)
        return check

    def load_errors(self) -> list[str]:
        """Stylesheets/scripts of this page that failed to load, and browser console errors (JS errors,
        CSP violations, refused MIME types) of this page."""
        errors = self.driver.execute_script("""
            var out = [], status = {};
            performance.getEntriesByType('resource').forEach(function (e) { status[e.name] = e.responseStatus; });
            document.querySelectorAll('link[rel=stylesheet]').forEach(function (l) {
              var rules = -1;
              try { rules = l.sheet ? l.sheet.cssRules.length : -1; } catch (e) {}
              if (status[l.href] >= 400) out.push('stylesheet ' + l.href + ': HTTP ' + status[l.href]);
              else if (rules <= 0) out.push('stylesheet ' + l.href + ' not applied');
            });
            document.querySelectorAll('script[src]').forEach(function (s) {
              if (status[s.src] >= 400) out.push('script ' + s.src + ': HTTP ' + status[s.src]);
            });
            return out;""")
        errors += [m for m in self.console_errors(self.driver.current_url) if m not in errors]
        return [e.replace(self.base_url + "/", "/") for e in errors]

    def console_errors(self, page_url: str | None = None) -> list[str]:
        """SEVERE console messages since the last call, less those of other pages than page_url (when given),
        less 'Failed to load resource' (the app answers 401/403/404 on purpose; missing stylesheets and
        scripts are caught above) and the favicon. Reading the log empties it."""
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            return []  # a driver without the log endpoint
        out = []
        for entry in entries:
            message = entry.get("message", "")
            if entry.get("level") != "SEVERE" or "Failed to load resource" in message or "favicon.ico" in message:
                continue
            # "<source url> <line:col or -> <text>"; keep the messages of this page, without the prefix.
            source, _, rest = message.partition(" ")
            if page_url is not None and source.startswith("http") and source != page_url and "/static/" not in source:
                continue  # about a page passed on the way (a form's redirect), not this one
            if source.startswith("http"):
                message = rest.split(" ", 1)[1] if re.match(r"^(-|\d+(:\d+)?) ", rest) else rest
            message = "console: " + message
            if message not in out:
                out.append(message)
        return out

    @staticmethod
    def print_axe(check: PageCheck) -> None:
        for error in check.load_errors:
            print(f"    !! page did not load cleanly: {error}")
        status = "PASS" if check.axe_passed else "FAIL"
        print(f"    axe [{status}] {check.name} ({urlparse(check.url).path}, {check.width}px): "
              f"{len(check.violations)} violation(s), {len(check.blocking)} serious/critical")
        if check.axe_error:
            print(f"      ! {check.axe_error}")
        for v in check.violations:
            flag = "!!" if v.get("impact") in BLOCKING_IMPACTS else "  "
            print(f"    {flag} {v.get('id')} [{v.get('impact')}] {v.get('help')}  ({v.get('helpUrl', '')})")
            for node in v.get("nodes", []):
                target = " ".join(str(t) for t in node.get("target", []))
                print(f"         - {target}")
                html = (node.get("html") or "").replace("\n", " ")
                if html:
                    print(f"           {html[:160]}")
                summary = (node.get("failureSummary") or "").replace("\n", " | ")
                if summary:
                    print(f"           {summary[:300]}")

    # -- step bookkeeping ----------------------------------------------------------------------

    def step(self, name: str, function) -> None:
        print(f"  → {name}")
        start = time.monotonic()
        try:
            function()
        except StepSkipped as skip:
            print(f"    SKIPPED: {skip}")
            self.steps.append(StepResult(self.journey, name, True, time.monotonic() - start, f"skipped: {skip}", skipped=True))
            return
        except StepFailure as failure:
            self.fail_step(name, start, failure.expected, failure.found)
            raise
        except Exception as error:  # a browser error, or a page so different that the test tripped over it
            message = getattr(error, "msg", None) or str(error) or type(error).__name__
            self.fail_step(name, start, "no error", f"{type(error).__name__}: {message.splitlines()[0]}")
            raise StepFailure("no error", message) from error
        self.steps.append(StepResult(self.journey, name, True, time.monotonic() - start))

    def fail_step(self, name: str, start: float, expected: str, found: str) -> None:
        try:
            current = self.driver.current_url
            shot = self.screenshot(f"FAILED-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:40]}")
        except WebDriverException as error:
            current, shot = "(browser gone)", f"(no screenshot: {error})"
        detail = f"expected {expected}; found: {found or '-'}; current URL: {current}; screenshot: {shot}"
        self.steps.append(StepResult(self.journey, name, False, time.monotonic() - start, detail))
        print(f"  ✗ FAILED in journey '{self.journey}', step '{name}'")
        print(f"      expected: {expected}")
        print(f"      found:    {found or '-'}")
        print(f"      URL:      {current}")
        print(f"      screenshot of the failing state: {shot}")

    def journey_run(self, name: str, function) -> None:
        self.journey = name
        print(f"\n== {name}")
        try:
            function()
        except StepFailure:
            print(f"  (rest of journey '{name}' skipped)")
        finally:
            # Each journey starts without a session.
            try:
                self.driver.delete_all_cookies()
                self.driver.set_window_size(*DESKTOP)
            except WebDriverException:
                pass

    # -- shared actions ------------------------------------------------------------------------

    def login(self, email: str, password: str = PASSWORD) -> None:
        if self.path != "/inloggen":
            self.open("/inloggen")
        field = self.find("input#email", "the e-mail field")
        field.clear()
        field.send_keys(email)
        secret = self.find("input#password", "the password field")
        secret.clear()
        secret.send_keys(password)
        self.click_and_wait(self.find("form.form button[type=submit]", "the login button"))

    def logged_in_home(self, email: str, expected_path: str) -> None:
        self.login(email)
        self.expect(self.path == expected_path, f"after login as {email} to be on {expected_path}",
                    f"path {self.path}; error: {self.text_of('.error-summary') or '-'}")
        self.find("form[action='/uitloggen'] button", "the logout button in the header")

    def logout(self) -> None:
        button = self.wait_for(
            lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, "header form button[type=submit]")
                            if b.text.strip() == TXT_LOGOUT), None),
            f"a button '{TXT_LOGOUT}' in the header")
        self.click_and_wait(button)
        self.wait_path("/inloggen")

    def nav(self, label: str, path: str) -> None:
        link = self.wait_for(
            lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, "nav.site-nav a") if a.text.strip() == label), None),
            f"a menu link '{label}'")
        self.expect(urlparse(link.get_attribute("href")).path == path, f"menu link '{label}' to point to {path}",
                    link.get_attribute("href"))
        self.click_and_wait(link)
        self.expect(self.path == path, f"to be on {path}", self.path)
        current = self.driver.find_elements(By.CSS_SELECTOR, "nav.site-nav a[aria-current=page]")
        self.expect(any(a.text.strip() == label for a in current), f"menu link '{label}' marked aria-current=page",
                    ", ".join(a.text for a in current) or "none marked")

    def h1(self) -> str:
        return self.find("main h1", "a main heading (h1)").text.strip()

    def status(self) -> int:
        """The HTTP status of the page shown (of the form's answer after a POST that did not redirect)."""
        return self.driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0") or 0

    def notice(self) -> str:
        """The notice the layout shows after a saved form (?melding=...)."""
        return self.text_of("main > .notice[role=status]:not(.notice--warning)")

    def expect_notice(self, text: str) -> None:
        self.expect(text in self.notice(), f"notice '{text}'", self.notice() or "no notice")

    def fill(self, field_id: str, value: str | bool) -> WebElement:
        """Sets a field of the page's form by its id: types into a text field, picks an option of a select,
        ticks or unticks a box (value True/False). A date or month input is set by script: what to type into
        it depends on the browser's locale."""
        element = self.find(f"main #{field_id}", f"the field '{field_id}'")
        kind = element.get_attribute("type") or ""
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        elif kind in ("checkbox", "radio"):
            if element.is_selected() != bool(value):
                element.click()
        elif kind in ("date", "month"):
            self.driver.execute_script("arguments[0].value = arguments[1];", element, value)
            self.expect(element.get_attribute("value") == value, f"the {kind} field '{field_id}' to take {value}",
                        repr(element.get_attribute("value")))
        else:
            element.clear()
            element.send_keys(value)
        return element

    def value(self, field_id: str) -> str:
        return self.find(f"main #{field_id}", f"the field '{field_id}'").get_attribute("value") or ""

    def checked(self, field_id: str) -> bool:
        return self.find(f"main #{field_id}", f"the field '{field_id}'").is_selected()

    def submit(self, form: str = "main form.form") -> None:
        """Clicks the submit button of the (first) form matching the selector and waits for the answer."""
        self.click_and_wait(self.find(f"{form} button[type=submit]", f"the submit button of {form}"))

    def link(self, css: str, label: str) -> WebElement:
        return self.wait_for(lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, css) if a.text.strip() == label), None),
                             f"a link '{label}' ({css})")

    def table(self, css: str) -> list[dict[str, str]]:
        """The body rows of the table matching css, each as {column heading: cell text}."""
        return self.driver.execute_script("""
            var table = document.querySelector(arguments[0]);
            if (!table) return [];
            var heads = Array.from(table.querySelectorAll('thead th')).map(function (th) { return th.textContent.trim(); });
            return Array.from(table.querySelectorAll('tbody tr')).map(function (tr) {
              var row = {};
              Array.from(tr.cells).forEach(function (td, i) { row[heads[i] || String(i)] = td.textContent.replace(/\\s+/g, ' ').trim(); });
              return row;
            });""", css)

    def error_summary(self) -> tuple[str, list[str]]:
        """The error summary's text and the fragments it links to ('#attendees')."""
        summary = self.find(".error-summary[role=alert]", "the error summary")
        return summary.text, [a.get_dom_attribute("href") or "" for a in summary.find_elements(By.CSS_SELECTOR, "a")]

    def button(self, css: str, label: str) -> WebElement:
        return self.wait_for(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, css) if b.text.strip() == label), None),
                             f"a button '{label}' ({css})")

    def case(self, key: str) -> str:
        """What an earlier step of the casework (or pages) journey found."""
        self.expect(key in self.facts, f"'{key}' from an earlier step of the journey '{self.journey}' (it failed)")
        return self.facts[key]

    # -- journeys ------------------------------------------------------------------------------

    def journey_consulent(self) -> None:
        def anonymous_redirect():
            self.open("/")
            self.wait_path("/inloggen")
            self.expect(self.query.get("terug") == ["/"], "the login URL to carry terug=/", self.driver.current_url)
            self.find("input#email[type=email]", "the e-mail field")
            self.find("input#password[type=password]", "the password field")
            self.expect(self.h1() == "Inloggen bij Regie", "heading 'Inloggen bij Regie'", self.h1())
            self.check_page("login")

        def wrong_password():
            self.login(CONSULENT, "dit-is-niet-het-wachtwoord")
            self.expect(self.path == "/inloggen", "to stay on /inloggen after a wrong password", self.path)
            summary = self.find(".error-summary[role=alert]", "the error summary")
            self.expect(TXT_LOGIN_FAILED in summary.text, f"error text '{TXT_LOGIN_FAILED}'", summary.text)
            value = self.find("input#email").get_attribute("value")
            self.expect(value == CONSULENT, f"the e-mail field to keep '{CONSULENT}'", repr(value))
            self.expect(self.find("input#password").get_attribute("value") == "", "the password field to be emptied")
            self.check_page("login-wrong-password")

        def login_ok():
            self.login(CONSULENT)
            self.expect(self.path == "/", "to land on the werkvoorraad (/) after login",
                        f"path {self.path}; error: {self.text_of('.error-summary') or '-'}")
            self.expect(self.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", self.h1())
            rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            self.expect(len(rows) > 0, "a table with at least one person", self.text_of("main .empty") or "no rows")
            links = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a[href^='/personen/']")
            self.expect(len(links) == len(rows), "each row to link to /personen/<id>", f"{len(links)} links, {len(rows)} rows")
            # Pick a person from the middle of the table; names are shown as "Familienaam, Voornamen".
            link = links[len(links) // 2]
            name = link.text.strip()
            self.expect("," in name, "names in the form 'Familienaam, Voornamen'", name)
            self.facts.update(person_name=name, family_name=name.split(",")[0].strip(),
                              person_path=urlparse(link.get_attribute("href")).path)
            self.facts["user_name"] = self.driver.execute_script(
                "var u = document.querySelector('header .user'); return u ? u.firstChild.textContent.trim() : ''")
            print(f"    {len(rows)} rows; picked {name} ({self.facts['person_path']}); signed in as {self.facts['user_name']}")
            self.check_page("werkvoorraad")

        def search():
            family = self.facts["family_name"]
            box = self.find("form.filters input#q", "the search field")
            box.clear()
            box.send_keys(family)
            self.click_and_wait(self.find("form.filters button[type=submit]", "the search button"))
            self.expect(self.path == "/" and self.query.get("q") == [family], f"URL /?q={family}", self.driver.current_url)
            self.expect(self.find("input#q").get_attribute("value") == family, "the search field to keep the term")
            names = [a.text.strip() for a in self.driver.find_elements(By.CSS_SELECTOR, "main table tbody td:first-child a")]
            self.expect(self.facts["person_name"] in names, f"'{self.facts['person_name']}' in the results", ", ".join(names) or "no rows")
            others = [n for n in names if family.lower() not in n.lower()]
            self.expect(not others, f"every result to contain '{family}'", ", ".join(others))
            print(f"    search '{family}': {len(names)} result(s)")
            self.check_page("werkvoorraad-zoeken")

        def open_person():
            name = self.facts["person_name"]
            link = self.wait_for(lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, "main table tbody a")
                                                  if a.text.strip() == name), None), f"a link '{name}'")
            self.click_and_wait(link)
            self.expect(self.path == self.facts["person_path"], f"to be on {self.facts['person_path']}", self.path)
            # The table shows "Familienaam, Voornamen"; the file's heading "Voornamen Familienaam".
            family, given = (part.strip() for part in name.split(",", 1))
            self.expect(self.h1() == f"{given} {family}", f"heading '{given} {family}'", self.h1())
            reveal = self.find("a.reveal", f"the link '{TXT_REVEAL_BSN}'")
            self.expect(reveal.text.strip() == TXT_REVEAL_BSN, f"link text '{TXT_REVEAL_BSN}'", reveal.text)
            bsn = self.bsn_text()
            self.expect(not re.fullmatch(r"\d{9}", bsn), "the BSN to be masked before 'Toon BSN'", bsn)
            self.facts["masked_bsn"] = bsn
            self.check_page("dossier")

        def reveal_bsn():
            link = self.find("a.reveal", f"the link '{TXT_REVEAL_BSN}'")
            self.click_and_wait(link)
            # The reveal is its own (audited) GET: /personen/<id>/bsn.
            target = self.facts["person_path"] + "/bsn"
            self.expect(self.path == target, f"to be on {target}", self.path)
            bsn = self.bsn_text()
            masked = self.facts["masked_bsn"]
            self.expect(re.fullmatch(r"\d{9}", bsn) is not None, "the full 9-digit BSN after 'Toon BSN'",
                        f"{bsn!r} (was {masked!r})")
            self.expect(bsn[-4:] == masked[-4:], f"the full BSN to end like the masked one ({masked})", bsn)
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "a.reveal"), f"the link '{TXT_REVEAL_BSN}' to be gone")
            print(f"    BSN {self.facts['masked_bsn']} → shown in full")
            self.check_page("dossier-bsn-getoond")

        def account():
            self.nav("Mijn account", "/account")
            self.expect(self.h1() == "Mijn account", "heading 'Mijn account'", self.h1())
            facts = self.text_of("main dl.facts")
            self.expect(CONSULENT in facts, f"the e-mail address {CONSULENT} on the account page", facts[:200])
            self.expect("Consulent" in facts, "the role 'Consulent' on the account page", facts[:200])
            self.check_page("account")

        def logout():
            self.logout()
            self.expect(self.query.get("reden") == ["uitgelogd"], "the URL to carry reden=uitgelogd", self.driver.current_url)
            notice = self.find("main .notice[role=status]", "the logged-out notice")
            self.expect(TXT_LOGGED_OUT in notice.text, f"notice '{TXT_LOGGED_OUT}'", notice.text)
            self.check_page("uitgelogd")
            # The session is really gone: the home page asks for a login again.
            self.open("/")
            self.expect(self.path == "/inloggen", "/ to redirect to /inloggen after logout", self.path)

        for name, function in [
            ("open / without a session → login page", anonymous_redirect),
            ("wrong password → Dutch error, e-mail kept", wrong_password),
            ("log in as consulent → werkvoorraad with a table", login_ok),
            ("search by family name", search),
            ("open a person's file", open_person),
            (f"click '{TXT_REVEAL_BSN}'", reveal_bsn),
            ("open the account page", account),
            ("log out → login page with notice", logout),
        ]:
            self.step(name, function)

    def bsn_text(self) -> str:
        """The BSN value (first <dd> after the <dt>BSN</dt>) without the reveal link."""
        return self.driver.execute_script("""
            var dts = document.querySelectorAll('main dl.facts dt');
            for (var i = 0; i < dts.length; i++) {
              if (dts[i].textContent.trim() === 'BSN') {
                var dd = dts[i].nextElementSibling.cloneNode(true);
                dd.querySelectorAll('a').forEach(function (a) { a.remove(); });
                return dd.textContent.trim();
              }
            }
            return '';""")

    def journey_beheer(self) -> None:
        def login():
            self.open("/inloggen")
            self.logged_in_home(BEHEER, "/cijfers")  # the home page sends this role to the figures

        def audit():
            self.nav("Auditlog", "/beheer/audit")
            self.expect(self.h1() == "Auditlog", "heading 'Auditlog'", self.h1())
            person_id = self.facts.get("person_path", "").rsplit("/", 1)[-1]
            self.expect(bool(person_id), "a person opened in the consulent journey (it failed earlier)")
            headers = [th.text.strip() for th in self.driver.find_elements(By.CSS_SELECTOR, "main table thead th")]
            self.expect(bool(headers), "an audit table", self.text_of("main .empty") or "no table")
            column = {h: i for i, h in enumerate(headers)}
            for needed in ("Wie", "Actie", "Persoon"):
                self.expect(needed in column, f"a column '{needed}' in the audit table", ", ".join(headers))
            def table_rows() -> list[list[str]]:
                return self.driver.execute_script("""
                    return Array.from(document.querySelectorAll('main table tbody tr')).map(function (tr) {
                      return Array.from(tr.cells).map(function (td) { return td.textContent.trim(); });
                    });""")
            rows = table_rows()
            self.check_page("auditlog")
            if not any(r[column["Persoon"]] == person_id for r in rows):
                # A busy server: the newest 50 rows may not reach back to the consulent's visit.
                box = self.find("form.filters input#persoon", "the audit log's person filter")
                box.clear()
                box.send_keys(person_id)
                self.click_and_wait(self.find("form.filters button[type=submit]", "the audit log's search button"))
                rows = table_rows()
                print(f"    (filtered the audit log on persoon={person_id})")
            views = [r for r in rows if r[column["Actie"]] == "Dossier ingezien" and r[column["Persoon"]] == person_id]
            self.expect(bool(views), f"a person.view row for {person_id}",
                        f"{len(rows)} rows; actions: {sorted({r[column['Actie']] for r in rows})}")
            actor = self.facts.get("user_name", "")
            self.expect(any(r[column["Wie"]] == actor for r in views), f"the person.view row by '{actor}'",
                        "; ".join(r[column["Wie"]] for r in views))
            reveals = [r for r in rows if r[column["Actie"]] == "BSN getoond" and r[column["Persoon"]] == person_id
                       and r[column["Wie"]] == actor]
            self.expect(bool(reveals), f"a person.bsn.reveal row for {person_id} by '{actor}' (the 'Toon BSN' click)",
                        f"actions: {sorted({r[column['Actie']] for r in rows})}")
            print(f"    {len(rows)} audit rows; by {actor} on {person_id}: {len(views)} person.view, "
                  f"{len(reveals)} person.bsn.reveal")

        def api_keys():
            self.nav("API-sleutels", "/beheer/api-sleutels")
            self.expect(self.h1() == "API-sleutels", "heading 'API-sleutels'", self.h1())
            self.find("form.form input#name", "the field for a new key's name")
            self.find("form.form select#role", "the role choice for a new key")
            self.check_page("api-sleutels")

        def users():
            self.nav("Gebruikers", "/beheer/gebruikers")
            self.expect(self.h1() == "Gebruikers van uw organisatie", "heading 'Gebruikers van uw organisatie'", self.h1())
            rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            self.expect(len(rows) >= 2, "the organisation's users listed", f"{len(rows)} rows")
            self.find("form.form input#email", "the field for a new user's e-mail address")
            self.check_page("gebruikers")
            link = self.find("main table tbody tr a", "a link to a user's page")
            self.click_and_wait(link)
            self.expect(self.path.startswith("/beheer/gebruikers/"), "a user's page", self.path)
            self.check_page("gebruiker")

        for name, function in [
            ("log in as functioneel beheerder", login),
            ("audit log lists the consulent's person.view", audit),
            ("open the API-keys page", api_keys),
            ("open the users page and one user", users),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_beleid(self) -> None:
        def login():
            self.open("/inloggen")
            self.logged_in_home(BELEID, "/cijfers")

        def figures():
            if self.path != "/cijfers":
                self.nav("Cijfers", "/cijfers")
            self.expect(self.h1() == "Cijfers", "heading 'Cijfers'", self.h1())
            rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            self.expect(len(rows) >= 1, "the dashboard's tables with rows", "no rows")
            links = self.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/personen/']")
            self.expect(not links, "no links to personal files for a beleidsmedewerker", f"{len(links)} links")
            print(f"    figures: {len(rows)} table rows")
            self.check_page("cijfers")

        def no_people():
            self.open("/")
            self.expect(self.path != "/", "a beleidsmedewerker not to see the werkvoorraad", self.path)
            person = self.facts.get("person_path")
            if person:
                self.open(person)
                family, given = (part.strip() for part in self.facts["person_name"].split(",", 1))
                self.expect(family not in self.page_text(), f"a beleidsmedewerker not to see {person}",
                            "the name is shown")
                self.expect(self.h1() == "Geen toegang", "the error page 'Geen toegang'", self.h1())
                self.check_page("geen-toegang")

        for name, function in [
            ("log in as beleidsmedewerker", login),
            ("open the figures (/cijfers)", figures),
            ("no access to personal files", no_people),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_mobile(self) -> None:
        def resize():
            self.driver.set_window_size(*MOBILE)
            width = self.driver.execute_script("return window.innerWidth")
            self.expect(abs(width - MOBILE[0]) <= 20, f"a viewport about {MOBILE[0]}px wide", f"{width}px")

        def home():
            self.open("/inloggen")
            self.logged_in_home(CONSULENT, "/")
            self.expect(self.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", self.h1())
            overflow = self.driver.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            print(f"    page width {overflow[0]}px in a {overflow[1]}px viewport")
            self.check_page("werkvoorraad-mobiel")
            # WCAG 1.4.10 Reflow: the page itself must not scroll sideways (a table may, inside its own box).
            self.expect(overflow[0] <= overflow[1], "no horizontal scrolling of the page at 390px",
                        f"document {overflow[0]}px wide in a {overflow[1]}px viewport")

        for name, function in [
            (f"resize to {MOBILE[0]}x{MOBILE[1]}", resize),
            ("log in as consulent → werkvoorraad at mobile width", home),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_casework(self) -> None:
        """A consulent takes a new case from signal to fixed PIP: intake, LBT, route (R4), PIP, term (R2), letter."""
        def login():
            self.open("/inloggen")
            self.logged_in_home(CONSULENT, "/")

        def caseload():
            self.expect(self.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", self.h1())
            tiles = [" ".join(t.text.split()) for t in self.driver.find_elements(By.CSS_SELECTOR, "main ul.tiles .tile")]
            for label in (TXT_TILE_OVERDUE, TXT_TILE_SOON):
                self.expect(any(re.fullmatch(rf"\d+ {re.escape(label)}", t) for t in tiles), f"a tile 'N {label}'",
                            " | ".join(tiles) or "no tiles")
            current = self.text_of("main .sort-links [aria-current]")
            self.expect(current == TXT_SORT_TERM, f"the default sort '{TXT_SORT_TERM}'", current or "none marked")
            # Sorted by the nearest statutory term: due dates ascending, rows without a running term last.
            dues = [dutch_date(r.get("Eerstvolgende termijn", "")) for r in self.table("main table.caseload")]
            self.expect(bool(dues), "a caseload table (table.caseload) with rows", self.text_of("main .empty") or "no rows")
            dated = [d for d in dues if d]
            self.expect(dated == sorted(dated) and all(dues[i] for i in range(len(dated))),
                        "the rows sorted by the due date of their next term, rows without a term last",
                        ", ".join(d.isoformat() if d else "-" for d in dues))
            print(f"    tiles: {' | '.join(tiles)}; {len(dues)} rows by nearest term")

            self.fill("fase", "gehuisvest")
            self.fill("groep", "asielstatushouder")
            self.submit("main form.filters")
            self.expect(self.path == "/" and self.query.get("fase") == ["gehuisvest"]
                        and self.query.get("groep") == ["asielstatushouder"],
                        "URL /?fase=gehuisvest&groep=asielstatushouder", self.driver.current_url)
            self.expect(self.value("fase") == "gehuisvest" and self.value("groep") == "asielstatushouder",
                        "the filters to keep fase and groep", f"fase={self.value('fase')!r}, groep={self.value('groep')!r}")
            rows = self.table("main table.caseload")
            self.expect(bool(rows), "at least one new case (phase Gehuisvest, asielstatushouder)", self.text_of("main .empty") or "no rows")
            phases = {r.get("Fase") for r in rows}
            self.expect(phases == {"Gehuisvest"}, "only cases in phase 'Gehuisvest'", ", ".join(sorted(map(str, phases))))
            link = self.find("main table.caseload tbody tr:first-child td:first-child a[href^='/personen/']",
                             "a link to the first case")
            name = link.text.strip()
            self.facts.update(case_name=name, case_path=urlparse(link.get_attribute("href")).path)
            print(f"    {len(rows)} new case(s); first: {name} ({self.facts['case_path']}), "
                  f"next term: {rows[0].get('Eerstvolgende termijn')}")
            self.check_page("werkvoorraad-nieuw")

        def open_case():
            path, name = self.case("case_path"), self.case("case_name")
            self.click_and_wait(self.link("main table.caseload tbody a", name))
            self.expect(self.path == path, f"to be on {path}", self.path)
            family, given = (part.strip() for part in name.split(",", 1))
            self.expect(self.h1() == f"{given} {family}", f"heading '{given} {family}'", self.h1())
            links = {a.text.strip(): urlparse(a.get_attribute("href")).path
                     for a in self.driver.find_elements(By.CSS_SELECTOR, "main ul.section-links a")}
            for label, suffix in TXT_SECTIONS.items():
                self.expect(links.get(label) == path + suffix, f"a section link '{label}' to {path + suffix}",
                            ", ".join(f"{k} → {v}" for k, v in links.items()) or "no section links")
            terms = [r.get("Wat") for r in self.table("main table.terms")]
            self.expect(TXT_TERM_PIP in terms, f"a term '{TXT_TERM_PIP}' in the terms table", ", ".join(map(str, terms)) or "no terms")
            self.expect(TXT_TERM_INBURGERING not in terms, f"no '{TXT_TERM_INBURGERING}' before the PIP is fixed", ", ".join(terms))
            print(f"    terms: {', '.join(map(str, terms))}")
            self.check_page("dossier-nieuw")

        def section(label: str) -> None:
            """From the case file, follow one of its section links."""
            path = self.case("case_path")
            if self.path != path:
                self.open(path)
            self.click_and_wait(self.link("main ul.section-links a", label))
            self.expect(self.path == path + TXT_SECTIONS[label], f"to be on {path + TXT_SECTIONS[label]}", self.path)

        def intake_error():
            section("Brede intake")
            self.expect(self.h1() == "Brede intake", "heading 'Brede intake'", self.h1())
            today = self.value("date")
            self.expect(re.fullmatch(r"\d{4}-\d{2}-\d{2}", today) is not None, "the conversation date prefilled with today", repr(today))
            self.facts["today"] = today
            self.facts["records_before"] = str(len(self.driver.find_elements(By.CSS_SELECTOR, "main ol.records li.record")))
            note = "Kennismaking; de inburgeraar vertelt over zijn opleiding."
            self.fill("date", iso_days_before(today, 3))
            self.fill("attendees", "")
            self.fill("note", note)
            self.submit()
            self.expect(self.status() == 400, "HTTP 400 for a conversation without 'Aanwezig'", f"HTTP {self.status()}")
            text, targets = self.error_summary()
            self.expect("#attendees" in targets, "the error summary to link to #attendees", f"{text!r} → {targets}")
            self.expect(self.value("note") == note, "the typed note to be kept", repr(self.value("note")))
            self.expect(self.find("main #attendees").get_attribute("aria-invalid") == "true", "#attendees marked aria-invalid")
            print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
            self.check_page("intake-fout")

        def intake_conversations():
            today = self.case("today")
            conversations = [
                (iso_days_before(today, 3), "Inburgeraar, consulent, tolk Somalisch", ["interpreter"],
                 ["opleidingEnWerkervaring", "taalniveau", "persoonlijkeOmstandighedenEnGezondheid"],
                 "Eerste gesprek met tolk: opleiding, taal en gezondheid besproken."),
                (iso_days_before(today, 1), "Inburgeraar, consulent", ["withoutPartner"],
                 ["arbeidsparticipatie", "zelfredzaamheid", "voorschoolseEducatie"],
                 "Tweede gesprek, zonder partner: werk, zelfredzaamheid en kinderen."),
            ]
            for day, attendees, flags, topics, note in conversations:
                self.fill("date", day)
                self.fill("attendees", attendees)
                for flag in ("interpreter", "cultureMediator", "withoutPartner", "noShow"):
                    self.fill(flag, flag in flags)
                for topic in INTAKE_TOPICS:
                    self.fill(f"topics-{topic}", topic in topics)
                self.fill("note", note)
                self.submit()
                self.expect(self.path == self.case("case_path") + "/intake" and self.query.get("melding") == ["gesprek"],
                            "a redirect to the intake page with melding=gesprek",
                            f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
                self.expect_notice(TXT_INTAKE_SAVED)
            records = [r.text for r in self.driver.find_elements(By.CSS_SELECTOR, "main ol.records li.record")]
            before = int(self.case("records_before"))
            self.expect(len(records) == before + 2, f"{before + 2} conversations listed", f"{len(records)}: {records}")
            listed = " ".join(records)
            for _, attendees, _, _, note in conversations:
                self.expect(attendees in listed and note in listed, f"the conversation '{attendees}' with its note", listed[:300])
            for flag in ("Met tolk", "Gesprek zonder partner"):
                self.expect(flag in listed, f"the flag '{flag}' on a conversation", listed[:300])
            status = self.text_of("main .status")
            self.expect(TXT_INTAKE_COMPLETE in status, f"'{TXT_INTAKE_COMPLETE}' after both conversations", status)
            print(f"    {len(records)} conversations; {status}")
            self.check_page("intake-gesprekken")

        def lbt():
            section("Leerbaarheidstoets en advies")
            today = self.case("today")
            form = "main form.form"  # the first form: the test; the second is the school's advice
            self.fill("invitedDate", iso_days_before(today, 9))
            self.fill("testDate", iso_days_before(today, 2))
            self.fill("administrator", "J. de Vries (gecertificeerd)")
            self.fill("conditions", "Afgenomen op de computer van de gemeente, met koptelefoon.")
            self.fill("score", "26")
            self.fill("exemption", "")
            self.submit(form)
            self.expect(self.path == self.case("case_path") + "/lbt" and self.query.get("melding") == ["lbt"],
                        "a redirect to the LBT page with melding=lbt",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect_notice(TXT_LBT_SAVED)
            rows = self.table("main section[aria-labelledby=toetsen] table")
            self.expect(any("26/40" in " ".join(r.values()) and TXT_LBT_NOT_B1 in " ".join(r.values()) for r in rows),
                        f"a test row '26/40' with '{TXT_LBT_NOT_B1}'", str(rows) if rows else "no tests table")
            print(f"    LBT: {rows[0]}")
            self.check_page("lbt")

        def route_refused():
            self.click_and_wait(self.link("main a.button", "Verder: leerroute kiezen"))
            self.expect(self.path == self.case("case_path") + "/route", f"to be on {self.case('case_path')}/route", self.path)
            facts = self.text_of("main dl.facts")
            self.expect(f"26/40 — {TXT_LBT_NOT_B1}" in facts, "the LBT result '26/40' on the route page", facts)
            self.fill("leerroute-b1", True)
            self.fill("niveau", "")
            self.fill("considered-b1", True)
            self.fill("considered-z", True)
            considerations = "De inburgeraar leert snel, heeft in Somalië de middelbare school afgerond en wil werken."
            self.facts["considerations"] = considerations
            self.fill("considerations", considerations)
            self.fill("deviationReason", "")
            self.submit()
            self.expect(self.status() == 400, "HTTP 400 for the B1-route against the LBT without a reason", f"HTTP {self.status()}")
            text, targets = self.error_summary()
            self.expect("(R4)" in text and "#deviationReason" in targets,
                        "the error summary to name R4 and link to #deviationReason", f"{text!r} → {targets}")
            self.expect(self.checked("leerroute-b1"), "the chosen B1-route to stay selected")
            self.expect(self.value("considerations") == considerations, "the considerations to be kept", repr(self.value("considerations")))
            self.expect(self.checked("considered-z"), "the considered routes to be kept")
            print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
            self.check_page("route-fout")

        def route_decided():
            reason = ("Score 26 ligt dicht bij de drempel; de taalschool ziet voldoende leervermogen "
                      "en de inburgeraar is hoog opgeleid.")
            self.facts["deviation_reason"] = reason
            self.fill("deviationReason", reason)
            self.submit()
            pip = self.case("case_path") + "/pip"
            self.expect(self.path == pip and self.query.get("melding") == ["route"], f"a redirect to {pip}?melding=route",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect_notice(TXT_ROUTE_SAVED)

        def pip_concept():
            mark = self.text_of("main .concept-mark")
            self.expect(TXT_CONCEPT_MARK in mark, f"the mark '{TXT_CONCEPT_MARK}'", mark or "no .concept-mark")
            self.expect(self.checked("leerroute-b1"), "the concept prefilled with the B1-route")
            reason = self.case("deviation_reason")
            self.expect(self.value("redenAfwijking") == reason, "the concept prefilled with the deviation reason",
                        repr(self.value("redenAfwijking")))
            self.expect(self.value("cadansMaanden") == "3", "'Maanden tussen voortgangsgesprekken' prefilled with 3",
                        repr(self.value("cadansMaanden")))
            for field_id, value in [
                ("einddoel", "werk"),
                ("begeleiding", "Maandelijks gesprek met de consulent; contact met de taalschool over de voortgang."),
                ("ondersteuning", "Kinderopvang tijdens de lessen; reiskosten naar de taalschool."),
                ("pvt", "Workshop participatieverklaring bij de gemeente, in groepsverband."),
                ("pvtUren", "12"),
                ("map", "Oriëntatie op werk in de zorg, met een werkervaringsplaats."),
                ("mapUren", "64"),
                ("vveNvt", True),
                ("vve", ""),
                ("voortgangsgesprekken", "4"),
            ]:
                self.fill(field_id, value)
            self.submit()
            self.expect(self.path == self.case("case_path") + "/pip" and self.query.get("melding") == ["concept"],
                        "a redirect to the PIP page with melding=concept",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect_notice(TXT_CONCEPT_SAVED)
            self.expect(self.value("einddoel") == "werk" and self.value("mapUren") == "64" and self.checked("vveNvt"),
                        "the saved concept's values in the form",
                        f"einddoel={self.value('einddoel')!r}, mapUren={self.value('mapUren')!r}, vveNvt={self.checked('vveNvt')}")
            self.check_page("pip-concept")

        def fix_page():
            fix = self.case("case_path") + "/pip/vaststellen"
            link = self.link("main a", TXT_TO_FIX)
            self.expect(urlparse(link.get_attribute("href")).path == fix, f"'{TXT_TO_FIX}' to point to {fix}", link.get_attribute("href"))
            self.click_and_wait(link)
            self.expect(self.path == fix, f"to be on {fix}", self.path)
            warning = self.text_of("main .notice--warning")
            self.expect(not warning, "a complete concept (no problems listed)", warning)
            consequence = self.text_of("main p.consequence")
            match = TXT_FIX_CONSEQUENCE.fullmatch(consequence)
            self.expect(match is not None, "the consequence 'Vaststellen start de inburgeringstermijn van 3 jaar "
                        "(Wi2021 art. 11): van … tot en met ….'", consequence or "no p.consequence")
            dagtekening = self.value("dagtekening")
            self.expect(dagtekening == self.case("today"), f"'Dagtekening' prefilled with today ({self.case('today')})", repr(dagtekening))
            start, end = dutch_date(match[1]), dutch_date(match[2])
            day = date.fromisoformat(dagtekening)
            # R2 (Wi2021 art. 11): from the day after the dagtekening up to and including 3 years after it.
            self.expect(start == day + timedelta(days=1) and end == add_years(day, 3),
                        f"a term from {display_date(day + timedelta(days=1))} to {display_date(add_years(day, 3))}", consequence)
            self.facts.update(term_start=match[1], term_end=match[2])
            print(f"    {consequence}")
            self.check_page("pip-vaststellen")

        def fix():
            button = self.wait_for(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
                                                    if b.text.strip() == TXT_FIX_BUTTON), None), f"a button '{TXT_FIX_BUTTON}'")
            self.click_and_wait(button)
            path = self.case("case_path")
            self.expect(self.path == path and self.query.get("melding") == ["pip"], f"a redirect to {path}?melding=pip",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect_notice(TXT_PIP_FIXED)
            terms = self.table("main table.terms")
            term = next((r for r in terms if r.get("Wat") == TXT_TERM_INBURGERING), None)
            self.expect(term is not None, f"a row '{TXT_TERM_INBURGERING}' in the terms table",
                        ", ".join(str(r.get("Wat")) for r in terms) or "no terms")
            due = dutch_date(term.get("Uiterlijk", ""))
            year = date.fromisoformat(self.case("today")).year + 3
            self.expect(due is not None and due.year == year and term["Uiterlijk"] == self.case("term_end"),
                        f"'{TXT_TERM_INBURGERING}' due {self.case('term_end')} (in {year})", term.get("Uiterlijk", ""))
            timeline = [r.get("Wat", "") for r in self.table("main table.timeline")]
            self.expect(TXT_TIMELINE_FIXED in timeline, f"'{TXT_TIMELINE_FIXED}' in the timeline", " | ".join(timeline) or "no timeline")
            print(f"    {TXT_TERM_INBURGERING}: due {term['Uiterlijk']} ({term.get('Stand', '')}); timeline: {len(timeline)} entries")
            self.check_page("dossier-vastgesteld")

        def letter():
            section("PIP")
            versions = self.table("main table")
            self.expect(any(r.get("Versie") == "1" and r.get("Status") == "Vastgesteld" for r in versions),
                        "version 1 listed as 'Vastgesteld'", str(versions) or "no versions table")
            target = self.case("case_path") + "/pip/1/brief"
            link = self.link("main table a", TXT_SHOW_LETTER)
            self.expect(urlparse(link.get_attribute("href")).path == target, f"'{TXT_SHOW_LETTER}' to point to {target}",
                        link.get_attribute("href"))
            self.click_and_wait(link)
            self.expect(self.path == target, f"to be on {target}", self.path)
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "header.site-header, nav.site-nav"),
                        "a standalone letter without the site header")
            self.expect(self.h1() == TXT_LETTER_HEADING, f"heading '{TXT_LETTER_HEADING}'", self.h1())
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, ".letter__concept"), "no concept mark on a fixed PIP's letter")
            text = self.page_text()
            term = TXT_LETTER_TERM.format(start=self.case("term_start"), end=self.case("term_end"))
            for needed in (TXT_LETTER_BEZWAAR, term, self.case("deviation_reason")):
                self.expect(needed in text, f"the letter to contain '{needed}'", text[:300])
            check = self.check_page("pip-brief")
            options = PrintOptions()
            options.page_width, options.page_height = 21.0, 29.7  # A4, in cm
            pdf = base64.b64decode(self.driver.print_page(options))
            printed = self.screenshots / f"{check.number:02d}-pip-brief.pdf"  # next to the letter's screenshot
            printed.write_bytes(pdf)
            self.expect(pdf.startswith(b"%PDF") and len(pdf) > 1000, "the printed letter to be a PDF", f"{len(pdf)} bytes: {pdf[:8]!r}")
            pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
            print(f"    printed: {printed.relative_to(REPO_DIR) if printed.is_relative_to(REPO_DIR) else printed} "
                  f"({len(pdf)} bytes, {pages} page(s))")
            # The letter has no site header (and no logout button): back to the PIP page.
            self.click_and_wait(self.link("nav.letter__tools a", TXT_LETTER_BACK))
            self.expect(self.path == self.case("case_path") + "/pip", f"'{TXT_LETTER_BACK}' to lead to the PIP page", self.path)

        for name, function in [
            ("log in as consulent", login),
            ("werkvoorraad: tiles, sorted by term, filter new cases", caseload),
            ("open the new case's file", open_case),
            ("intake: a conversation without 'Aanwezig' is refused", intake_error),
            ("intake: record two conversations", intake_conversations),
            ("LBT: record a score of 26/40", lbt),
            ("route: B1 against the LBT without a reason is refused (R4)", route_refused),
            ("route: B1 with a reason → PIP concept", route_decided),
            ("PIP: save the concept", pip_concept),
            ("PIP: the fix page names the 3-year term", fix_page),
            ("PIP: fix it → the term appears in the file", fix),
            ("PIP: show and print the letter", letter),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_pages(self) -> None:
        """The casework pages the other journeys do not reach, each through the page check: the consulent's
        registration and a running case's sections, the team lead's team and assignment, the settings."""
        def login_consulent():
            self.open("/inloggen")
            self.logged_in_home(CONSULENT, "/")

        def register():
            link = self.link("main a.button", TXT_REGISTER)
            self.expect(urlparse(link.get_attribute("href")).path == "/personen/nieuw",
                        f"'{TXT_REGISTER}' to point to /personen/nieuw", link.get_attribute("href"))
            self.click_and_wait(link)
            self.expect(self.path == "/personen/nieuw", "to be on /personen/nieuw", self.path)
            self.expect(self.h1() == TXT_REGISTER, f"heading '{TXT_REGISTER}'", self.h1())
            self.check_page("registreren")

        def register_refused():
            self.click_and_wait(self.button("main form.form button[type=submit]", TXT_REGISTER_BUTTON))
            self.expect(self.path == "/personen/nieuw" and self.status() == 400, "HTTP 400 on /personen/nieuw for an empty form",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect(self.h1() == TXT_REGISTER, f"heading '{TXT_REGISTER}'", self.h1())
            text, targets = self.error_summary()
            self.expect(bool(targets), "the error summary to link to the fields", repr(text))
            missing = [t for t in targets if not (t.startswith("#") and self.driver.execute_script(
                "return !!document.getElementById(arguments[0])", t[1:]))]
            self.expect(not missing, "every link of the error summary to lead to a field on the page", ", ".join(missing))
            print(f"    error summary: {len(targets)} link(s) → {', '.join(targets)}")
            self.check_page("registreren-fout")

        def running_case():
            self.open("/?fase=inLeerroute&groep=asielstatushouder")
            rows = self.table("main table.caseload")
            self.expect(bool(rows), f"at least one case in phase '{TXT_PHASE_LEERROUTE}' (asielstatushouder)",
                        self.text_of("main .empty") or "no rows")
            phases = {r.get("Fase") for r in rows}
            self.expect(phases == {TXT_PHASE_LEERROUTE}, f"only cases in phase '{TXT_PHASE_LEERROUTE}'", ", ".join(sorted(map(str, phases))))
            link = self.find("main table.caseload tbody tr:first-child td:first-child a[href^='/personen/']",
                             "a link to the first case")
            name, path = link.text.strip(), urlparse(link.get_attribute("href")).path
            self.facts.update(running_name=name, running_path=path)
            self.click_and_wait(link)
            self.expect(self.path == path, f"to be on {path}", self.path)
            family, given = (part.strip() for part in name.split(",", 1))
            self.expect(self.h1() == f"{given} {family}", f"heading '{given} {family}'", self.h1())
            links = {a.text.strip(): urlparse(a.get_attribute("href")).path
                     for a in self.driver.find_elements(By.CSS_SELECTOR, "main ul.section-links a")}
            for label, suffix in TXT_MORE_SECTIONS.items():
                self.expect(links.get(label) == path + suffix, f"a section link '{label}' to {path + suffix}",
                            ", ".join(f"{k} → {v}" for k, v in links.items()) or "no section links")
            print(f"    {len(rows)} case(s) in leerroute; first: {name} ({path})")

        def section(label: str, heading: str) -> None:
            """From the running case's file, follow one of its section links to the page with this heading."""
            path = self.case("running_path")
            if self.path != path:
                self.open(path)
            self.click_and_wait(self.link("main ul.section-links a", label))
            self.expect(self.path == path + TXT_MORE_SECTIONS[label], f"to be on {path + TXT_MORE_SECTIONS[label]}", self.path)
            self.expect(self.h1() == heading, f"heading '{heading}'", self.h1())

        def handover():
            section("Warme overdracht (COA)", "Warme overdracht van het COA")
            self.check_page("overdracht")

        def third_parties():
            """R1a: a request to a third party, recorded through the form, appears in the list."""
            section("Informatie van derden", TXT_DERDEN_HEADING)
            party = f"Huisarts (smoke test {time.strftime('%H:%M:%S')})"
            self.fill("party", party)
            self.fill("subject", "Medische beperkingen")
            self.click_and_wait(self.button("main form.form button[type=submit]", "Verzoek vastleggen"))
            self.expect_notice(TXT_DERDEN_SAVED)
            cells = [c.text.strip() for c in self.driver.find_elements(By.CSS_SELECTOR, "main table tbody td")]
            self.expect(party in cells, f"a row for '{party}'", " | ".join(cells) or "no rows")
            self.check_page("derden")

        def intake_topic():
            """One topic of the brede intake, with its structured fields (the intake journey only saves conversations)."""
            path = self.case("running_path")
            self.open(path + "/intake/onderwerpen/opleidingEnWerkervaring")
            self.expect(self.h1() == "Opleiding en werkervaring", "heading 'Opleiding en werkervaring'", self.h1())
            self.find("main #hoogsteOpleiding", "the select 'Hoogst afgeronde opleiding'")
            self.check_page("intake-onderwerp")

        def progress():
            section("Voortgang en uren", "Voortgang en uren")
            meters = [" ".join(m.text.split()) for m in self.driver.find_elements(By.CSS_SELECTOR, "main ul.meters .meter__text")]
            self.expect(any(TXT_METER.search(m) for m in meters), "a meter '… van … uur'", " | ".join(meters) or "no meters")
            print(f"    meters: {' | '.join(meters)}")
            self.check_page("voortgang")

        def enforcement():
            section("Handhaving", "Handhaving")
            self.check_page("handhaving")

        def documents():
            section("Documenten", "Documenten")
            title = f"Verslag huisarts (smoke test {time.strftime('%H:%M:%S')})"
            folder = Path(tempfile.mkdtemp(prefix="regie-e2e-upload-"))
            try:
                pdf = folder / "verslag-huisarts.pdf"
                pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                                b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                self.fill("title", title)
                self.find("main input#file[type=file]", "the file field").send_keys(str(pdf))
                self.click_and_wait(self.button("main form.form button[type=submit]", TXT_UPLOAD))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            target = self.case("running_path") + "/documenten"
            self.expect(self.path == target and self.query.get("melding") == ["opgeslagen"], f"a redirect to {target}?melding=opgeslagen",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect_notice(TXT_UPLOADED)
            rows = self.table("main table")
            row = next((r for r in rows if r.get("Titel") == title), None)
            self.expect(row is not None, f"'{title}' in the documents table", " | ".join(r.get("Titel", "") for r in rows) or "no table")
            print(f"    uploaded: {row}")
            self.check_page("documenten")

        def close_form():
            section("Dossier afsluiten", "Dossier afsluiten")
            self.button("main form.form button[type=submit]", TXT_CLOSE_BUTTON)  # there, but not pressed
            self.check_page("afsluiten")

        def tasks():
            self.nav("Mijn taken", "/taken")
            self.expect(self.h1() == "Mijn taken", "heading 'Mijn taken'", self.h1())
            print(f"    {len(self.table('main table'))} open task(s)")
            self.check_page("taken")

        def login_teamleider():
            self.open("/inloggen")
            self.logged_in_home(TEAMLEIDER, "/")

        def assign():
            self.expect(self.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", self.h1())
            boxes = self.driver.find_elements(By.CSS_SELECTOR, "main table.caseload input[type=checkbox][name=persoon]")
            rows = self.driver.find_elements(By.CSS_SELECTOR, "main table.caseload tbody tr")
            self.expect(bool(rows) and len(boxes) == len(rows), "a checkbox 'persoon' in every row of the werkvoorraad",
                        f"{len(boxes)} checkboxes, {len(rows)} rows")
            options = Select(self.find("main select#naar", "the select 'Toewijzen aan' (#naar)")).options
            self.expect(len(options) > 1, "case workers to assign to in #naar", ", ".join(o.text for o in options) or "no options")
            print(f"    {len(rows)} rows with a checkbox; assign to: {', '.join(o.text.strip() for o in options)}")
            self.check_page("werkvoorraad-toewijzen")

        def team():
            self.nav("Team", "/team")
            self.expect(self.h1() == "Werklast van het team", "heading 'Werklast van het team'", self.h1())
            rows = self.table("main table")
            self.expect(bool(rows), "a row per case worker", "no rows")
            print(f"    {len(rows)} case worker(s): " + "; ".join(f"{r.get('Consulent')} {r.get('Open dossiers')}" for r in rows))
            self.check_page("team")

        def login_beheer():
            self.open("/inloggen")
            self.logged_in_home(BEHEER, "/cijfers")

        def settings():
            self.nav("Instellingen", "/beheer/instellingen")
            self.expect(self.h1().startswith("Instellingen"), "a heading 'Instellingen — <gemeente>'", self.h1())
            print(f"    {self.h1()}; caseload norm {self.value('caseloadNorm')}")
            self.check_page("instellingen")

        def settings_refused():
            self.fill("caseloadNorm", "5")  # the norm is 10 to 300: refused, so nothing is saved
            self.click_and_wait(self.button("main form.form button[type=submit]", TXT_SETTINGS_SAVE))
            self.expect(self.path == "/beheer/instellingen" and self.status() == 400, "HTTP 400 for a caseload norm of 5",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            text, targets = self.error_summary()
            self.expect("#caseloadNorm" in targets, "the error summary to link to #caseloadNorm", f"{text!r} → {targets}")
            self.expect(self.value("caseloadNorm") == "5", "the typed norm to be kept", repr(self.value("caseloadNorm")))
            self.expect(self.find("main #caseloadNorm").get_attribute("aria-invalid") == "true", "#caseloadNorm marked aria-invalid")
            print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
            self.check_page("instellingen-fout")

        for name, function in [
            ("log in as consulent", login_consulent),
            ("register: the form (/personen/nieuw)", register),
            ("register: an empty form is refused", register_refused),
            ("werkvoorraad: open an asylum case in leerroute", running_case),
            ("handover (COA)", handover),
            ("third parties: a request for the PIP (R1a)", third_parties),
            ("an intake topic with its fields", intake_topic),
            ("progress and hours", progress),
            ("enforcement", enforcement),
            ("documents: upload a PDF", documents),
            ("close: the form (not submitted)", close_form),
            ("my tasks (/taken)", tasks),
            ("log out", self.logout),
            ("log in as teamleider", login_teamleider),
            ("werkvoorraad: checkboxes and #naar for bulk assignment", assign),
            ("team workload (/team)", team),
            ("log out", self.logout),
            ("log in as functioneel beheerder", login_beheer),
            ("settings (/beheer/instellingen)", settings),
            ("settings: a caseload norm of 5 is refused", settings_refused),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_duo(self) -> None:
        """The DUO koppeling with real content: its own Regie (DUO_URL, DUO_NOTIFY_PORT, DUO_POLL_MS) and a DUO
        simulator that notifies it. The simulator runs the scenario 'nieuwe-statushouder' for GM0988 and sends an
        event Regie does not know; the consulent then sees them on /duo, the new case, its DUO tab and the
        reconciliation."""
        main_url = self.base_url
        simulator: DUOSimulator | None = None
        server: Server | None = None
        failures_before = sum(not s.passed for s in self.steps)
        oin = "00000009" + "0000" + DUO_MUNICIPALITY[-4:] + "0000"  # its development OIN (DUOConfig.developmentOIN)

        def sim(path: str, payload: dict | None = None) -> dict:
            """POST to the simulator's control API; its JSON answer."""
            data = json.dumps(payload).encode() if payload is not None else b""
            request = Request(simulator.base_url + path, data=data, method="POST",
                              headers={"Content-Type": "application/json"} if payload is not None else {})
            with urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"{}")

        def start():
            nonlocal simulator, server
            if self.binary is None or not self.binary.is_file():
                raise StepFailure("the regie binary (--binary) to start a DUO simulator and a Regie with the koppeling",
                                  str(self.binary))
            notify_port = free_port()
            simulator = DUOSimulator(self.binary, f"http://127.0.0.1:{notify_port}/v1/notificaties")
            try:
                simulator.start()
                server = Server(self.binary, prefix="regie-e2e-duo-regie-", env={
                    "DUO_URL": simulator.base_url + "/v1", "DUO_NOTIFY_PORT": str(notify_port), "DUO_POLL_MS": "200"})
                server.start()
            except ServerError as error:
                raise StepFailure("the DUO simulator and Regie to start", str(error)) from None
            self.base_url = server.base_url
            print(f"    simulator {simulator.base_url}, Regie {server.base_url}, Notificatie API on port {notify_port}")

        def trigger():
            answer = sim(f"/sim/scenarios/{DUO_SCENARIO}?" + urlencode({"municipality": oin, "week": 2}))
            bsn = answer.get("bsn", "")
            self.expect(re.fullmatch(r"\d{9}", bsn) is not None, f"the scenario '{DUO_SCENARIO}' to answer with a BSN", json.dumps(answer)[:300])
            events = [step.get("gebeurtenisId") for step in answer.get("steps", [])]
            self.expect("SS101" in events, "the scenario to send SS101", ", ".join(map(str, events)))
            sent = sim("/sim/notifications", {"gebeurtenisId": DUO_UNKNOWN_EVENT, "bsn": bsn, "municipalityOIN": oin})
            self.expect(sent.get("status") == 201, f"Regie to accept {DUO_UNKNOWN_EVENT} with 201", json.dumps(sent)[:300])
            self.facts.update(duo_bsn=bsn, duo_events=",".join(events))
            print(f"    scenario {DUO_SCENARIO} for BSN {bsn}: {', '.join(events)} (a week is 2 s); then {DUO_UNKNOWN_EVENT}")

        def login():
            self.open("/inloggen")
            self.logged_in_home(CONSULENT, "/")

        def notifications() -> dict[str, str]:
            """Event id → status in the table of DUO's notifications on this page."""
            rows = self.driver.execute_script("""
                var caption = arguments[0];
                var table = Array.from(document.querySelectorAll('main table')).find(function (t) {
                  return t.caption && t.caption.textContent.trim() === caption; });
                if (!table) return [];
                return Array.from(table.querySelectorAll('tbody tr')).map(function (tr) {
                  return [tr.cells[1].querySelector('strong').textContent.trim(), tr.cells[2].textContent.trim()]; });""",
                TXT_DUO_NOTIFICATIONS)
            return {event: status for event, status in rows}

        def overview():
            self.nav(TXT_DUO_TAB, "/duo")
            self.expect(self.h1() == TXT_DUO_TITLE, f"heading '{TXT_DUO_TITLE}'", self.h1())
            expected = {event: TXT_DUO_PROCESSED for event in self.case("duo_events").split(",")}
            expected[DUO_UNKNOWN_EVENT] = TXT_DUO_UNKNOWN
            deadline = time.monotonic() + 30
            found = notifications()
            while any(found.get(k) != v for k, v in expected.items()) and time.monotonic() < deadline:
                time.sleep(0.5)  # the scenario's later steps come a simulated week (2 s) apart; the worker polls every 200 ms
                self.open("/duo")
                found = notifications()
            wrong = {k: found.get(k, "missing") for k, v in expected.items() if found.get(k) != v}
            self.expect(not wrong, "in the notifications table: " + ", ".join(f"{k} {v}" for k, v in expected.items()),
                        ", ".join(f"{k} {v}" for k, v in wrong.items()) + f" (all: {found})")
            print(f"    notifications: {', '.join(f'{k} {v}' for k, v in found.items())}")
            self.check_page("duo")

        def case_from_notification():
            link = self.wait_for(lambda d: next((a for row in d.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                                                 if "SS101" in row.text
                                                 for a in row.find_elements(By.CSS_SELECTOR, "a") if a.text.strip() == TXT_DUO_OPEN_CASE), None),
                                 f"a link '{TXT_DUO_OPEN_CASE}' in the row of SS101")
            path = urlparse(link.get_attribute("href")).path
            self.expect(re.fullmatch(r"/personen/[^/]+", path) is not None, "the link to lead to /personen/<id>", path)
            self.click_and_wait(link)
            self.expect(self.path == path, f"to be on {path}", self.path)
            self.expect(self.h1() == TXT_NAME_PENDING, f"heading '{TXT_NAME_PENDING}' (a new case before the BRP)", self.h1())
            self.facts["duo_person_path"] = path
            self.check_page("duo-dossier")

        def person_tab():
            path = self.case("duo_person_path")
            self.click_and_wait(self.link("main ul.section-links a", TXT_DUO_TAB))
            self.expect(self.path == path + "/duo", f"to be on {path}/duo", self.path)
            self.expect(self.h1() == f"{TXT_DUO_TAB} — {TXT_NAME_PENDING}", f"heading '{TXT_DUO_TAB} — {TXT_NAME_PENDING}'", self.h1())
            panels = [h.text.split("(")[0].strip() for h in self.driver.find_elements(By.CSS_SELECTOR, "main section.panel h3")]
            missing = [p for p in TXT_DUO_REGISTERED if p not in panels]
            self.expect(not missing, "what DUO registers: " + ", ".join(TXT_DUO_REGISTERED), ", ".join(panels) or "no panels")
            print(f"    DUO registers: {', '.join(panels)}")
            self.check_page("duo-persoon")

        def refresh():
            path = self.case("duo_person_path") + "/duo"
            self.click_and_wait(self.button("main form button[type=submit]", TXT_DUO_REFRESH))
            self.expect(self.path == path and self.query.get("melding") == ["opgehaald"], f"a redirect to {path}?melding=opgehaald",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect_notice(TXT_DUO_REFRESHED)
            self.check_page("duo-opgehaald")

        def details_refused():
            path = self.case("duo_person_path")
            self.open(path)
            self.click_and_wait(self.link("main ul.section-links a", TXT_DETAILS_LINK))
            self.expect(self.path == path + "/gegevens", f"to be on {path}/gegevens", self.path)
            self.expect(self.h1() == TXT_DETAILS_HEADING, f"heading '{TXT_DETAILS_HEADING}'", self.h1())
            # Only a family name: refused with a summary, the typed name kept.
            self.fill("familyName", "Tesfaye")
            self.submit()
            self.expect(self.status() == 400, "HTTP 400", f"HTTP {self.status()}")
            self.expect(self.value("familyName") == "Tesfaye", "the typed family name kept", self.value("familyName"))
            hrefs = [a.get_attribute("href").split("#")[-1] for a in self.driver.find_elements(By.CSS_SELECTOR, ".error-summary a")]
            self.expect("givenNames" in hrefs, "the error summary to link to #givenNames", ", ".join(hrefs) or "no summary")
            self.check_page("persoonsgegevens-fout")

        def reconciliation():
            self.open("/duo")
            self.click_and_wait(self.link("main a", TXT_DUO_RECONCILIATION_LINK))
            self.expect(self.path == "/duo/afstemming", "to be on /duo/afstemming", self.path)
            self.expect(self.h1() == TXT_DUO_RECONCILIATION, f"heading '{TXT_DUO_RECONCILIATION}'", self.h1())
            self.check_page("duo-afstemming")

        try:
            for name, function in [
                ("start a DUO simulator and a Regie with the koppeling", start),
                (f"the simulator runs '{DUO_SCENARIO}' for {DUO_MUNICIPALITY} and sends {DUO_UNKNOWN_EVENT}", trigger),
                ("log in as consulent", login),
                ("/duo: SS101 processed, SS777 unknown", overview),
                ("the new case from the notification's 'Dossier' link", case_from_notification),
                ("the case's DUO tab: what DUO registers", person_tab),
                (f"'{TXT_DUO_REFRESH}'", refresh),
                ("the personal details from the BRP: refused without a given name, the name kept", details_refused),
                ("the reconciliation (/duo/afstemming)", reconciliation),
                ("log out", self.logout),
            ]:
                self.step(name, function)
        finally:
            if server is not None and sum(not s.passed for s in self.steps) > failures_before:
                server.print_problems()
            for process in (server, simulator):
                if process is not None:
                    process.stop()
            self.base_url = main_url

    def journey_figures(self) -> None:
        """The monitoring dashboard (/cijfers) of Weert for this year: tiles, a section with a chart, a table and a
        CSV link per figure; a period with its end before its start refused with the values kept; the cases behind
        a number; the council's quarterly overview; one CSV; and a beleidsmedewerker who sees the numbers but no
        links to cases, and gets "Geen toegang" on the cases behind a number."""
        period = {"gemeente": FIGURES_MUNICIPALITY, "van": FIGURES_FROM, "tot": date.today().isoformat()}
        dashboard = "/cijfers?" + urlencode(period)

        def sections() -> list[dict]:
            """Each figure section of the page: id, heading, table rows (cells as text), its links, charts and CSV link."""
            return self.driver.execute_script("""
                return Array.from(document.querySelectorAll('main section.figure')).map(function (s) {
                  var h = s.querySelector('h2'), csv = s.querySelector('.figure__csv a');
                  return {id: s.id, heading: h ? h.textContent.trim() : '',
                          tables: s.querySelectorAll('table').length,
                          columns: Array.from(s.querySelectorAll('table thead th')).map(function (th) { return th.textContent.trim(); }),
                          rows: Array.from(s.querySelectorAll('table tbody tr')).map(function (tr) {
                            return Array.from(tr.cells).map(function (c) { return c.textContent.replace(/\\s+/g, ' ').trim(); }); }),
                          cases: Array.from(s.querySelectorAll('a[href*="/cijfers/zaken"]')).map(function (a) { return a.getAttribute('href'); }),
                          charts: s.querySelectorAll('svg.chart').length,
                          csv: csv ? csv.getAttribute('href') : null};
                });""")

        def login_teamleider():
            self.open("/inloggen")
            self.logged_in_home(TEAMLEIDER, "/")

        def open_dashboard():
            self.nav("Cijfers", "/cijfers")  # the menu link, then the selection by URL
            self.open(dashboard)
            self.expect(self.path == "/cijfers" and self.status() == 200, f"HTTP 200 on {dashboard}",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.expect(self.h1() == "Cijfers", "heading 'Cijfers'", self.h1())
            scope = self.text_of("main .figures-scope")
            self.expect(TXT_FIGURES_PLACE in scope, f"the scope line to name {TXT_FIGURES_PLACE}", scope or "no scope line")
            tiles = [" ".join(t.text.split()) for t in self.driver.find_elements(By.CSS_SELECTOR, "main ul.tiles--figures li.tile")]
            self.expect(len(tiles) >= 4, "at least 4 tiles (ul.tiles--figures li.tile)", " | ".join(tiles) or "no tiles")
            self.expect(any(TXT_FIGURES_PIP in t for t in tiles), f"a tile '{TXT_FIGURES_PIP}'", " | ".join(tiles))
            found = sections()
            headings = [s["heading"] for s in found]
            missing = [h for h in TXT_FIGURES_SECTIONS if h not in headings]
            self.expect(not missing, "the sections " + ", ".join(f"'{h}'" for h in TXT_FIGURES_SECTIONS),
                        "missing " + ", ".join(missing) + "; found: " + " | ".join(headings))
            no_table = [s["heading"] for s in found if s["tables"] != 1 or not s["columns"]]
            self.expect(not no_table, "one table with column headings in every section", ", ".join(no_table))
            no_csv = [s["heading"] for s in found if not (s["csv"] or "").startswith(f"/cijfers/csv?tabel={s['id']}&")]
            self.expect(not no_csv, "a link '/cijfers/csv?tabel=<section id>&…' in every section", ", ".join(no_csv))
            charts = sum(s["charts"] for s in found)
            self.expect(charts >= 1, "at least one inline chart (main svg.chart)", "no svg.chart")
            unnamed = self.driver.execute_script("""
                return Array.from(document.querySelectorAll('main svg.chart')).filter(function (svg) {
                  return svg.getAttribute('role') !== 'img' || !(svg.getAttribute('aria-label') || '').trim(); }).length;""")
            self.expect(unnamed == 0, "every svg.chart to be role=img with an aria-label", f"{unnamed} without")
            cases = sum(len(s["cases"]) for s in found)
            self.expect(cases > 0, "numbers that link to /cijfers/zaken for a teamleider", "no links")
            council = self.link("main a", TXT_FIGURES_COUNCIL_LINK)
            self.facts["council_href"] = council.get_attribute("href")
            self.facts["figures_sections"] = json.dumps(found)
            print(f"    {len(tiles)} tiles: {' | '.join(tiles)}")
            print(f"    {len(found)} sections, {charts} chart(s), {cases} link(s) to cases; "
                  + "; ".join(f"{s['id']}: {len(s['rows'])} rows" for s in found))
            self.check_page("cijfers-dashboard")

        def refused_period():
            to = iso_days_before(FIGURES_FROM, 1)  # the day before the start
            self.fill("tot", to)
            self.fill("doelgroep", FIGURES_DOELGROEP)
            self.submit("main form.figures-filters")
            self.expect(self.path == "/cijfers" and self.status() == 400, "HTTP 400 on /cijfers for an end before the start",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            text, targets = self.error_summary()
            self.expect(TXT_FIGURES_ORDER in text, f"the error '{TXT_FIGURES_ORDER}'", repr(text))
            self.expect("#tot" in targets, "the error summary to link to #tot", f"{targets}")
            kept = {name: self.value(name) for name in ("gemeente", "van", "tot", "doelgroep")}
            wanted = {"gemeente": FIGURES_MUNICIPALITY, "van": FIGURES_FROM, "tot": to, "doelgroep": FIGURES_DOELGROEP}
            self.expect(kept == wanted, "the typed values to be kept", f"{kept}")
            self.expect(self.find("main #tot").get_attribute("aria-invalid") == "true", "#tot marked aria-invalid")
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "main section.figure"), "no figures for a refused period")
            print(f"    van {FIGURES_FROM}, tot {to}: {text.splitlines()[-1] if text else '-'}")
            self.check_page("cijfers-fout")

        def cases_behind_a_number():
            self.open(dashboard)
            links = self.driver.find_elements(By.CSS_SELECTOR, "main section#pipOnTime table a[href*='/cijfers/zaken']")
            self.expect(bool(links), f"a number that links to its cases in the table '{TXT_FIGURES_PIP}'", "no links")
            link = links[0]
            number, href = link.text.strip(), link.get_attribute("href")
            self.expect(number.isdigit() and int(number) > 0, "the link's text to be a number above 0", repr(number))
            self.expect(parse_qs(urlparse(href).query).get("cijfer") == ["pipOnTime"], "the link to carry cijfer=pipOnTime", href)
            self.facts["cases_href"] = urlparse(href).path + "?" + urlparse(href).query
            self.click_and_wait(link)
            self.expect(self.path == "/cijfers/zaken" and self.status() == 200, "HTTP 200 on /cijfers/zaken",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect(self.h1() == TXT_FIGURES_CASES, f"heading '{TXT_FIGURES_CASES}'", self.h1())
            people = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a[href^='/personen/']")
            rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            self.expect(bool(people) and len(people) == len(rows), "a table of people, each linking to /personen/<id>",
                        f"{len(people)} links, {len(rows)} rows")
            # "{n} dossiers." or, above the page's limit, "{n} dossiers; de eerste {shown} op naam."
            self.expect(f"{number} dossiers" in self.page_text(), f"the count '{number} dossiers' of the number clicked",
                        self.text_of("main p")[:300])
            self.expect(len(rows) == int(number) or (len(rows) < int(number) and "de eerste" in self.page_text()),
                        f"{number} people (or the first ones by name, said so)", f"{len(rows)} rows")
            places = {r.get("Gemeente") for r in self.table("main table")}
            self.expect(places == {TXT_FIGURES_PLACE}, f"only people of {TXT_FIGURES_PLACE}", ", ".join(map(str, places)))
            print(f"    '{number}' → {len(rows)} people on {self.path}?{urlparse(self.driver.current_url).query}")
            self.check_page("cijfers-zaken")

        def council():
            self.open(self.case("council_href"))
            self.expect(self.path == "/cijfers/raad" and self.status() == 200, "HTTP 200 on /cijfers/raad",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect(self.h1().startswith(f"Inburgering in {TXT_FIGURES_PLACE}:") and "kwartaal" in self.h1(),
                        f"a heading 'Inburgering in {TXT_FIGURES_PLACE}: <n>e kwartaal <jaar>'", self.h1())
            tables = self.driver.find_elements(By.CSS_SELECTOR, "main section.figure table")
            self.expect(len(tables) >= 3, "the main tables", f"{len(tables)} tables")
            cases = self.driver.find_elements(By.CSS_SELECTOR, "main a[href*='/cijfers/zaken'], main a[href^='/personen/']")
            self.expect(not cases, "no links to cases or people in the council's overview", f"{len(cases)} links")
            highlights = self.driver.find_elements(By.CSS_SELECTOR, "main ul.council__highlights li")
            # A past quarter is as at its end: today's waiting lists and overdue terms are not among its figures.
            self.expect(len(highlights) >= 2, "the headline figures in sentences", f"{len(highlights)}")
            lead = self.text_of("main .lead") or ""
            self.expect("stand per" in lead, "the overview says it is as at the end of the quarter ('stand per')", lead)
            print(f"    {self.h1()}: {len(highlights)} highlights, {len(tables)} tables")
            self.check_page("cijfers-raad")

        def csv_download():
            found = {s["id"]: s for s in json.loads(self.case("figures_sections"))}
            section = found.get("pipOnTime")
            self.expect(section is not None and bool(section["csv"]), "the CSV link of 'PIP binnen 10 weken' on the dashboard")
            answer = self.driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
                  return r.text().then(function (body) {
                    done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), body: body});
                  });
                }).catch(function (e) { done({status: 0, body: String(e)}); });""", self.url(section["csv"]))
            self.expect(answer["status"] == 200 and (answer.get("type") or "").startswith("text/csv"),
                        f"HTTP 200 text/csv for {section['csv']}", f"HTTP {answer['status']} {answer.get('type')}: {answer['body'][:200]}")
            self.expect("attachment" in (answer.get("disposition") or "") and ".csv" in (answer.get("disposition") or ""),
                        "Content-Disposition: attachment with a .csv file name", repr(answer.get("disposition")))
            lines = answer["body"].split("\r\n")
            self.expect(lines[0] == TXT_FIGURES_CSV_HEADER, f"the header row '{TXT_FIGURES_CSV_HEADER}'", repr(lines[0]))
            records = list(csv.reader(io.StringIO(answer["body"], newline="")))
            self.expect(records[0] == section["columns"], f"the header row to be the table's column headings {section['columns']}",
                        repr(records[0]))
            body = records[1:]
            self.expect(body == section["rows"], f"a line per table row, the same cells as the table ({len(section['rows'])} rows)",
                        f"{body} against {section['rows']}")
            print(f"    {section['csv']} → {answer.get('disposition')}; {lines[0]!r}, {len(body)} lines")

        def login_beleid():
            self.logout()
            self.logged_in_home(BELEID, "/cijfers")

        def numbers_without_links():
            self.open(dashboard)
            self.expect(self.path == "/cijfers" and self.status() == 200, f"HTTP 200 on {dashboard}",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            found = sections()
            numbers = [cell for s in found for row in s["rows"] for cell in row[1:] if re.fullmatch(r"\d+", cell)]
            self.expect(len(found) >= len(TXT_FIGURES_SECTIONS) and bool(numbers), "the figure sections with numbers",
                        f"{len(found)} sections, {len(numbers)} numbers")
            teamleider = {s["id"]: s["rows"] for s in json.loads(self.case("figures_sections"))}
            same = [s["id"] for s in found if teamleider.get(s["id"]) == s["rows"]]
            self.expect(bool(same), "some tables exactly as the teamleider saw them", "none the same")
            # Where a table differs, it is because small counts are hidden for a role that may not see
            # persons (issue 20): a different cell is "< N" (a count) or "—" (a share or duration beside it).
            differing = [(s["id"], b, t) for s in found for brow, trow in zip(s["rows"], teamleider.get(s["id"], []))
                         for b, t in zip(brow, trow) if b != t]
            odd = [d for d in differing if not (d[1].startswith("< ") or d[1] == "—")]
            self.expect(not odd, "every other cell the same, or hidden as '< N' / '—' (small-cell suppression)",
                        "; ".join(f"{i}: {b!r} for {t!r}" for i, b, t in odd[:5]))
            hidden = [d for d in differing if d[1].startswith("< ")]
            small = [d for d in hidden if re.fullmatch(r"\d+", d[2]) and int(d[2]) >= 5]
            print(f"    {len(same)} tables the same as the teamleider's; {len(hidden)} counts hidden "
                  f"({len(hidden) - len(small)} below 5, {len(small)} beside them)")
            links = self.driver.find_elements(By.CSS_SELECTOR, "main a[href*='/cijfers/zaken'], main a[href^='/personen/']")
            self.expect(not links, "no links to /cijfers/zaken or /personen/ for a beleidsmedewerker",
                        ", ".join(a.get_attribute("href") for a in links[:3]))
            self.expect(TXT_FIGURES_NO_CASES in self.page_text(), f"the note '{TXT_FIGURES_NO_CASES}'")
            print(f"    {len(found)} sections, {len(numbers)} numbers, no links to cases")
            self.check_page("cijfers-beleid")

        def cases_forbidden():
            self.open(self.case("cases_href"))
            self.expect(self.status() == 403, f"HTTP 403 on {self.facts['cases_href']}", f"HTTP {self.status()}")
            self.expect(self.h1() == "Geen toegang", "the error page 'Geen toegang'", self.h1())
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/personen/']"), "no people on the page")
            self.check_page("cijfers-geen-toegang")

        for name, function in [
            ("log in as teamleider", login_teamleider),
            (f"the dashboard of {TXT_FIGURES_PLACE} ({FIGURES_MUNICIPALITY}) for this year", open_dashboard),
            ("a period that ends before it starts is refused, the values kept", refused_period),
            (f"the cases behind a number of '{TXT_FIGURES_PIP}'", cases_behind_a_number),
            (f"'{TXT_FIGURES_COUNCIL_LINK}'", council),
            ("a table as CSV (/cijfers/csv?tabel=pipOnTime)", csv_download),
            ("log out, log in as beleidsmedewerker", login_beleid),
            ("the dashboard: numbers, no links to cases", numbers_without_links),
            ("the cases behind a number: Geen toegang", cases_forbidden),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    def journey_ontzorgen(self) -> None:
        """Financieel ontzorgen: a budgetbeheerder prepares next month's payment run for the municipality of a person
        without a signed mandate (a month too far ahead refused first); the run holds that person back and cannot be
        approved by its preparer; a second budgetbeheerder approves it (four eyes); the SEPA pain.001.001.03 file is
        checked, validated against its schema where xmllint and sepaxml are there, and exported twice with the same
        bytes; a person's page and printable statement; a consulent gets "Geen toegang"; the functioneel beheerder's
        policy form refuses an invalid IBAN."""
        today = date.today()
        next_month = month_start(today, 1)

        def captioned(caption: str) -> list[dict]:
            """The body rows of the table with this caption: {column heading: cell text}, and '_links' [[text, href]]."""
            return self.driver.execute_script("""
                var caption = arguments[0];
                var table = Array.from(document.querySelectorAll('main table')).find(function (t) {
                  return t.caption && t.caption.textContent.trim() === caption; });
                if (!table) return null;
                var heads = Array.from(table.querySelectorAll('thead th')).map(function (th) { return th.textContent.trim(); });
                return Array.from(table.querySelectorAll('tbody tr')).map(function (tr) {
                  var row = {_links: Array.from(tr.querySelectorAll('a')).map(function (a) {
                    return [a.textContent.trim(), a.getAttribute('href')]; })};
                  Array.from(tr.cells).forEach(function (td, i) { row[heads[i] || String(i)] = td.textContent.replace(/\\s+/g, ' ').trim(); });
                  return row;
                });""", caption)

        def fetch(path: str) -> dict:
            """GET path with the browser's session (fetch in the page): status, content type, disposition, body bytes."""
            answer = self.driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
                  return r.arrayBuffer().then(function (buffer) {
                    var bytes = new Uint8Array(buffer), text = '';
                    for (var i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
                    done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
                          body: btoa(text)});
                  });
                }).catch(function (e) { done({status: 0, body: '', error: String(e)}); });""", self.url(path))
            answer["body"] = base64.b64decode(answer.get("body") or "")
            return answer

        def person_municipality(path: str) -> str:
            """The 'Gemeente' of a person's file, read with fetch (the file is not a page of this journey)."""
            return self.driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
                  var doc = new DOMParser().parseFromString(html, 'text/html');
                  var dt = Array.from(doc.querySelectorAll('main dl.facts dt')).find(function (d) { return d.textContent.trim() === 'Gemeente'; });
                  done(dt && dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : '');
                }).catch(function () { done(''); });""", self.url(path))

        def run_facts() -> dict[str, str]:
            return self.driver.execute_script("""
                var out = {};
                document.querySelectorAll('main dl.facts dt').forEach(function (dt) {
                  out[dt.textContent.trim()] = dt.nextElementSibling ? dt.nextElementSibling.textContent.replace(/\\s+/g, ' ').trim() : ''; });
                return out;""")

        def run_status() -> str:
            return self.text_of("main .phase-badge strong")

        def buttons() -> list[str]:
            return [b.text.strip() for b in self.driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")]

        def login_budget():
            self.open("/inloggen")
            # A budget manager works in Ontzorgen and lands there.
            self.logged_in_home(BUDGET, "/ontzorgen")

        def overview():
            self.nav(TXT_ONTZORGEN_NAV, "/ontzorgen")
            self.expect(self.h1() == TXT_ONTZORGEN, f"heading '{TXT_ONTZORGEN}'", self.h1())
            headings = [h.text.strip() for h in self.driver.find_elements(By.CSS_SELECTOR, "main h2")]
            missing = [h for h in TXT_ONTZORGEN_SECTIONS if h not in headings]
            self.expect(not missing, "the sections " + ", ".join(f"'{h}'" for h in TXT_ONTZORGEN_SECTIONS),
                        "missing " + ", ".join(missing) + "; found: " + " | ".join(headings))
            places = {o.get_attribute("value"): o.text.strip() for o in Select(self.find("main #gemeente", "the field 'gemeente'")).options}
            policies = {parse_qs(urlparse(a.get_attribute("href")).query).get("gemeente", [""])[0]
                        for a in self.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/ontzorgen/beleid?']")}
            self.expect(len(places) >= 3 and set(places) <= policies, "a policy summary for every municipality of the run form",
                        f"form: {sorted(places)}, policies: {sorted(policies)}")
            self.expect(self.find("main #maand").get_attribute("type") == "month", "#maand to be an input type=month")
            self.expect(self.value("maand") == month_iso(next_month), f"#maand to default to next month ({month_iso(next_month)})",
                        repr(self.value("maand")))
            self.expect(bool(self.value("uitvoerdatum")), "#uitvoerdatum to have a default")
            # The run: for the municipality of a person without a signed mandate whose arrangement runs then (the
            # demo has one), next month; the month after if that one has a run already (a second test run).
            runs = captioned("Betaalruns") or []
            arrangements = captioned("Regelingen") or []
            unsigned = [r for r in arrangements if TXT_MANDATE_MISSING in r.get("Aandacht", "")]
            self.expect(bool(unsigned), f"an arrangement marked '{TXT_MANDATE_MISSING}' in the table 'Regelingen' (demo data)",
                        f"{len(arrangements)} arrangements")
            names = {}
            choice = None
            for first in (next_month, month_start(today, 2)):
                for row in unsigned:
                    end = dutch_date(row.get("Einde", ""))
                    if end is None or end < first:
                        continue
                    href = row["_links"][0][1]
                    if href not in names:
                        names[href] = person_municipality(href.removesuffix("/ontzorgen"))
                    place = names[href]
                    # A run of that month, or any run waiting for approval (it blocks a new one), rules the choice out.
                    taken = any(r.get("Gemeente") == place and (r.get("Betaalmaand") == month_name(first) or r.get("Status") == TXT_RUN_WAITING)
                                for r in runs)
                    if place in places.values() and not taken:
                        choice = (first, next(code for code, name in places.items() if name == place), place, row["Naam"])
                        break
                if choice:
                    break
            self.expect(choice is not None, "a person without a signed mandate in a municipality with no run waiting for approval "
                        "and no run yet next month or the month after (on a server that ran this journey twice, start a fresh one)",
                        f"runs: {[(r.get('Gemeente'), r.get('Betaalmaand'), r.get('Status')) for r in runs]}; unsigned: "
                        + ", ".join(f"{r['Naam']} ({names.get(r['_links'][0][1], '?')}, until {r.get('Einde')})" for r in unsigned))
            first, code, place, person = choice
            execution = max(today + timedelta(days=2), first - timedelta(days=3))
            self.facts.update(run_month=month_iso(first), run_code=code, run_place=place, run_unsigned=person,
                              run_execution=execution.isoformat())
            print(f"    {len(runs)} runs, {len(arrangements)} arrangements; {person} has no signed mandate → "
                  f"{place} ({code}), {month_name(first)}")
            self.check_page("ontzorgen")

        def refused_month():
            bad = month_iso(month_start(today, 4))
            wanted = {"gemeente": self.case("run_code"), "maand": bad, "uitvoerdatum": self.case("run_execution")}
            for name, value in wanted.items():
                self.fill(name, value)
            self.submit("main form[action='/ontzorgen/runs']")
            self.expect(self.path == "/ontzorgen/runs" and self.status() == 400, f"HTTP 400 for the month {bad}",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            text, targets = self.error_summary()
            self.expect(TXT_RUN_TOO_FAR in text and "#maand" in targets, f"an error '…{TXT_RUN_TOO_FAR}' linking to #maand",
                        f"{text!r} → {targets}")
            kept = {name: self.value(name) for name in wanted}
            self.expect(kept == wanted, "the typed values to be kept", f"{kept}")
            self.expect(self.find("main #maand").get_attribute("aria-invalid") == "true", "#maand marked aria-invalid")
            print(f"    maand {bad}: {text.splitlines()[-1] if text else '-'}")
            self.check_page("ontzorgen-fout")

        def prepare():
            self.fill("maand", self.case("run_month"))
            self.fill("uitvoerdatum", self.case("run_execution"))
            self.click_and_wait(self.button("main form[action='/ontzorgen/runs'] button[type=submit]", TXT_RUN_PREPARE))
            self.expect(re.fullmatch(r"/ontzorgen/runs/[^/]+", self.path) is not None and self.status() == 200,
                        "a redirect to /ontzorgen/runs/<id>",
                        f"{self.driver.current_url} (HTTP {self.status()}); error: {self.text_of('.error-summary') or '-'}")
            self.facts["run_path"] = self.path
            month = month_name(date.fromisoformat(self.case("run_month") + "-01"))
            self.expect(month in self.h1() and self.case("run_place") in self.h1(), f"a heading with '{month}' and the municipality",
                        self.h1())
            self.expect(run_status() == TXT_RUN_WAITING, f"the status '{TXT_RUN_WAITING}'", run_status() or "no status")
            held = captioned(TXT_RUN_HELD)
            self.expect(bool(held), f"the section '{TXT_RUN_HELD}' with the people held back", "no such table")
            reasons = {r["Naam"]: r["Waarom"] for r in held}
            self.expect(reasons.get(self.case("run_unsigned")) == TXT_HELD_NO_MANDATE,
                        f"{self.facts['run_unsigned']} held back: '{TXT_HELD_NO_MANDATE}'", f"{reasons}")
            actions = self.text_of("main .actions")
            self.expect(TXT_FOUR_EYES in actions, f"a hint '…{TXT_FOUR_EYES}' for the preparer", actions[:300] or "no actions")
            found = buttons()
            self.expect(TXT_APPROVE not in found, f"no '{TXT_APPROVE}' for the one who prepared the run", ", ".join(found))
            self.expect(TXT_RECALCULATE in found and TXT_DELETE in found, f"the buttons '{TXT_RECALCULATE}' and '{TXT_DELETE}'",
                        ", ".join(found))
            persons, lines = captioned(TXT_RUN_PERSONS), captioned(TXT_RUN_LINES)
            self.expect(bool(persons) and bool(lines), f"the tables '{TXT_RUN_PERSONS}' and '{TXT_RUN_LINES}'",
                        f"{len(persons or [])} and {len(lines or [])} rows")
            facts = run_facts()
            counted = re.fullmatch(r"(\d+) \((.+)\)", facts.get("Betalingen", ""))
            self.expect(counted is not None and int(counted[1]) > 0, "'Betalingen: N (€ total)' with N above 0", repr(facts.get("Betalingen")))
            in_file = [r for r in lines if r.get("Status", "").startswith(TXT_LINE_IN_FILE)]
            held_lines = [r for r in lines if r.get("Status", "").startswith(TXT_LINE_HELD)]
            self.expect(len(in_file) == int(counted[1]), f"{counted[1]} lines '{TXT_LINE_IN_FILE}' in '{TXT_RUN_LINES}'",
                        f"{len(in_file)}")
            self.expect(not {r["Naam"] for r in in_file} & set(reasons), "no line in the file for a person held back",
                        ", ".join(sorted({r["Naam"] for r in in_file} & set(reasons))))
            self.facts.update(run_count=counted[1], run_total=str(euros(counted[2])),
                              run_held_refs=json.dumps(sorted({r["Kenmerk"] for r in held_lines})),
                              run_persons=json.dumps([{"name": r["_links"][0][0] if r["_links"] else r["Naam"], "status": r["Status"],
                                                       "leefgeld": r["Leefgeld"], "links": r["_links"]} for r in persons]))
            print(f"    {self.h1()}: {facts.get('Betalingen')}; {facts.get('Personen')}; held: "
                  + "; ".join(f"{n} ({w})" for n, w in reasons.items()))
            self.check_page("betaalrun")

        def not_before_approval():
            path = self.case("run_path") + "/betaalbestand.xml"
            answer = fetch(path)
            self.expect(answer["status"] == 409, f"HTTP 409 for {path} before the approval", f"HTTP {answer['status']}")

        def login_second():
            self.logout()
            self.logged_in_home(BUDGET2, "/ontzorgen")

        def approve():
            path = self.case("run_path")
            self.open(path)
            self.expect(run_status() == TXT_RUN_WAITING, f"the status '{TXT_RUN_WAITING}'", run_status() or "no status")
            self.click_and_wait(self.button("main form button[type=submit]", TXT_APPROVE))
            self.expect(self.path == path and self.status() == 200, f"back on {path}", f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect(run_status() == TXT_RUN_APPROVED, f"the status '{TXT_RUN_APPROVED}'", run_status() or "no status")
            download = self.link("main .actions a", TXT_DOWNLOAD)
            self.expect(download.get_dom_attribute("href") == path + "/betaalbestand.xml", f"'{TXT_DOWNLOAD}' → {path}/betaalbestand.xml",
                        download.get_dom_attribute("href"))
            found = buttons()
            self.expect(TXT_RECALCULATE not in found and TXT_DELETE not in found and TXT_APPROVE not in found,
                        "no more buttons to recalculate, delete or approve", ", ".join(found))
            print(f"    {run_facts().get('Goedgekeurd door', '?')}")
            self.check_page("betaalrun-goedgekeurd")

        def sepa_file():
            path = self.case("run_path") + "/betaalbestand.xml"
            answer = fetch(path)
            self.expect(answer["status"] == 200 and (answer.get("type") or "").startswith("application/xml"),
                        f"HTTP 200 application/xml for {path}", f"HTTP {answer['status']} {answer.get('type')}: {answer['body'][:200]!r}")
            body = answer["body"]
            self.expect(PAIN_001.encode() in body, f"the namespace {PAIN_001}", repr(body[:300]))
            saved = self.screenshots / f"{self.counter:02d}-betaalbestand.xml"  # next to the approved run's screenshot
            saved.write_bytes(body)
            self.facts.update(sepa_file=str(saved), sepa_bytes=base64.b64encode(body).decode())
            root = ET.fromstring(body)
            ns = {"p": PAIN_001}
            message = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", default="", namespaces=ns)
            self.expect(bool(message.strip()), "a <MsgId>")
            count = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", default="", namespaces=ns)
            total = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", default="", namespaces=ns)
            transfers = root.findall(".//p:CdtTrfTxInf", ns)
            amounts = [Decimal(a.text) for a in root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
            self.expect(count.isdigit() and int(count) == len(transfers), "<NbOfTxs> equal to the number of <CdtTrfTxInf>",
                        f"{count!r}, {len(transfers)} transfers")
            self.expect(len(amounts) == len(transfers) and bool(total) and Decimal(total) == sum(amounts),
                        "<CtrlSum> equal to the sum of the <InstdAmt>", f"{total!r}, sum {sum(amounts)}")
            self.expect(count == self.case("run_count") and Decimal(total) == Decimal(self.case("run_total")),
                        f"the run page's numbers: {self.facts['run_count']} payments, € {self.facts['run_total']}", f"{count}, {total}")
            references = {t.findtext("p:RmtInf/p:Ustrd", default="", namespaces=ns) for t in transfers}
            held = set(json.loads(self.case("run_held_refs"))) & references
            self.expect(not held, "no transfer for a line held back", ", ".join(sorted(held)))
            print(f"    {answer.get('disposition')}: MsgId {message}, {count} transfers, CtrlSum {total}; saved as {saved.name}")

        def sepa_schema():
            xmllint = shutil.which("xmllint")
            try:
                import sepaxml
            except ImportError:
                sepaxml = None
            if xmllint is None or sepaxml is None:
                raise StepSkipped("no schema check: " + " and ".join(
                    ([] if xmllint else ["xmllint is not on PATH (Debian: apt-get install libxml2-utils)"])
                    + ([] if sepaxml else ["the PyPI package sepaxml (its pain.001.001.03.xsd) is not installed"])))
            xsd = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
            if not os.path.isfile(xsd):
                raise StepSkipped(f"no schema check: {xsd} does not exist")
            result = subprocess.run([xmllint, "--noout", "--schema", xsd, self.case("sepa_file")], capture_output=True, text=True,
                                    timeout=60)
            output = (result.stderr + result.stdout).strip()
            self.expect(result.returncode == 0, "the SEPA file to be valid against pain.001.001.03.xsd", output[-1500:])
            print(f"    xmllint --schema {xsd}: {output.splitlines()[-1] if output else 'valid'}")

        def sepa_again():
            path = self.case("run_path")
            answer = fetch(path + "/betaalbestand.xml")
            first = base64.b64decode(self.case("sepa_bytes"))
            self.expect(answer["status"] == 200 and answer["body"] == first, "the same bytes the second time (the same message id)",
                        f"HTTP {answer['status']}, {len(answer['body'])} bytes against {len(first)}")
            self.open(path)
            self.expect(TXT_DOWNLOADED_TWICE in self.text_of("main .actions"), f"'…{TXT_DOWNLOADED_TWICE}…' on the run page",
                        self.text_of("main .actions")[:300] or "no text")
            print(f"    status {run_status()}: {self.text_of('main .actions .hint')[:160]}")
            self.check_page("betaalrun-gedownload")

        def person():
            people = json.loads(self.case("run_persons"))
            paid = next((p for p in people if p["status"] == TXT_RUN_PAID), None)
            self.expect(paid is not None, f"a person '{TXT_RUN_PAID}' in the table '{TXT_RUN_PERSONS}'", f"{[p['status'] for p in people]}")
            href = paid["links"][0][1]
            self.expect(re.fullmatch(r"/personen/[^/]+/ontzorgen", href) is not None, "the name to link to /personen/<id>/ontzorgen", href)
            self.click_and_wait(self.find(f"main table a[href='{href}']", f"the link to {href}"))
            self.expect(self.path == href, f"to be on {href}", self.path)
            self.expect(self.h1() == TXT_ONTZORGEN, f"heading '{TXT_ONTZORGEN}'", self.h1())
            self.expect(paid["name"] in self.text_of("main .breadcrumb"), f"the name {paid['name']} above the heading",
                        self.text_of("main .breadcrumb"))
            headings = [h.text.strip() for h in self.driver.find_elements(By.CSS_SELECTOR, "main h2")]
            missing = [h for h in TXT_PERSON_SECTIONS if h not in headings]
            self.expect(not missing, "the sections " + ", ".join(TXT_PERSON_SECTIONS), "missing " + ", ".join(missing))
            self.facts.update(person_ontzorgen=href, person_name_ontzorgen=paid["name"], person_leefgeld=paid["leefgeld"])
            print(f"    {paid['name']}: {' | '.join(headings)}")
            self.check_page("ontzorgen-persoon")

        def statement():
            month = self.case("run_month")
            target = f"{self.case('person_ontzorgen')}/overzicht?maand={month}"
            link = self.find(f"main a[href='{target}']", f"a link '{TXT_STATEMENT_LINK}' to {target}")
            self.expect(link.text.strip() == TXT_STATEMENT_LINK, f"the link to {target} to read '{TXT_STATEMENT_LINK}'", link.text)
            self.click_and_wait(link)
            self.expect(self.path == target.split("?")[0] and self.query.get("maand") == [month] and self.status() == 200,
                        f"HTTP 200 on {target}", f"{self.driver.current_url} (HTTP {self.status()})")
            title = TXT_STATEMENT_TITLE.format(month=month_name(date.fromisoformat(month + "-01")))
            self.expect(self.h1() == title, f"heading '{title}'", self.h1())
            text = self.page_text()
            self.expect("leefgeld" in text and self.case("person_leefgeld") in text,
                        f"the leefgeld of the run ({self.facts['person_leefgeld']})", text[:400])
            self.expect(self.facts["person_name_ontzorgen"] in text, f"the name {self.facts['person_name_ontzorgen']}")
            self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "header nav.site-nav"), "no site menu on the printable statement")
            print(f"    {title}: leefgeld {self.facts['person_leefgeld']}")
            self.check_page("ontzorgen-overzicht")

        def back_and_logout():
            # The printable statement has no site header: back to the person's page (checked above) to log out.
            self.click_and_wait(self.link("nav.letter__tools a", TXT_STATEMENT_BACK))
            self.expect(self.path == self.case("person_ontzorgen"), f"to be on {self.facts['person_ontzorgen']}", self.path)
            self.logout()

        def consulent_forbidden():
            self.logged_in_home(CONSULENT, "/")
            menu = [a.text.strip() for a in self.driver.find_elements(By.CSS_SELECTOR, "nav.site-nav a")]
            self.expect(TXT_ONTZORGEN_NAV not in menu, f"no menu link '{TXT_ONTZORGEN_NAV}' for a consulent", ", ".join(menu))
            self.open("/ontzorgen")
            self.expect(self.status() == 403, "HTTP 403 on /ontzorgen", f"HTTP {self.status()}")
            self.expect(self.h1() == "Geen toegang", "the error page 'Geen toegang'", self.h1())
            self.check_page("ontzorgen-geen-toegang")

        def login_beheer():
            self.logged_in_home(BEHEER, "/cijfers")

        policy_path = f"/ontzorgen/beleid?gemeente={POLICY_MUNICIPALITY}"

        def policy():
            self.open(policy_path)
            self.expect(self.path == "/ontzorgen/beleid" and self.status() == 200, f"HTTP 200 on {policy_path}",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            self.expect(self.h1() == f"{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}", f"heading '{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}'", self.h1())
            versions = captioned(TXT_POLICY_VERSIONS)
            self.expect(bool(versions), f"a table '{TXT_POLICY_VERSIONS}' with the policy's versions", "no rows")
            headings = [h.text.strip() for h in self.driver.find_elements(By.CSS_SELECTOR, "main h2")]
            self.expect(TXT_POLICY_NEW in headings, f"the section '{TXT_POLICY_NEW}'", " | ".join(headings))
            self.find("main form.form #debtorIban", "the field 'debtorIban'")
            self.facts["policy_versions"] = str(len(versions))
            print(f"    {len(versions)} versions: " + "; ".join(r.get("Geldt vanaf", "") for r in versions))
            self.check_page("ontzorgen-beleid")

        def policy_refused():
            self.fill("debtorIban", BAD_IBAN)
            self.submit("main form.form")
            self.expect(self.path == "/ontzorgen/beleid" and self.status() == 400, "HTTP 400 for an invalid IBAN",
                        f"{self.driver.current_url} (HTTP {self.status()})")
            text, targets = self.error_summary()
            self.expect("IBAN" in text and "#debtorIban" in targets, "an error about the IBAN linking to #debtorIban", f"{text!r} → {targets}")
            self.expect(self.value("debtorIban") == BAD_IBAN, f"the typed {BAD_IBAN} kept", repr(self.value("debtorIban")))
            self.expect(self.find("main #debtorIban").get_attribute("aria-invalid") == "true", "#debtorIban marked aria-invalid")
            print(f"    {BAD_IBAN}: {text.splitlines()[-1] if text else '-'}; heading '{self.h1()}'")
            self.check_page("ontzorgen-beleid-fout")
            # The refused form is still the one of the municipality it was sent for (a corrected form must not save
            # the policy of another municipality).
            action = self.find("main form.form").get_dom_attribute("action") or ""
            self.expect(self.h1() == f"{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}" and action == policy_path,
                        f"still the policy of {TXT_POLICY_PLACE}: heading '{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}', form action {policy_path}",
                        f"heading '{self.h1()}', form action {action}")

        for name, function in [
            ("log in as budgetbeheerder", login_budget),
            ("/ontzorgen: policies, the run form, runs, arrangements, undecided", overview),
            ("a month four months ahead is refused, the values kept", refused_month),
            (f"'{TXT_RUN_PREPARE}': people held back, no '{TXT_APPROVE}' for the preparer", prepare),
            ("no SEPA file before the approval (409)", not_before_approval),
            ("log out, log in as the second budgetbeheerder", login_second),
            (f"'{TXT_APPROVE}' (four eyes)", approve),
            ("the SEPA file: pain.001.001.03, NbOfTxs and CtrlSum", sepa_file),
            ("the SEPA file against pain.001.001.03.xsd (xmllint)", sepa_schema),
            ("a second export: the same bytes, '2 keer gedownload'", sepa_again),
            (f"a person's page from '{TXT_RUN_PERSONS}'", person),
            (f"the printable statement ('{TXT_STATEMENT_LINK}')", statement),
            (f"'{TXT_STATEMENT_BACK}', log out", back_and_logout),
            ("log in as consulent: /ontzorgen is Geen toegang", consulent_forbidden),
            ("log out", self.logout),
            ("log in as functioneel beheerder", login_beheer),
            (f"the policy of {TXT_POLICY_PLACE} ({policy_path})", policy),
            ("the policy form: an invalid IBAN is refused, the value kept", policy_refused),
            ("log out", self.logout),
        ]:
            self.step(name, function)

    # -- report --------------------------------------------------------------------------------

    def report(self, seconds: float) -> bool:
        print("\n" + "=" * 100)
        print(f"Pages (axe-core {self.axe_version}; failing impacts: {', '.join(sorted(BLOCKING_IMPACTS))})")
        print(f"{'#':>3}  {'page':<22} {'path':<24} {'width':>5}  {'loading':<10} {'axe':<26} screenshot")
        for p in self.pages:
            by_impact: dict[str, int] = {}
            for v in p.violations:
                by_impact[v.get("impact") or "?"] = by_impact.get(v.get("impact") or "?", 0) + 1
            counts = ", ".join(f"{n} {i}" for i, n in sorted(by_impact.items())) or "no violations"
            axe = ("ERROR" if p.axe_error else ("PASS" if p.axe_passed else "FAIL")) + f" ({counts})"
            load = f"{len(p.load_errors)} error(s)" if p.load_errors else "ok"
            print(f"{p.number:>3}  {p.name:<22} {short(urlparse(p.url).path):<24} {p.width:>5}  {load:<10} {axe:<26} {p.screenshot}")

        print("\nSteps")
        for s in self.steps:
            print(f"  {'SKIP' if s.skipped else 'PASS' if s.passed else 'FAIL'}  {s.seconds:5.1f}s  {s.journey} / {s.name}")
            if s.detail:
                print(f"          {s.detail}")

        failed_steps = [s for s in self.steps if not s.passed]
        failed_pages = [p for p in self.pages if not p.passed]
        if any(p.load_errors for p in self.pages):
            print("\nPages that did not load cleanly (stylesheet/script not loaded, console errors)")
            grouped: dict[str, list[str]] = {}
            for p in self.pages:
                for error in p.load_errors:
                    grouped.setdefault(error, []).append(p.name)
            for error, names in grouped.items():
                where = "every page" if len(names) == len(self.pages) else ", ".join(names)
                print(f"  {error}\n      on {where}")
        if any(not p.axe_passed for p in self.pages):
            print("\nSerious/critical accessibility violations")
            for p in failed_pages:
                if p.axe_error:
                    print(f"  {p.name} ({urlparse(p.url).path}): {p.axe_error}")
                for v in p.blocking:
                    targets = "; ".join(" ".join(map(str, n.get("target", []))) for n in v.get("nodes", []))
                    print(f"  {p.name} ({urlparse(p.url).path}): {v['id']} [{v['impact']}] {v.get('help')} → {targets}")

        skipped = sum(s.skipped for s in self.steps)
        checks_passed = sum(s.passed and not s.skipped for s in self.steps) + sum(p.passed for p in self.pages)
        checks_failed = len(failed_steps) + len(failed_pages)
        ok = checks_failed == 0 and bool(self.steps)
        axe_ok = sum(p.axe_passed for p in self.pages)
        load_ok = sum(not p.load_errors for p in self.pages)
        print(f"\n{'PASSED' if ok else 'FAILED'}: {len(self.steps) - len(failed_steps) - skipped}/{len(self.steps) - skipped} steps"
              + (f" ({skipped} skipped)" if skipped else "") + ", "
              f"{axe_ok}/{len(self.pages)} pages without serious/critical axe violations, "
              f"{load_ok}/{len(self.pages)} pages loaded cleanly, {seconds:.1f}s")
        print(f"{checks_passed} passed, {checks_failed} failed")
        return ok


def short(path: str, width: int = 24) -> str:
    return path if len(path) <= width else path[:width - 9] + "…" + path[-8:]


INTAKE_TOPICS = ("opleidingEnWerkervaring", "persoonlijkeOmstandighedenEnGezondheid", "voorschoolseEducatie", "taalniveau",
                 "arbeidsparticipatie", "zelfredzaamheid", "gezinssituatie", "sociaalNetwerk", "motivatie", "digitaleVaardigheden")


def dutch_date(text: str) -> date | None:
    """The first date written the Dutch way ("17 januari 2027") in text."""
    match = re.search(rf"(\d{{1,2}}) ({'|'.join(DUTCH_MONTHS)}) (\d{{4}})", text)
    return date(int(match[3]), DUTCH_MONTHS.index(match[2]) + 1, int(match[1])) if match else None


def display_date(day: date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def month_start(day: date, months: int) -> date:
    """The first day of the month `months` after the month of day."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_iso(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_name(day: date) -> str:
    return f"{DUTCH_MONTHS[day.month - 1]} {day.year}"


def euros(text: str) -> Decimal:
    """An amount written the Dutch way ("€ 31.610,00") as a Decimal."""
    return Decimal(re.sub(r"[^\d,-]", "", text).replace(",", "."))


def iso_days_before(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) - timedelta(days=days)).isoformat()


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def main() -> int:
    parser = argparse.ArgumentParser(description="Regie browser smoke test (Selenium + axe-core).")
    parser.add_argument("--binary", type=Path, default=Path(os.environ.get("REGIE_BINARY", DEFAULT_BINARY)),
                        help=f"the regie executable to start (default: {DEFAULT_BINARY.relative_to(REPO_DIR)})")
    parser.add_argument("--base-url", default=os.environ.get("REGIE_BASE_URL"),
                        help="test an already running server with demo data instead of starting one")
    parser.add_argument("--screenshots", type=Path, default=DEFAULT_SCREENSHOTS, help="folder for the screenshots")
    parser.add_argument("--axe-script", default=os.environ.get("AXE_SCRIPT"),
                        help="an axe.min.js to inject (default: the newest one the installed packages ship)")
    parser.add_argument("--chromium", help="browser binary (default: CHROME_BIN or chromium on PATH)")
    parser.add_argument("--chromedriver", help="driver binary (default: CHROMEDRIVER or chromedriver on PATH)")
    parser.add_argument("--journey", action="append", choices=JOURNEYS, metavar="NAME",
                        help="run only this journey (repeatable; default: all): " + ", ".join(JOURNEYS))
    args = parser.parse_args()
    selected = set(args.journey or JOURNEYS)

    started = time.monotonic()

    server: Server | None = None
    driver: WebDriver | None = None

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if args.base_url:
            base_url = args.base_url.rstrip("/")
            status = http_status(base_url + "/health/ready")
            if status != 200:
                print(f"ERROR: {base_url}/health/ready answered {status or 'nothing'}; is the server running?")
                return 2
        else:
            server = Server(args.binary.resolve())
            server.start()
            base_url = server.base_url
        print(f"· server ready at {base_url} ({time.monotonic() - started:.1f}s)")
        try:
            driver = make_driver(args.chromium, args.chromedriver)
        except WebDriverException as error:
            print(f"ERROR: could not start headless Chromium: {error.msg}")
            return 2
        version = driver.capabilities.get("browserVersion", "?")
        print(f"· {driver.capabilities.get('browserName', 'browser')} {version} headless, {DESKTOP[0]}x{DESKTOP[1]}")
        axe_path, axe_version = choose_axe_script(args.axe_script)
        axe_label = ".".join(map(str, axe_version)) or "unknown version"
        print(f"· axe-core {axe_label} from {axe_path}")
        if axe_version[:2] < MIN_AXE:
            print(f"  WARNING: axe-core {axe_label} is older than {'.'.join(map(str, MIN_AXE))}: expect missing rules and "
                  "known false positives. pip install -r e2e/requirements.txt")

        args.screenshots.mkdir(parents=True, exist_ok=True)
        for old in [*args.screenshots.glob("[0-9][0-9]-*.png"), *args.screenshots.glob("[0-9][0-9]-*.pdf"),
                    *args.screenshots.glob("[0-9][0-9]-*.xml")]:
            old.unlink()  # only this run's screenshots (and printed letter, SEPA file) in the folder
        smoke = Smoke(driver, base_url, args.screenshots, axe_path, binary=args.binary.resolve())
        for key, (label, journey) in {
            "consulent": ("consulent", smoke.journey_consulent),
            "beheer": ("functioneel beheerder", smoke.journey_beheer),
            "beleid": ("beleidsmedewerker", smoke.journey_beleid),
            "mobile": (f"mobile {MOBILE[0]}x{MOBILE[1]}", smoke.journey_mobile),
            "casework": ("casework", smoke.journey_casework),
            "pages": ("pages", smoke.journey_pages),
            "duo": ("duo", smoke.journey_duo),
            "figures": ("figures", smoke.journey_figures),
            "ontzorgen": ("ontzorgen", smoke.journey_ontzorgen),
        }.items():
            if key not in selected:
                continue
            if key == "duo" and args.base_url and not args.binary.is_file():
                print(f"\n== duo\n  (skipped: it starts its own Regie and DUO simulator from --binary, and {args.binary} does not exist)")
                continue
            smoke.journey_run(label, journey)
        if server is not None and (any(not s.passed for s in smoke.steps) or any(not p.passed for p in smoke.pages)):
            server.print_problems()
        ok = smoke.report(time.monotonic() - started)  # ends with the line "N passed, N failed"
        sys.stdout.flush()
        return 0 if ok else 1
    except RuntimeError as error:
        print(f"ERROR: {error}")
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    except Exception:  # a bug in the test itself: say so, and still clean up
        traceback.print_exc()
        return 2
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        if server is not None:
            if server.process and server.process.poll() not in (None, 0, -signal.SIGTERM):
                print(server.log_tail())
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
