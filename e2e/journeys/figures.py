"""The browser journey "figures" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlparse

from selenium.webdriver.common.by import By

from journeys.common import (
    BELEID,
    Smoke,
    TEAMLEIDER,
    iso_days_before,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
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


def run(smoke: Smoke) -> None:
    """The monitoring dashboard (/cijfers) of Weert for this year: tiles, a section with a chart, a table and a
    CSV link per figure; a period with its end before its start refused with the values kept; the cases behind
    a number; the council's quarterly overview; one CSV; and a beleidsmedewerker who sees the numbers but no
    links to cases, and gets "Geen toegang" on the cases behind a number."""
    period = {"gemeente": FIGURES_MUNICIPALITY, "van": FIGURES_FROM, "tot": date.today().isoformat()}
    dashboard = "/cijfers?" + urlencode(period)

    def sections() -> list[dict]:
        """Each figure section of the page: id, heading, table rows (cells as text), its links, charts and CSV link."""
        return smoke.driver.execute_script("""
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
        smoke.open("/inloggen")
        smoke.logged_in_home(TEAMLEIDER, "/")

    def open_dashboard():
        smoke.nav("Cijfers", "/cijfers")  # the menu link, then the selection by URL
        smoke.open(dashboard)
        smoke.expect(smoke.path == "/cijfers" and smoke.status() == 200, f"HTTP 200 on {dashboard}",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect(smoke.h1() == "Cijfers", "heading 'Cijfers'", smoke.h1())
        scope = smoke.text_of("main .figures-scope")
        smoke.expect(TXT_FIGURES_PLACE in scope, f"the scope line to name {TXT_FIGURES_PLACE}", scope or "no scope line")
        tiles = [" ".join(t.text.split()) for t in smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.tiles--figures li.tile")]
        smoke.expect(len(tiles) >= 4, "at least 4 tiles (ul.tiles--figures li.tile)", " | ".join(tiles) or "no tiles")
        smoke.expect(any(TXT_FIGURES_PIP in t for t in tiles), f"a tile '{TXT_FIGURES_PIP}'", " | ".join(tiles))
        found = sections()
        headings = [s["heading"] for s in found]
        missing = [h for h in TXT_FIGURES_SECTIONS if h not in headings]
        smoke.expect(not missing, "the sections " + ", ".join(f"'{h}'" for h in TXT_FIGURES_SECTIONS),
                    "missing " + ", ".join(missing) + "; found: " + " | ".join(headings))
        no_table = [s["heading"] for s in found if s["tables"] != 1 or not s["columns"]]
        smoke.expect(not no_table, "one table with column headings in every section", ", ".join(no_table))
        no_csv = [s["heading"] for s in found if not (s["csv"] or "").startswith(f"/cijfers/csv?tabel={s['id']}&")]
        smoke.expect(not no_csv, "a link '/cijfers/csv?tabel=<section id>&…' in every section", ", ".join(no_csv))
        charts = sum(s["charts"] for s in found)
        smoke.expect(charts >= 1, "at least one inline chart (main svg.chart)", "no svg.chart")
        unnamed = smoke.driver.execute_script("""
            return Array.from(document.querySelectorAll('main svg.chart')).filter(function (svg) {
              return svg.getAttribute('role') !== 'img' || !(svg.getAttribute('aria-label') || '').trim(); }).length;""")
        smoke.expect(unnamed == 0, "every svg.chart to be role=img with an aria-label", f"{unnamed} without")
        cases = sum(len(s["cases"]) for s in found)
        smoke.expect(cases > 0, "numbers that link to /cijfers/zaken for a teamleider", "no links")
        council = smoke.link("main a", TXT_FIGURES_COUNCIL_LINK)
        smoke.facts["council_href"] = council.get_attribute("href")
        smoke.facts["figures_sections"] = json.dumps(found)
        print(f"    {len(tiles)} tiles: {' | '.join(tiles)}")
        print(f"    {len(found)} sections, {charts} chart(s), {cases} link(s) to cases; "
              + "; ".join(f"{s['id']}: {len(s['rows'])} rows" for s in found))
        smoke.check_page("cijfers-dashboard")

    def refused_period():
        to = iso_days_before(FIGURES_FROM, 1)  # the day before the start
        smoke.fill("tot", to)
        smoke.fill("doelgroep", FIGURES_DOELGROEP)
        smoke.submit("main form.figures-filters")
        smoke.expect(smoke.path == "/cijfers" and smoke.status() == 400, "HTTP 400 on /cijfers for an end before the start",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect(TXT_FIGURES_ORDER in text, f"the error '{TXT_FIGURES_ORDER}'", repr(text))
        smoke.expect("#tot" in targets, "the error summary to link to #tot", f"{targets}")
        kept = {name: smoke.value(name) for name in ("gemeente", "van", "tot", "doelgroep")}
        wanted = {"gemeente": FIGURES_MUNICIPALITY, "van": FIGURES_FROM, "tot": to, "doelgroep": FIGURES_DOELGROEP}
        smoke.expect(kept == wanted, "the typed values to be kept", f"{kept}")
        smoke.expect(smoke.find("main #tot").get_attribute("aria-invalid") == "true", "#tot marked aria-invalid")
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "main section.figure"), "no figures for a refused period")
        print(f"    van {FIGURES_FROM}, tot {to}: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("cijfers-fout")

    def cases_behind_a_number():
        smoke.open(dashboard)
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main section#pipOnTime table a[href*='/cijfers/zaken']")
        smoke.expect(bool(links), f"a number that links to its cases in the table '{TXT_FIGURES_PIP}'", "no links")
        link = links[0]
        number, href = link.text.strip(), link.get_attribute("href")
        smoke.expect(number.isdigit() and int(number) > 0, "the link's text to be a number above 0", repr(number))
        smoke.expect(parse_qs(urlparse(href).query).get("cijfer") == ["pipOnTime"], "the link to carry cijfer=pipOnTime", href)
        smoke.facts["cases_href"] = urlparse(href).path + "?" + urlparse(href).query
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == "/cijfers/zaken" and smoke.status() == 200, "HTTP 200 on /cijfers/zaken",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(smoke.h1() == TXT_FIGURES_CASES, f"heading '{TXT_FIGURES_CASES}'", smoke.h1())
        people = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr td:first-child a[href^='/personen/']")
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        smoke.expect(bool(people) and len(people) == len(rows), "a table of people, each linking to /personen/<id>",
                    f"{len(people)} links, {len(rows)} rows")
        # "{n} dossiers." or, above the page's limit, "{n} dossiers; de eerste {shown} op naam."
        smoke.expect(f"{number} dossiers" in smoke.page_text(), f"the count '{number} dossiers' of the number clicked",
                    smoke.text_of("main p")[:300])
        smoke.expect(len(rows) == int(number) or (len(rows) < int(number) and "de eerste" in smoke.page_text()),
                    f"{number} people (or the first ones by name, said so)", f"{len(rows)} rows")
        places = {r.get("Gemeente") for r in smoke.table("main table")}
        smoke.expect(places == {TXT_FIGURES_PLACE}, f"only people of {TXT_FIGURES_PLACE}", ", ".join(map(str, places)))
        print(f"    '{number}' → {len(rows)} people on {smoke.path}?{urlparse(smoke.driver.current_url).query}")
        smoke.check_page("cijfers-zaken")

    def council():
        smoke.open(smoke.case("council_href"))
        smoke.expect(smoke.path == "/cijfers/raad" and smoke.status() == 200, "HTTP 200 on /cijfers/raad",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(smoke.h1().startswith(f"Inburgering in {TXT_FIGURES_PLACE}:") and "kwartaal" in smoke.h1(),
                    f"a heading 'Inburgering in {TXT_FIGURES_PLACE}: <n>e kwartaal <jaar>'", smoke.h1())
        tables = smoke.driver.find_elements(By.CSS_SELECTOR, "main section.figure table")
        smoke.expect(len(tables) >= 3, "the main tables", f"{len(tables)} tables")
        cases = smoke.driver.find_elements(By.CSS_SELECTOR, "main a[href*='/cijfers/zaken'], main a[href^='/personen/']")
        smoke.expect(not cases, "no links to cases or people in the council's overview", f"{len(cases)} links")
        highlights = smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.council__highlights li")
        # A past quarter is as at its end: today's waiting lists and overdue terms are not among its figures.
        smoke.expect(len(highlights) >= 2, "the headline figures in sentences", f"{len(highlights)}")
        lead = smoke.text_of("main .lead") or ""
        smoke.expect("stand per" in lead, "the overview says it is as at the end of the quarter ('stand per')", lead)
        print(f"    {smoke.h1()}: {len(highlights)} highlights, {len(tables)} tables")
        smoke.check_page("cijfers-raad")

    def csv_download():
        found = {s["id"]: s for s in json.loads(smoke.case("figures_sections"))}
        section = found.get("pipOnTime")
        smoke.expect(section is not None and bool(section["csv"]), "the CSV link of 'PIP binnen 10 weken' on the dashboard")
        answer = smoke.driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
              return r.text().then(function (body) {
                done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), body: body});
              });
            }).catch(function (e) { done({status: 0, body: String(e)}); });""", smoke.url(section["csv"]))
        smoke.expect(answer["status"] == 200 and (answer.get("type") or "").startswith("text/csv"),
                    f"HTTP 200 text/csv for {section['csv']}", f"HTTP {answer['status']} {answer.get('type')}: {answer['body'][:200]}")
        smoke.expect("attachment" in (answer.get("disposition") or "") and ".csv" in (answer.get("disposition") or ""),
                    "Content-Disposition: attachment with a .csv file name", repr(answer.get("disposition")))
        lines = answer["body"].split("\r\n")
        smoke.expect(lines[0] == TXT_FIGURES_CSV_HEADER, f"the header row '{TXT_FIGURES_CSV_HEADER}'", repr(lines[0]))
        records = list(csv.reader(io.StringIO(answer["body"], newline="")))
        smoke.expect(records[0] == section["columns"], f"the header row to be the table's column headings {section['columns']}",
                    repr(records[0]))
        body = records[1:]
        smoke.expect(body == section["rows"], f"a line per table row, the same cells as the table ({len(section['rows'])} rows)",
                    f"{body} against {section['rows']}")
        print(f"    {section['csv']} → {answer.get('disposition')}; {lines[0]!r}, {len(body)} lines")

    def login_beleid():
        smoke.logout()
        smoke.logged_in_home(BELEID, "/cijfers")

    def numbers_without_links():
        smoke.open(dashboard)
        smoke.expect(smoke.path == "/cijfers" and smoke.status() == 200, f"HTTP 200 on {dashboard}",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        found = sections()
        numbers = [cell for s in found for row in s["rows"] for cell in row[1:] if re.fullmatch(r"\d+", cell)]
        smoke.expect(len(found) >= len(TXT_FIGURES_SECTIONS) and bool(numbers), "the figure sections with numbers",
                    f"{len(found)} sections, {len(numbers)} numbers")
        teamleider = {s["id"]: s["rows"] for s in json.loads(smoke.case("figures_sections"))}
        same = [s["id"] for s in found if teamleider.get(s["id"]) == s["rows"]]
        smoke.expect(bool(same), "some tables exactly as the teamleider saw them", "none the same")
        # Where a table differs, it is because small counts are hidden for a role that may not see
        # persons (issue 20): a different cell is "< N" (a count) or "—" (a share or duration beside it).
        differing = [(s["id"], b, t) for s in found for brow, trow in zip(s["rows"], teamleider.get(s["id"], []))
                     for b, t in zip(brow, trow) if b != t]
        odd = [d for d in differing if not (d[1].startswith("< ") or d[1] == "—")]
        smoke.expect(not odd, "every other cell the same, or hidden as '< N' / '—' (small-cell suppression)",
                    "; ".join(f"{i}: {b!r} for {t!r}" for i, b, t in odd[:5]))
        hidden = [d for d in differing if d[1].startswith("< ")]
        small = [d for d in hidden if re.fullmatch(r"\d+", d[2]) and int(d[2]) >= 5]
        print(f"    {len(same)} tables the same as the teamleider's; {len(hidden)} counts hidden "
              f"({len(hidden) - len(small)} below 5, {len(small)} beside them)")
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main a[href*='/cijfers/zaken'], main a[href^='/personen/']")
        smoke.expect(not links, "no links to /cijfers/zaken or /personen/ for a beleidsmedewerker",
                    ", ".join(a.get_attribute("href") for a in links[:3]))
        smoke.expect(TXT_FIGURES_NO_CASES in smoke.page_text(), f"the note '{TXT_FIGURES_NO_CASES}'")
        print(f"    {len(found)} sections, {len(numbers)} numbers, no links to cases")
        smoke.check_page("cijfers-beleid")

    def cases_forbidden():
        smoke.open(smoke.case("cases_href"))
        smoke.expect(smoke.status() == 403, f"HTTP 403 on {smoke.facts['cases_href']}", f"HTTP {smoke.status()}")
        smoke.expect(smoke.h1() == "Geen toegang", "the error page 'Geen toegang'", smoke.h1())
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/personen/']"), "no people on the page")
        smoke.check_page("cijfers-geen-toegang")

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
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
