"""The browser journey "agenda" of the smoke test (run by e2e/smoke.py), issue 15 item 1: a consulent
plans an intake conversation for next week with a person whose next step is "Brede intake plannen",
finds it in the week view, opens the printable invitation (Dutch), and sees the feed's section on the
account page; the team lead sees it in the team's week. Then the clock moves: the server this run
started is restarted on the same database with its clock to the day after the intake
(`--clock-offset-days`, see regie_server.Server.restart). The consulent logs in again, Mijn agenda marks
the intake "Uitkomst nog vastleggen", the case file still says "Brede intake plannen"; on the
appointment "Gehouden: gesprek vastleggen" leads to the intake form with the intake's date filled in,
the conversation is recorded, the appointment is "Gehouden" and the file's next step is another one.
At the end the server runs on the real clock again (also when a step failed). Each page is checked
with axe and the reflow check and kept as a screenshot. With --base-url the clock cannot move: those
steps are SKIP."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from journeys.common import (
    CONSULENT,
    TEAMLEIDER,
    Smoke,
    display_date,
)

# Dutch UI texts of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_PLANNED = "De afspraak is gepland."  # agenda.notices.gepland
TXT_INVITATION = "Uitnodiging voor een afspraak: intakegesprek"
TXT_BRING = "Neem dit mee"
TXT_NEXT_STEP = "Volgende stap"  # person.nextStep
TXT_STEP_PLAN_INTAKE = "Brede intake plannen"  # nextSteps.bredeIntakePlannen
TXT_NEEDS_OUTCOME = "Uitkomst nog vastleggen"  # agenda.needsOutcome
TXT_OUTCOME_HEADING = "Uitkomst vastleggen"  # agenda.outcomeHeading
TXT_HELD = "Gehouden: gesprek vastleggen"  # agenda.held
TXT_STATUS_HELD = "Gehouden"  # agenda.statuses.gehouden
TXT_INTAKE_HEADING = "Brede intake"  # intake.heading
TXT_INTAKE_SAVED = "Het gesprek is vastgelegd."  # intake.saved.gesprek

# The werkvoorraad's filter on the next step (CaseloadController: ?stap=<NextStepKind>).
STEP_PLAN_INTAKE = "bredeIntakePlannen"
# Two of the statutory topics discussed in the conversation (IntakeOnderwerp): the others stay open.
INTAKE_TOPICS = ("opleidingEnWerkervaring", "taalniveau")


def run(smoke: Smoke) -> None:
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    week = monday.isocalendar()
    week_path = f"/agenda?week={week[0]}-W{week[1]:02d}"
    # The day after the intake (Tuesday of next week): its time has passed, the week is the same.
    offset = (monday - today).days + 1

    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def family() -> str:
        return smoke.facts["agenda_name"].split(",")[0].strip()

    def next_step() -> str:
        """The label of the case file's section "Volgende stap" (empty when the file has none)."""
        section = smoke.driver.find_elements(By.CSS_SELECTOR, "main section.next-step")
        if not section:
            return ""
        heading = smoke.text_of("main section.next-step h2")
        smoke.expect(heading == TXT_NEXT_STEP, f"the section heading '{TXT_NEXT_STEP}'", heading)
        return smoke.text_of("main section.next-step p a")

    def plan():
        # A person whose next step is to plan the brede intake: holding it changes that step.
        smoke.open(f"/?stap={STEP_PLAN_INTAKE}")
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody .caseload__name a[href^='/personen/'], main table tbody tr td:first-child a[href^='/personen/']")
        smoke.expect(len(links) > 0, f"a person on the werkvoorraad with next step '{TXT_STEP_PLAN_INTAKE}' (?stap={STEP_PLAN_INTAKE})", "none")
        person = urlparse(links[0].get_attribute("href")).path
        smoke.facts["agenda_name"] = links[0].text.strip()
        smoke.facts["agenda_person"] = person
        smoke.open(person)
        step = next_step()
        smoke.expect(step == TXT_STEP_PLAN_INTAKE, f"the file's next step '{TXT_STEP_PLAN_INTAKE}'", step or "no next step")
        smoke.open(person + "/afspraken")
        smoke.expect(smoke.h1() == "Afspraken", "heading 'Afspraken'", smoke.h1())
        smoke.fill("kind", "intakegesprek")
        smoke.fill("date", monday.isoformat())
        smoke.driver.execute_script("document.querySelector('main #time').value = '10:00'")
        smoke.fill("place", "Stadhuis, spreekkamer 2")
        smoke.fill("attendees", "consulent, tolk")
        smoke.submit()
        smoke.expect_notice(TXT_PLANNED)
        smoke.facts["agenda_appointment"] = smoke.path
        smoke.check_page("afspraak")

    def week_view():
        smoke.nav("Mijn agenda", "/agenda")
        smoke.open(week_path)
        smoke.expect(family() in smoke.page_text() and "10:00–11:00" in smoke.page_text(),
                     f"the intake with {family()} at 10:00–11:00 in week {week[1]}", smoke.page_text()[:300])
        smoke.check_page("agenda-week")

    def invitation():
        smoke.open(smoke.facts["agenda_appointment"])
        smoke.click_and_wait(smoke.link("main a", "Uitnodiging afdrukken"))
        lang = smoke.driver.execute_script("return document.documentElement.lang")
        smoke.expect(lang == "nl", "the invitation in Dutch (lang=nl)", lang)
        smoke.expect(TXT_INVITATION in smoke.page_text() and TXT_BRING in smoke.page_text(), "what it is about and what to bring",
                     smoke.page_text()[:300])
        smoke.check_page("uitnodiging")

    def feed_section():
        smoke.open("/account")
        smoke.find("section #agenda-feed", "the section 'Agenda in Outlook'")
        smoke.check_page("account-agenda")

    def team_view():
        smoke.logged_in_home(TEAMLEIDER, "/")
        smoke.open(week_path.replace("/agenda", "/agenda/team"))
        smoke.expect(family() in smoke.page_text(), f"the team's week to show the intake with {family()}", smoke.page_text()[:300])
        smoke.check_page("agenda-team")

    # -- after the time ---------------------------------------------------------------------------

    def move_clock():
        smoke.case("agenda_appointment")
        login()  # a session from before the move
        smoke.move_clock(offset)

    def login_again():
        # The session's absolute limit (10 hours) has passed on the server's clock: the login page again.
        smoke.open("/")
        smoke.expect(smoke.path == "/inloggen", "the session from before the move to have expired (the login page)", smoke.path)
        smoke.logged_in_home(CONSULENT, "/")

    def outcome_open():
        smoke.open(week_path)
        items = [i.text for i in smoke.driver.find_elements(By.CSS_SELECTOR, "main .agenda-item") if family() in i.text]
        smoke.expect(any(TXT_NEEDS_OUTCOME in i for i in items),
                     f"Mijn agenda to mark the intake with {family()} '{TXT_NEEDS_OUTCOME}'", " | ".join(items) or "no such item")
        smoke.check_page("agenda-uitkomst-open")

    def step_before():
        smoke.open(smoke.case("agenda_person"))
        step = next_step()
        smoke.expect(step == TXT_STEP_PLAN_INTAKE, f"the file's next step still '{TXT_STEP_PLAN_INTAKE}' before the outcome",
                     step or "no next step")
        smoke.facts["agenda_step_before"] = step
        smoke.check_page("dossier-voor-uitkomst")

    def held():
        appointment = smoke.case("agenda_appointment")
        smoke.open(smoke.case("agenda_person") + "/afspraken")
        link = smoke.wait_for(lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, "main a")
                                              if urlparse(a.get_attribute("href") or "").path == appointment), None),
                              f"a link to the intake ({appointment}) on the case's Afspraken")
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == appointment, f"to be on {appointment}", smoke.path)
        smoke.find("main h2#outcome", f"the section '{TXT_OUTCOME_HEADING}'")
        button = smoke.button("main form button[type=submit]", TXT_HELD)
        smoke.check_page("afspraak-uitkomst")
        smoke.click_and_wait(button)
        intake = smoke.case("agenda_person") + "/intake"
        smoke.expect(smoke.path == intake, f"'{TXT_HELD}' to lead to {intake}", smoke.path)
        smoke.expect(smoke.h1() == TXT_INTAKE_HEADING, f"heading '{TXT_INTAKE_HEADING}'", smoke.h1())
        smoke.expect(smoke.value("date") == monday.isoformat(), f"the conversation's date filled in with the intake's, {monday.isoformat()}",
                     smoke.value("date"))
        smoke.check_page("intake-na-afspraak")

    def record_conversation():
        smoke.fill("attendees", "consulent, tolk")
        smoke.fill("interpreter", True)
        for topic in INTAKE_TOPICS:
            smoke.fill(f"topics-{topic}", True)
        smoke.fill("note", "Intakegesprek volgens afspraak gehouden.")
        smoke.submit()
        smoke.expect_notice(TXT_INTAKE_SAVED)
        listed = smoke.text_of("main ol.records")
        smoke.expect(display_date(monday) in listed, f"the conversation of {display_date(monday)} listed", listed[:300])
        smoke.check_page("intake-gesprek-vastgelegd")

    def status_held():
        smoke.open(smoke.case("agenda_appointment"))
        status = smoke.text_of("main h1 .afspraak-status")
        smoke.expect(status == TXT_STATUS_HELD, f"the appointment's status '{TXT_STATUS_HELD}'", status)
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "main h2#outcome"), "no outcome form any more", "still there")
        smoke.check_page("afspraak-gehouden")

    def step_after():
        smoke.open(smoke.case("agenda_person"))
        before = smoke.case("agenda_step_before")
        step = next_step()
        smoke.expect(step != before and step != TXT_STEP_PLAN_INTAKE,
                     f"the file's next step changed from '{before}' (not '{TXT_STEP_PLAN_INTAKE}' any more)", step or "no next step")
        smoke.check_page("dossier-na-uitkomst")

    def clock_back():
        smoke.move_clock(0)

    steps = [
        ("log in as consulent", login),
        ("plan an intake conversation for next week", plan),
        ("find it in the week view", week_view),
        ("open the invitation (Dutch, what to bring)", invitation),
        ("the account page offers the agenda feed", feed_section),
        ("log out", smoke.logout),
        ("the team lead sees it in the team's week", team_view),
        ("log out", smoke.logout),
    ]
    after = [
        (f"log in, move the clock {offset} day(s) ahead, past the intake", move_clock),
        ("the session has expired: log in again", login_again),
        (f"Mijn agenda: the intake '{TXT_NEEDS_OUTCOME}'", outcome_open),
        (f"the file's next step is '{TXT_STEP_PLAN_INTAKE}'", step_before),
        (f"the appointment: '{TXT_HELD}' opens the intake form with its date", held),
        ("record the intake conversation", record_conversation),
        (f"the appointment is '{TXT_STATUS_HELD}'", status_held),
        ("the file shows another next step", step_after),
        ("log out", smoke.logout),
    ]
    try:
        for name, function in steps:
            smoke.step(name, function)
        if smoke.server is None:
            smoke.step("move the clock past the intake", lambda: smoke.move_clock(offset))  # SKIP: not a server this run started
            return
        for name, function in after:
            smoke.step(name, function)
    finally:
        # The journeys after this one, and a rerun, get the real clock again.
        if smoke.server is not None and smoke.server.clock_offset_days:
            smoke.step("the clock back to today", clock_back)
