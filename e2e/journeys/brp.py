"""The browser journey "brp" of the smoke test (run by e2e/smoke.py), issue 17: from a DUO signal to a
complete case. It starts its own DUO simulator, BRP simulator (`regie brp-simulator --no-seed`: it
makes up a person for any BSN) and a Regie with both koppelingen (DUO_URL, BRP_URL). The DUO
simulator runs 'nieuwe-statushouder' for GM0988; Regie opens a case "Naam volgt uit de BRP" and its
BRP worker completes it from the BRP within seconds. The consulent opens the case from /duo and sees
the name instead of "Naam volgt uit de BRP" and the line "Gegevens uit de BRP (opgevraagd op …)";
*BRP-gegevens bekijken* (`/personen/<id>/brp`) shows what the BRP says, with the address. The BRP
simulator then plays a move to Roermond; "Opnieuw opvragen uit de BRP" gives "De gegevens zijn
opgevraagd uit de BRP." and the warning that the person now lives in Roermond, and the case file
has the warning and a task "Verhuisd naar Roermond volgens de BRP…". Each page is checked with axe
and the reflow check and kept as a screenshot."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode, urlparse
from urllib.request import Request, urlopen

from selenium.webdriver.common.by import By

from regie_server import BRPSimulator, DUOSimulator, Server, ServerError, free_port
from journeys.common import (
    CONSULENT,
    Smoke,
    StepFailure,
)

# Dutch UI texts of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_NAME_PENDING = "Naam volgt uit de BRP"  # person.namePending
TXT_FROM_BRP = "Gegevens uit de BRP (opgevraagd op"  # brp.statusApplied
TXT_BRP_LINK = "BRP-gegevens bekijken"  # brp.link
TXT_BRP_HEADING = "Gegevens uit de BRP"  # brp.heading
TXT_REFRESH = "Opnieuw opvragen uit de BRP"  # brp.refresh
TXT_FETCHED = "De gegevens zijn opgevraagd uit de BRP."  # brp.fetchedNotice
TXT_MOVED = "woont deze persoon nu in Roermond"  # brp.warnings.moved
TXT_MOVED_TASK = "Verhuisd naar Roermond volgens de BRP"  # the task BRPService makes
TXT_DUO_OPEN_CASE = "Dossier"
DUO_MUNICIPALITY = "GM0988"


def run(smoke: Smoke) -> None:
    main_url = smoke.base_url
    processes: list[Server] = []
    failures_before = sum(not s.passed for s in smoke.steps)
    oin = "00000009" + "0000" + DUO_MUNICIPALITY[-4:] + "0000"  # its development OIN (DUOConfig.developmentOIN)
    state: dict = {}

    def post(base: str, path: str, payload: dict | None = None) -> bytes:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = Request(base + path, data=data, method="POST",
                          headers={"Content-Type": "application/json"} if payload is not None else {})
        with urlopen(request, timeout=10) as response:
            return response.read()

    def start():
        if smoke.binary is None or not smoke.binary.is_file():
            raise StepFailure("the regie binary (--binary) to start the simulators and a Regie with both koppelingen", str(smoke.binary))
        notify_port = free_port()
        duo = DUOSimulator(smoke.binary, f"http://127.0.0.1:{notify_port}/v1/notificaties")
        brp = BRPSimulator(smoke.binary)
        try:
            duo.start()
            processes.append(duo)
            brp.start()
            processes.append(brp)
            server = Server(smoke.binary, prefix="regie-e2e-brp-regie-", env={
                "DUO_URL": duo.base_url + "/v1", "DUO_NOTIFY_PORT": str(notify_port), "DUO_POLL_MS": "200", "BRP_URL": brp.base_url})
            server.start()
            processes.append(server)
        except ServerError as error:
            raise StepFailure("the simulators and Regie to start", str(error)) from None
        state.update(duo=duo.base_url, brp=brp.base_url)
        smoke.base_url = server.base_url
        print(f"    DUO {duo.base_url}, BRP {brp.base_url}, Regie {server.base_url}")

    def signal():
        answer = json.loads(post(state["duo"], "/sim/scenarios/nieuwe-statushouder?" + urlencode({"municipality": oin, "week": 2})) or b"{}")
        bsn = answer.get("bsn", "")
        smoke.expect(re.fullmatch(r"\d{9}", bsn) is not None, "the scenario to answer with a BSN", json.dumps(answer)[:300])
        state["bsn"] = bsn
        print(f"    a new asylum permit holder with BSN {bsn}")

    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def completed_case():
        deadline = time.monotonic() + 30
        link = None
        while link is None and time.monotonic() < deadline:
            smoke.open("/duo")
            link = next((a for row in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if "SS101" in row.text
                         for a in row.find_elements(By.CSS_SELECTOR, "a") if a.text.strip() == TXT_DUO_OPEN_CASE), None)
            if link is None:
                time.sleep(0.5)
        smoke.expect(link is not None, "a 'Dossier' link in the row of SS101 on /duo", "none within 30 s")
        path = urlparse(link.get_attribute("href")).path
        state["path"] = path
        # The BRP worker looks the new case up within seconds (a round every 5 s).
        deadline = time.monotonic() + 30
        smoke.open(path)
        while (smoke.h1() == TXT_NAME_PENDING or TXT_FROM_BRP not in smoke.text_of("main")) and time.monotonic() < deadline:
            time.sleep(1)
            smoke.open(path)
        smoke.expect(smoke.h1() != TXT_NAME_PENDING, f"the name from the BRP instead of '{TXT_NAME_PENDING}'", smoke.h1())
        smoke.expect(TXT_FROM_BRP in smoke.text_of("main"), f"'{TXT_FROM_BRP} …' on the case file", smoke.text_of("main .column--facts")[:300])
        print(f"    completed from the BRP: {smoke.h1()}")
        smoke.check_page("brp-dossier")

    def brp_page():
        smoke.click_and_wait(smoke.link("main a", TXT_BRP_LINK))
        smoke.expect(smoke.path == state["path"] + "/brp", f"to be on {state['path']}/brp", smoke.path)
        smoke.expect(smoke.h1() == TXT_BRP_HEADING, f"heading '{TXT_BRP_HEADING}'", smoke.h1())
        facts = smoke.text_of("main dl.facts")
        smoke.expect("Woonadres" in facts and "Weert" in facts, "the address in Weert among the BRP's facts", facts[:300])
        smoke.check_page("brp-gegevens")

    def move():
        post(state["brp"], "/simulator/verhuizing", {"bsn": state["bsn"], "gemeenteCode": "0957", "gemeenteNaam": "Roermond", "datum": "2026-12-01",
                                                      "adres": {"officieleStraatnaam": "Markt", "korteStraatnaam": "Markt", "huisnummer": 3,
                                                                "postcode": "6041 EL", "woonplaats": "Roermond"}})
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_REFRESH))
        smoke.expect_notice(TXT_FETCHED)
        smoke.expect(TXT_MOVED in smoke.text_of("main"), f"the warning '…{TXT_MOVED}…'", smoke.text_of("main")[:300])
        smoke.check_page("brp-verhuisd")

    def file_after_move():
        smoke.open(state["path"])
        text = smoke.text_of("main")
        smoke.expect(TXT_MOVED in text, f"the warning '…{TXT_MOVED}…' on the case file", text[:300])
        smoke.expect(TXT_MOVED_TASK in text, f"a task '{TXT_MOVED_TASK} …' among the open tasks", text[:600])

    try:
        for name, function in [
            ("start a DUO simulator, a BRP simulator and a Regie with both koppelingen", start),
            ("DUO announces a new asylum permit holder for GM0988", signal),
            ("log in as consulent", login),
            ("the new case, completed from the BRP", completed_case),
            ("the BRP's details of the case", brp_page),
            ("the BRP plays a move to Roermond; asked again", move),
            ("the case file: the warning and the task", file_after_move),
            ("log out", smoke.logout),
        ]:
            smoke.step(name, function)
    finally:
        if processes and sum(not s.passed for s in smoke.steps) > failures_before:
            for process in processes:
                if hasattr(process, "print_problems"):
                    process.print_problems()
        for process in reversed(processes):
            process.stop()
        smoke.base_url = main_url
