"""The built site's subscribe form, filled and sent in headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium), against the real service on another port (so CORS is real),
with and without JavaScript. The confirmation email arrives at aiosmtpd and its link is followed.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import tempfile
import threading

import pytest

from masthead.build import load_settings
from masthead.config import site_config
from masthead.subscriptions.serve import create_server, make_service

from conftest import DEFAULT_MASTHEAD, THEME, Newsroom
from seaweed import free_ports
from test_subscriptions import stop_waitress

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site_and_service(tmp_path, smtp):
    site_port, service_port = free_ports(2)
    smtp_port, recorder = smtp
    room = Newsroom(tmp_path / "room", site_url=f"http://127.0.0.1:{site_port}", masthead={
        **DEFAULT_MASTHEAD, "subscribe_url": "",
        "subscriptions": {"url": f"http://127.0.0.1:{service_port}"},
        "digest": {"from": "The Gazette <digest@news.example>",
                   "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none"}}})
    room.author("jane-doe", "Jane Doe")
    room.article("one", title="Talks resume", slug="one", date="2026-11-27T09:00+01:00")
    room.build()
    site = http.server.ThreadingHTTPServer(("127.0.0.1", site_port),
                                           functools.partial(QuietHandler, directory=str(room.output)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    config = site_config(load_settings(room.settings_file))
    service = make_service(config, room.output, THEME, room.root / "subscribers.sqlite3")
    server = create_server(service, "127.0.0.1", service_port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{site_port}", service, recorder
    stop_waitress(server, thread)
    site.shutdown()
    service.mailer.close()


def browser(javascript: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail("these tests need Chromium and its driver: `make test` installs Debian's chromium and "
                    "chromium-driver when run as root; otherwise install them (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='masthead-chromium-')}", "--window-size=1280,900"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def fill_and_send(driver, url, address):
    from selenium.webdriver.common.by import By

    driver.get(url)
    driver.find_element(By.ID, "subscribe-email").send_keys(address)
    driver.find_element(By.CSS_SELECTOR, "form[data-subscribe] button[type=submit]").click()


def test_with_javascript_the_answer_appears_under_the_form_and_the_link_confirms(site_and_service):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    site, service, recorder = site_and_service
    driver = browser(javascript=True)
    try:
        fill_and_send(driver, f"{site}/", "browser.reader@example.org")
        result = driver.find_element(By.CSS_SELECTOR, ".subscribe-result")
        WebDriverWait(driver, 10).until(lambda _: result.is_displayed())
        assert result.text.startswith("Check your inbox")
        assert result.get_attribute("data-state") == "ok"
        assert driver.current_url == f"{site}/"  # answered in place, no navigation
        assert driver.find_element(By.ID, "subscribe-email").get_attribute("value") == ""
        service.mailer.wait()
        [mail] = recorder.to("browser.reader@example.org")
        [link] = re.findall(r"http://127\.0\.0\.1:\d+/confirm\?token=\S+", mail.get_body(("plain",)).get_content())
        driver.get(link)
        assert driver.find_element(By.TAG_NAME, "h1").text == "You are subscribed"
        # the page has the site's stylesheet applied (served by the site, allowed by the service's CSP)
        header = driver.find_element(By.CSS_SELECTOR, ".site-header")
        assert header.value_of_css_property("display") != "inline"
        assert service.store.get("browser.reader@example.org").status == "active"
    finally:
        driver.quit()


def test_without_javascript_the_form_posts_and_the_service_answers_with_a_page(site_and_service):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    site, service, recorder = site_and_service
    driver = browser(javascript=False)
    try:
        fill_and_send(driver, f"{site}/", "plain.reader@example.org")
        # the form navigates away: wait for the service's page before reading it
        WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/subscribe"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Check your inbox"
        assert not driver.current_url.startswith(site)
        service.mailer.wait()
        assert len(recorder.to("plain.reader@example.org")) == 1
        assert service.store.get("plain.reader@example.org").status == "pending"
    finally:
        driver.quit()
