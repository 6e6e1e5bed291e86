"""The browser journey "beheer" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from journeys.common import (
    BEHEER,
    Smoke,
)


def run(smoke: Smoke) -> None:
    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(BEHEER, "/cijfers")  # the home page sends this role to the figures

    def audit():
        smoke.nav("Auditlog", "/beheer/audit")
        smoke.expect(smoke.h1() == "Auditlog", "heading 'Auditlog'", smoke.h1())
        person_id = smoke.facts.get("person_path", "").rsplit("/", 1)[-1]
        smoke.expect(bool(person_id), "a person opened in the consulent journey (it failed earlier)")
        headers = [th.text.strip() for th in smoke.driver.find_elements(By.CSS_SELECTOR, "main table thead th")]
        smoke.expect(bool(headers), "an audit table", smoke.text_of("main .empty") or "no table")
        column = {h: i for i, h in enumerate(headers)}
        for needed in ("Wie", "Actie", "Persoon"):
            smoke.expect(needed in column, f"a column '{needed}' in the audit table", ", ".join(headers))
        def table_rows() -> list[list[str]]:
            return smoke.driver.execute_script("""
                return Array.from(document.querySelectorAll('main table tbody tr')).map(function (tr) {
                  return Array.from(tr.cells).map(function (td) { return td.textContent.trim(); });
                });""")
        rows = table_rows()
        smoke.check_page("auditlog")
        if not any(r[column["Persoon"]] == person_id for r in rows):
            # A busy server: the newest 50 rows may not reach back to the consulent's visit.
            box = smoke.find("form.filters input#persoon", "the audit log's person filter")
            box.clear()
            box.send_keys(person_id)
            smoke.click_and_wait(smoke.find("form.filters button[type=submit]", "the audit log's search button"))
            rows = table_rows()
            print(f"    (filtered the audit log on persoon={person_id})")
        views = [r for r in rows if r[column["Actie"]] == "Dossier ingezien" and r[column["Persoon"]] == person_id]
        smoke.expect(bool(views), f"a person.view row for {person_id}",
                    f"{len(rows)} rows; actions: {sorted({r[column['Actie']] for r in rows})}")
        actor = smoke.facts.get("user_name", "")
        smoke.expect(any(r[column["Wie"]] == actor for r in views), f"the person.view row by '{actor}'",
                    "; ".join(r[column["Wie"]] for r in views))
        reveals = [r for r in rows if r[column["Actie"]] == "BSN getoond" and r[column["Persoon"]] == person_id
                   and r[column["Wie"]] == actor]
        smoke.expect(bool(reveals), f"a person.bsn.reveal row for {person_id} by '{actor}' (the 'Toon BSN' click)",
                    f"actions: {sorted({r[column['Actie']] for r in rows})}")
        print(f"    {len(rows)} audit rows; by {actor} on {person_id}: {len(views)} person.view, "
              f"{len(reveals)} person.bsn.reveal")

    def api_keys():
        smoke.nav("API-sleutels", "/beheer/api-sleutels")
        smoke.expect(smoke.h1() == "API-sleutels", "heading 'API-sleutels'", smoke.h1())
        smoke.find("form.form input#name", "the field for a new key's name")
        smoke.find("form.form select#role", "the role choice for a new key")
        smoke.check_page("api-sleutels")

    def users():
        smoke.nav("Gebruikers", "/beheer/gebruikers")
        smoke.expect(smoke.h1() == "Gebruikers van uw organisatie", "heading 'Gebruikers van uw organisatie'", smoke.h1())
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        smoke.expect(len(rows) >= 2, "the organisation's users listed", f"{len(rows)} rows")
        smoke.find("form.form input#email", "the field for a new user's e-mail address")
        smoke.check_page("gebruikers")
        link = smoke.find("main table tbody tr a", "a link to a user's page")
        smoke.click_and_wait(link)
        smoke.expect(smoke.path.startswith("/beheer/gebruikers/"), "a user's page", smoke.path)
        smoke.check_page("gebruiker")

    for name, function in [
        ("log in as functioneel beheerder", login),
        ("audit log lists the consulent's person.view", audit),
        ("open the API-keys page", api_keys),
        ("open the users page and one user", users),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
