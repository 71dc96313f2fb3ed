"""The web form in a real browser (Playwright driving Debian's headless Chromium, phone-sized): a citizen
files a complaint choosing a regency and kecamatan (the kecamatan list follows the regency), reads the
ticket number on screen, and checks its status. Screenshots of each page go to build/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from local.stack import ROOT
from tests.stack.conftest import wait_until
from tests.stack.helpers import repo, waiting

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def phone():
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
        yield context.new_page()
        browser.close()


def test_a_citizen_files_a_complaint_and_checks_it_in_the_browser(stack, phone):
    phone.goto(f"{stack.api_url}/lapor")
    phone.screenshot(path=SHOTS / "lapor-form.png", full_page=False)
    phone.fill("#text", "Saluran air tersumbat, banjir tiap hujan di depan SD")
    phone.select_option("#regency", "3374")
    visible = phone.eval_on_selector_all("#kecamatan optgroup:not([hidden])", "groups => groups.map(g => g.label)")
    assert visible == ["Kota Semarang"]
    phone.select_option("#kecamatan", "Pedurungan")
    phone.check("input[name=privacy][value=anonymous]")
    phone.click("button[type=submit]")
    phone.wait_for_selector(".ticket")
    ticket_id = phone.inner_text(".ticket").strip()
    phone.screenshot(path=SHOTS / "lapor-received.png", full_page=True)
    wait_until(lambda: waiting(ticket_id))
    ticket = repo.get(ticket_id)
    assert (ticket.kecamatan, ticket.privacy.value, ticket.author) == ("Pedurungan", "anonymous", None)

    phone.click("text=Lihat status aduan")
    phone.wait_for_selector("dl")
    assert "Diteruskan ke instansi" in phone.inner_text("dl")
    phone.screenshot(path=SHOTS / "lapor-status.png", full_page=True)

    phone.goto(f"{stack.api_url}/lapor")
    phone.fill("#text", "pendek")
    phone.click("button[type=submit]")
    assert "10-4000" in phone.inner_text("[role=alert]")
    phone.screenshot(path=SHOTS / "lapor-error.png", full_page=False)
