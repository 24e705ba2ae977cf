"""Refresh the UI screenshots in docs/ from the real app, driven in Chromium.

    ADVISOR_HOME is not touched: the corpus is ingested into a temporary folder, the
    app (``advisor serve``'s, UI and API) runs on a free loopback port, and Debian's
    Chromium (``ADVISOR_TEST_CHROMIUM``, default /usr/bin/chromium) opens it offline.

    .venv/bin/python bench/ui_screenshots.py            # writes docs/screenshot-*.png
    .venv/bin/python bench/ui_screenshots.py /tmp/shots # or anywhere else

It writes screenshot-chat.png (a comparison as a table, 1280x900),
screenshot-suggestions.png (the cards and chart for a saved profile, 1280x900) and
screenshot-phone.png (the end of ranked ideas, with the offer to save the facts
that the message stated, 390x844).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the UI tests' server and ask (tests/ui_browser.py)
CHROMIUM = os.environ.get("ADVISOR_TEST_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
COMPARISON = "REIT vs a rental, which is less hassle?"
FACTS = "I have $20,000 and 5 hours a week. What should I try?"


def advisor_over_the_corpus(home: Path) -> Any:
    from advisor.answering.service import Advisor
    from advisor.core.settings import Settings
    from advisor.ingest.corpus import corpus_files
    from advisor.ingest.pipeline import ingest_files

    advisor = Advisor(Settings(home=home, corpus_dir=ROOT / "corpus"))
    report = ingest_files(advisor.store, corpus_files(ROOT / "corpus"))
    if report.errors:
        raise SystemExit(f"ingest failed: {report.errors}")
    return advisor


def open_page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(60_000)
    local = ("http://127.0.0.1", "data:", "blob:")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) else r.abort())
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#advisor-question textarea")
    return page


def take(browser: Any, url: str, out: Path) -> None:
    from ui_browser import ask  # type: ignore[import-not-found]  # tests/: as the UI tests ask

    page = open_page(browser, url, DESKTOP)
    ask(page, COMPARISON).locator("table").first.wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "screenshot-chat.png"))
    page.get_by_role("tab", name="Suggestions").click()
    page.locator("#advisor-suggestions h3").first.wait_for()
    page.locator("#advisor-score-chart svg [aria-roledescription]").first.wait_for()
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "screenshot-suggestions.png"))
    page.context.close()

    phone = open_page(browser, url, PHONE)
    ask(phone, FACTS)
    offer = phone.locator("#advisor-chatbot button.option")
    offer.wait_for()
    offer.scroll_into_view_if_needed()  # the end of the answer, with its offer
    phone.wait_for_timeout(500)
    phone.screenshot(path=str(out / "screenshot-phone.png"))
    phone.context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright
    from ui_browser import serving  # type: ignore[import-not-found]

    from advisor.core.offline import OFFLINE_ENV
    from advisor.interfaces.cli.serve_cmd import create_app
    from advisor.users.profile import Profile
    from advisor.users.profile_store import save_profile

    os.environ.update(OFFLINE_ENV)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ui-shots-") as tmp:
        advisor = advisor_over_the_corpus(Path(tmp) / "home")
        profile = Profile(
            capital=20000,
            monthly_surplus=500,
            hours_per_week=5,
            risk_tolerance="medium",
            skills=["writing"],
            goal_monthly_income=1000,
            currency="USD",
        )
        save_profile(advisor.settings, "local", profile)
        with serving(create_app(advisor)) as url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                take(browser, url, out)
            finally:
                browser.close()
    for name in ("chat", "suggestions", "phone"):
        print(out / f"screenshot-{name}.png")


if __name__ == "__main__":
    main()
