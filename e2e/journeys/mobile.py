"""The browser journey "mobile" of the smoke test (run by e2e/smoke.py)."""

from __future__ import annotations

from journeys.common import (
    CONSULENT,
    MOBILE,
    Smoke,
)


def run(smoke: Smoke) -> None:
    def resize():
        smoke.driver.set_window_size(*MOBILE)
        width = smoke.driver.execute_script("return window.innerWidth")
        smoke.expect(abs(width - MOBILE[0]) <= 20, f"a viewport about {MOBILE[0]}px wide", f"{width}px")

    def home():
        smoke.open("/inloggen")
        smoke.logged_in_home(CONSULENT, "/")
        smoke.expect(smoke.h1() == "Werkvoorraad", "heading 'Werkvoorraad'", smoke.h1())
        overflow = smoke.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        print(f"    page width {overflow[0]}px in a {overflow[1]}px viewport")
        smoke.check_page("werkvoorraad-mobiel")
        # WCAG 1.4.10 Reflow: the page itself must not scroll sideways (a table may, inside its own box).
        smoke.expect(overflow[0] <= overflow[1], "no horizontal scrolling of the page at 390px",
                    f"document {overflow[0]}px wide in a {overflow[1]}px viewport")

    for name, function in [
        (f"resize to {MOBILE[0]}x{MOBILE[1]}", resize),
        ("log in as consulent → werkvoorraad at mobile width", home),
        ("log out", smoke.logout),
    ]:
        smoke.step(name, function)
