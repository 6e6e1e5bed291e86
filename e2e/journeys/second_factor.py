"""The browser journey "second factor" of the smoke test (run by e2e/smoke.py), issue 17 item 2: a
consulent (`consulent3@regie.example`, whom no other journey uses) sets up two-step verification from
*Mijn account* ("Tweestapsverificatie instellen" → `/inloggen/tweede-factor`): the page shows a QR
code (inline SVG) and the key in groups of four. A wrong code is refused with an error summary that
links to the field; the code an app would show (RFC 6238, computed here from the key) turns it on and
shows ten recovery codes once. After logging out, the password leads to `/inloggen/code`; the next
code signs in. Finally the consulent turns it off again with a current code, so the demo account is
as it was. Each page is checked with axe and the reflow check and kept as a screenshot."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from selenium.webdriver.common.by import By

from journeys.common import Smoke

ACCOUNT = "consulent3@regie.example"
# Dutch UI texts of this journey (Sources/RegieServer/Resources/Locales/nl.json).
TXT_START = "Tweestapsverificatie instellen"  # secondFactor.start
TXT_ENROL_HEADING = "Tweestapsverificatie instellen"  # secondFactor.enrolHeading
TXT_SUBMIT = "Instellen"  # secondFactor.enrolSubmit
TXT_WRONG = "Deze code klopt niet"  # secondFactor.errors.wrongEnrol
TXT_CODES_HEADING = "Uw herstelcodes"  # secondFactor.codesHeading
TXT_CODES_DONE = "Ik heb de codes bewaard"  # secondFactor.codesDone
TXT_CODE_HEADING = "Vul de code uit uw app in"  # secondFactor.codeHeading
TXT_LOGIN = "Inloggen"  # login.submit
TXT_TURN_OFF = "Tweestapsverificatie uitzetten"  # secondFactor.turnOff
TXT_OFF = "Tweestapsverificatie staat uit."  # secondFactor.turnedOff


def totp(key: str, step: int) -> str:
    """RFC 6238 with HMAC-SHA1 and 6 digits, as an authenticator app computes it."""
    secret = key.replace(" ", "")
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(raw, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def run(smoke: Smoke) -> None:
    state: dict = {}

    def fresh_code() -> str:
        """The code of a step the server accepts (now ± 1) and has not seen yet; waits for the
        next 30-second step when the one after now was used already."""
        last = state.get("last")
        while True:
            now = int(time.time()) // 30
            step = now if last is None else max(now - 1, last + 1)
            if step <= now + 1:
                state["last"] = step
                return totp(state["key"], step)
            time.sleep(30 - time.time() % 30 + 0.2)

    def submit_code(code: str, button: str) -> None:
        field = smoke.find("main input#code", "the field 'Code uit de app'")
        field.clear()
        field.send_keys(code)
        smoke.click_and_wait(smoke.button("main form button[type=submit]", button))

    def login():
        smoke.open("/inloggen")
        smoke.logged_in_home(ACCOUNT, "/")

    def start():
        smoke.open("/account")
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_START))
        smoke.expect(smoke.path == "/inloggen/tweede-factor", "to be on /inloggen/tweede-factor", smoke.path)
        smoke.expect(smoke.h1() == TXT_ENROL_HEADING, f"heading '{TXT_ENROL_HEADING}'", smoke.h1())
        smoke.find("main .enrol-qr svg[role=img]", "the QR code")
        state["key"] = smoke.text_of("main .enrol-key")
        smoke.expect(len(state["key"].replace(" ", "")) == 32, "a key of 32 base32 characters", state["key"])
        smoke.check_page("tweestaps-instellen")

    def wrong_code():
        right = totp(state["key"], int(time.time()) // 30)
        submit_code(right[:-1] + ("1" if right[-1] == "0" else "0"), TXT_SUBMIT)
        smoke.expect(smoke.status() == 400, "HTTP 400 for a wrong code", str(smoke.status()))
        text, targets = smoke.error_summary()
        smoke.expect(TXT_WRONG in text and "#code" in targets, f"an error summary '{TXT_WRONG}…' linking to #code", f"{text!r} → {targets}")
        smoke.check_page("tweestaps-fout")

    def enrol():
        submit_code(fresh_code(), TXT_SUBMIT)
        smoke.expect(smoke.h1() == TXT_CODES_HEADING, f"heading '{TXT_CODES_HEADING}'", smoke.h1())
        codes = [li.text.strip() for li in smoke.driver.find_elements(By.CSS_SELECTOR, "main ol.recovery-codes li")]
        smoke.expect(len(codes) == 10, "ten recovery codes", ", ".join(codes))
        smoke.check_page("herstelcodes")
        smoke.click_and_wait(smoke.link("main a.button", TXT_CODES_DONE))

    def code_login():
        smoke.open("/inloggen")
        smoke.login(ACCOUNT)
        smoke.expect(smoke.path == "/inloggen/code", "the password to lead to /inloggen/code", smoke.path)
        smoke.expect(smoke.h1() == TXT_CODE_HEADING, f"heading '{TXT_CODE_HEADING}'", smoke.h1())
        smoke.check_page("inlogcode")
        submit_code(fresh_code(), TXT_LOGIN)
        smoke.expect(smoke.path == "/", "signed in on the werkvoorraad", f"{smoke.path}; error: {smoke.text_of('.error-summary') or '-'}")

    def turn_off():
        smoke.open("/account#tweede-factor")
        smoke.check_page("account-tweestaps-aan")
        field = smoke.find("main #tweede-factor ~ form input#code, main form input#code", "the code field on Mijn account")
        field.send_keys(fresh_code())
        smoke.click_and_wait(smoke.button("main form button[type=submit]", TXT_TURN_OFF))
        smoke.expect_notice(TXT_OFF)

    for name, function in [
        ("log in as consulent3", login),
        ("Mijn account: set up two-step verification (QR code and key)", start),
        ("a wrong code is refused", wrong_code),
        ("the right code: ten recovery codes, once", enrol),
        ("log out", smoke.logout),
        ("log in: password, then the code", code_login),
        ("turn it off again with a current code", turn_off),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
