"""The workspace in a real browser (Playwright driving Debian's headless Chromium): an agency signs
in and works a ticket to resolution, another agency is refused, the governor's office opens the
overview and the report. Screenshots are kept in build/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.bootstrap import now
from chalicelib.domain.messages import WIB
from local.accounts import PASSWORD
from local.stack import ROOT
from tests.stack.workspace_helpers import HEALTH, ROAD, file_complaint

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make test`")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def sign_in(browser, stack, username: str, phone: bool = False):
    context = browser.new_context(viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
                                  locale="id-ID")
    page = context.new_page()
    page.goto(f"{stack.api_url}/workspace/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_an_agency_works_a_ticket_in_the_browser(stack, accounts, browser):
    ticket_id = file_complaint(stack, ROAD, "DPUBMCK")
    page = sign_in(browser, stack, "dpubmck")
    assert "Antrean" in page.inner_text("h1")
    page.screenshot(path=SHOTS / "queue.png", full_page=True)
    phone = sign_in(browser, stack, "dpubmck", phone=True)
    phone.screenshot(path=SHOTS / "queue-phone.png", full_page=True)
    page.click(f"text={ticket_id}")
    page.screenshot(path=SHOTS / "ticket.png", full_page=True)
    page.click("text=Konfirmasi penerimaan")
    assert "dikonfirmasi" in page.inner_text(".done")
    page.click("text=Beri jawaban untuk warga")
    page.fill("textarea[name=text]", "Tim kami meninjau lokasi besok pagi")
    page.click("text=Kirim jawaban")
    assert "tersimpan" in page.inner_text(".done")
    page.click("text=Nyatakan selesai")
    page.fill("textarea[name=note]", "Lubang sudah ditambal")
    page.click("button:has-text('Nyatakan selesai')")
    assert "dinyatakan selesai" in page.inner_text(".done")
    page.screenshot(path=SHOTS / "ticket-resolved.png", full_page=True)


def test_another_agencys_ticket_is_refused_in_the_browser(stack, accounts, browser):
    ticket_id = file_complaint(stack, HEALTH, "DINKES")
    page = sign_in(browser, stack, "dpubmck")
    response = page.goto(f"{stack.api_url}/workspace/tickets/{ticket_id}")
    assert response.status == 403 and "bukan tiket instansi Anda" in page.inner_text("main")
    page.screenshot(path=SHOTS / "refused.png", full_page=True)


def test_the_governors_office_opens_the_overview_and_the_report(stack, accounts, browser):
    page = sign_in(browser, stack, "biro-gubernur")
    assert "Ringkasan" in page.inner_text("h1")
    page.wait_for_function("Chart.instances && Object.keys(Chart.instances).length == 4")
    page.screenshot(path=SHOTS / "overview.png", full_page=True)
    page.click("text=Laporan bulanan")
    page.fill("input[name=month]", f"{now().astimezone(WIB):%Y-%m}")
    page.click("text=Tampilkan")
    assert "Peraturan Gubernur" in page.inner_text("main") and "DPUBMCK" in page.inner_text("main")
    page.screenshot(path=SHOTS / "report.png", full_page=True)
