"""The browser journey "duo" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode, urlparse
from urllib.request import Request, urlopen

from selenium.webdriver.common.by import By

from regie_server import DUOSimulator, Server, ServerError, free_port
from journeys.common import (
    CONSULENT,
    Smoke,
    StepFailure,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
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


def run(smoke: Smoke) -> None:
    """The DUO koppeling with real content: its own Regie (DUO_URL, DUO_NOTIFY_PORT, DUO_POLL_MS) and a DUO
    simulator that notifies it. The simulator runs the scenario 'nieuwe-statushouder' for GM0988 and sends an
    event Regie does not know; the consulent then sees them on /duo, the new case, its DUO tab and the
    reconciliation."""
    main_url = smoke.base_url
    simulator: DUOSimulator | None = None
    server: Server | None = None
    failures_before = sum(not s.passed for s in smoke.steps)
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
        if smoke.binary is None or not smoke.binary.is_file():
            raise StepFailure("the regie binary (--binary) to start a DUO simulator and a Regie with the koppeling",
                              str(smoke.binary))
        notify_port = free_port()
        simulator = DUOSimulator(smoke.binary, f"http://127.0.0.1:{notify_port}/v1/notificaties")
        try:
            simulator.start()
            server = Server(smoke.binary, prefix="regie-e2e-duo-regie-", env={
                "DUO_URL": simulator.base_url + "/v1", "DUO_NOTIFY_PORT": str(notify_port), "DUO_POLL_MS": "200"})
            server.start()
        except ServerError as error:
            raise StepFailure("the DUO simulator and Regie to start", str(error)) from None
        smoke.base_url = server.base_url
        print(f"    simulator {simulator.base_url}, Regie {server.base_url}, Notificatie API on port {notify_port}")

    def trigger():
        answer = sim(f"/sim/scenarios/{DUO_SCENARIO}?" + urlencode({"municipality": oin, "week": 2}))
        bsn = answer.get("bsn", "")
        smoke.expect(re.fullmatch(r"\d{9}", bsn) is not None, f"the scenario '{DUO_SCENARIO}' to answer with a BSN", json.dumps(answer)[:300])
        events = [step.get("gebeurtenisId") for step in answer.get("steps", [])]
        smoke.expect("SS101" in events, "the scenario to send SS101", ", ".join(map(str, events)))
        sent = sim("/sim/notifications", {"gebeurtenisId": DUO_UNKNOWN_EVENT, "bsn": bsn, "municipalityOIN": oin})
        smoke.expect(sent.get("status") == 201, f"Regie to accept {DUO_UNKNOWN_EVENT} with 201", json.dumps(sent)[:300])
        smoke.facts.update(duo_bsn=bsn, duo_events=",".join(events))
        print(f"    scenario {DUO_SCENARIO} for BSN {bsn}: {', '.join(events)} (a week is 2 s); then {DUO_UNKNOWN_EVENT}")

    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def notifications() -> dict[str, str]:
        """Event id → status in the table of DUO's notifications on this page."""
        rows = smoke.driver.execute_script("""
            var caption = arguments[0];
            var table = Array.from(document.querySelectorAll('main table')).find(function (t) {
              return t.caption && t.caption.textContent.trim() === caption; });
            if (!table) return [];
            return Array.from(table.querySelectorAll('tbody tr')).map(function (tr) {
              return [tr.cells[1].querySelector('strong').textContent.trim(), tr.cells[2].textContent.trim()]; });""",
            TXT_DUO_NOTIFICATIONS)
        return {event: status for event, status in rows}

    def overview():
        smoke.nav(TXT_DUO_TAB, "/duo")
        smoke.expect(smoke.h1() == TXT_DUO_TITLE, f"heading '{TXT_DUO_TITLE}'", smoke.h1())
        expected = {event: TXT_DUO_PROCESSED for event in smoke.case("duo_events").split(",")}
        expected[DUO_UNKNOWN_EVENT] = TXT_DUO_UNKNOWN
        deadline = time.monotonic() + 30
        found = notifications()
        while any(found.get(k) != v for k, v in expected.items()) and time.monotonic() < deadline:
            time.sleep(0.5)  # the scenario's later steps come a simulated week (2 s) apart; the worker polls every 200 ms
            smoke.open("/duo")
            found = notifications()
        wrong = {k: found.get(k, "missing") for k, v in expected.items() if found.get(k) != v}
        smoke.expect(not wrong, "in the notifications table: " + ", ".join(f"{k} {v}" for k, v in expected.items()),
                    ", ".join(f"{k} {v}" for k, v in wrong.items()) + f" (all: {found})")
        print(f"    notifications: {', '.join(f'{k} {v}' for k, v in found.items())}")
        smoke.check_page("duo")

    def case_from_notification():
        link = smoke.wait_for(lambda d: next((a for row in d.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                                             if "SS101" in row.text
                                             for a in row.find_elements(By.CSS_SELECTOR, "a") if a.text.strip() == TXT_DUO_OPEN_CASE), None),
                             f"a link '{TXT_DUO_OPEN_CASE}' in the row of SS101")
        path = urlparse(link.get_attribute("href")).path
        smoke.expect(re.fullmatch(r"/personen/[^/]+", path) is not None, "the link to lead to /personen/<id>", path)
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == path, f"to be on {path}", smoke.path)
        smoke.expect(smoke.h1() == TXT_NAME_PENDING, f"heading '{TXT_NAME_PENDING}' (a new case before the BRP)", smoke.h1())
        smoke.facts["duo_person_path"] = path
        smoke.check_page("duo-dossier")

    def person_tab():
        path = smoke.case("duo_person_path")
        smoke.click_and_wait(smoke.link("main ul.section-links a", TXT_DUO_TAB))
        smoke.expect(smoke.path == path + "/duo", f"to be on {path}/duo", smoke.path)
        smoke.expect(smoke.h1() == f"{TXT_DUO_TAB} — {TXT_NAME_PENDING}", f"heading '{TXT_DUO_TAB} — {TXT_NAME_PENDING}'", smoke.h1())
        panels = [h.text.split("(")[0].strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel h3")]
        missing = [p for p in TXT_DUO_REGISTERED if p not in panels]
        smoke.expect(not missing, "what DUO registers: " + ", ".join(TXT_DUO_REGISTERED), ", ".join(panels) or "no panels")
        print(f"    DUO registers: {', '.join(panels)}")
        smoke.check_page("duo-persoon")

    def refresh():
        path = smoke.case("duo_person_path") + "/duo"
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_DUO_REFRESH))
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["opgehaald"], f"a redirect to {path}?melding=opgehaald",
                    f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect_notice(TXT_DUO_REFRESHED)
        smoke.check_page("duo-opgehaald")

    def details_refused():
        path = smoke.case("duo_person_path")
        smoke.open(path)
        smoke.click_and_wait(smoke.link("main ul.section-links a", TXT_DETAILS_LINK))
        smoke.expect(smoke.path == path + "/gegevens", f"to be on {path}/gegevens", smoke.path)
        smoke.expect(smoke.h1() == TXT_DETAILS_HEADING, f"heading '{TXT_DETAILS_HEADING}'", smoke.h1())
        # Only a family name: refused with a summary, the typed name kept.
        smoke.fill("familyName", "Tesfaye")
        smoke.submit()
        smoke.expect(smoke.status() == 400, "HTTP 400", f"HTTP {smoke.status()}")
        smoke.expect(smoke.value("familyName") == "Tesfaye", "the typed family name kept", smoke.value("familyName"))
        hrefs = [a.get_attribute("href").split("#")[-1] for a in smoke.driver.find_elements(By.CSS_SELECTOR, ".error-summary a")]
        smoke.expect("givenNames" in hrefs, "the error summary to link to #givenNames", ", ".join(hrefs) or "no summary")
        smoke.check_page("persoonsgegevens-fout")

    def reconciliation():
        smoke.open("/duo")
        smoke.click_and_wait(smoke.link("main a", TXT_DUO_RECONCILIATION_LINK))
        smoke.expect(smoke.path == "/duo/afstemming", "to be on /duo/afstemming", smoke.path)
        smoke.expect(smoke.h1() == TXT_DUO_RECONCILIATION, f"heading '{TXT_DUO_RECONCILIATION}'", smoke.h1())
        smoke.check_page("duo-afstemming")

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
            ("log out", smoke.logout),
        ]:
            smoke.step(name, function)
    finally:
        if server is not None and sum(not s.passed for s in smoke.steps) > failures_before:
            server.print_problems()
        for process in (server, simulator):
            if process is not None:
                process.stop()
        smoke.base_url = main_url
