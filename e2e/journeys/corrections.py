"""The browser journey "corrections" of the smoke test (run by e2e/smoke.py), issue 15: a consulent
corrects a mistyped number of hours. On a case with a fixed PIP (`/?fase=pipVastgesteld`, else one in
leerroute) the hours grid of "Voortgang en uren" (`/personen/<id>/voortgang`; fields `periodEnd`,
`uren-<soort>`, `aanbieder-<soort>`) gets an implausible number for a kind the case has no hours of
yet: HTTP 400 with an error summary "Meer uren dan …" that links to the field, the typed hours kept,
and a box "Ja, dit aantal uren klopt" (`bevestigd`) that was not there before (UrenRules.plausibelMaximum:
8 hours a working day). Ticked, the hours are registered and listed. The row's correction form
(`/personen/<id>/voortgang/uren/<uren>`: the right number and a reason) then gives "De uren zijn
gecorrigeerd.": the list shows the right number, and the old row struck through with "Gecorrigeerd op
…: <reason>" and no correction form of its own. On the same case's leerbaarheidstoets page
(`/personen/<id>/lbt`) the consulent corrects the latest test: "Corrigeren" opens the form filled with
the test, a reason is asked, and after saving the page says "De registratie is gecorrigeerd.", lists
the corrected test and keeps the old one under "Ingetrokken" with the reason. Each page is checked
with axe and the reflow check and kept as a screenshot."""

from __future__ import annotations

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from journeys.common import (
    CONSULENT,
    Smoke,
)

# Dutch UI texts of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_HEADING = "Voortgang en uren"  # progress.heading
TXT_IMPLAUSIBLE = "Meer uren dan"  # progress.implausiblePrefix (progress.errors.implausible starts with it)
TXT_CONFIRM = "Ja, dit aantal uren klopt"  # progress.confirmHours
TXT_HOURS_SAVED = "De uren zijn geregistreerd."  # progress.saved.uren
TXT_CORRECTED = "De uren zijn gecorrigeerd."  # progress.saved.correctie
TXT_CORRECTED_NOTE = "Gecorrigeerd op"  # progress.correctedNote: "Gecorrigeerd op {date}: {reason}"
TXT_CORRECT = "Corrigeren"  # progress.saveCorrection
COL_KIND, COL_HOURS, COL_PROVIDER = "Soort uren", "Uren", "Aanbieder"  # progress.kind, .hours, .provider: the list's columns
TXT_KINDS = {  # progress.kinds, the grid's kinds (UrenSoort) this journey may use
    "participatie": "Participatie",
    "pvt": "PVT",
    "mapPraktijk": "MAP-praktijk",
    "cursus": "Cursus (taal en KNM)",
}

TXT_LBT_CORRECT = "Leerbaarheidstoets corrigeren"  # lbt.correct
TXT_LBT_CORRECTED = "De registratie is gecorrigeerd."  # lbt.saved.gecorrigeerd
TXT_WITHDRAWN = "Ingetrokken"  # withdraw.heading
LBT_ADMINISTRATOR = "M. Jansen (gecertificeerd afnemer)"
LBT_REASON = "Verkeerde afnemer overgenomen"

TYPED = 900  # a typing error for 90: more than a quarter's working days hold (about 65 × 8 = 520)
RIGHT = 90
REASON = "Tikfout: 90 uur, niet 900"


def run(smoke: Smoke) -> None:
    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def hours_rows() -> list[dict[str, str]]:
        return smoke.table("main table.hours")

    def open_case():
        for query in ("/?fase=pipVastgesteld", "/?fase=inLeerroute"):
            smoke.open(query)
            links = smoke.driver.find_elements(By.CSS_SELECTOR, "main table.caseload tbody th a[href^='/personen/'], "
                                                                "main table tbody tr td:first-child a[href^='/personen/']")
            if links:
                break
        smoke.expect(bool(links), "a case with a fixed PIP on the werkvoorraad (?fase=pipVastgesteld or inLeerroute)", "none")
        person = urlparse(links[0].get_attribute("href")).path
        smoke.facts["corrections_person"] = person
        smoke.open(person + "/voortgang")
        smoke.expect(smoke.h1() == TXT_HEADING, f"heading '{TXT_HEADING}'", smoke.h1())
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "main input[name=bevestigd]"),
                     f"no box '{TXT_CONFIRM}' before a number needs it", "there")
        listed = {row.get(COL_KIND, "") for row in hours_rows()}  # withdrawn rows too: the new rows are then the only ones
        kind = next((k for k, label in TXT_KINDS.items() if label not in listed), None)
        smoke.expect(kind is not None, f"a kind of hours the case has none of yet (one of {', '.join(TXT_KINDS.values())})",
                     ", ".join(sorted(listed)))
        smoke.facts["corrections_kind"] = kind
        smoke.check_page("voortgang-uren")

    def implausible():
        kind = smoke.case("corrections_kind")
        field = f"uren-{kind}"
        smoke.fill(field, str(TYPED))
        provider = smoke.find(f"main #aanbieder-{kind}", f"the field 'aanbieder-{kind}'")
        if provider.tag_name == "select":  # the municipality keeps a list of providers
            options = [o.get_attribute("value") for o in Select(provider).options if o.get_attribute("value")]
            if options:
                smoke.fill(f"aanbieder-{kind}", options[0])
        else:
            smoke.fill(f"aanbieder-{kind}", "Taalschool Weert")
        smoke.facts["corrections_period"] = smoke.value("periodEnd")
        smoke.submit("main section[aria-labelledby=form-uren] form")
        smoke.expect(smoke.status() == 400, "HTTP 400 for an implausible number of hours", str(smoke.status()))
        text, targets = smoke.error_summary()
        smoke.expect(TXT_IMPLAUSIBLE in text and str(TYPED) in text, f"an error summary '{TXT_IMPLAUSIBLE} …' naming {TYPED}", text)
        smoke.expect(f"#{field}" in targets, f"the error summary to link to #{field}", ", ".join(targets))
        smoke.expect(smoke.value(field) == str(TYPED), f"the typed {TYPED} kept", smoke.value(field))
        smoke.expect(smoke.find(f"main #{field}").get_attribute("aria-invalid") == "true", f"#{field} marked aria-invalid")
        box = smoke.find("main #bevestigd-uren", f"the box '{TXT_CONFIRM}'")
        label = smoke.text_of("main label[for='bevestigd-uren']")
        smoke.expect(label == TXT_CONFIRM and not box.is_selected(), f"an unticked box '{TXT_CONFIRM}'", label)
        smoke.expect(not any(row.get(COL_HOURS) == str(TYPED) for row in hours_rows()), f"the {TYPED} hours not saved yet")
        smoke.check_page("uren-bevestigen")

    def confirm():
        kind = smoke.case("corrections_kind")
        smoke.fill("bevestigd-uren", True)
        smoke.submit("main section[aria-labelledby=form-uren] form")
        smoke.expect_notice(TXT_HOURS_SAVED)
        rows = smoke.driver.find_elements(By.CSS_SELECTOR, "main table.hours tbody tr:not(.hours--withdrawn)")
        row = next((r for r in rows if TXT_KINDS[kind] in r.text and str(TYPED) in
                    [c.text.strip() for c in r.find_elements(By.CSS_SELECTOR, "td")]), None)
        smoke.expect(row is not None, f"a row '{TXT_KINDS[kind]}' with {TYPED} hours", " | ".join(r.text for r in rows)[:300])
        action = row.find_element(By.CSS_SELECTOR, "details.correction form").get_dom_attribute("action")
        person = smoke.case("corrections_person")
        smoke.expect(action.startswith(person + "/voortgang/uren/"), f"a correction form to {person}/voortgang/uren/<uren>", action)
        smoke.facts["corrections_hours"] = action.rsplit("/", 1)[1]
        smoke.check_page("uren-geregistreerd")

    def correct():
        kind = smoke.case("corrections_kind")
        hours_id = smoke.case("corrections_hours")
        smoke.fill(f"hours-{hours_id}", str(RIGHT))  # fill() opens the row's folded panel, as a user would
        smoke.fill(f"reason-{hours_id}", REASON)
        smoke.click_and_wait(smoke.button(f"main form[action$='/voortgang/uren/{hours_id}'] button[name=actie][value=corrigeren]",
                                          TXT_CORRECT))
        smoke.expect_notice(TXT_CORRECTED)
        rows = hours_rows()
        current = [r for r in rows if r.get(COL_KIND) == TXT_KINDS[kind] and TXT_CORRECTED_NOTE not in r.get(COL_PROVIDER, "")]
        smoke.expect([r.get(COL_HOURS) for r in current] == [str(RIGHT)], f"one row '{TXT_KINDS[kind]}' that counts, with {RIGHT} hours",
                     str(current))
        old = smoke.driver.find_elements(By.CSS_SELECTOR, "main table.hours tbody tr.hours--withdrawn")
        old = [r for r in old if TXT_KINDS[kind] in r.text]
        smoke.expect(len(old) == 1, f"the old row '{TXT_KINDS[kind]}' kept, marked withdrawn", f"{len(old)} such rows")
        struck = [d.text.strip() for d in old[0].find_elements(By.CSS_SELECTOR, "del")]
        smoke.expect(struck == [str(TYPED)], f"the old {TYPED} struck through (<del>)", str(struck))
        smoke.expect(TXT_CORRECTED_NOTE in old[0].text and REASON in old[0].text,
                     f"the old row marked '{TXT_CORRECTED_NOTE} …: {REASON}'", old[0].text)
        smoke.expect(not old[0].find_elements(By.CSS_SELECTOR, "details.correction"), "no correction form on the old row", "there")
        smoke.check_page("uren-gecorrigeerd")

    def correct_lbt():
        person = smoke.case("corrections_person")
        smoke.open(person + "/lbt")
        links = smoke.driver.find_elements(By.CSS_SELECTOR, "main table a[href*='corrigeer=']")
        smoke.expect(bool(links), "a test with a link 'Corrigeren' on the LBT page", "none")
        smoke.click_and_wait(links[0])
        smoke.expect(smoke.text_of("main #lbt-form") == TXT_LBT_CORRECT, f"the form headed '{TXT_LBT_CORRECT}'", smoke.text_of("main #lbt-form"))
        smoke.expect(bool(smoke.value("administrator")), "the form filled with the test", smoke.value("administrator"))
        smoke.check_page("lbt-corrigeren")
        smoke.fill("administrator", LBT_ADMINISTRATOR)
        smoke.fill("correctionReason", LBT_REASON)
        smoke.submit("main form[action$='/lbt']")
        smoke.expect_notice(TXT_LBT_CORRECTED)
        tests = smoke.text_of("main section[aria-labelledby=toetsen] table")
        smoke.expect(LBT_ADMINISTRATOR in tests, f"the corrected test listed with '{LBT_ADMINISTRATOR}'", tests[:300])
        withdrawn = smoke.text_of("main section[aria-labelledby=ingetrokken]")
        smoke.expect(TXT_WITHDRAWN in withdrawn and LBT_REASON in withdrawn, f"the old test under '{TXT_WITHDRAWN}' with '{LBT_REASON}'",
                     withdrawn[:300])
        smoke.check_page("lbt-gecorrigeerd")

    for name, function in [
        ("log in as consulent", login),
        ("open 'Voortgang en uren' of a case with a fixed PIP", open_case),
        (f"{TYPED} hours in the hours grid ask for confirmation", implausible),
        ("confirmed, the hours are registered and listed", confirm),
        (f"correct the row to {RIGHT} hours with a reason", correct),
        ("correct the leerbaarheidstoets with a reason", correct_lbt),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
