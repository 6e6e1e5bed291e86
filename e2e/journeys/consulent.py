"""The browser journey "consulent" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from journeys.common import (
    CONSULENT,
    Smoke,
)

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_LOGIN_FAILED = "Het e-mailadres of het wachtwoord klopt niet."
TXT_LOGGED_OUT = "U bent uitgelogd."
TXT_REVEAL_BSN = "Toon BSN"


def run(smoke: Smoke) -> None:
    def anonymous_redirect():
        smoke.open("/")
        smoke.wait_path("/inloggen")
        smoke.expect(smoke.query.get("terug") == ["/"], "the login URL to carry terug=/", smoke.driver.current_url)
        smoke.find("input#email[type=email]", "the e-mail field")
        smoke.find("input#password[type=password]", "the password field")
        smoke.expect(smoke.h1() == "Inloggen bij Regie", "heading 'Inloggen bij Regie'", smoke.h1())
        smoke.check_page("login")

    def wrong_password():
        smoke.login(CONSULENT, "dit-is-niet-het-wachtwoord")
        smoke.expect(smoke.path == "/inloggen", "to stay on /inloggen after a wrong password", smoke.path)
        summary = smoke.find(".error-summary[role=alert]", "the error summary")
        smoke.expect(TXT_LOGIN_FAILED in summary.text, f"error text '{TXT_LOGIN_FAILED}'", summary.text)
        value = smoke.find("input#email").get_attribute("value")
        smoke.expect(value == CONSULENT, f"the e-mail field to keep '{CONSULENT}'", repr(value))
        smoke.expect(smoke.find("input#password").get_attribute("value") == "", "the password field to be emptied")
        smoke.check_page("login-wrong-password")

    def login_ok():
        smoke.login(CONSULENT)
        smoke.expect(smoke.path == "/", "to land on the werkvoorraad (/) after login",
                    f"path {smoke.path}; error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect(smoke.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", smoke.h1())
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        smoke.expect(len(rows) > 0, "a table with at least one person", smoke.text_of("main .empty") or "no rows")
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr th a[href^='/personen/']")
        smoke.expect(len(links) == len(rows), "each row to link to /personen/<id>", f"{len(links)} links, {len(rows)} rows")
        # Pick a person from the middle of the table; names are shown as "Familienaam, Voornamen".
        link = links[len(links) // 2]
        name = link.text.strip()
        smoke.expect("," in name, "names in the form 'Familienaam, Voornamen'", name)
        smoke.facts.update(person_name=name, family_name=name.split(",")[0].strip(),
                          person_path=urlparse(link.get_attribute("href")).path)
        smoke.facts["user_name"] = smoke.driver.execute_script(
            "var u = document.querySelector('header .user'); return u ? u.firstChild.textContent.trim() : ''")
        print(f"    {len(rows)} rows; picked {name} ({smoke.facts['person_path']}); signed in as {smoke.facts['user_name']}")
        smoke.check_page("werkvoorraad")

    def search():
        family = smoke.facts["family_name"]
        box = smoke.find("form.filterbar input#q", "the search field")
        box.clear()
        box.send_keys(family)
        smoke.click_and_wait(smoke.find("form.filterbar button[type=submit]", "the search button"))
        smoke.expect(smoke.path == "/" and smoke.query.get("q") == [family], f"URL /?q={family}", smoke.driver.current_url)
        smoke.expect(smoke.find("input#q").get_attribute("value") == family, "the search field to keep the term")
        names = [a.text.strip() for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a")]
        smoke.expect(smoke.facts["person_name"] in names, f"'{smoke.facts['person_name']}' in the results", ", ".join(names) or "no rows")
        others = [n for n in names if family.lower() not in n.lower()]
        smoke.expect(not others, f"every result to contain '{family}'", ", ".join(others))
        print(f"    search '{family}': {len(names)} result(s)")
        smoke.check_page("werkvoorraad-zoeken")

    def open_person():
        name = smoke.facts["person_name"]
        link = smoke.wait_for(lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, "main table tbody a")
                                              if a.text.strip() == name), None), f"a link '{name}'")
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == smoke.facts["person_path"], f"to be on {smoke.facts['person_path']}", smoke.path)
        # The table shows "Familienaam, Voornamen"; the file's heading "Voornamen Familienaam".
        family, given = (part.strip() for part in name.split(",", 1))
        smoke.expect(smoke.h1() == f"{given} {family}", f"heading '{given} {family}'", smoke.h1())
        reveal = smoke.find("a.reveal", f"the link '{TXT_REVEAL_BSN}'")
        smoke.expect(reveal.text.strip() == TXT_REVEAL_BSN, f"link text '{TXT_REVEAL_BSN}'", reveal.text)
        bsn = smoke.bsn_text()
        smoke.expect(not re.fullmatch(r"\d{9}", bsn), "the BSN to be masked before 'Toon BSN'", bsn)
        smoke.facts["masked_bsn"] = bsn
        smoke.check_page("dossier")

    def reveal_bsn():
        link = smoke.find("a.reveal", f"the link '{TXT_REVEAL_BSN}'")
        smoke.click_and_wait(link)
        # The reveal is its own (audited) GET: /personen/<id>/bsn.
        target = smoke.facts["person_path"] + "/bsn"
        smoke.expect(smoke.path == target, f"to be on {target}", smoke.path)
        bsn = smoke.bsn_text()
        masked = smoke.facts["masked_bsn"]
        smoke.expect(re.fullmatch(r"\d{9}", bsn) is not None, "the full 9-digit BSN after 'Toon BSN'",
                    f"{bsn!r} (was {masked!r})")
        smoke.expect(bsn[-4:] == masked[-4:], f"the full BSN to end like the masked one ({masked})", bsn)
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "a.reveal"), f"the link '{TXT_REVEAL_BSN}' to be gone")
        print(f"    BSN {smoke.facts['masked_bsn']} → shown in full")
        smoke.check_page("dossier-bsn-getoond")

    def account():
        smoke.nav("Mijn account", "/account")
        smoke.expect(smoke.h1() == "Mijn account", "heading 'Mijn account'", smoke.h1())
        facts = smoke.text_of("main dl.facts")
        smoke.expect(CONSULENT in facts, f"the e-mail address {CONSULENT} on the account page", facts[:200])
        smoke.expect("Consulent" in facts, "the role 'Consulent' on the account page", facts[:200])
        smoke.check_page("account")

    def logout():
        smoke.logout()
        smoke.expect(smoke.query.get("reden") == ["uitgelogd"], "the URL to carry reden=uitgelogd", smoke.driver.current_url)
        notice = smoke.find("main .notice[role=status]", "the logged-out notice")
        smoke.expect(TXT_LOGGED_OUT in notice.text, f"notice '{TXT_LOGGED_OUT}'", notice.text)
        smoke.check_page("uitgelogd")
        # The session is really gone: the home page asks for a login again.
        smoke.open("/")
        smoke.expect(smoke.path == "/inloggen", "/ to redirect to /inloggen after logout", smoke.path)

    for name, function in [
        ("open / without a session → login page", anonymous_redirect),
        ("wrong password → Dutch error, e-mail kept", wrong_password),
        ("log in as consulent → werkvoorraad with a table", login_ok),
        ("search by family name", search),
        ("open a person's file", open_person),
        (f"click '{TXT_REVEAL_BSN}'", reveal_bsn),
        ("open the account page", account),
        ("log out → login page with notice", logout),
    ]:
        smoke.step(name, function)
