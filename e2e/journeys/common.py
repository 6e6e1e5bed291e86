"""What the browser journeys share: the texts and accounts of the demo, the results, the axe-core
engine, the browser, and `Smoke` (a run's state, its helpers, its steps and the report)."""

from __future__ import annotations

import base64
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import axe_selenium_python
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

E2E_DIR = Path(__file__).resolve().parent.parent  # e2e/ (this file is in e2e/journeys/)
REPO_DIR = E2E_DIR.parent
DEFAULT_BINARY = REPO_DIR / ".build" / "debug" / "regie"
DEFAULT_SCREENSHOTS = E2E_DIR / "screenshots"

PASSWORD = "regie-demo-2026"
CONSULENT = "consulent@regie.example"
BEHEER = "beheer@regie.example"
BELEID = "beleid@regie.example"
TEAMLEIDER = "teamleider@regie.example"

# Dutch UI texts several journeys use (Sources/RegieServer/Resources/Locales/nl.json); each journey's
# own texts are in its module.
TXT_LOGOUT = "Uitloggen"
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december")

# The journeys in the order they run; --journey NAME runs only the ones named.
# "agenda" runs last: it moves the server's clock (and back to today at its end).
JOURNEYS = ("consulent", "beheer", "beleid", "mobile", "casework", "pages", "duo", "brp", "figures", "ontzorgen", "corrections",
            "secondFactor", "chain", "attendance", "agenda")

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
    reflow: list = field(default_factory=list)  # widths at which the page scrolls sideways (WCAG 1.4.10)

    @property
    def blocking(self) -> list:
        return [v for v in self.violations if v.get("impact") in BLOCKING_IMPACTS]

    @property
    def axe_passed(self) -> bool:
        return self.axe_error is None and not self.blocking

    @property
    def passed(self) -> bool:
        return self.axe_passed and not self.load_errors and not self.reflow


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
    def __init__(self, driver: WebDriver, base_url: str, screenshots: Path, axe_script: str, binary: Path | None = None,
                 server=None):
        self.driver = driver
        self.binary = binary  # for the journeys that start their own servers (duo)
        self.server = server  # the regie_server.Server this run started; None with --base-url (the clock cannot move)
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
        check.reflow = self.reflow_errors()
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

    # WCAG 1.4.10 Reflow: content fits 320 CSS px without scrolling sideways (a table may scroll inside
    # its own focusable box). Every checked page is measured at a phone's width and at 320 px.
    REFLOW_WIDTHS = (MOBILE[0], 320)

    def reflow_errors(self) -> list[str]:
        size = self.driver.get_window_size()
        out = []
        try:
            for width in self.REFLOW_WIDTHS:
                self.driver.set_window_size(width, MOBILE[1])
                inner = self.driver.execute_script("return window.innerWidth")
                found = self.driver.execute_script("""
                    var doc = document.documentElement, limit = doc.clientWidth;
                    if (doc.scrollWidth <= limit) return null;
                    var wide = Array.from(document.querySelectorAll('body *')).filter(function (e) {
                      var r = e.getBoundingClientRect(); return r.width > 0 && r.right > limit + 1;
                    }).filter(function (e) {
                      // Content of a box that scrolls (or clips) on its own does not widen the page.
                      for (var a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                        if (getComputedStyle(a).overflowX !== 'visible') return false;
                      }
                      return true;
                    });
                    var first = wide.find(function (e) { return !wide.some(function (o) { return o !== e && e.contains(o); }); });
                    var name = first ? first.tagName.toLowerCase() + (first.id ? '#' + first.id : '') + (first.className && typeof first.className === 'string' ? '.' + first.className.trim().split(/\\s+/).join('.') : '') : '?';
                    return [doc.scrollWidth, limit, name];
                """)
                if found and abs(inner - width) <= 20:
                    out.append(f"{width}px: the page is {found[0]}px wide in a {found[1]}px viewport (widest: {found[2]})")
        finally:
            self.driver.set_window_size(size["width"], size["height"])
        return out

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
        for error in check.reflow:
            print(f"    !! page does not reflow: {error}")
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

    def move_clock(self, days: int) -> None:
        """Restarts the server this run started on the same port and database with its clock `days` days
        ahead (0: the real clock again); the data stays, sessions may have expired. SKIP with --base-url."""
        if self.server is None:
            raise StepSkipped("the clock moves only on a server this run started (not with --base-url)")
        if self.server.clock_offset_days == days:
            return
        self.server.restart(clock_offset_days=days)
        print(f"    (server restarted, its clock {days:+d} day(s))" if days else "    (server restarted on the real clock)")

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
        # A field in a folded panel (the werkvoorraad's filters): open it, as a user would.
        self.driver.execute_script("var d = arguments[0].closest('details'); if (d && !d.open) { d.open = true; }", element)
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
        """Clicks the submit button of the first visible form matching the selector (a form folded
        away in a closed panel, such as a record's "Intrekken", is not the one meant) and waits."""
        button = self.wait_for(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, f"{form} button[type=submit]") if b.is_displayed()), None),
                               f"the submit button of {form}")
        self.click_and_wait(button)

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
            load = f"{len(p.load_errors)} error(s)" if p.load_errors else ("reflow" if p.reflow else "ok")
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
        if any(p.reflow for p in self.pages):
            print("\nPages that scroll sideways on a narrow screen (WCAG 1.4.10 Reflow)")
            for p in self.pages:
                for error in p.reflow:
                    print(f"  {p.name} ({urlparse(p.url).path}): {error}")
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




def dutch_date(text: str) -> date | None:
    """The first date written the Dutch way in text: in words ("17 januari 2027") or compact, as lists
    write it ("17-01-2027")."""
    match = re.search(rf"(\d{{1,2}}) ({'|'.join(DUTCH_MONTHS)}) (\d{{4}})", text)
    if match:
        return date(int(match[3]), DUTCH_MONTHS.index(match[2]) + 1, int(match[1]))
    compact = re.search(r"\b(\d{2})-(\d{2})-(\d{4})\b", text)
    return date(int(compact[3]), int(compact[2]), int(compact[1])) if compact else None


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




