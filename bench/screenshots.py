"""Screenshots of key pages in each language with headless Chromium (Debian's, never a downloaded one).

    make screenshots          # against a running `make demo` on http://127.0.0.1:8000
    BASE=http://127.0.0.1:8001 make screenshots

Writes PNGs to var/screenshots/ for a person to look at (is the Arabic right-to-left layout right?).
Staff pages need a signed-in staff session: pass STAFF_USER, STAFF_PASSWORD and STAFF_TOTP_SECRET.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pyotp
from playwright.sync_api import Page, sync_playwright

BASE = os.environ.get("BASE", "http://127.0.0.1:8000")
OUT = Path(os.environ.get("OUT", "var/screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PAGES = {"staff-home": "/{lang}/office/", "directory": "/{lang}/office/directory/"}
PUBLIC_PAGES = {
    "home": "/{lang}/",
    "sign-in": "/{lang}/account/sign-in/",
    "staff-sign-in": "/{lang}/account/staff/sign-in/",
}


def staff_sign_in(page: Page, lang: str) -> bool:
    user, password, secret = (
        os.environ.get(k) for k in ("STAFF_USER", "STAFF_PASSWORD", "STAFF_TOTP_SECRET")
    )
    if not (user and password and secret):
        return False
    page.goto(f"{BASE}/{lang}/account/staff/sign-in/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").first.click()
    return True


def main() -> None:
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for width, label in ((390, "phone"), (1280, "desktop")):
            context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
            page = context.new_page()
            for lang in ("ar", "ckb", "en"):
                for name, path in PUBLIC_PAGES.items():
                    page.goto(BASE + path.format(lang=lang))
                    page.screenshot(path=str(OUT / f"{name}-{lang}-{label}.png"), full_page=True)
            # One staff sign-in per context: each TOTP code works once, so do not sign in per language.
            if staff_sign_in(page, "en"):
                for lang in ("ar", "ckb", "en"):
                    for name, path in STAFF_PAGES.items():
                        page.goto(BASE + path.format(lang=lang))
                        page.screenshot(path=str(OUT / f"{name}-{lang}-{label}.png"), full_page=True)
            context.close()
            time.sleep(31)  # the next sign-in needs a fresh TOTP time step
        browser.close()
    print(f"screenshots in {OUT}/")


if __name__ == "__main__":
    main()
