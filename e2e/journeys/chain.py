"""The browser journey "chain" of the smoke test (run by e2e/smoke.py): the chain of issue 18, the
providers the functioneel beheerder keeps and the consulent's referrals to their offers."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from journeys.common import (
    BEHEER,
    CONSULENT,
    Smoke,
    display_date,
    dutch_date,
)
from journeys.second_factor import TXT_CODES_DONE, TXT_CODES_HEADING, TXT_SUBMIT, totp

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_NAV_PROVIDERS = "Aanbieders"  # nav.providers
TXT_PROVIDERS_HEADING = "Aanbieders"  # providers.heading
TXT_PROVIDER_ADD = "Aanbieder toevoegen"  # providers.newHeading, providers.add
TXT_KVK_ERROR = "Een KvK-nummer heeft 8 cijfers."  # providers.errors.kvk
TXT_PROVIDER_EDIT = "Gegevens van de aanbieder wijzigen"  # providers.edit
TXT_OFFER_ADD = "Aanbod toevoegen"  # providers.offer.newHeading
TXT_STARTS = "Startmomenten"  # providers.start.heading
TXT_START_ADD = "Startmoment toevoegen"  # providers.start.add
TXT_START_SAVED = "Het startmoment is opgeslagen."  # providers.saved.startmoment
TXT_REFERRALS_SECTION = "Verwijzingen"  # person.sections.referrals
TXT_OPEN_REFERRALS = re.compile(r"\b\d+ lopend\b")  # person.sections.openReferrals(One)
TXT_REFERRALS_HEADING = "Verwijzingen naar aanbieders"  # referrals.heading
TXT_REFERRAL_NEW = "Nieuwe verwijzing"  # referrals.newHeading
TXT_REFER = "Verwijzen"  # referrals.refer
TXT_REFERRED = "De verwijzing is vastgelegd."  # referrals.saved.verwezen
TXT_SEPARATE_CONSENT = "aparte, uitdrukkelijke toestemming"  # in referrals.errors.separateConsentMissing
TXT_STEPS = "Antwoord van de aanbieder, start en einde vastleggen"  # referrals.stepsHeading
TXT_ACCEPT = "Aanbieder accepteert"  # referrals.steps.accept
TXT_STEPPED = "De verwijzing is bijgewerkt."  # referrals.saved.stap
TXT_STATUS_REFERRED = "Verwezen, wacht op antwoord"  # referrals.statuses.referred
TXT_STATUS_ACCEPTED = "Geaccepteerd"  # referrals.statuses.accepted
TXT_PROVIDER = "Taalhuis Weert"  # a provider of the demo (DemoChain), with the offer "B1-route dagprogramma"
DEMO_PROVIDERS = ("Taalhuis Weert", "Taalschool Midden-Limburg", "VluchtelingenWerk Zuid-Nederland")
BAD_KVK = "1234"  # not 8 digits
START_WEEKS = 10  # the new start moment, this many weeks ahead (the demo's are 1 to 9 weeks ahead)
START_CAPACITY = "9"
CASES_TO_TRY = 25  # case files of the werkvoorraad to look at for one with open referrals
PARTNER = "docent@taalhuisweert.example"  # the demo's member of staff of Taalhuis Weert (DemoChain.partnerLogins)
TXT_PARTNER_HEADING = "Verwijzingen"  # partner.heading
TXT_PARTNER_CONTACT = "Identiteit en contact"  # partner.contactHeading
TXT_PARTNER_STEPS = "Uw antwoord, de start en het einde"  # partner.stepsHeading
NEW_REFERRAL = "main form[action$='/verwijzingen']"  # the form 'Nieuwe verwijzing' (a referral's own forms post to …/verwijzingen/{id}/…)


def run(smoke: Smoke) -> None:
    """The functioneel beheerder lists the providers, is refused a bad KvK number, opens a provider
    and adds a start moment to its first offer; the consulent opens a case's referrals, refers to the
    first offer, is refused health data without separate consent, and records the provider's yes."""

    def login_beheer():
        smoke.open("/inloggen")
        smoke.logged_in_home(BEHEER, "/cijfers")

    def providers():
        smoke.nav(TXT_NAV_PROVIDERS, "/beheer/aanbieders")
        smoke.expect(smoke.h1() == TXT_PROVIDERS_HEADING, f"heading '{TXT_PROVIDERS_HEADING}'", smoke.h1())
        names = [a.text.strip() for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a[href^='/beheer/aanbieders/']")]
        missing = [n for n in DEMO_PROVIDERS if n not in names]
        smoke.expect(not missing, f"the demo's providers {', '.join(DEMO_PROVIDERS)} in the table", " | ".join(names) or "no rows")
        smoke.button("main form.form button[type=submit]", TXT_PROVIDER_ADD)
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        smoke.expect(TXT_PROVIDER_ADD in headings, f"a section '{TXT_PROVIDER_ADD}'", " | ".join(headings))
        print(f"    {len(names)} provider(s): {', '.join(names)}")
        smoke.check_page("aanbieders")

    def provider_refused():
        """A KvK number of 4 digits: HTTP 400, the error linked to #kvk, the typed name kept; nothing saved."""
        name = f"Smoke Taalschool {time.strftime('%H%M%S')}"
        municipality = Select(smoke.find("main select#municipality", "the select 'Gemeente (contract)'"))
        if not municipality.first_selected_option.get_attribute("value"):
            municipality.select_by_index(1)
        smoke.fill("name", name)
        smoke.fill("kind", "taalschool")
        smoke.fill("kvk", BAD_KVK)
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_PROVIDER_ADD))
        smoke.expect(smoke.path == "/beheer/aanbieders" and smoke.status() == 400, f"HTTP 400 on /beheer/aanbieders for KvK {BAD_KVK}",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect(TXT_KVK_ERROR in text, f"the error '{TXT_KVK_ERROR}' in the error summary", repr(text))
        smoke.expect("#kvk" in targets, "the error summary to link to #kvk", f"{text!r} → {targets}")
        smoke.expect(smoke.value("name") == name, "the typed name to be kept", repr(smoke.value("name")))
        smoke.expect(smoke.find("main #kvk").get_attribute("aria-invalid") == "true", "#kvk marked aria-invalid")
        smoke.expect(name not in [a.text.strip() for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a")],
                     f"'{name}' not in the table (nothing saved)")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("aanbieders-fout")

    def provider():
        links = {a.text.strip(): a for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a[href^='/beheer/aanbieders/']")}
        smoke.expect(TXT_PROVIDER in links, f"a link '{TXT_PROVIDER}' in the table", " | ".join(links) or "no rows")
        link = links[TXT_PROVIDER]
        path = urlparse(link.get_attribute("href")).path
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == path, f"to be on {path}", smoke.path)
        smoke.expect(smoke.h1() == TXT_PROVIDER, f"heading '{TXT_PROVIDER}'", smoke.h1())
        smoke.find("main dl.facts dt", "the provider's facts")
        summaries = [s.text.strip() for s in smoke.driver.find_elements(By.CSS_SELECTOR, "main details.disclosure > summary")]
        smoke.expect(TXT_PROVIDER_EDIT in summaries, f"a disclosure '{TXT_PROVIDER_EDIT}'", " | ".join(summaries) or "none")
        offers = smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel[id^='aanbod-']")
        smoke.expect(bool(offers), "a section per offer", "no offers")
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        smoke.expect(TXT_OFFER_ADD in headings, f"a section '{TXT_OFFER_ADD}'", " | ".join(headings))
        first = offers[0]
        smoke.facts.update(provider_path=path, offer_id=first.get_attribute("id").removeprefix("aanbod-"),
                           offer_name=first.find_element(By.CSS_SELECTOR, "h3").text.strip())
        print(f"    {len(offers)} offer(s): " + ", ".join(o.find_element(By.CSS_SELECTOR, "h3").text.strip() for o in offers))
        smoke.check_page("aanbieder")

    def start_dates(offer_id: str) -> dict[date, dict[str, str]]:
        """The start moments in the offer's table 'Startmomenten', by date."""
        out = {}
        for row in smoke.table(f"main section#aanbod-{offer_id} table"):
            day = dutch_date(row.get("Startdatum", ""))
            if day:
                out[day] = row
        return out

    def add_start():
        """A start moment some weeks ahead for the first offer: saved, back on the offer with the notice."""
        path, offer_id, offer = smoke.case("provider_path"), smoke.case("offer_id"), smoke.case("offer_name")
        section = smoke.find(f"main section#aanbod-{offer_id}", f"the section of '{offer}'")
        caption = " ".join(c.text for c in section.find_elements(By.CSS_SELECTOR, "table caption")).strip()
        smoke.expect(caption == TXT_STARTS, f"a table '{TXT_STARTS}' in '{offer}'", caption or "no table")
        existing = start_dates(offer_id)
        day = date.today() + timedelta(weeks=START_WEEKS)
        while day in existing:  # a run before this one (against the same server) took that day
            day += timedelta(days=1)
        smoke.fill(f"startsOn-new-{offer_id}", day.isoformat())
        smoke.fill(f"capacity-new-{offer_id}", START_CAPACITY)
        smoke.click_and_wait(smoke.button(f"main section#aanbod-{offer_id} form button[type=submit]", TXT_START_ADD))
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["startmoment"], f"a redirect to {path}?melding=startmoment",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_START_SAVED)
        row = start_dates(offer_id).get(day)
        smoke.expect(row is not None, f"a start moment {display_date(day)} in '{offer}'",
                     " | ".join(display_date(d) for d in start_dates(offer_id)) or "no rows")
        smoke.expect(row.get("Plaatsen") == START_CAPACITY, f"{START_CAPACITY} places on {display_date(day)}", str(row))
        print(f"    '{offer}': start {display_date(day)} with {START_CAPACITY} places")

    def login_consulent():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def referrals_page():
        """A case of the werkvoorraad with open referrals (its file says '… lopend' beside 'Verwijzingen'), else the first."""
        smoke.expect(smoke.path == "/", "to be on the werkvoorraad (/)", smoke.path)
        cases = [urlparse(a.get_attribute("href")).path for a in
                 smoke.driver.find_elements(By.CSS_SELECTOR, "main table.caseload tbody tr th a[href^='/personen/']")]
        smoke.expect(bool(cases), "a case in the consulent's werkvoorraad", smoke.text_of("main .empty") or "no rows")
        chosen, detail = None, ""
        for path in cases[:CASES_TO_TRY]:
            smoke.open(path)
            items = smoke.driver.find_elements(By.CSS_SELECTOR, "main ul.section-links li")
            item = next((li for li in items if li.find_element(By.CSS_SELECTOR, "a").text.strip() == TXT_REFERRALS_SECTION), None)
            smoke.expect(item is not None, f"a section link '{TXT_REFERRALS_SECTION}' on {path}",
                         " | ".join(li.text for li in items) or "no section links")
            detail = item.text.replace(TXT_REFERRALS_SECTION, "", 1).strip()
            if TXT_OPEN_REFERRALS.search(detail):
                chosen = path
                break
        if chosen is None:
            chosen, detail = cases[0], ""
            smoke.open(chosen)
            print(f"    (none of the first {min(len(cases), CASES_TO_TRY)} case(s) has an open referral; the first one is used)")
        smoke.facts.update(referral_case=chosen)
        link = smoke.link("main ul.section-links a", TXT_REFERRALS_SECTION)
        smoke.expect(urlparse(link.get_attribute("href")).path == chosen + "/verwijzingen",
                     f"'{TXT_REFERRALS_SECTION}' to point to {chosen}/verwijzingen", link.get_attribute("href"))
        smoke.click_and_wait(link)
        smoke.expect(smoke.path == chosen + "/verwijzingen", f"to be on {chosen}/verwijzingen", smoke.path)
        smoke.expect(smoke.h1() == TXT_REFERRALS_HEADING, f"heading '{TXT_REFERRALS_HEADING}'", smoke.h1())
        tags = [t.text.strip() for t in smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel[id^='verwijzing-'] .tag")]
        if TXT_OPEN_REFERRALS.search(detail):
            smoke.expect(bool(tags), f"the referrals listed with a status ('{detail}' on the file)", "no referral panels")
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        smoke.expect(TXT_REFERRAL_NEW in headings, f"a section '{TXT_REFERRAL_NEW}'", " | ".join(headings))
        offers = smoke.driver.find_elements(By.CSS_SELECTOR, f"{NEW_REFERRAL} input[type=radio][name=offer]")
        smoke.expect(bool(offers), "a radio button 'offer' per offer", "none")
        smoke.expect(smoke.driver.find_element(By.CSS_SELECTOR, f"{NEW_REFERRAL} input[name=consent][value=identity]").is_selected(),
                     "the consent 'identity' ticked beforehand")
        print(f"    {chosen}: '{detail}' on the file; {len(tags)} referral(s): {', '.join(tags) or '-'}; {len(offers)} offer(s)")
        smoke.check_page("verwijzingen")

    def panel_ids() -> set[str]:
        return {s.get_attribute("id") for s in smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel[id^='verwijzing-']")}

    def refer_form(consent: list[str], separately: bool = False) -> str:
        """Fills the form 'Nieuwe verwijzing' for the first offer and sends it; the offer's label."""
        first = smoke.find(f"{NEW_REFERRAL} input[type=radio][name=offer]", "the first offer")
        label = smoke.driver.find_element(By.CSS_SELECTOR, f"main label[for='{first.get_attribute('id')}']").text.strip()
        if not first.is_selected():
            first.click()
        for box in smoke.driver.find_elements(By.CSS_SELECTOR, f"{NEW_REFERRAL} input[type=checkbox][name=consent]"):
            if box.is_selected() != (box.get_attribute("value") in consent):
                box.click()
        box = smoke.find(f"{NEW_REFERRAL} input[type=checkbox][name=separately]", "the checkbox 'separately'")
        if box.is_selected() != separately:
            box.click()
        smoke.click_and_wait(smoke.button(f"{NEW_REFERRAL} button[type=submit]", TXT_REFER))
        return label

    def refer():
        """The first offer, consent for identity and route: back on the page with the notice and a new referral."""
        path = smoke.case("referral_case") + "/verwijzingen"
        before = panel_ids()
        label = refer_form(["identity", "route"])
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["verwezen"], f"a redirect to {path}?melding=verwezen",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_REFERRED)
        new = panel_ids() - before
        smoke.expect(len(new) == 1, "one new referral on the page", f"{len(new)} new panel(s)")
        panel_id = new.pop()
        tag = smoke.text_of(f"main section#{panel_id} .tag")
        smoke.expect(tag == TXT_STATUS_REFERRED, f"the new referral's status '{TXT_STATUS_REFERRED}'", tag or "no status")
        consent = smoke.text_of(f"main section#{panel_id} ul.records li:not(.record--muted) strong")
        smoke.expect(consent.count(",") >= 1, "the consent for two classes on the new referral", consent or "no consent")
        smoke.facts.update(referral_panel=panel_id)
        print(f"    referred to: {label[:90]}…; {smoke.text_of(f'main section#{panel_id} h3')} ({tag}); consent: {consent}")

    def refer_refused():
        """Health data without the separate, explicit consent: HTTP 400, the error on the consent."""
        path = smoke.case("referral_case") + "/verwijzingen"
        before = panel_ids()
        refer_form(["identity", "health"], separately=False)
        smoke.expect(smoke.path == path and smoke.status() == 400, f"HTTP 400 on {path} for health data without separate consent",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect(TXT_SEPARATE_CONSENT in text, f"'{TXT_SEPARATE_CONSENT}' in the error summary", repr(text))
        smoke.expect("#consent" in targets, "the error summary to link to #consent", f"{text!r} → {targets}")
        field_error = smoke.text_of("main fieldset#consent .field-error")
        smoke.expect(TXT_SEPARATE_CONSENT in field_error, f"'{TXT_SEPARATE_CONSENT}' beside the consent", field_error or "no error there")
        health = smoke.driver.find_element(By.CSS_SELECTOR, f"{NEW_REFERRAL} input[name=consent][value=health]")
        smoke.expect(health.is_selected(), "the ticked 'health' kept")
        smoke.expect(panel_ids() == before, "no new referral (nothing saved)", f"{len(panel_ids() - before)} new")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("verwijzingen-fout")

    def accept():
        """The new referral's disclosure, 'Aanbieder accepteert': the notice and the status 'Geaccepteerd'."""
        path = smoke.case("referral_case") + "/verwijzingen"
        panel_id = smoke.case("referral_panel")
        panel = smoke.find(f"main section#{panel_id}", "the new referral")
        details = next((d for d in panel.find_elements(By.CSS_SELECTOR, "details.disclosure")
                        if d.find_element(By.CSS_SELECTOR, "summary").text.strip() == TXT_STEPS), None)
        smoke.expect(details is not None, f"a disclosure '{TXT_STEPS}' on the new referral",
                     " | ".join(s.text for s in panel.find_elements(By.CSS_SELECTOR, "summary")) or "none")
        if details.get_attribute("open") is None:
            details.find_element(By.CSS_SELECTOR, "summary").click()
        smoke.wait_for(lambda d: details.get_attribute("open") is not None, f"the disclosure '{TXT_STEPS}' open")
        button = smoke.button(f"main section#{panel_id} details form button[type=submit]", TXT_ACCEPT)
        smoke.expect(button.is_displayed(), f"the button '{TXT_ACCEPT}' visible")
        form = button.find_element(By.XPATH, "./ancestor::form")
        planned = form.find_element(By.CSS_SELECTOR, "input[name=plannedStart]")
        if not planned.get_attribute("value"):  # on the waiting list: no start moment to take the date from
            smoke.fill(planned.get_attribute("id"), (date.today() + timedelta(weeks=START_WEEKS)).isoformat())
        start = planned.get_attribute("value")
        smoke.click_and_wait(button)
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["stap"], f"a redirect to {path}?melding=stap",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_STEPPED)
        tag = smoke.text_of(f"main section#{panel_id} .tag")
        smoke.expect(tag == TXT_STATUS_ACCEPTED, f"the referral's status '{TXT_STATUS_ACCEPTED}'", tag or "no status")
        facts = smoke.text_of(f"main section#{panel_id} dl.facts")
        day = date.fromisoformat(start)
        smoke.expect(display_date(day) in facts, f"the planned start {display_date(day)} among the referral's facts", facts)
        print(f"    accepted, planned start {display_date(day)}")

    def partner():
        """The school's member of staff: the password, then (a provider's organisation asks for it) two-step
        verification set up; the referrals to the school, and one of them with what the newcomer consented to."""
        smoke.open("/inloggen")
        smoke.login(PARTNER)
        smoke.expect(smoke.path == "/inloggen/tweede-factor", "a provider's account to set up two-step verification first", smoke.path)
        key = smoke.text_of("main .enrol-key")
        field = smoke.find("main input#code", "the field 'Code uit de app'")
        field.send_keys(totp(key, int(time.time()) // 30))
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_SUBMIT))
        smoke.expect(smoke.h1() == TXT_CODES_HEADING, f"heading '{TXT_CODES_HEADING}'", smoke.h1())
        smoke.click_and_wait(smoke.link("main a.button", TXT_CODES_DONE))
        smoke.open("/")
        smoke.expect(smoke.path == "/aanbieder", "a provider's staff to land on /aanbieder", smoke.path)
        smoke.expect(smoke.h1() == TXT_PARTNER_HEADING, f"heading '{TXT_PARTNER_HEADING}'", smoke.h1())
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a[href^='/aanbieder/verwijzingen/']")
        smoke.expect(len(rows) > 0, "referrals to the school", "none")
        smoke.check_page("aanbieder-verwijzingen")
        smoke.click_and_wait(rows[0])
        headings = [h.text.strip() for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main h2")]
        smoke.expect(TXT_PARTNER_CONTACT in headings, f"a section '{TXT_PARTNER_CONTACT}'", " | ".join(headings))
        print(f"    {len(rows)} referral(s); sections: {', '.join(headings)}")
        smoke.check_page("aanbieder-verwijzing")
        smoke.open("/aanbieder/accounts")  # the demo's member of staff is the school's administrator
        smoke.expect(smoke.status() == 200, "the school's administrator keeps its accounts", str(smoke.status()))
        smoke.check_page("aanbieder-accounts")
        smoke.open("/taken")
        smoke.expect(smoke.status() == 403, "the municipality's pages closed to a provider's staff", str(smoke.status()))

    for name, function in [
        ("log in as functioneel beheerder", login_beheer),
        ("providers (/beheer/aanbieders)", providers),
        ("providers: a KvK number of 4 digits is refused", provider_refused),
        (f"a provider's page ({TXT_PROVIDER})", provider),
        ("a provider's page: add a start moment", add_start),
        ("log out", smoke.logout),
        ("log in as consulent", login_consulent),
        ("a case's referrals (/personen/{id}/verwijzingen)", referrals_page),
        ("referrals: refer to the first offer", refer),
        ("referrals: health data without separate consent is refused", refer_refused),
        ("referrals: the provider accepts", accept),
        ("log out", smoke.logout),
        ("the school's member of staff: two-step verification, the referrals (/aanbieder)", partner),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
