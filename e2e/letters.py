#!/usr/bin/env python3
"""Letters on paper: print the PIP beschikking and the ontzorgen statement to PDF with Chromium and
check where the address lands.

For each letter: Chromium prints it (DevTools `Page.printToPDF`, the page's own CSS page size and
margins, as "Print" in the browser does), `pdftotext -bbox` gives every word's box, and the test
checks that
  - the addressee block (name, street, postcode and place) lies inside the left window of a
    standard window envelope: 20–110 mm from the left edge, 45–75 mm from the top (NEN 1026);
  - the letter names the kenmerk ("Ons kenmerk" with the case number) and the contact person;
  - it is in Dutch although the user's interface language is English;
  - the pages are numbered ("Pagina 1 van n": the letters are Dutch).

    python3 e2e/letters.py --binary .build/debug/regie

Exit code 0 when every check passed, 1 when one failed, 2 when the test could not run, 3 when
Chromium, chromedriver, selenium or pdftotext is missing (scripts/test skips then).
"""
from __future__ import annotations

import argparse
import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parent
sys.path.insert(0, str(E2E_DIR))

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    from selenium.common.exceptions import WebDriverException
except ImportError:  # pragma: no cover - reported as "missing"
    webdriver = None

from regie_server import Server, ServerError

PASSWORD = "regie-demo-2026"
CONSULENT = "consulent@regie.example"
BUDGET = "budget@regie.example"
PT_TO_MM = 25.4 / 72
WINDOW = {"left": 20.0, "right": 110.0, "top": 45.0, "bottom": 75.0}  # NEN 1026, left window
ADDRESS = {"straat": "Vensterweg", "huisnummer": "12a", "postcode": "6003 XE", "plaats": "Weert"}
ENGLISH_MARKERS = ["Our reference", "Contact person", "Dear ", "Subject"]


class Failed(Exception):
    pass


def missing_tools() -> list[str]:
    missing = []
    if webdriver is None:
        missing.append("selenium")
    if not (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")):
        missing.append("chromium")
    if not shutil.which("chromedriver"):
        missing.append("chromedriver")
    if not shutil.which("pdftotext"):
        missing.append("pdftotext (poppler-utils)")
    return missing


class Letters:
    def __init__(self, base_url: str, out_dir: Path):
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
            options.add_argument(argument)
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        options.binary_location = binary
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
        self.base = base_url
        self.out = out_dir
        self.failures: list[str] = []

    # -- browser helpers -----------------------------------------------------------------------
    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def click_and_wait(self, button) -> None:
        """Click something that navigates and wait until the new page has loaded. The old page is
        gone when asking its root element fails in any way: while a document is torn down Chromium
        answers "Node with given id does not belong to the document", which `staleness_of` does not
        take for stale (that flaked the PIP letter's journey on CI twice)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        button.click()

        def loaded(driver) -> bool:
            try:
                page.tag_name
                return False
            except WebDriverException:
                return driver.execute_script("return document.readyState") == "complete"

        WebDriverWait(self.driver, 20).until(loaded)

    def login(self, email: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/inloggen")
        self.driver.find_element(By.ID, "email").send_keys(email)
        self.driver.find_element(By.ID, "password").send_keys(PASSWORD)
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))

    def submit(self, form_css: str) -> None:
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]"))

    def set_locale(self, locale: str) -> None:
        self.open("/account")
        select = self.driver.find_element(By.CSS_SELECTOR, "select[name=locale]")
        Select(select).select_by_value(locale)
        self.click_and_wait(select.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.check(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale,
                   f"the interface language to be {locale}", self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang"))

    def set_address(self, person_path: str) -> None:
        self.open(person_path + "/adres")
        for part, value in ADDRESS.items():
            field = self.driver.find_element(By.ID, f"woon-{part}")
            field.clear()
            field.send_keys(value)
        self.submit("form[action$='/adres']")
        self.check(self.driver.current_url.endswith(person_path + "?melding=adres"), "the address to be saved", self.driver.current_url)

    def check(self, condition: bool, what: str, found: str = "") -> None:
        print(f"  {'ok  ' if condition else 'FAIL'} {what}" + ("" if condition else f" — found: {found}"))
        if not condition:
            self.failures.append(what)

    # -- printing and measuring ----------------------------------------------------------------
    def print_pdf(self, name: str) -> tuple[Path, list[dict]]:
        result = self.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        pdf = self.out / f"{name}.pdf"
        pdf.write_bytes(base64.b64decode(result["data"]))
        bbox = self.out / f"{name}.bbox.html"
        subprocess.run(["pdftotext", "-bbox", str(pdf), str(bbox)], check=True)
        words = []
        page_number = 0
        page_size = (0.0, 0.0)
        for line in bbox.read_text(encoding="utf-8").splitlines():
            page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
            if page:
                page_number += 1
                page_size = (float(page.group(1)) * PT_TO_MM, float(page.group(2)) * PT_TO_MM)
            word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
            if word:
                x0, y0, x1, y1 = (float(word.group(i)) * PT_TO_MM for i in range(1, 5))
                words.append({"page": page_number, "text": html.unescape(word.group(5)), "x0": x0, "y0": y0, "x1": x1, "y1": y1,
                              "page_size": page_size})
        return pdf, words

    def check_letter(self, name: str, kenmerk_pattern: str, recipient_name: str) -> None:
        html_text = self.driver.find_element(By.TAG_NAME, "main").text
        self.check(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl", f"{name}: <html lang=\"nl\">")
        contact = self.driver.execute_script(
            "const row=[...document.querySelectorAll('.letter__meta tr')].find(r=>r.querySelector('th').textContent==='Contactpersoon');"
            "return row?row.querySelector('td').textContent:'';")
        pdf, words = self.print_pdf(name)
        text = " ".join(w["text"] for w in words)
        first = [w for w in words if w["page"] == 1]
        width, height = first[0]["page_size"] if first else (0, 0)
        self.check(abs(width - 210) < 1 and abs(height - 297) < 1, f"{name}: A4 pages", f"{width:.1f} × {height:.1f} mm")
        # The address block: the recipient's name, then street, postcode and place in capitals.
        expected = recipient_name.split() + [ADDRESS["straat"], "12A"] + ADDRESS["postcode"].split() + [ADDRESS["plaats"].upper()]
        block = []
        for token in expected:
            candidates = [w for w in first if w["text"] == token and w["y0"] < 120]
            if not candidates:
                self.check(False, f"{name}: '{token}' of the address on page 1", text[:200])
                continue
            block.append(min(candidates, key=lambda w: w["y0"]))
        if block:
            left, right = min(w["x0"] for w in block), max(w["x1"] for w in block)
            top, bottom = min(w["y0"] for w in block), max(w["y1"] for w in block)
            print(f"    address block: x {left:.1f}–{right:.1f} mm, y {top:.1f}–{bottom:.1f} mm (window: x 20–110, y 45–75)")
            self.check(left >= WINDOW["left"] and right <= WINDOW["right"] and top >= WINDOW["top"] and bottom <= WINDOW["bottom"],
                       f"{name}: the address block inside the envelope window", f"x {left:.1f}–{right:.1f}, y {top:.1f}–{bottom:.1f}")
            # Anything else in the window would show through it (a name may repeat a word, so compare words).
            intruders = [w["text"] for w in first if w["text"] not in expected and w["x1"] > WINDOW["left"] and w["x0"] < WINDOW["right"]
                         and w["y1"] > WINDOW["top"] and w["y0"] < WINDOW["bottom"]]
            self.check(not intruders, f"{name}: nothing else shows through the window", " ".join(intruders))
        kenmerk = re.search(kenmerk_pattern, text)
        self.check("Ons kenmerk" in text and kenmerk is not None, f"{name}: 'Ons kenmerk' and the case number", text[:300])
        if kenmerk:
            print(f"    kenmerk: {kenmerk.group(0)}")
        self.check(bool(contact) and "Contactpersoon" in text and contact.split()[0] in text, f"{name}: the contact person ({contact})")
        self.check("Geachte" in text and not any(marker in text for marker in ENGLISH_MARKERS),
                   f"{name}: in Dutch for an English-speaking user", [m for m in ENGLISH_MARKERS if m in text])
        pages = max(w["page"] for w in words)
        self.check(f"Pagina {pages} van {pages}" in text, f"{name}: pages numbered (Pagina {pages} van {pages})", text[-200:])
        print(f"    {pdf.relative_to(REPO_DIR) if pdf.is_relative_to(REPO_DIR) else pdf} ({pages} page(s))")

    # -- the journeys --------------------------------------------------------------------------
    def first_link(self, css: str, pattern: str) -> str:
        for link in self.driver.find_elements(By.CSS_SELECTOR, css):
            path = re.sub(r"^https?://[^/]+", "", link.get_attribute("href") or "")
            if re.fullmatch(pattern, path):
                return path
        raise Failed(f"no link matching {pattern} on {self.driver.current_url}")

    def person_name(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, "main h1").text.strip()

    def pip_letter(self) -> None:
        print("PIP beschikking")
        self.login(CONSULENT)
        self.open("/?fase=pipVastgesteld")
        person = self.first_link("main table.caseload a", r"/personen/[^/?#]+")
        self.set_address(person)
        self.open(person + "/adres")
        name = self.driver.find_element(By.CSS_SELECTOR, ".breadcrumb a").text.strip()
        self.set_locale("en")
        self.open(person + "/pip")
        letter = self.first_link("main a", r"/personen/[^/]+/pip/\d+/brief")
        self.open(letter)
        self.check_letter("pip-beschikking", r"GM\d{4}-[0-9A-Z]{8}/PIP-\d+", name)
        self.set_locale("nl")

    def statement(self) -> None:
        print("Ontzorgen statement")
        self.login(BUDGET)
        self.open("/ontzorgen")
        ontzorgen = self.first_link("main table a", r"/personen/[^/]+/ontzorgen")
        person = ontzorgen.removesuffix("/ontzorgen")
        self.login(CONSULENT)
        self.set_address(person)
        self.open(person + "/adres")
        name = self.driver.find_element(By.CSS_SELECTOR, ".breadcrumb a").text.strip()
        self.login(BUDGET)
        self.set_locale("en")
        self.open(person + "/ontzorgen/overzicht")
        self.check_letter("ontzorgen-overzicht", r"GM\d{4}-[0-9A-Z]{8}/ONT-\d{4}-\d{2}", name)
        self.set_locale("nl")

    def close(self) -> None:
        self.driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO_DIR / ".build" / "debug" / "regie")
    parser.add_argument("--out", type=Path, default=E2E_DIR / "screenshots" / "letters")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print("letters: missing " + ", ".join(missing))
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    server = Server(args.binary, prefix="regie-letters-")
    try:
        server.start()
    except ServerError as error:
        print(f"letters: the server did not start: {error}")
        return 2
    letters = None
    try:
        letters = Letters(server.base_url, args.out)
        for name in ("pip_letter", "statement"):
            # A browser that crashes or stalls on a loaded machine is not a finding about the letters:
            # the journey is told what happened and run once more in a fresh browser. A check that
            # failed stays failed.
            for attempt in (1, 2):
                try:
                    getattr(letters, name)()
                    break
                except Failed as error:
                    letters.check(False, str(error))
                    break
                except WebDriverException as error:
                    url = ""
                    try:
                        url = letters.driver.current_url
                        letters.driver.save_screenshot(str(args.out / f"{name}-browser-error.png"))
                    except WebDriverException:
                        pass
                    print(f"letters: the browser failed in '{name}' ({type(error).__name__}: {(error.msg or '').strip()[:200]}) at {url}")
                    if attempt == 2:
                        raise
                    failures = letters.failures
                    letters.close()
                    letters = Letters(server.base_url, args.out)
                    letters.failures = failures
        if letters.failures:
            print(f"letters: {len(letters.failures)} check(s) failed")
            return 1
        print("letters: all checks passed")
        return 0
    except Exception as error:  # noqa: BLE001 - any crash means the test could not run
        print(f"letters: could not run: {type(error).__name__}: {getattr(error, 'msg', None) or error!r}")
        return 2
    finally:
        if letters:
            letters.close()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
