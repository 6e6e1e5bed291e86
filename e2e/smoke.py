#!/usr/bin/env python3
"""Browser end-to-end smoke test for Regie.

Drives headless Chromium (Selenium) through the main journeys of the web UI, runs axe-core
on every page it visits and saves a full-page screenshot of each page.

    python3 e2e/smoke.py                                  # starts .build/debug/regie itself
    python3 e2e/smoke.py --binary /path/to/regie
    python3 e2e/smoke.py --base-url http://127.0.0.1:8080 # against a running demo server

The journey "duo" starts its own Regie with the DUO koppeling and a DUO simulator (from --binary). The journey
"ontzorgen" validates the SEPA file it exports against pain.001.001.03.xsd when xmllint and sepaxml are there.
The journey "agenda" restarts the server it started with its clock a few days ahead to record an appointment's
outcome, and back on the real clock at its end (with --base-url those steps are SKIP).

Exit code 0 only if every step passed and every checked page loaded its stylesheet and script without
console errors and has no serious/critical axe violation; 1 otherwise; 2 if the test could not run at
all (server or browser did not start, or a bug in this script).
See e2e/README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver

from regie_server import Server, http_status
from journeys import agenda, attendance, beheer, beleid, brp, casework, chain, consulent, corrections, duo, figures, mobile, ontzorgen, pages, second_factor
from journeys.common import (
    DEFAULT_BINARY,
    DEFAULT_SCREENSHOTS,
    DESKTOP,
    JOURNEYS,
    MIN_AXE,
    MOBILE,
    REPO_DIR,
    Smoke,
    choose_axe_script,
    make_driver,
)


def main() -> int:
    parser = argparse.ArgumentParser(description="Regie browser smoke test (Selenium + axe-core).")
    parser.add_argument("--binary", type=Path, default=Path(os.environ.get("REGIE_BINARY", DEFAULT_BINARY)),
                        help=f"the regie executable to start (default: {DEFAULT_BINARY.relative_to(REPO_DIR)})")
    parser.add_argument("--base-url", default=os.environ.get("REGIE_BASE_URL"),
                        help="test an already running server with demo data instead of starting one")
    parser.add_argument("--screenshots", type=Path, default=DEFAULT_SCREENSHOTS, help="folder for the screenshots")
    parser.add_argument("--axe-script", default=os.environ.get("AXE_SCRIPT"),
                        help="an axe.min.js to inject (default: the newest one the installed packages ship)")
    parser.add_argument("--chromium", help="browser binary (default: CHROME_BIN or chromium on PATH)")
    parser.add_argument("--chromedriver", help="driver binary (default: CHROMEDRIVER or chromedriver on PATH)")
    parser.add_argument("--journey", action="append", choices=JOURNEYS, metavar="NAME",
                        help="run only this journey (repeatable; default: all): " + ", ".join(JOURNEYS))
    args = parser.parse_args()
    selected = set(args.journey or JOURNEYS)

    started = time.monotonic()

    server: Server | None = None
    driver: WebDriver | None = None

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        if args.base_url:
            base_url = args.base_url.rstrip("/")
            status = http_status(base_url + "/health/ready")
            if status != 200:
                print(f"ERROR: {base_url}/health/ready answered {status or 'nothing'}; is the server running?")
                return 2
        else:
            server = Server(args.binary.resolve())
            server.start()
            base_url = server.base_url
        print(f"· server ready at {base_url} ({time.monotonic() - started:.1f}s)")
        try:
            driver = make_driver(args.chromium, args.chromedriver)
        except WebDriverException as error:
            print(f"ERROR: could not start headless Chromium: {error.msg}")
            return 2
        version = driver.capabilities.get("browserVersion", "?")
        print(f"· {driver.capabilities.get('browserName', 'browser')} {version} headless, {DESKTOP[0]}x{DESKTOP[1]}")
        axe_path, axe_version = choose_axe_script(args.axe_script)
        axe_label = ".".join(map(str, axe_version)) or "unknown version"
        print(f"· axe-core {axe_label} from {axe_path}")
        if axe_version[:2] < MIN_AXE:
            print(f"  WARNING: axe-core {axe_label} is older than {'.'.join(map(str, MIN_AXE))}: expect missing rules and "
                  "known false positives. pip install -r e2e/requirements.txt")

        args.screenshots.mkdir(parents=True, exist_ok=True)
        for old in [*args.screenshots.glob("[0-9][0-9]-*.png"), *args.screenshots.glob("[0-9][0-9]-*.pdf"),
                    *args.screenshots.glob("[0-9][0-9]-*.xml")]:
            old.unlink()  # only this run's screenshots (and printed letter, SEPA file) in the folder
        smoke = Smoke(driver, base_url, args.screenshots, axe_path, binary=args.binary.resolve(), server=server)
        for key, (label, journey) in {
            "consulent": ("consulent", consulent.run),
            "beheer": ("functioneel beheerder", beheer.run),
            "beleid": ("beleidsmedewerker", beleid.run),
            "mobile": (f"mobile {MOBILE[0]}x{MOBILE[1]}", mobile.run),
            "casework": ("casework", casework.run),
            "pages": ("pages", pages.run),
            "duo": ("duo", duo.run),
            "brp": ("brp", brp.run),
            "figures": ("figures", figures.run),
            "ontzorgen": ("ontzorgen", ontzorgen.run),
            "corrections": ("corrections", corrections.run),
            "secondFactor": ("second factor", second_factor.run),
            "chain": ("chain", chain.run),
            "attendance": ("attendance", attendance.run),
            "agenda": ("agenda", agenda.run),  # last: it moves the server's clock ahead (and back at its end)
        }.items():
            if key not in selected:
                continue
            if key in ("duo", "brp") and args.base_url and not args.binary.is_file():
                print(f"\n== duo\n  (skipped: it starts its own Regie and DUO simulator from --binary, and {args.binary} does not exist)")
                continue
            smoke.journey_run(label, lambda: journey(smoke))
        if server is not None and (any(not s.passed for s in smoke.steps) or any(not p.passed for p in smoke.pages)):
            server.print_problems()
        ok = smoke.report(time.monotonic() - started)  # ends with the line "N passed, N failed"
        sys.stdout.flush()
        return 0 if ok else 1
    except RuntimeError as error:
        print(f"ERROR: {error}")
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    except Exception:  # a bug in the test itself: say so, and still clean up
        traceback.print_exc()
        return 2
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        if server is not None:
            if server.process and server.process.poll() not in (None, 0, -signal.SIGTERM):
                print(server.log_tail())
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
