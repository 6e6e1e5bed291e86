"""The browser journey "agenda" of the smoke test (run by e2e/smoke.py), issue 15 item 1: a consulent
plans an intake conversation for next week, finds it in the week view, opens the printable
invitation (Dutch), and sees the feed's section on the account page; the team lead sees it in the
team's week. Each page is checked with axe and kept as a screenshot. (The outcome after the time
needs a clock to move: the HTTP tests in Tests/RegieServerTests/AgendaTests.swift cover it.)"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from journeys.common import (
    CONSULENT,
    TEAMLEIDER,
    Smoke,
)

# Dutch UI texts of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_PLANNED = "De afspraak is gepland."
TXT_INVITATION = "Uitnodiging voor een afspraak: intakegesprek"
TXT_BRING = "Neem dit mee"


def run(smoke: Smoke) -> None:
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday()) + dt.timedelta(days=7)
    week = monday.isocalendar()
    week_path = f"/agenda?week={week[0]}-W{week[1]:02d}"

    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def plan():
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody .caseload__name a[href^='/personen/'], main table tbody tr td:first-child a[href^='/personen/']")
        smoke.expect(len(links) > 0, "a person on the werkvoorraad", "none")
        person = urlparse(links[0].get_attribute("href")).path
        smoke.facts["agenda_name"] = links[0].text.strip()
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
        family = smoke.facts["agenda_name"].split(",")[0].strip()
        smoke.expect(family in smoke.page_text() and "10:00–11:00" in smoke.page_text(),
                     f"the intake with {family} at 10:00–11:00 in week {week[1]}", smoke.page_text()[:300])
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
        family = smoke.facts["agenda_name"].split(",")[0].strip()
        smoke.expect(family in smoke.page_text(), f"the team's week to show the intake with {family}", smoke.page_text()[:300])
        smoke.check_page("agenda-team")

    for name, function in [
        ("log in as consulent", login),
        ("plan an intake conversation for next week", plan),
        ("find it in the week view", week_view),
        ("open the invitation (Dutch, what to bring)", invitation),
        ("the account page offers the agenda feed", feed_section),
        ("log out", smoke.logout),
        ("the team lead sees it in the team's week", team_view),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
