"""The browser journey "attendance" of the smoke test (run by e2e/smoke.py): the attendance register of
issue 18 item 4. The teacher of Taalhuis Weert opens a lesson, two participants confirm their presence
on their phones (each in a browser of their own, 390 px wide) with the lesson's code, the teacher
confirms the list, and the consulent sees the hours in the case and the demo's absence signal task.

Two-step verification: the teacher's account (DemoChain.partnerLogins) sets it up at its first sign-in,
and the journey "chain" does so too, keeping the key to itself. When the password leads to the code
page instead (chain ran first on this server, or an earlier run), the functioneel beheerder wipes the
account's second factor on the provider's page ("Tweestapsverificatie opnieuw laten instellen", the
app's own way after a lost phone) and the teacher sets it up afresh. At its end the journey wipes it
again, so the demo account is as it was and "chain" (which expects a first sign-in) can run after it."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import urlparse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from journeys.common import (
    BEHEER,
    CONSULENT,
    MOBILE,
    PASSWORD,
    Smoke,
    display_date,
    make_driver,
)
from journeys.second_factor import TXT_CODES_DONE, TXT_CODES_HEADING, TXT_SUBMIT, totp

# Dutch UI texts and data of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TEACHER = "docent@taalhuisweert.example"  # the demo's member of staff of Taalhuis Weert (DemoChain.partnerLogins)
PROVIDER = "Taalhuis Weert"  # DemoChain.providers
OFFER = "B1-route dagprogramma"  # Taalhuis Weert's offer with started participants (DemoChain.loadLessons)
PARTICIPANTS = ("weert-0001", "weert-0002")  # DemoChain.participantLogins: the first started referrals' people, in that group
TXT_NAV_LESSONS = "Lessen"  # nav.partnerLessons
TXT_LESSONS_HEADING = "Lessen"  # lessons.heading
TXT_LESSONS_CAPTION = "Lessen van de afgelopen acht weken en open lessen"  # lessons.listHeading
TXT_GROUP = f"{OFFER} — alle gestarte deelnemers"  # lessons.wholeOffer
TXT_OPEN = "Les openen"  # lessons.open
TXT_TIME_ERROR = "Vul een tijd in als uu:mm, bijvoorbeeld 09:30."  # lessons.errors.time
TXT_OPENED = "De les is geopend. Deelnemers kunnen zich nu aanmelden."  # lessons.saved.geopend
TXT_STATUS_OPEN = "open"  # lessons.statuses.open
TXT_STATUS_CONFIRMED = "bevestigd"  # lessons.statuses.confirmed
TXT_CODE_HEADING = "Code voor de telefoon"  # lessons.codeHeading
TXT_CONFIRMED_COUNT = "{confirmed} van {total} deelnemers hebben zich aangemeld."  # lessons.confirmedCount
TXT_NOT_CONFIRMED = "nog niet aangemeld"  # lessons.notConfirmed
TXT_VIA_PHONE = re.compile(r"^aangemeld om \d{2}:\d{2} \(telefoon\)$")  # lessons.confirmedVia.phone
TXT_PRESENT = "aanwezig ({hours} uur)"  # lessons.present
TXT_ABSENT = "afwezig"  # lessons.absent
TXT_CONFIRM_LIST = "Lijst bevestigen"  # lessons.confirm
TXT_LIST_CONFIRMED = "De lijst is bevestigd. De uren staan in de dossiers."  # lessons.saved.bevestigd
TXT_P_LOGIN_HEADING = "Inloggen voor deelnemers"  # participant.loginHeading
TXT_P_LOGIN = "Inloggen"  # participant.loginSubmit
TXT_P_HEADING = "Mijn lessen"  # participant.heading
TXT_P_LESSON = f"{OFFER} · {PROVIDER}"  # ParticipantController: "<offer> · <provider>"
TXT_P_TIME = "Om {time}, {hours} uur"  # participant.lessonTime
TXT_P_CONFIRM = "Ik ben aanwezig"  # participant.confirm
TXT_P_CODE_ERROR = "Deze code hoort niet bij de les. Kijk nog eens op het scherm in de klas."  # participant.errors.code
TXT_P_SAVED = "Je bent aangemeld. Fijne les!"  # participant.saved.aanwezig
TXT_P_CONFIRMED = "Je bent aangemeld voor deze les."  # participant.confirmed
TXT_REFERRALS_SECTION = "Verwijzingen"  # person.sections.referrals
TXT_ATTENDANCE = "Aanwezigheid"  # referrals.attendance
TXT_ATTENDANCE_TEXT = re.compile(r"^(\d+) van (\d+) bevestigde lessen aanwezig, (\d+) uur$")  # referrals.attendanceText
TXT_PROGRESS_SECTION = "Voortgang en uren"  # person.sections.progress
TXT_NAV_TASKS = "Mijn taken"  # nav.tasks
TXT_SIGNAL_TASK = "Afwezigheid bespreken: "  # the start of lessons.signalTask
TXT_PROVIDER_ACCOUNTS = "Beheren"  # providers.accounts.manage ("Beheren: <name>")
TXT_RESET_2FA = "Tweestapsverificatie opnieuw laten instellen"  # users.secondFactorReset
TXT_2FA_RESET = "De tweestapsverificatie van dit account is gewist."  # the start of providers.saved.tweedeFactorHersteld
BAD_TIME = "9 uur"  # not uu:mm
LESSON_TIME = "10:30"  # the new lesson's start (the demo's lesson of today starts at 09:00)
LESSON_HOURS = "3"


def run(smoke: Smoke) -> None:
    """The teacher opens a lesson (a bad time refused first); two participants confirm on their phones
    (a wrong code refused first); the teacher confirms the list; the consulent sees the hours and the
    absence signal task; the functioneel beheerder wipes the teacher's second factor (the demo as it was)."""
    state: dict = {}

    def teacher_code() -> str:
        """A code of the teacher's key for a time step the server has not seen yet (now ± 1)."""
        last = state.get("last_step")
        while True:
            now = int(time.time()) // 30
            step = now if last is None else max(now - 1, last + 1)
            if step <= now + 1:
                state["last_step"] = step
                return totp(state["key"], step)
            time.sleep(30 - time.time() % 30 + 0.2)

    def reset_second_factor() -> None:
        """As the functioneel beheerder: the teacher's second factor wiped on the provider's page; logs out."""
        smoke.open("/inloggen")
        smoke.logged_in_home(BEHEER, "/cijfers")
        smoke.open("/beheer/aanbieders")
        links = {a.text.strip(): a for a in smoke.driver.find_elements(By.CSS_SELECTOR, "main table tbody th a[href^='/beheer/aanbieders/']")}
        smoke.expect(PROVIDER in links, f"a link '{PROVIDER}' in the table", " | ".join(links) or "no rows")
        smoke.click_and_wait(links[PROVIDER])
        details = next((d for d in smoke.driver.find_elements(By.CSS_SELECTOR, "main details.disclosure")
                        if d.find_element(By.CSS_SELECTOR, "summary").text.strip().startswith(TXT_PROVIDER_ACCOUNTS + ":")), None)
        smoke.expect(details is not None, f"a disclosure '{TXT_PROVIDER_ACCOUNTS}: …' for the teacher's account",
                     " | ".join(s.text for s in smoke.driver.find_elements(By.CSS_SELECTOR, "main summary")) or "none")
        details.find_element(By.CSS_SELECTOR, "summary").click()
        button = smoke.button("main details.disclosure form button[type=submit]", TXT_RESET_2FA)
        smoke.click_and_wait(button)
        smoke.expect(smoke.query.get("melding") == ["tweedeFactorHersteld"], "a redirect to ?melding=tweedeFactorHersteld",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        smoke.expect(TXT_2FA_RESET in smoke.text_of("main .notice"), f"notice '{TXT_2FA_RESET}…'", smoke.text_of("main .notice") or "no notice")
        smoke.logout()

    def enrol() -> None:
        """On /inloggen/tweede-factor: the key read from the page, the code an app would show, the recovery codes."""
        state["key"] = smoke.text_of("main .enrol-key")
        state.pop("last_step", None)
        smoke.expect(len(state["key"].replace(" ", "")) == 32, "a key of 32 base32 characters", state["key"])
        smoke.find("main input#code", "the field 'Code uit de app'").send_keys(teacher_code())
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_SUBMIT))
        smoke.expect(smoke.h1() == TXT_CODES_HEADING, f"heading '{TXT_CODES_HEADING}'", smoke.h1())
        smoke.click_and_wait(smoke.link("main a.button", TXT_CODES_DONE))

    def login_teacher():
        smoke.open("/inloggen")
        smoke.login(TEACHER)
        if smoke.path == "/inloggen/code":
            # Enrolled already (the journey "chain", or an earlier run, set it up with a key we do not know).
            print("    (two-step verification set up before with an unknown key: the functioneel beheerder wipes it)")
            smoke.driver.delete_all_cookies()
            reset_second_factor()
            smoke.open("/inloggen")
            smoke.login(TEACHER)
        smoke.expect(smoke.path == "/inloggen/tweede-factor", "a provider's account to set up two-step verification",
                     f"{smoke.path}; error: {smoke.text_of('.error-summary') or '-'}")
        enrol()
        smoke.open("/")
        smoke.expect(smoke.path == "/aanbieder", "a provider's staff to land on /aanbieder", smoke.path)

    def lesson_rows() -> list[dict[str, str]]:
        return smoke.table("main table")

    def lessons():
        smoke.nav(TXT_NAV_LESSONS, "/aanbieder/lessen")
        smoke.expect(smoke.h1() == TXT_LESSONS_HEADING, f"heading '{TXT_LESSONS_HEADING}'", smoke.h1())
        caption = smoke.text_of("main table caption")
        smoke.expect(caption == TXT_LESSONS_CAPTION, f"a table '{TXT_LESSONS_CAPTION}' (the demo's lessons)", caption or "no table")
        options = [o.text.strip() for o in Select(smoke.find("main select#offer", "the select 'Groep'")).options]
        smoke.expect(TXT_GROUP in options, f"the group '{TXT_GROUP}'", " | ".join(options))
        state["rows_before"] = len(lesson_rows())
        print(f"    {state['rows_before']} lesson(s) listed; {len(options) - 1} group(s) to choose")
        smoke.check_page("lessen")

    def choose_group() -> None:
        select = Select(smoke.find("main select#offer", "the select 'Groep'"))
        select.select_by_visible_text(TXT_GROUP)
        state["group"] = select.first_selected_option.get_attribute("value")

    def set_time(value: str) -> None:
        """#startsAt is an input type=time (what to type depends on the browser's locale): set by script."""
        field = smoke.find("main input#startsAt", "the field 'Begintijd'")
        smoke.driver.execute_script("arguments[0].value = arguments[1];", field, value)
        smoke.expect(field.get_attribute("value") == value, f"the time field to take {value}", repr(field.get_attribute("value")))

    def bad_time():
        """'9 uur' typed where a browser without a time picker shows a text field: HTTP 400, the error on #startsAt,
        the typed text and the group kept, nothing opened."""
        choose_group()
        field = smoke.find("main input#startsAt", "the field 'Begintijd'")
        smoke.driver.execute_script("arguments[0].type = 'text';", field)
        field.clear()
        field.send_keys(BAD_TIME)
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_OPEN))
        smoke.expect(smoke.path == "/aanbieder/lessen" and smoke.status() == 400, f"HTTP 400 on /aanbieder/lessen for the time '{BAD_TIME}'",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()})")
        text, targets = smoke.error_summary()
        smoke.expect(TXT_TIME_ERROR in text, f"the error '{TXT_TIME_ERROR}' in the error summary", repr(text))
        smoke.expect("#startsAt" in targets, "the error summary to link to #startsAt", f"{text!r} → {targets}")
        field = smoke.find("main input#startsAt")
        # The answer's field is type=time again, which shows no text that is not a time: the typed text is in its value attribute.
        smoke.expect(field.get_dom_attribute("value") == BAD_TIME, f"the typed '{BAD_TIME}' kept", repr(field.get_dom_attribute("value")))
        smoke.expect(field.get_attribute("aria-invalid") == "true", "#startsAt marked aria-invalid")
        kept = Select(smoke.find("main select#offer")).first_selected_option.get_attribute("value")
        smoke.expect(kept == state["group"], "the chosen group kept", repr(kept))
        smoke.expect(len(lesson_rows()) == state["rows_before"], "no new lesson in the table (nothing saved)",
                     f"{len(lesson_rows())} rows, {state['rows_before']} before")
        print(f"    error summary: {text.splitlines()[-1] if text else '-'}")
        smoke.check_page("lessen-fout")

    def open_lesson():
        """Today (prefilled), 10:30, 3 hours: the lesson's page with the notice, the code and the group's names."""
        choose_group()
        day = smoke.value("date")
        set_time(LESSON_TIME)
        smoke.fill("hours", LESSON_HOURS)
        smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_OPEN))
        match = re.fullmatch(r"/aanbieder/lessen/([^/]+)", smoke.path)
        smoke.expect(match is not None and smoke.query.get("melding") == ["geopend"], "a redirect to /aanbieder/lessen/<id>?melding=geopend",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_OPENED)
        smoke.expect(smoke.h1() == OFFER, f"heading '{OFFER}'", smoke.h1())
        tag = smoke.text_of("main .tag")
        smoke.expect(tag == TXT_STATUS_OPEN, f"the status '{TXT_STATUS_OPEN}'", tag or "no status")
        facts = smoke.text_of("main dl.facts")
        today = date.fromisoformat(day)
        smoke.expect(display_date(today) in facts and LESSON_TIME in facts, f"the facts to say {display_date(today)} and {LESSON_TIME}", facts)
        heading = smoke.text_of("main .lesson-code h2")
        smoke.expect(heading == TXT_CODE_HEADING, f"a section '{TXT_CODE_HEADING}'", heading or "none")
        code = smoke.text_of("main .lesson-code__value")
        smoke.expect(re.fullmatch(r"\d{3} \d{3}", code) is not None, "a 6-digit code shown as 'ddd ddd'", repr(code))
        names = [r.get("Naam", "") for r in smoke.table("main section[aria-labelledby=deelnemers] table")]
        smoke.expect(len(names) >= len(PARTICIPANTS), f"at least {len(PARTICIPANTS)} participants in the group", " | ".join(names) or "none")
        count = smoke.text_of("main section[aria-labelledby=deelnemers] > p")
        expected = TXT_CONFIRMED_COUNT.format(confirmed=0, total=len(names))
        smoke.expect(count == expected, f"'{expected}'", count)
        state.update(lesson_id=match[1], lesson_path=smoke.path, code=code, names=names, day=today)
        print(f"    lesson {match[1]} on {display_date(today)} {LESSON_TIME}, code {code}; group: {', '.join(names)}")
        smoke.check_page("les")

    def participant_browser():
        """A fresh browser of its own (a participant's phone): the same browser and driver as the run's, 390 px wide."""
        service = getattr(smoke.driver, "service", None)
        driver = make_driver(None, getattr(service, "path", None))
        driver.set_window_size(*MOBILE)
        return driver

    def confirm_on_phone(login: str, first: bool):
        def step():
            lesson_id, code = state.get("lesson_id"), state.get("code")
            smoke.expect(lesson_id is not None, "the lesson opened by the teacher (an earlier step failed)")
            teacher = smoke.driver
            phone = participant_browser()
            smoke.driver = phone
            try:
                smoke.open("/deelnemer/inloggen")
                smoke.expect(smoke.h1() == TXT_P_LOGIN_HEADING, f"heading '{TXT_P_LOGIN_HEADING}'", smoke.h1())
                if first:
                    smoke.check_page("deelnemer-inloggen")
                smoke.fill("login", login)
                smoke.fill("password", PASSWORD)
                smoke.click_and_wait(smoke.button("main form.form button[type=submit]", TXT_P_LOGIN))
                smoke.expect(smoke.path == "/deelnemer", f"{login} to land on /deelnemer",
                             f"{smoke.path} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
                smoke.expect(smoke.h1() == TXT_P_HEADING, f"heading '{TXT_P_HEADING}'", smoke.h1())
                section = f"main section#les-{lesson_id}"
                titles = [h.text.strip() for h in phone.find_elements(By.CSS_SELECTOR, "main section[id^='les-'] h3")]
                smoke.expect(bool(phone.find_elements(By.CSS_SELECTOR, section)),
                             f"the new lesson (#les-{lesson_id}) among {login}'s lessons of today (is {login} in the group?)",
                             " | ".join(titles) or smoke.text_of("main")[:200])
                title = smoke.text_of(f"{section} h3")
                smoke.expect(title == TXT_P_LESSON, f"the lesson's title '{TXT_P_LESSON}'", title)
                when = TXT_P_TIME.format(time=LESSON_TIME, hours=LESSON_HOURS)
                smoke.expect(when in smoke.text_of(f"{section} p"), f"'{when}'", smoke.text_of(f"{section} p"))
                print(f"    {login}: {len(titles)} lesson(s) today: {' | '.join(titles)}")
                field_id = f"code-{lesson_id}"
                if first:
                    smoke.check_page("deelnemer-lessen")
                    wrong = code.replace(" ", "")[:-1] + ("1" if code[-1] == "0" else "0")
                    smoke.fill(field_id, wrong)
                    smoke.click_and_wait(smoke.button(f"{section} form button[type=submit]", TXT_P_CONFIRM))
                    smoke.expect(smoke.path == f"/deelnemer/lessen/{lesson_id}" and smoke.status() == 400,
                                 f"HTTP 400 on /deelnemer/lessen/{lesson_id} for a wrong code", f"{smoke.driver.current_url} (HTTP {smoke.status()})")
                    text, targets = smoke.error_summary()
                    smoke.expect(TXT_P_CODE_ERROR in text, f"the error '{TXT_P_CODE_ERROR}'", repr(text))
                    smoke.expect(f"#{field_id}" in targets, f"the error summary to link to #{field_id}", f"{text!r} → {targets}")
                    smoke.expect(smoke.value(field_id) == wrong, "the typed code kept", repr(smoke.value(field_id)))
                    smoke.expect(smoke.find(f"main #{field_id}").get_attribute("aria-invalid") == "true", f"#{field_id} marked aria-invalid")
                    print(f"    wrong code {wrong}: {text.splitlines()[-1] if text else '-'}")
                    smoke.check_page("deelnemer-fout")
                # Typed as the classroom screen shows it, with the space (the field allows 7 characters).
                smoke.fill(field_id, code)
                smoke.click_and_wait(smoke.button(f"{section} form button[type=submit]", TXT_P_CONFIRM))
                smoke.expect(smoke.path == "/deelnemer" and smoke.query.get("melding") == ["aanwezig"], "a redirect to /deelnemer?melding=aanwezig",
                             f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
                smoke.expect_notice(TXT_P_SAVED)
                done = smoke.text_of(f"{section} .notice")
                smoke.expect(done == TXT_P_CONFIRMED, f"'{TXT_P_CONFIRMED}' in the lesson", done or "no notice there")
                smoke.expect(not phone.find_elements(By.CSS_SELECTOR, f"{section} form"), "no code form any more for the confirmed lesson")
                if first:
                    smoke.check_page("deelnemer-aangemeld")
            except Exception:
                try:
                    print(f"    screenshot of {login}'s phone: {smoke.screenshot(f'FAILED-deelnemer-{login}')}")
                except WebDriverException:
                    pass
                raise
            finally:
                smoke.driver = teacher
                try:
                    phone.quit()
                except WebDriverException:
                    pass
        return step

    def presences() -> dict[str, str]:
        return {r.get("Naam", ""): r.get("Aanwezigheid", "") for r in smoke.table("main section[aria-labelledby=deelnemers] table")}

    def teacher_sees():
        """The teacher reloads the lesson: the two phones' confirmations, the count."""
        smoke.expect("lesson_path" in state, "the lesson opened by the teacher (an earlier step failed)")
        smoke.open(state["lesson_path"])
        rows = presences()
        phoned = [n for n, s in rows.items() if TXT_VIA_PHONE.match(s)]
        smoke.expect(len(phoned) == len(PARTICIPANTS), f"{len(PARTICIPANTS)} participants 'aangemeld om …(telefoon)'", str(rows))
        smoke.expect(all(s == TXT_NOT_CONFIRMED for n, s in rows.items() if n not in phoned), f"the others '{TXT_NOT_CONFIRMED}'", str(rows))
        count = smoke.text_of("main section[aria-labelledby=deelnemers] > p")
        expected = TXT_CONFIRMED_COUNT.format(confirmed=len(PARTICIPANTS), total=len(rows))
        smoke.expect(count == expected, f"'{expected}'", count)
        state["present"] = phoned
        print(f"    {count} {'; '.join(f'{n}: {s}' for n, s in rows.items())}")
        smoke.check_page("les-aangemeld")

    def confirm_list():
        """'Lijst bevestigen': the notice, the status 'bevestigd', present with the hours and the others absent, no code."""
        smoke.click_and_wait(smoke.button("main section[aria-labelledby=bevestigen] form button[type=submit]", TXT_CONFIRM_LIST))
        path = state["lesson_path"]
        smoke.expect(smoke.path == path and smoke.query.get("melding") == ["bevestigd"], f"a redirect to {path}?melding=bevestigd",
                     f"{smoke.driver.current_url} (HTTP {smoke.status()}); error: {smoke.text_of('.error-summary') or '-'}")
        smoke.expect_notice(TXT_LIST_CONFIRMED)
        tag = smoke.text_of("main .tag")
        smoke.expect(tag == TXT_STATUS_CONFIRMED, f"the status '{TXT_STATUS_CONFIRMED}'", tag or "no status")
        rows = presences()
        present = TXT_PRESENT.format(hours=LESSON_HOURS)
        smoke.expect(all(rows.get(n) == present for n in state["present"]), f"'{present}' for {', '.join(state['present'])}", str(rows))
        smoke.expect(all(s == TXT_ABSENT for n, s in rows.items() if n not in state["present"]), f"the others '{TXT_ABSENT}'", str(rows))
        smoke.expect(not smoke.driver.find_elements(By.CSS_SELECTOR, "main .lesson-code"), "no code any more on a confirmed lesson")
        print(f"    {'; '.join(f'{n}: {s}' for n, s in rows.items())}")
        smoke.check_page("les-bevestigd")
        # Back to the list ("Lessen" above the heading): the lesson confirmed, with as many present as confirmed on the phones.
        smoke.click_and_wait(smoke.link("main p.breadcrumb a", TXT_LESSONS_HEADING))
        smoke.expect(smoke.path == "/aanbieder/lessen", "the breadcrumb to lead to /aanbieder/lessen", smoke.path)
        link = smoke.driver.find_elements(By.CSS_SELECTOR, f"main table tbody th a[href='{path}']")
        row = link[0].find_element(By.XPATH, "./ancestor::tr").text if link else ""
        expected = [display_date(state["day"]), OFFER, LESSON_TIME, LESSON_HOURS, TXT_STATUS_CONFIRMED, str(len(state["present"]))]
        smoke.expect(row.split() == " ".join(expected).split(), f"the lesson's row '{' | '.join(expected)}' in the list", row or "no row linking to it")

    def login_consulent():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")

    def case_hours():
        """A present participant's case, found with the werkvoorraad's search: the referral's 'Aanwezigheid'
        (hours = lessons × 3) and today's lesson among the hours on 'Voortgang en uren'."""
        smoke.expect(bool(state.get("present")), "the names of the present participants (an earlier step failed)")
        name = state["present"][0]
        family = name.split()[-1]
        box = smoke.find("form.filterbar input#q", "the search field")
        box.clear()
        box.send_keys(family)
        smoke.click_and_wait(smoke.find("form.filterbar button[type=submit]", "the search button"))
        found = {" ".join(reversed(a.text.strip().split(", ", 1))): a for a in
                 smoke.driver.find_elements(By.CSS_SELECTOR, "main table.caseload tbody tr th a[href^='/personen/']")}
        smoke.expect(name in found, f"'{name}' among the results for '{family}'", " | ".join(found) or "no results")
        person = urlparse(found[name].get_attribute("href")).path
        smoke.click_and_wait(found[name])
        smoke.click_and_wait(smoke.link("main ul.section-links a", TXT_REFERRALS_SECTION))
        smoke.expect(smoke.path == person + "/verwijzingen", f"to be on {person}/verwijzingen", smoke.path)
        panel = next((p for p in smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel[id^='verwijzing-']")
                      if p.find_element(By.CSS_SELECTOR, "h3").text.startswith(f"{PROVIDER} — {OFFER}")), None)
        smoke.expect(panel is not None, f"a referral to '{PROVIDER} — {OFFER}'",
                     " | ".join(h.text for h in smoke.driver.find_elements(By.CSS_SELECTOR, "main section.panel h3")) or "none")
        facts = smoke.driver.execute_script("""
            var out = {}; arguments[0].querySelectorAll('dl.facts dt').forEach(function (dt) {
              out[dt.textContent.trim()] = dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : ''; });
            return out;""", panel)
        match = TXT_ATTENDANCE_TEXT.match(facts.get(TXT_ATTENDANCE, ""))
        smoke.expect(match is not None, f"'{TXT_ATTENDANCE}: N van M bevestigde lessen aanwezig, H uur' among the referral's facts", str(facts))
        present, lessons, hours = (int(g) for g in match.groups())
        smoke.expect(1 <= present <= lessons and hours == present * int(LESSON_HOURS),
                     f"hours = lessons present × {LESSON_HOURS} (every lesson of the demo and this one last {LESSON_HOURS} hours)", match[0])
        print(f"    {name} ({person}): {TXT_ATTENDANCE} '{match[0]}'")
        smoke.check_page("verwijzingen-aanwezigheid")
        smoke.open(person)
        smoke.click_and_wait(smoke.link("main ul.section-links a", TXT_PROGRESS_SECTION))
        rows = smoke.table("main table.hours")
        today = display_date(state["day"])
        row = next((r for r in rows if r.get("Tot en met") == today and r.get("Aanbieder") == PROVIDER), None)
        smoke.expect(row is not None and row.get("Uren") == LESSON_HOURS, f"{LESSON_HOURS} hours of {PROVIDER} on {today} among the hours",
                     " | ".join(f"{r.get('Tot en met')} {r.get('Uren')} {r.get('Aanbieder')}" for r in rows) or "no hours")
        print(f"    {TXT_PROGRESS_SECTION}: {row}")
        smoke.check_page("voortgang-lesuren")

    def tasks():
        smoke.nav(TXT_NAV_TASKS, "/taken")
        smoke.expect(smoke.h1() == TXT_NAV_TASKS, f"heading '{TXT_NAV_TASKS}'", smoke.h1())
        signals = [r for r in smoke.table("main table") if r.get("Taak", "").startswith(TXT_SIGNAL_TASK)]
        smoke.expect(bool(signals), f"a task '{TXT_SIGNAL_TASK}…' (the demo's absence signal)",
                     " | ".join(r.get("Taak", "") for r in smoke.table("main table")) or "no tasks")
        print("    " + "; ".join(f"{r.get('Taak')} ({r.get('Naam')}, {r.get('Uiterlijk')})" for r in signals))
        smoke.check_page("taken-afwezigheid")

    def restore():
        reset_second_factor()

    for name, function in [
        ("log in as the teacher (docent@taalhuisweert.example), two-step verification", login_teacher),
        ("Lessen (/aanbieder/lessen)", lessons),
        (f"a lesson at '{BAD_TIME}' is refused", bad_time),
        ("open a lesson for today: its page with the code", open_lesson),
        *[(f"participant {login} confirms on the phone" + (" (a wrong code first)" if i == 0 else ""), confirm_on_phone(login, i == 0))
          for i, login in enumerate(PARTICIPANTS)],
        ("the teacher sees the confirmations", teacher_sees),
        (f"'{TXT_CONFIRM_LIST}'", confirm_list),
        ("log out", smoke.logout),
        ("log in as consulent", login_consulent),
        ("the case's referral: attendance and hours", case_hours),
        ("Mijn taken: the absence signal", tasks),
        ("log out", smoke.logout),
        ("the functioneel beheerder wipes the teacher's second factor (the demo as it was)", restore),
    ]:
        smoke.step(name, function)
