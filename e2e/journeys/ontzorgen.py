"""The browser journey "ontzorgen" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from journeys.common import (
    BEHEER,
    CONSULENT,
    Smoke,
    StepSkipped,
    dutch_date,
    euros,
    month_iso,
    month_name,
    month_start,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
BUDGET = "budget@regie.example"  # Anouk Verbeek, budgetbeheerder
BUDGET2 = "budget2@regie.example"  # Bram Coenen, the second budgetbeheerder (four eyes)
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


def run(smoke: Smoke) -> None:
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
        return smoke.driver.execute_script("""
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
        answer = smoke.driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
              return r.arrayBuffer().then(function (buffer) {
                var bytes = new Uint8Array(buffer), text = '';
                for (var i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
                done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
                      body: btoa(text)});
              });
            }).catch(function (e) { done({status: 0, body: '', error: String(e)}); });""", smoke.url(path))
        answer["body"] = base64.b64decode(answer.get("body") or "")
        return answer

    def person_municipality(path: str) -> str:
        """The 'Gemeente' of a person's file, read with fetch (the file is not a page of this journey)."""
        return smoke.driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
              var doc = new DOMParser().parseFromString(html, 'text/html');
              var dt = Array.from(doc.querySelectorAll('main dl.facts dt')).find(function (d) { return d.textContent.trim() === 'Gemeente'; });
              done(dt && dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : '');
            }).catch(function () { done(''); });""", smoke.url(path))

    def run_facts() -> dict[str, str]:
        return smoke.driver.execute_script("""
            var out = {};
            document.querySelectorAll('main dl.facts dt').forEach(function (dt) {
              out[dt.textContent.trim()] = dt.nextElementSibling ? dt.nextElementSibling.textContent.replace(/\\s+/g, ' ').trim() : ''; });
            return out;""")

    def run_status() -> str:
        return smoke.text_of("main .phase-badge strong")

    def buttons() -> list[str]:
        return [b.text.strip() for b in smoke.driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")]

    def login_budget():
        smoke.open("/inloggen")
        # A budget manager works in Ontzorgen and lands there.
        smoke.logged_in_home(BUDGET, "/ontzorgen")

    def overview():
        smoke.nav(TXT_ONTZORGEN_NAV, "/ontzorgen")
        smoke.expect(smoke.h1() == TXT_ONTZORGEN, f"heading '{TXT_ONTZORGEN}'", smoke.h1())
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        missing = [h for h in TXT_ONTZORGEN_SECTIONS if h not in headings]
        smoke.expect(not missing, "the sections " + ", ".join(f"'{h}'" for h in TXT_ONTZORGEN_SECTIONS),
                    "missing " + ", ".join(missing) + "; found: " + " | ".join(headings))
        places = {o.get_attribute("value"): o.text.strip() for o in Select(smoke.find("main #gemeente", "the field 'gemeente'")).options}
        policies = {parse_qs(urlparse(a.get_attribute("href")).query).get("gemeente", [""])[0]
                    for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/ontzorgen/beleid?']")}
        smoke.expect(len(places) >= 3 and set(places) <= policies, "a policy summary for every municipality of the run form",
                    f"form: {sorted(places)}, policies: {sorted(policies)}")
        smoke.expect(smoke.find("main #maand").get_attribute("type") == "month", "#maand to be an input type=month")
        smoke.expect(smoke.value("maand") == month_iso(next_month), f"#maand to default to next month ({month_iso(next_month)})",
                    repr(smoke.value("maand")))
        smoke.expect(bool(smoke.value("uitvoerdatum")), "#uitvoerdatum to have a default")
        # The run: for the municipality of a person without a signed mandate whose arrangement runs then (the
        # demo has one), next month; the month after if that one has a run already (a second test run).
        runs = captioned("Betaalruns") or []
        arrangements = captioned("Regelingen") or []
        unsigned = [r for r in arrangements if TXT_MANDATE_MISSING in r.get("Aandacht", "")]
        smoke.expect(bool(unsigned), f"an arrangement marked '{TXT_MANDATE_MISSING}' in the table 'Regelingen' (demo data)",
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
        smoke.expect(choice is not None, "a person without a signed mandate in a municipality with no run waiting for approval "
                    "and no run yet next month or the month after (on a server that ran this journey twice, start a fresh one)",
                    f"runs: {[(r.get('Gemeente'), r.get('Betaalmaand'), r.get('Status')) for r in runs]}; unsigned: "
                    + ", ".join(f"{r['Naam']} ({names.get(r['_links'][0][1], '?')}, until {r.get('Einde')})" for r in unsigned))
        first, code, place, person = choice
        execution = max(today + timedelta(days=2), first - timedelta(days=3))
        smoke.facts.update(run_month=month_iso(first), run_code=code, run_place=place, run_unsigned=person,
                          run_execution=execution.isoformat())
        print(f"    {len(runs)} runs, {len(arrangements)} arrangements; {person} has no signed mandate → "
              f"{place} ({code}), {month_name(first)}")
        smoke.check_page("ontzorgen")

    def refused_month():
        bad = month_iso(month_start(today, 4))
        wanted = {"gemeente": smoke.case("run_code"), "maand": bad, "uitvoerdatum": smoke.case("run_execution")}
        for name, value in wanted.items():
            smoke.fill(name, value)
        smoke.submit("main form[action='/ontzorgen/runs']")
        smoke.expect(smoke.path == "/ontzorgen/runs" and smoke.status() == 400, f"HTTP 400 for the month {bad}",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect(TXT_RUN_TOO_FAR in text and "#maand" in targets, f"an error '…{TXT_RUN_TOO_FAR}' linking to #maand",
                    f"{text!r} → {targets}")
        kept = {name: smoke.value(name) for name in wanted}
        smoke.expect(kept == wanted, "the typed values to be kept", f"{kept}")
        smoke.expect(smoke.find("main #maand").get_attribute("aria-invalid") == "true", "#maand marked aria-invalid")
        print(f"    maand {bad}: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("ontzorgen-fout")

    def prepare():
        smoke.fill("maand", smoke.case("run_month"))
        smoke.fill("uitvoerdatum", smoke.case("run_execution"))
        smoke.click_and_wait(smoke.button("main form[action='/ontzorgen/runs'] button[type=submit]", TXT_RUN_PREPARE))
        smoke.expect(re.fullmatch(r"/ontzorgen/runs/[^/]+", smoke.path) is not None and smoke.status() == 200,
                    "a redirect to /ontzorgen/runs/<id>",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.facts["run_path"] = smoke.path
        month = month_name(date.fromisoformat(smoke.case("run_month") + "-01"))
        smoke.expect(month in smoke.h1() and smoke.case("run_place") in smoke.h1(), f"a heading with '{month}' and the municipality",
                    smoke.h1())
        smoke.expect(run_status() == TXT_RUN_WAITING, f"the status '{TXT_RUN_WAITING}'", run_status() or "no status")
        held = captioned(TXT_RUN_HELD)
        smoke.expect(bool(held), f"the section '{TXT_RUN_HELD}' with the people held back", "no such table")
        reasons = {r["Naam"]: r["Waarom"] for r in held}
        smoke.expect(reasons.get(smoke.case("run_unsigned")) == TXT_HELD_NO_MANDATE,
                    f"{smoke.facts['run_unsigned']} held back: '{TXT_HELD_NO_MANDATE}'", f"{reasons}")
        actions = smoke.text_of("main .actions")
        smoke.expect(TXT_FOUR_EYES in actions, f"a hint '…{TXT_FOUR_EYES}' for the preparer", actions[:300] or "no actions")
        found = buttons()
        smoke.expect(TXT_APPROVE not in found, f"no '{TXT_APPROVE}' for the one who prepared the run", ", ".join(found))
        smoke.expect(TXT_RECALCULATE in found and TXT_DELETE in found, f"the buttons '{TXT_RECALCULATE}' and '{TXT_DELETE}'",
                    ", ".join(found))
        persons, lines = captioned(TXT_RUN_PERSONS), captioned(TXT_RUN_LINES)
        smoke.expect(bool(persons) and bool(lines), f"the tables '{TXT_RUN_PERSONS}' and '{TXT_RUN_LINES}'",
                    f"{len(persons or [])} and {len(lines or [])} rows")
        facts = run_facts()
        counted = re.fullmatch(r"(\d+) \((.+)\)", facts.get("Betalingen", ""))
        smoke.expect(counted is not None and int(counted[1]) > 0, "'Betalingen: N (€ total)' with N above 0", repr(facts.get("Betalingen")))
        in_file = [r for r in lines if r.get("Status", "").startswith(TXT_LINE_IN_FILE)]
        held_lines = [r for r in lines if r.get("Status", "").startswith(TXT_LINE_HELD)]
        smoke.expect(len(in_file) == int(counted[1]), f"{counted[1]} lines '{TXT_LINE_IN_FILE}' in '{TXT_RUN_LINES}'",
                    f"{len(in_file)}")
        smoke.expect(not {r["Naam"] for r in in_file} & set(reasons), "no line in the file for a person held back",
                    ", ".join(sorted({r["Naam"] for r in in_file} & set(reasons))))
        smoke.facts.update(run_count=counted[1], run_total=str(euros(counted[2])),
                          run_held_refs=json.dumps(sorted({r["Kenmerk"] for r in held_lines})),
                          run_persons=json.dumps([{"name": r["_links"][0][0] if r["_links"] else r["Naam"], "status": r["Status"],
                                                   "leefgeld": r["Leefgeld"], "links": r["_links"]} for r in persons]))
        print(f"    {smoke.h1()}: {facts.get('Betalingen')}; {facts.get('Personen')}; held: "
              + "; ".join(f"{n} ({w})" for n, w in reasons.items()))
        smoke.check_page("betaalrun")

    def not_before_approval():
        path = smoke.case("run_path") + "/betaalbestand.xml"
        answer = fetch(path)
        smoke.expect(answer["status"] == 409, f"HTTP 409 for {path} before the approval", f"HTTP {answer['status']}")

    def login_second():
        smoke.logout()
        smoke.logged_in_home(BUDGET2, "/ontzorgen")

    def approve():
        path = smoke.case("run_path")
        smoke.open(path)
        smoke.expect(run_status() == TXT_RUN_WAITING, f"the status '{TXT_RUN_WAITING}'", run_status() or "no status")
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_APPROVE))
        smoke.expect(smoke.path == path and smoke.status() == 200, f"back on {path}", f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(run_status() == TXT_RUN_APPROVED, f"the status '{TXT_RUN_APPROVED}'", run_status() or "no status")
        download = smoke.link("main .actions a", TXT_DOWNLOAD)
        smoke.expect(download.get_dom_attribute("href") == path + "/betaalbestand.xml", f"'{TXT_DOWNLOAD}' → {path}/betaalbestand.xml",
                    download.get_dom_attribute("href"))
        found = buttons()
        smoke.expect(TXT_RECALCULATE not in found and TXT_DELETE not in found and TXT_APPROVE not in found,
                    "no more buttons to recalculate, delete or approve", ", ".join(found))
        print(f"    {run_facts().get('Goedgekeurd door', '?')}")
        smoke.check_page("betaalrun-goedgekeurd")

    def sepa_file():
        path = smoke.case("run_path") + "/betaalbestand.xml"
        answer = fetch(path)
        smoke.expect(answer["status"] == 200 and (answer.get("type") or "").startswith("application/xml"),
                    f"HTTP 200 application/xml for {path}", f"HTTP {answer['status']} {answer.get('type')}: {answer['body'][:200]!r}")
        body = answer["body"]
        smoke.expect(PAIN_001.encode() in body, f"the namespace {PAIN_001}", repr(body[:300]))
        saved = smoke.screenshots / f"{smoke.counter:02d}-betaalbestand.xml"  # next to the approved run's screenshot
        saved.write_bytes(body)
        smoke.facts.update(sepa_file=str(saved), sepa_bytes=base64.b64encode(body).decode())
        root = ET.fromstring(body)
        ns = {"p": PAIN_001}
        message = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", default="", namespaces=ns)
        smoke.expect(bool(message.strip()), "a <MsgId>")
        count = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", default="", namespaces=ns)
        total = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", default="", namespaces=ns)
        transfers = root.findall(".//p:CdtTrfTxInf", ns)
        amounts = [Decimal(a.text) for a in root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
        smoke.expect(count.isdigit() and int(count) == len(transfers), "<NbOfTxs> equal to the number of <CdtTrfTxInf>",
                    f"{count!r}, {len(transfers)} transfers")
        smoke.expect(len(amounts) == len(transfers) and bool(total) and Decimal(total) == sum(amounts),
                    "<CtrlSum> equal to the sum of the <InstdAmt>", f"{total!r}, sum {sum(amounts)}")
        smoke.expect(count == smoke.case("run_count") and Decimal(total) == Decimal(smoke.case("run_total")),
                    f"the run page's numbers: {smoke.facts['run_count']} payments, € {smoke.facts['run_total']}", f"{count}, {total}")
        references = {t.findtext("p:RmtInf/p:Ustrd", default="", namespaces=ns) for t in transfers}
        held = set(json.loads(smoke.case("run_held_refs"))) & references
        smoke.expect(not held, "no transfer for a line held back", ", ".join(sorted(held)))
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
        result = subprocess.run([xmllint, "--noout", "--schema", xsd, smoke.case("sepa_file")], capture_output=True, text=True,
                                timeout=60)
        output = (result.stderr + result.stdout).strip()
        smoke.expect(result.returncode == 0, "the SEPA file to be valid against pain.001.001.03.xsd", output[-1500:])
        print(f"    xmllint --schema {xsd}: {output.splitlines()[-1] if output else 'valid'}")

    def sepa_again():
        path = smoke.case("run_path")
        answer = fetch(path + "/betaalbestand.xml")
        first = base64.b64decode(smoke.case("sepa_bytes"))
        smoke.expect(answer["status"] == 200 and answer["body"] == first, "the same bytes the second time (the same message id)",
                    f"HTTP {answer['status']}, {len(answer['body'])} bytes against {len(first)}")
        smoke.open(path)
        smoke.expect(TXT_DOWNLOADED_TWICE in smoke.text_of("main .actions"), f"'…{TXT_DOWNLOADED_TWICE}…' on the run page",
                    smoke.text_of("main .actions")[:300] or "no text")
        print(f"    status {run_status()}: {smoke.text_of('main .actions .hint')[:160]}")
        smoke.check_page("betaalrun-gedownload")

    def person():
        people = json.loads(smoke.case("run_persons"))
        paid = next((p for p in people if p["status"] == TXT_RUN_PAID), None)
        smoke.expect(paid is not None, f"a person '{TXT_RUN_PAID}' in the table '{TXT_RUN_PERSONS}'", f"{[p['status'] for p in people]}")
        href = paid["links"][0][1]
        smoke.expect(re.fullmatch(r"/personen/[^/]+/ontzorgen", href) is not None, "the name to link to /personen/<id>/ontzorgen", href)
        smoke.click_and_wait(smoke.find(f"main table a[href='{href}']", f"the link to {href}"))
        smoke.expect(smoke.path == href, f"to be on {href}", smoke.path)
        smoke.expect(smoke.h1() == TXT_ONTZORGEN, f"heading '{TXT_ONTZORGEN}'", smoke.h1())
        smoke.expect(paid["name"] in smoke.text_of("main .breadcrumb"), f"the name {paid['name']} above the heading",
                    smoke.text_of("main .breadcrumb"))
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        missing = [h for h in TXT_PERSON_SECTIONS if h not in headings]
        smoke.expect(not missing, "the sections " + ", ".join(TXT_PERSON_SECTIONS), "missing " + ", ".join(missing))
        smoke.facts.update(person_ontzorgen=href, person_name_ontzorgen=paid["name"], person_leefgeld=paid["leefgeld"])
        print(f"    {paid['name']}: {' | '.join(headings)}")
        smoke.check_page("ontzorgen-persoon")

    def statement():
        month = smoke.case("run_month")
        target = f"{smoke.case('person_ontzorgen')}/overzicht?maand={month}"
        link = smoke.find(f"main a[href='{target}']", f"a link '{TXT_STATEMENT_LINK}' to {target}")
        smoke.expect(link.text.strip() == TXT_STATEMENT_LINK, f"the link to {target} to read '{TXT_STATEMENT_LINK}'", link.text)
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == target.split("?")[0] and smoke.query.get("maand") == [month] and smoke.status() == 200,
                    f"HTTP 200 on {target}", f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        title = TXT_STATEMENT_TITLE.format(month=month_name(date.fromisoformat(month + "-01")))
        smoke.expect(smoke.h1() == title, f"heading '{title}'", smoke.h1())
        text = smoke.page_text()
        smoke.expect("leefgeld" in text and smoke.case("person_leefgeld") in text,
                    f"the leefgeld of the run ({smoke.facts['person_leefgeld']})", text[:400])
        smoke.expect(smoke.facts["person_name_ontzorgen"] in text, f"the name {smoke.facts['person_name_ontzorgen']}")
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "header nav.site-nav"), "no site menu on the printable statement")
        print(f"    {title}: leefgeld {smoke.facts['person_leefgeld']}")
        smoke.check_page("ontzorgen-overzicht")

    def back_and_logout():
        # The printable statement has no site header: back to the person's page (checked above) to log out.
        smoke.click_and_wait(smoke.link("nav.letter__tools a", TXT_STATEMENT_BACK))
        smoke.expect(smoke.path == smoke.case("person_ontzorgen"), f"to be on {smoke.facts['person_ontzorgen']}", smoke.path)
        smoke.logout()

    def consulent_forbidden():
        smoke.logged_in_home(CONSULENT, "/")
        menu = [a.text.strip() for a in smoke.driver.find_elements(By.CSS_SELECTOR, "nav.site-nav a")]
        smoke.expect(TXT_ONTZORGEN_NAV not in menu, f"no menu link '{TXT_ONTZORGEN_NAV}' for a consulent", ", ".join(menu))
        smoke.open("/ontzorgen")
        smoke.expect(smoke.status() == 403, "HTTP 403 on /ontzorgen", f"HTTP {smoke.status()}")
        smoke.expect(smoke.h1() == "Geen toegang", "the error page 'Geen toegang'", smoke.h1())
        smoke.check_page("ontzorgen-geen-toegang")

    def login_beheer():
        smoke.logged_in_home(BEHEER, "/cijfers")

    policy_path = f"/ontzorgen/beleid?gemeente={POLICY_MUNICIPALITY}"

    def policy():
        smoke.open(policy_path)
        smoke.expect(smoke.path == "/ontzorgen/beleid" and smoke.status() == 200, f"HTTP 200 on {policy_path}",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(smoke.h1() == f"{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}", f"heading '{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}'", smoke.h1())
        versions = captioned(TXT_POLICY_VERSIONS)
        smoke.expect(bool(versions), f"a table '{TXT_POLICY_VERSIONS}' with the policy's versions", "no rows")
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        smoke.expect(TXT_POLICY_NEW in headings, f"the section '{TXT_POLICY_NEW}'", " | ".join(headings))
        smoke.find("main form.form #debtorIban", "the field 'debtorIban'")
        smoke.facts["policy_versions"] = str(len(versions))
        print(f"    {len(versions)} versions: " + "; ".join(r.get("Geldt vanaf", "") for r in versions))
        smoke.check_page("ontzorgen-beleid")

    def policy_refused():
        smoke.fill("debtorIban", BAD_IBAN)
        smoke.submit("main form.form")
        smoke.expect(smoke.path == "/ontzorgen/beleid" and smoke.status() == 400, "HTTP 400 for an invalid IBAN",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect("IBAN" in text and "#debtorIban" in targets, "an error about the IBAN linking to #debtorIban", f"{text!r} → {targets}")
        smoke.expect(smoke.value("debtorIban") == BAD_IBAN, f"the typed {BAD_IBAN} kept", repr(smoke.value("debtorIban")))
        smoke.expect(smoke.find("main #debtorIban").get_attribute("aria-invalid") == "true", "#debtorIban marked aria-invalid")
        print(f"    {BAD_IBAN}: {text.splitlines()[-1] if text else '-'}; heading '{smoke.h1()}'")
        smoke.check_page("ontzorgen-beleid-fout")
        # The refused form is still the one of the municipality it was sent for (a corrected form must not save
        # the policy of another municipality).
        action = smoke.find("main form.form").get_dom_attribute("action") or ""
        smoke.expect(smoke.h1() == f"{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}" and action == policy_path,
                    f"still the policy of {TXT_POLICY_PLACE}: heading '{TXT_POLICY_TITLE} {TXT_POLICY_PLACE}', form action {policy_path}",
                    f"heading '{smoke.h1()}', form action {action}")

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
        ("log out", smoke.logout),
        ("log in as functioneel beheerder", login_beheer),
        (f"the policy of {TXT_POLICY_PLACE} ({policy_path})", policy),
        ("the policy form: an invalid IBAN is refused, the value kept", policy_refused),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
