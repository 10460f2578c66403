"""A person at the Frappe desk, in headless Chromium."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import JavascriptException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from served import PASSWORD, Site

SCREENSHOTS = Path(os.environ.get("SUPPORT_HUB_SCREENSHOTS", "/tmp/support_hub-screenshots"))

# Installed in every page: what went wrong, as a person would have seen it.
RECORDER = """
if (!window.__sh) {
  window.__sh = {errors: [], http: []};
  const record = (title, message, indicator) => {
    const text = (title || '') + ' ' + (typeof message === 'string' ? message : JSON.stringify(message || ''));
    if (indicator === 'red' || /not permitted|error|missing|insufficient/i.test(title || '')) {
      window.__sh.errors.push(text.replace(/<[^>]+>/g, ' ').trim());
    }
  };
  const wrap = () => {
    if (!window.frappe || !frappe.msgprint || frappe.msgprint.__sh) return;
    const original = frappe.msgprint;
    frappe.msgprint = function (msg, title) {
      const o = (typeof msg === 'object' && msg) ? msg : {message: msg, title: title};
      record(o.title || title, o.message, o.indicator);
      return original.apply(this, arguments);
    };
    frappe.msgprint.__sh = true;
  };
  wrap();
  document.addEventListener('DOMContentLoaded', wrap);
  setInterval(wrap, 200);
  if (window.jQuery) {
    jQuery(document).ajaxComplete((e, xhr, settings) => {
      if (xhr.status === 403 || xhr.status >= 500) window.__sh.http.push(xhr.status + ' ' + settings.url);
    });
  }
}
"""


class Desk:
    def __init__(self, site: Site, driver: webdriver.Chrome):
        self.site = site
        self.driver = driver
        port = urlsplit(site.base_url).port
        # Chromium resolves every *.localhost name to the loopback address: the site by its own name.
        self.base = f"http://{site.name}:{port}"
        self.user = None

    @classmethod
    def start(cls, site: Site, lang: str = "en") -> "Desk":
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("SUPPORT_HUB_CHROMIUM", "/usr/bin/chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,900",
                    f"--lang={lang}", "--disable-gpu"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(os.environ.get("SUPPORT_HUB_CHROMEDRIVER", "/usr/bin/chromedriver"))
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(60)
        return cls(site, driver)

    def quit(self):
        self.driver.quit()

    # ---- navigation ----------------------------------------------------------------------------------
    def login(self, user: str, password: str = PASSWORD) -> "Desk":
        self.driver.get(self.base + "/login")
        self.wait_for_css("#login_email").send_keys(user)
        self.driver.find_element(By.CSS_SELECTOR, "#login_password").send_keys(password + Keys.ENTER)
        WebDriverWait(self.driver, 30).until(lambda d: "/app" in d.current_url)
        self.user = user
        self.settle()
        return self

    def open(self, route: str) -> "Desk":
        """Go to /app/<route> the way a link does (a full page load the first time, then in-app)."""
        if "?" not in route and "/app" in self.driver.current_url and self.js("return !!window.frappe && !!frappe.set_route"):
            self.js(f"frappe.set_route({json.dumps(route)}.split('/'))")
        else:
            self.driver.get(f"{self.base}/app/{route}")
        self.settle()
        return self

    def settle(self, timeout: float = 30) -> None:
        """Until the page has booted, no request is in flight and the route has rendered."""
        WebDriverWait(self.driver, timeout).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
            and d.execute_script("return !!(window.frappe && frappe.boot && frappe.container && frappe.container.page)")
        )
        self.js(RECORDER)
        WebDriverWait(self.driver, timeout).until(
            lambda d: d.execute_script("return (window.jQuery ? jQuery.active : 0) === 0 && !(window.frappe && frappe.dom && frappe.dom.freeze_count)")
        )
        time.sleep(0.3)  # let the last render finish after the last response

    def open_from_list(self, name: str, what: str = "the document") -> None:
        """Click a document in the list on screen and wait for its form."""
        self.wait_until("return !!document.querySelector(`a[data-name='${arguments[0]}']`)", name,
                        what=f"{what} {name} in the list")
        self.assert_clean()
        self.driver.find_element(By.CSS_SELECTOR, f"a[data-name='{name}']").click()
        self.settle()
        self.wait_until("return window.cur_frm && cur_frm.docname === arguments[0]", name, what=f"the form of {name}")
        self.assert_clean()

    # ---- reading the page ----------------------------------------------------------------------------
    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait_for_css(self, selector: str, timeout: float = 30, visible: bool = True):
        condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
        return WebDriverWait(self.driver, timeout).until(condition((By.CSS_SELECTOR, selector)))

    def wait_until(self, script: str, *args, timeout: float = 30, what: str = "condition"):
        try:
            return WebDriverWait(self.driver, timeout).until(lambda d: d.execute_script(script, *args))
        except TimeoutException:
            self.screenshot("timeout")
            raise AssertionError(f"timed out waiting for {what}: {script}; problems: {self.problems()}")

    def problems(self) -> dict:
        try:
            found = self.js("return window.__sh || {errors: [], http: []}")
        except JavascriptException:
            found = {"errors": [], "http": []}
        return {"errors": found.get("errors", []), "http": found.get("http", [])}

    def assert_clean(self) -> None:
        """No error dialog, no 403/5xx, and the open form (if any) is not left 'Not Saved'."""
        problems = self.problems()
        assert not problems["errors"] and not problems["http"], problems
        dirty = self.js("return !!(window.cur_frm && cur_frm.doc && !cur_frm.doc.__islocal && cur_frm.is_dirty && cur_frm.is_dirty())")
        if dirty:
            form = self.js("return cur_frm.doctype + ' ' + cur_frm.docname")
            raise AssertionError(f"form {form} left Not Saved")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    # ---- forms ---------------------------------------------------------------------------------------
    def field_input(self, fieldname: str):
        """The open form's own input for a field (other pages keep controls of the same name in the DOM)."""
        element = self.wait_until(
            "const f = window.cur_frm && cur_frm.fields_dict[arguments[0]];"
            "const el = f && (f.$input ? f.$input[0] : (f.quill ? f.quill.root : null));"
            "return el && el.offsetParent !== null ? el : null;",
            fieldname, what=f"the {fieldname} input")
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        return element

    def type_into(self, fieldname: str, text: str) -> None:
        """Type into a field as a person does (fails if the field is read-only: no input to type in)."""
        element = self.field_input(fieldname)
        element.click()
        element.send_keys(text)
        element.send_keys(Keys.TAB)
        time.sleep(0.3)

    def choose_link(self, fieldname: str, value: str) -> None:
        """Type a Link field's value and pick it from the drop-down; if the drop-down is slow, close it
        (Escape) and leave the field, which Frappe validates and keeps. Never Tab or Enter blindly: a
        highlighted "Create a new …" entry would open another form."""
        element = self.field_input(fieldname)
        element.click()
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(value)
        options = (By.XPATH, f"//div[contains(@class, 'frappe-control') and @data-fieldname='{fieldname}']"
                             f"//ul[@role='listbox' and not(@hidden)]/li[.//strong[normalize-space()='{value}']]")
        try:
            WebDriverWait(self.driver, 10).until(EC.element_to_be_clickable(options)).click()
        except TimeoutException:
            element.send_keys(Keys.ESCAPE)
            self.js("arguments[0].blur()", element)
        self.wait_until("return cur_frm.doc[arguments[0]] === arguments[1]", fieldname, value,
                        what=f"{fieldname} set to {value!r}")

    def select(self, fieldname: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.field_input(fieldname)).select_by_value(value)
        time.sleep(0.3)

    def save(self) -> None:
        """Ctrl+S, as agents do, and wait for the save to finish."""
        self.js("document.activeElement && document.activeElement.blur()")
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.CONTROL, "s")
        self.wait_until("return window.cur_frm && !cur_frm.is_dirty() && !cur_frm.doc.__islocal && !cur_frm.save_disabled",
                        what="the form to save")
        self.settle()

    def doc(self) -> dict:
        return self.js("return cur_frm.doc")

    def is_editable(self, fieldname: str) -> bool:
        return bool(self.js(
            "const f = cur_frm.get_field(arguments[0]); return !!(f && f.disp_status === 'Write');", fieldname))
