"""The browser journey "beleid" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from journeys.common import (
    BELEID,
    Smoke,
)


def run(smoke: Smoke) -> None:
    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(BELEID, "/cijfers")

    def figures():
        if smoke.path != "/cijfers":
            smoke.nav("Cijfers", "/cijfers")
        smoke.expect(smoke.h1() == "Cijfers", "heading 'Cijfers'", smoke.h1())
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        smoke.expect(len(rows) >= 1, "the dashboard's tables with rows", "no rows")
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main a[href^='/personen/']")
        smoke.expect(not links, "no links to personal files for a beleidsmedewerker", f"{len(links)} links")
        print(f"    figures: {len(rows)} table rows")
        smoke.check_page("cijfers")

    def no_people():
        smoke.open("/")
        smoke.expect(smoke.path != "/", "a beleidsmedewerker not to see the werkvoorraad", smoke.path)
        person = smoke.facts.get("person_path")
        if person:
            smoke.open(person)
            family, given = (part.strip() for part in smoke.facts["person_name"].split(",", 1))
            smoke.expect(family not in smoke.page_text(), f"a beleidsmedewerker not to see {person}",
                        "the name is shown")
            smoke.expect(smoke.h1() == "Geen toegang", "the error page 'Geen toegang'", smoke.h1())
            smoke.check_page("geen-toegang")

    for name, function in [
        ("log in as beleidsmedewerker", login),
        ("open the figures (/cijfers)", figures),
        ("no access to personal files", no_people),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
