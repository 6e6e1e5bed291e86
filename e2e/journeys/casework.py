"""The browser journey "casework" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from journeys.common import (
    CONSULENT,
    REPO_DIR,
    Smoke,
    add_years,
    display_date,
    dutch_date,
    iso_days_before,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_SORT_TERM = "eerstvolgende termijn"
TXT_TILE_OVERDUE = "termijn verstreken"
TXT_TILE_SOON = "termijn binnen 14 dagen"
TXT_SECTIONS = {"Brede intake": "/intake", "Leerbaarheidstoets en advies": "/lbt", "Leerroute kiezen": "/route", "PIP": "/pip"}
TXT_TERM_PIP = "PIP vaststellen"
TXT_TERM_INBURGERING = "Inburgeringstermijn"
TXT_INTAKE_SAVED = "Het gesprek is vastgelegd."
TXT_INTAKE_COMPLETE = "wettelijke onderwerpen zijn vastgelegd."
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
INTAKE_TOPICS = ("opleidingEnWerkervaring", "persoonlijkeOmstandighedenEnGezondheid", "voorschoolseEducatie", "taalniveau",
                 "arbeidsparticipatie", "zelfredzaamheid", "gezinssituatie", "sociaalNetwerk", "motivatie", "digitaleVaardigheden")


def run(smoke: Smoke) -> None:
    """A consulent takes a new case from signal to fixed PIP: intake, LBT, route (R4), PIP, term (R2), letter."""
    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def caseload():
        smoke.expect(smoke.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", smoke.h1())
        tiles = [" ".join(t.text.split()) for t in smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.tiles .tile")]
        for label in (TXT_TILE_OVERDUE, TXT_TILE_SOON):
            smoke.expect(any(re.fullmatch(rf"\d+ {re.escape(label)}", t) for t in tiles), f"a tile 'N {label}'",
                        " | ".join(tiles) or "no tiles")
        current = smoke.text_of("main .sort-links [aria-current]")
        smoke.expect(current == TXT_SORT_TERM, f"the default sort '{TXT_SORT_TERM}'", current or "none marked")
        # Sorted by the nearest statutory term: due dates ascending, rows without a running term last.
        dues = [dutch_date(r.get("Eerstvolgende termijn", "")) for r in smoke.table("main table.caseload")]
        smoke.expect(bool(dues), "a caseload table (table.caseload) with rows", smoke.text_of("main .empty") or "no rows")
        dated = [d for d in dues if d]
        smoke.expect(dated == sorted(dated) and all(dues[i] for i in range(len(dated))),
                    "the rows sorted by the due date of their next term, rows without a term last",
                    ", ".join(d.isoformat() if d else "-" for d in dues))
        print(f"    tiles: {' | '.join(tiles)}; {len(dues)} rows by nearest term")

        smoke.fill("fase", "gehuisvest")
        smoke.fill("groep", "asielstatushouder")
        smoke.submit("main form.filters")
        smoke.expect(smoke.path == "/" and smoke.query.get("fase") == ["gehuisvest"]
                    and smoke.query.get("groep") == ["asielstatushouder"],
                    "URL /?fase=gehuisvest&groep=asielstatushouder", smoke.driver.current_url)
        smoke.expect(smoke.value("fase") == "gehuisvest" and smoke.value("groep") == "asielstatushouder",
                    "the filters to keep fase and groep", f"fase={smoke.value('fase')!r}, groep={smoke.value('groep')!r}")
        rows = smoke.table("main table.caseload")
        smoke.expect(bool(rows), "at least one new case (phase Gehuisvest, asielstatushouder)", smoke.text_of("main .empty") or "no rows")
        phases = {r.get("Fase") for r in rows}
        smoke.expect(phases == {"Gehuisvest"}, "only cases in phase 'Gehuisvest'", ", ".join(sorted(map(str, phases))))
        link = smoke.find("main table.caseload tbody tr:first-child td:first-child a[href^='/personen/']",
                         "a link to the first case")
        name = link.text.strip()
        smoke.facts.update(case_name=name, case_path=urlparse(link.get_attribute("href")).path)
        print(f"    {len(rows)} new case(s); first: {name} ({smoke.facts['case_path']}), "
              f"next term: {rows[0].get('Eerstvolgende termijn')}")
        smoke.check_page("werkvoorraad-nieuw")

    def open_case():
        path, name = smoke.case("case_path"), smoke.case("case_name")
        smoke.click_and_wait(smoke.link("main table.caseload tbody a", name))
        smoke.expect(smoke.path == path, f"to be on {path}", smoke.path)
        family, given = (part.strip() for part in name.split(",", 1))
        smoke.expect(smoke.h1() == f"{given} {family}", f"heading '{given} {family}'", smoke.h1())
        links = {a.text.strip(): urlparse(a.get_attribute("href")).path
                 for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.section-links a")}
        for label, suffix in TXT_SECTIONS.items():
            smoke.expect(links.get(label) == path + suffix, f"a section link '{label}' to {path + suffix}",
                        ", ".join(f"{k} → {v}" for k, v in links.items()) or "no section links")
        terms = [r.get("Wat") for r in smoke.table("main table.terms")]
        smoke.expect(TXT_TERM_PIP in terms, f"a term '{TXT_TERM_PIP}' in the terms table", ", ".join(map(str, terms)) or "no terms")
        smoke.expect(TXT_TERM_INBURGERING not in terms, f"no '{TXT_TERM_INBURGERING}' before the PIP is fixed", ", ".join(terms))
        print(f"    terms: {', '.join(map(str, terms))}")
        smoke.check_page("dossier-nieuw")

    def section(label: str) -> None:
        """From the case file, follow one of its section links."""
        path = smoke.case("case_path")
        if smoke.path != path:
            smoke.open(path)
        smoke.click_and_wait(smoke.link("main ul.section-links a", label))
        smoke.expect(smoke.path == path + TXT_SECTIONS[label], f"to be on {path + TXT_SECTIONS[label]}", smoke.path)

    def intake_error():
        section("Brede intake")
        smoke.expect(smoke.h1() == "Brede intake", "heading 'Brede intake'", smoke.h1())
        today = smoke.value("date")
        smoke.expect(re.fullmatch(r"\d{4}-\d{2}-\d{2}", today) is not None, "the conversation date prefilled with today", repr(today))
        smoke.facts["today"] = today
        smoke.facts["records_before"] = str(len(smoke.driver.find_elements(By.CSS_SELECTOR, "main ol.records li.record")))
        note = "Kennismaking; de inburgeraar vertelt over zijn opleiding."
        smoke.fill("date", iso_days_before(today, 3))
        smoke.fill("attendees", "")
        smoke.fill("note", note)
        smoke.submit()
        smoke.expect(smoke.status() == 400, "HTTP 400 for a conversation without 'Aanwezig'", f"HTTP {smoke.status()}")
        text, targets = smoke.error_summary()
        smoke.expect("#attendees" in targets, "the error summary to link to #attendees", f"{text!r} → {targets}")
        smoke.expect(smoke.value("note") == note, "the typed note to be kept", repr(smoke.value("note")))
        smoke.expect(smoke.find("main #attendees").get_attribute("aria-invalid") == "true", "#attendees marked aria-invalid")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("intake-fout")

    def intake_conversations():
        today = smoke.case("today")
        conversations = [
            (iso_days_before(today, 3), "Inburgeraar, consulent, tolk Somalisch", ["interpreter"],
             ["opleidingEnWerkervaring", "taalniveau", "persoonlijkeOmstandighedenEnGezondheid"],
             "Eerste gesprek met tolk: opleiding, taal en gezondheid besproken."),
            (iso_days_before(today, 1), "Inburgeraar, consulent", ["withoutPartner"],
             ["arbeidsparticipatie", "zelfredzaamheid", "voorschoolseEducatie"],
             "Tweede gesprek, zonder partner: werk, zelfredzaamheid en kinderen."),
        ]
        for day, attendees, flags, topics, note in conversations:
            smoke.fill("date", day)
            smoke.fill("attendees", attendees)
            for flag in ("interpreter", "cultureMediator", "withoutPartner", "noShow"):
                smoke.fill(flag, flag in flags)
            for topic in INTAKE_TOPICS:
                smoke.fill(f"topics-{topic}", topic in topics)
            smoke.fill("note", note)
            smoke.submit()
            smoke.expect(smoke.path == smoke.case("case_path") + "/intake" and smoke.query.get("melding") == ["gesprek"],
                        "a redirect to the intake page with melding=gesprek",
                        f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
            smoke.expect_notice(TXT_INTAKE_SAVED)
        records = [r.text for r in smoke.driver.find_elements(By.CSS_SELECTOR, "main ol.records li.record")]
        before = int(smoke.case("records_before"))
        smoke.expect(len(records) == before + 2, f"{before + 2} conversations listed", f"{len(records)}: {records}")
        listed = " ".join(records)
        for _, attendees, _, _, note in conversations:
            smoke.expect(attendees in listed and note in listed, f"the conversation '{attendees}' with its note", listed[:300])
        for flag in ("Met tolk", "Gesprek zonder partner"):
            smoke.expect(flag in listed, f"the flag '{flag}' on a conversation", listed[:300])
        status = smoke.text_of("main .status")
        smoke.expect(TXT_INTAKE_COMPLETE in status, f"'{TXT_INTAKE_COMPLETE}' after both conversations", status)
        print(f"    {len(records)} conversations; {status}")
        smoke.check_page("intake-gesprekken")

    def lbt():
        section("Leerbaarheidstoets en advies")
        today = smoke.case("today")
        form = "main form.form"  # the first form: the test; the second is the school's advice
        smoke.fill("invitedDate", iso_days_before(today, 9))
        smoke.fill("testDate", iso_days_before(today, 2))
        smoke.fill("administrator", "J. de Vries (gecertificeerd)")
        smoke.fill("conditions", "Afgenomen op de computer van de gemeente, met koptelefoon.")
        smoke.fill("score", "26")
        smoke.fill("exemption", "")
        smoke.submit(form)
        smoke.expect(smoke.path == smoke.case("case_path") + "/lbt" and smoke.query.get("melding") == ["lbt"],
                    "a redirect to the LBT page with melding=lbt",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_LBT_SAVED)
        rows = smoke.table("main section[aria-labelledby=toetsen] table")
        smoke.expect(any("26/40" in " ".join(r.values()) and TXT_LBT_NOT_B1 in " ".join(r.values()) for r in rows),
                    f"a test row '26/40' with '{TXT_LBT_NOT_B1}'", str(rows) if rows else "no tests table")
        print(f"    LBT: {rows[0]}")
        smoke.check_page("lbt")

    def route_refused():
        smoke.click_and_wait(smoke.link("main a.button", "Verder: leerroute kiezen"))
        smoke.expect(smoke.path == smoke.case("case_path") + "/route", f"to be on {smoke.case('case_path')}/route", smoke.path)
        facts = smoke.text_of("main dl.facts")
        smoke.expect(f"26/40 — {TXT_LBT_NOT_B1}" in facts, "the LBT result '26/40' on the route page", facts)
        smoke.fill("leerroute-b1", True)
        smoke.fill("niveau", "")
        smoke.fill("considered-b1", True)
        smoke.fill("considered-z", True)
        considerations = "De inburgeraar leert snel, heeft in Somalië de middelbare school afgerond en wil werken."
        smoke.facts["considerations"] = considerations
        smoke.fill("considerations", considerations)
        smoke.fill("deviationReason", "")
        smoke.submit()
        smoke.expect(smoke.status() == 400, "HTTP 400 for the B1-route against the LBT without a reason", f"HTTP {smoke.status()}")
        text, targets = smoke.error_summary()
        smoke.expect("(R4)" in text and "#deviationReason" in targets,
                    "the error summary to name R4 and link to #deviationReason", f"{text!r} → {targets}")
        smoke.expect(smoke.checked("leerroute-b1"), "the chosen B1-route to stay selected")
        smoke.expect(smoke.value("considerations") == considerations, "the considerations to be kept", repr(smoke.value("considerations")))
        smoke.expect(smoke.checked("considered-z"), "the considered routes to be kept")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("route-fout")

    def route_decided():
        reason = ("Score 26 ligt dicht bij de drempel; de taalschool ziet voldoende leervermogen "
                  "en de inburgeraar is hoog opgeleid.")
        smoke.facts["deviation_reason"] = reason
        smoke.fill("deviationReason", reason)
        smoke.submit()
        pip = smoke.case("case_path") + "/pip"
        smoke.expect(smoke.path == pip and smoke.query.get("melding") == ["route"], f"a redirect to {pip}?melding=route",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_ROUTE_SAVED)

    def pip_concept():
        mark = smoke.text_of("main .concept-mark")
        smoke.expect(TXT_CONCEPT_MARK in mark, f"the mark '{TXT_CONCEPT_MARK}'", mark or "no .concept-mark")
        smoke.expect(smoke.checked("leerroute-b1"), "the concept prefilled with the B1-route")
        reason = smoke.case("deviation_reason")
        smoke.expect(smoke.value("redenAfwijking") == reason, "the concept prefilled with the deviation reason",
                    repr(smoke.value("redenAfwijking")))
        smoke.expect(smoke.value("cadansMaanden") == "3", "'Maanden tussen voortgangsgesprekken' prefilled with 3",
                    repr(smoke.value("cadansMaanden")))
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
            smoke.fill(field_id, value)
        smoke.submit()
        smoke.expect(smoke.path == smoke.case("case_path") + "/pip" and smoke.query.get("melding") == ["concept"],
                    "a redirect to the PIP page with melding=concept",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_CONCEPT_SAVED)
        smoke.expect(smoke.value("einddoel") == "werk" and smoke.value("mapUren") == "64" and smoke.checked("vveNvt"),
                    "the saved concept's values in the form",
                    f"einddoel={smoke.value('einddoel')!r}, mapUren={smoke.value('mapUren')!r}, vveNvt={smoke.checked('vveNvt')}")
        smoke.check_page("pip-concept")

    def fix_page():
        fix = smoke.case("case_path") + "/pip/vaststellen"
        link = smoke.link("main a", TXT_TO_FIX)
        smoke.expect(urlparse(link.get_attribute("href")).path == fix, f"'{TXT_TO_FIX}' to point to {fix}", link.get_attribute("href"))
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == fix, f"to be on {fix}", smoke.path)
        warning = smoke.text_of("main .notice--warning")
        smoke.expect(not warning, "a complete concept (no problems listed)", warning)
        consequence = smoke.text_of("main p.consequence")
        match = TXT_FIX_CONSEQUENCE.fullmatch(consequence)
        smoke.expect(match is not None, "the consequence 'Vaststellen start de inburgeringstermijn van 3 jaar "
                    "(Wi2021 art. 11): van … tot en met ….'", consequence or "no p.consequence")
        dagtekening = smoke.value("dagtekening")
        smoke.expect(dagtekening == smoke.case("today"), f"'Dagtekening' prefilled with today ({smoke.case('today')})", repr(dagtekening))
        start, end = dutch_date(match[1]), dutch_date(match[2])
        day = date.fromisoformat(dagtekening)
        # R2 (Wi2021 art. 11): from the day after the dagtekening up to and including 3 years after it.
        smoke.expect(start == day + timedelta(days=1) and end == add_years(day, 3),
                    f"a term from {display_date(day + timedelta(days=1))} to {display_date(add_years(day, 3))}", consequence)
        smoke.facts.update(term_start=match[1], term_end=match[2])
        print(f"    {consequence}")
        smoke.check_page("pip-vaststellen")

    def fix():
        button = smoke.wait_for(lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
                                                if b.text.strip() == TXT_FIX_BUTTON), None), f"a button '{TXT_FIX_BUTTON}'")
        smoke.click_and_wait(button)
        path = smoke.case("case_path")
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["pip"], f"a redirect to {path}?melding=pip",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_PIP_FIXED)
        terms = smoke.table("main table.terms")
        term = next((r for r in terms if r.get("Wat") == TXT_TERM_INBURGERING), None)
        smoke.expect(term is not None, f"a row '{TXT_TERM_INBURGERING}' in the terms table",
                    ", ".join(str(r.get("Wat")) for r in terms) or "no terms")
        due = dutch_date(term.get("Uiterlijk", ""))
        year = date.fromisoformat(smoke.case("today")).year + 3
        smoke.expect(due is not None and due.year == year and term["Uiterlijk"] == smoke.case("term_end"),
                    f"'{TXT_TERM_INBURGERING}' due {smoke.case('term_end')} (in {year})", term.get("Uiterlijk", ""))
        timeline = [r.get("Wat", "") for r in smoke.table("main table.timeline")]
        smoke.expect(TXT_TIMELINE_FIXED in timeline, f"'{TXT_TIMELINE_FIXED}' in the timeline", " | ".join(timeline) or "no timeline")
        print(f"    {TXT_TERM_INBURGERING}: due {term['Uiterlijk']} ({term.get('Stand', '')}); timeline: {len(timeline)} entries")
        smoke.check_page("dossier-vastgesteld")

    def letter():
        section("PIP")
        versions = smoke.table("main table")
        smoke.expect(any(r.get("Versie") == "1" and r.get("Status") == "Vastgesteld" for r in versions),
                    "version 1 listed as 'Vastgesteld'", str(versions) or "no versions table")
        target = smoke.case("case_path") + "/pip/1/brief"
        link = smoke.link("main table a", TXT_SHOW_LETTER)
        smoke.expect(urlparse(link.get_attribute("href")).path == target, f"'{TXT_SHOW_LETTER}' to point to {target}",
                    link.get_attribute("href"))
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == target, f"to be on {target}", smoke.path)
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "header.site-header, nav.site-nav"),
                    "a standalone letter without the site header")
        smoke.expect(smoke.h1() == TXT_LETTER_HEADING, f"heading '{TXT_LETTER_HEADING}'", smoke.h1())
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, ".letter__concept"), "no concept mark on a fixed PIP's letter")
        text = smoke.page_text()
        term = TXT_LETTER_TERM.format(start=smoke.case("term_start"), end=smoke.case("term_end"))
        for needed in (TXT_LETTER_BEZWAAR, term, smoke.case("deviation_reason")):
            smoke.expect(needed in text, f"the letter to contain '{needed}'", text[:300])
        check = smoke.check_page("pip-brief")
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7  # A4, in cm
        pdf = base64.b64decode(smoke.driver.print_page(options))
        printed = smoke.screenshots / f"{check.number:02d}-pip-brief.pdf"  # next to the letter's screenshot
        printed.write_bytes(pdf)
        smoke.expect(pdf.startswith(b"%PDF") and len(pdf) > 1000, "the printed letter to be a PDF", f"{len(pdf)} bytes: {pdf[:8]!r}")
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        print(f"    printed: {printed.relative_to(REPO_DIR) if printed.is_relative_to(REPO_DIR) else printed} "
              f"({len(pdf)} bytes, {pages} page(s))")
        # The letter has no site header (and no logout button): back to the PIP page.
        smoke.click_and_wait(smoke.link("nav.letter__tools a", TXT_LETTER_BACK))
        smoke.expect(smoke.path == smoke.case("case_path") + "/pip", f"'{TXT_LETTER_BACK}' to lead to the PIP page", smoke.path)

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
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
