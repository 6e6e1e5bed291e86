"""The browser journey "pages" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from journeys.common import (
    BEHEER,
    CONSULENT,
    Smoke,
    TEAMLEIDER,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
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
TXT_ENFORCEMENT_SAVE = "Volgende stap zetten"
TXT_TASK_SAVE = "Taak opslaan"


def run(smoke: Smoke) -> None:
    """The casework pages the other journeys do not reach, each through the page check: the consulent's
    registration and a running case's sections, the team lead's team and assignment, the settings."""
    def login_consulent():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def register():
        link = smoke.link("main a.button", TXT_REGISTER)
        smoke.expect(urlparse(link.get_attribute("href")).path == "/personen/nieuw",
                    f"'{TXT_REGISTER}' to point to /personen/nieuw", link.get_attribute("href"))
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == "/personen/nieuw", "to be on /personen/nieuw", smoke.path)
        smoke.expect(smoke.h1() == TXT_REGISTER, f"heading '{TXT_REGISTER}'", smoke.h1())
        smoke.check_page("registreren")

    def register_refused():
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_REGISTER_BUTTON))
        smoke.expect(smoke.path == "/personen/nieuw" and smoke.status() == 400, "HTTP 400 on /personen/nieuw for an empty form",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(smoke.h1() == TXT_REGISTER, f"heading '{TXT_REGISTER}'", smoke.h1())
        text, targets = smoke.error_summary()
        smoke.expect(bool(targets), "the error summary to link to the fields", repr(text))
        missing = [t for t in targets if not (t.startswith("#") and smoke.driver.execute_script(
            "return !!document.getElementById(arguments[0])", t[1:]))]
        smoke.expect(not missing, "every link of the error summary to lead to a field on the page", ", ".join(missing))
        print(f"    error summary: {len(targets)} link(s) → {', '.join(targets)}")
        smoke.check_page("registreren-fout")

    def running_case():
        smoke.open("/?fase=inLeerroute&groep=asielstatushouder")
        rows = smoke.table("main table.caseload")
        smoke.expect(bool(rows), f"at least one case in phase '{TXT_PHASE_LEERROUTE}' (asielstatushouder)",
                    smoke.text_of("main .empty") or "no rows")
        phases = {r.get("Fase") for r in rows}
        smoke.expect(phases == {TXT_PHASE_LEERROUTE}, f"only cases in phase '{TXT_PHASE_LEERROUTE}'", ", ".join(sorted(map(str, phases))))
        link = smoke.find("main table.caseload tbody tr:first-child th a[href^='/personen/']",
                         "a link to the first case")
        name, path = link.text.strip(), urlparse(link.get_attribute("href")).path
        smoke.facts.update(running_name=name, running_path=path)
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == path, f"to be on {path}", smoke.path)
        family, given = (part.strip() for part in name.split(",", 1))
        smoke.expect(smoke.h1() == f"{given} {family}", f"heading '{given} {family}'", smoke.h1())
        links = {a.text.strip(): urlparse(a.get_attribute("href")).path
                 for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.section-links a")}
        for label, suffix in TXT_MORE_SECTIONS.items():
            smoke.expect(links.get(label) == path + suffix, f"a section link '{label}' to {path + suffix}",
                        ", ".join(f"{k} → {v}" for k, v in links.items()) or "no section links")
        print(f"    {len(rows)} case(s) in leerroute; first: {name} ({path})")

    def section(label: str, heading: str) -> None:
        """From the running case's file, follow one of its section links to the page with this heading."""
        path = smoke.case("running_path")
        if smoke.path != path:
            smoke.open(path)
        smoke.click_and_wait(smoke.link("main ul.section-links a", label))
        smoke.expect(smoke.path == path + TXT_MORE_SECTIONS[label], f"to be on {path + TXT_MORE_SECTIONS[label]}", smoke.path)
        smoke.expect(smoke.h1() == heading, f"heading '{heading}'", smoke.h1())

    def handover():
        section("Warme overdracht (COA)", "Warme overdracht van het COA")
        smoke.check_page("overdracht")

    def third_parties():
        """R1a: a request to a third party, recorded through the form, appears in the list."""
        section("Informatie van derden", TXT_DERDEN_HEADING)
        party = f"Huisarts (smoke test {time.strftime('%H:%M:%S')})"
        smoke.fill("party", party)
        smoke.fill("subject", "Medische beperkingen")
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", "Verzoek vastleggen"))
        smoke.expect_notice(TXT_DERDEN_SAVED)
        cells = [c.text.strip() for c in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody td")]
        smoke.expect(party in cells, f"a row for '{party}'", " | ".join(cells) or "no rows")
        smoke.check_page("derden")

    def intake_topic():
        """One topic of the brede intake, with its structured fields (the intake journey only saves conversations)."""
        path = smoke.case("running_path")
        smoke.open(path + "/intake/onderwerpen/opleidingEnWerkervaring")
        smoke.expect(smoke.h1() == "Opleiding en werkervaring", "heading 'Opleiding en werkervaring'", smoke.h1())
        smoke.find("main #hoogsteOpleiding", "the select 'Hoogst afgeronde opleiding'")
        smoke.check_page("intake-onderwerp")

    def progress():
        section("Voortgang en uren", "Voortgang en uren")
        meters = [" ".join(m.text.split()) for m in smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.meters .meter__text")]
        smoke.expect(any(TXT_METER.search(m) for m in meters), "a meter '… van … uur'", " | ".join(meters) or "no meters")
        print(f"    meters: {' | '.join(meters)}")
        smoke.check_page("voortgang")

    def enforcement():
        section("Handhaving", "Handhaving")
        smoke.check_page("handhaving")

    def enforcement_letter():
        """A step on the ladder and its letter: recorded when the case has none yet, then opened."""
        path = smoke.case("running_path")
        smoke.open(path + "/handhaving")
        letters = smoke.driver.find_elements(By.CSS_SELECTOR, "main table a[href$='/brief']")
        if not letters:
            Select(smoke.find("main select#overtreding", "the select 'Overtreding'")).select_by_index(1)
            smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_ENFORCEMENT_SAVE))
            smoke.expect(smoke.path == path + "/handhaving", f"back on {path}/handhaving", smoke.path)
            letters = smoke.driver.find_elements(By.CSS_SELECTOR, "main table a[href$='/brief']")
        smoke.expect(bool(letters), "a letter link beside the step", "no link")
        smoke.click_and_wait(letters[0])
        smoke.expect(re.fullmatch(path + r"/handhaving/[^/]+/brief", smoke.path) is not None, "on the step's letter", smoke.path)
        smoke.expect("Ons kenmerk" in smoke.driver.find_element(By.TAG_NAME, "body").text, "'Ons kenmerk' in the letter")
        smoke.check_page("handhaving-brief")

    def sent_letters():
        smoke.open(smoke.case("running_path") + "/brieven")
        smoke.expect(smoke.h1().startswith("Verzonden brieven"), "heading 'Verzonden brieven — …'", smoke.h1())
        smoke.check_page("brieven")

    def task_edit():
        """A task of the running case, opened through 'Wijzigen' on the case file (not saved)."""
        path = smoke.case("running_path")
        smoke.open(path)
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main a.task__edit")
        if not links:
            smoke.find("main details.add-task summary", "'Taak toevoegen'").click()
            smoke.fill("taskTitle", "Taalschool bellen (smoke test)")
            smoke.click_and_wait(smoke.button("main details.add-task form button[type=submit]", TXT_TASK_SAVE))
            links = smoke.driver.find_elements(By.CSS_SELECTOR, "main a.task__edit")
        smoke.expect(bool(links), "a 'Wijzigen' link beside an open task", "no link")
        smoke.click_and_wait(links[0])
        smoke.expect(re.fullmatch(path + r"/taken/[^/]+", smoke.path) is not None, "on the task's page", smoke.path)
        smoke.find("main input#taskTitle", "the field 'Taak'")
        smoke.check_page("taak-wijzigen")

    def documents():
        section("Documenten", "Documenten")
        title = f"Verslag huisarts (smoke test {time.strftime('%H:%M:%S')})"
        folder = Path(tempfile.mkdtemp(prefix="regie-e2e-upload-"))
        try:
            pdf = folder / "verslag-huisarts.pdf"
            pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
            smoke.fill("title", title)
            smoke.find("main input#file[type=file]", "the file field").send_keys(str(pdf))
            smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_UPLOAD))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        target = smoke.case("running_path") + "/documenten"
        smoke.expect(smoke.path == target and smoke.query.get("melding") == ["opgeslagen"], f"a redirect to {target}?melding=opgeslagen",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_UPLOADED)
        rows = smoke.table("main table")
        row = next((r for r in rows if r.get("Titel") == title), None)
        smoke.expect(row is not None, f"'{title}' in the documents table", " | ".join(r.get("Titel", "") for r in rows) or "no table")
        print(f"    uploaded: {row}")
        smoke.check_page("documenten")

    def close_form():
        section("Dossier afsluiten", "Dossier afsluiten")
        smoke.button("main form.form button[type=submit]", TXT_CLOSE_BUTTON)  # there, but not pressed
        smoke.check_page("afsluiten")

    def tasks():
        smoke.nav("Mijn taken", "/taken")
        smoke.expect(smoke.h1() == "Mijn taken", "heading 'Mijn taken'", smoke.h1())
        print(f"    {len(smoke.table('main table'))} open task(s)")
        smoke.check_page("taken")

    def login_teamleider():
        smoke.open("/inloggen")
        smoke.logged_in_home(TEAMLEIDER, "/")

    def assign():
        smoke.expect(smoke.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", smoke.h1())
        boxes = smoke.driver.find_elements(By.CSS_SELECTOR, "main table.caseload input[type=checkbox][name=persoon]")
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table.caseload tbody tr")
        smoke.expect(bool(rows) and len(boxes) == len(rows), "a checkbox 'persoon' in every row of the werkvoorraad",
                    f"{len(boxes)} checkboxes, {len(rows)} rows")
        options = Select(smoke.find("main select#naar", "the select 'Toewijzen aan' (#naar)")).options
        smoke.expect(len(options) > 1, "case workers to assign to in #naar", ", ".join(o.text for o in options) or "no options")
        print(f"    {len(rows)} rows with a checkbox; assign to: {', '.join(o.text.strip() for o in options)}")
        smoke.check_page("werkvoorraad-toewijzen")

    def team():
        smoke.nav("Team", "/team")
        smoke.expect(smoke.h1() == "Werklast van het team", "heading 'Werklast van het team'", smoke.h1())
        rows = smoke.table("main table")
        smoke.expect(bool(rows), "a row per case worker", "no rows")
        print(f"    {len(rows)} case worker(s): " + "; ".join(f"{r.get('Consulent')} {r.get('Open dossiers')}" for r in rows))
        smoke.check_page("team")

    def login_beheer():
        smoke.open("/inloggen")
        smoke.logged_in_home(BEHEER, "/cijfers")

    def settings():
        smoke.nav("Instellingen", "/beheer/instellingen")
        smoke.expect(smoke.h1().startswith("Instellingen"), "a heading 'Instellingen — <gemeente>'", smoke.h1())
        print(f"    {smoke.h1()}; caseload norm {smoke.value('caseloadNorm')}")
        smoke.check_page("instellingen")

    def settings_refused():
        smoke.fill("caseloadNorm", "5")  # the norm is 10 to 300: refused, so nothing is saved
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_SETTINGS_SAVE))
        smoke.expect(smoke.path == "/beheer/instellingen" and smoke.status() == 400, "HTTP 400 for a caseload norm of 5",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect("#caseloadNorm" in targets, "the error summary to link to #caseloadNorm", f"{text!r} → {targets}")
        smoke.expect(smoke.value("caseloadNorm") == "5", "the typed norm to be kept", repr(smoke.value("caseloadNorm")))
        smoke.expect(smoke.find("main #caseloadNorm").get_attribute("aria-invalid") == "true", "#caseloadNorm marked aria-invalid")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("instellingen-fout")

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
        ("enforcement: a step's letter", enforcement_letter),
        ("letters kept as sent (/brieven)", sent_letters),
        ("a task's own page (Wijzigen)", task_edit),
        ("documents: upload a PDF", documents),
        ("close: the form (not submitted)", close_form),
        ("my tasks (/taken)", tasks),
        ("log out", smoke.logout),
        ("log in as teamleider", login_teamleider),
        ("werkvoorraad: checkboxes and #naar for bulk assignment", assign),
        ("team workload (/team)", team),
        ("log out", smoke.logout),
        ("log in as functioneel beheerder", login_beheer),
        ("settings (/beheer/instellingen)", settings),
        ("settings: a caseload norm of 5 is refused", settings_refused),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
