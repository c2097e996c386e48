"""What every browser test does with a page: log in, follow links, audit (axe-core, 375 px), read text.

Flows call ``Session.audit()`` on every page they reach: axe-core (npm package, installed by
scripts/setup.sh into tests/browser/node_modules) at 1366 px and 375 px, and no horizontal
scroll at 375 px. Problems are collected and asserted at the end of a test, so one run
reports every page at once. A new flow (the L/R order) needs only ``Session`` and these helpers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from siths_fixtures import missing

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
WIDTHS = (1366, 375)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe_source: str | None = None


def axe_source() -> str:
    """axe-core's browser bundle from the npm package (skip or fail when it is not installed)."""
    global _axe_source
    if _axe_source is None:
        if not AXE_JS.exists():
            missing("axe-core (npm ci in tests/browser; scripts/setup.sh does it)")
        _axe_source = AXE_JS.read_text("utf-8")
    return _axe_source


def set_width(driver, width: int) -> None:
    """Emulate a viewport of the width (375 = a phone, as a phone: mobile viewport rules apply)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900 if width > 600 else 812, "deviceScaleFactor": 1, "mobile": width < 600})


def axe_violations(driver) -> list[str]:
    """WCAG 2.1 A/AA violations of the page as "rule-id: target (summary)" lines."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(axe_source())
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map("
        "  n => n.target.join(' ') + ' (' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim() + ')'"
        ").join('; '))))"
        ".catch(e => done(['axe failed: ' + e]));", WCAG_TAGS)
    return list(found)


def horizontal_overflow(driver, width: int) -> int:
    """How many CSS pixels the page is wider than the device (0 = no horizontal scroll).

    Compared with the emulated device width, not innerWidth: a phone widens its layout
    viewport to fit wide content (and shrinks everything), which is the same failure.
    """
    return int(driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - arguments[0]", width))


def wide_elements(driver, width: int) -> list[str]:
    """The innermost elements that reach past the device's right edge (to say what overflows)."""
    return driver.execute_script("""
      const w = arguments[0], out = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 0.5 && ![...el.children].some(c => c.getBoundingClientRect().right > w + 0.5))
          out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.right));
      }
      return out.slice(0, 5);""", width)


VISIBLE_TEXT_JS = """
// Text marked lang="sv" inside the page (typed comments, free text) is Swedish data, not UI.
const data = el => { const sv = el.closest('[lang="sv"]'); return sv && sv !== document.documentElement; };
const parts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || el.closest('script, style, dialog:not([open])') || data(el)) continue;
  if (!el.checkVisibility || el.checkVisibility()) parts.push(node.textContent);
}
document.querySelectorAll('input[type=submit], input[type=button], [aria-label], [title], option').forEach(el => {
  if (!data(el)) parts.push(el.getAttribute('aria-label') || el.getAttribute('title') || el.value || el.textContent);
});
return parts.join(' ').replace(/\\s+/g, ' ');
"""


def slug(url: str) -> str:
    """A file name for a page: its path with numbers kept, e.g. bestallningar-c100012."""
    path = urlparse(url).path.strip("/") or "start"
    return re.sub(r"[^A-Za-z0-9-]+", "-", path).strip("-")[:80]


@dataclass
class Session:
    """One browser, one portal: log in as someone, go places, and audit every page on the way."""

    driver: object
    base: str
    problems: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)
    screenshots: bool = True
    prefix: str = ""

    def go(self, path: str) -> None:
        """Open a portal path (or full URL) and audit it."""
        self.driver.get(path if path.startswith("http") else self.base + path)
        self.audit()

    def login(self, vgr_id: str) -> None:
        """Logga in with the demo login (the demo region's identities), landing on Startsidan."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/login?lang=sv")
        Select(self.driver.find_element(By.ID, "vgr_id")).select_by_value(vgr_id)
        self.driver.find_element(By.CSS_SELECTOR, "form[action$='/login/demo'] button[type=submit]").click()
        self.wait_for(lambda d: "Inloggad:" in d.page_source)

    def wait_for(self, condition, timeout: float = 10):
        """Wait until condition(driver) holds (a page load after a click, a dialog)."""
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition)

    def click_and_wait(self, element) -> None:
        """Click something that loads a new page, wait for it, audit it."""
        from selenium.common.exceptions import WebDriverException

        def left(_driver) -> bool:
            try:
                element.is_enabled()  # raises once the old page is gone
            except WebDriverException:  # stale element, or "node does not belong to the document"
                return True
            return False

        element.click()
        self.wait_for(left)
        self.wait_for(lambda d: d.execute_script("return document.readyState") == "complete")
        self.audit()

    def link(self, text: str):
        """The link with exactly this text (fails clearly when there is none)."""
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.XPATH, f"//a[normalize-space()={xpath_literal(text)}]")

    def button(self, text: str):
        """The visible button with exactly this text (not the wizard's hidden default button for Enter)."""
        from selenium.webdriver.common.by import By

        for candidate in self.driver.find_elements(
                By.XPATH, f"//button[normalize-space()={xpath_literal(text)} and not(@aria-hidden='true')]"):
            if candidate.is_displayed():
                return candidate
        raise AssertionError(f"no visible button {text!r} on {self.driver.current_url}")

    def follow(self, text: str) -> None:
        """Click the link with this text and audit the page it leads to."""
        self.click_and_wait(self.link(text))

    def text(self) -> str:
        """The page's visible text (what a reader sees), whitespace folded."""
        return self.driver.execute_script(VISIBLE_TEXT_JS)

    def audit(self, label: str | None = None) -> None:
        """axe-core at 1366 px and 375 px, no horizontal scroll at 375 px, screenshots of both."""
        url = self.driver.current_url
        name = label or slug(url)
        for width in WIDTHS:
            set_width(self.driver, width)
            for violation in axe_violations(self.driver):
                self.problems.append(f"{url} @{width}px axe {violation}")
            if width < 600:
                overflow = horizontal_overflow(self.driver, width)
                if overflow > 0:
                    self.problems.append(f"{url} @{width}px scrolls sideways by {overflow}px: {wide_elements(self.driver, width)}")
            if self.screenshots:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                self.driver.save_screenshot(str(SCREENSHOTS / f"{self.prefix}{name}-{width}.png"))
        set_width(self.driver, WIDTHS[0])
        self.audited.append(url)

    def check(self) -> None:
        """Fail with every problem found on the way."""
        assert not self.problems, "\n".join(self.problems)

    # --- keyboard ------------------------------------------------------------------
    def active(self):
        """The element that has focus."""
        return self.driver.switch_to.active_element

    def press(self, *keys) -> None:
        """Press keys on whatever has focus (Tab, Enter, Space only in the keyboard run)."""
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, matches, limit: int = 80) -> int:
        """Press Tab until the focused element satisfies ``matches(element)``; returns how many Tabs it took."""
        from selenium.webdriver.common.keys import Keys

        for count in range(1, limit + 1):
            self.press(Keys.TAB)
            if matches(self.active()):
                return count
        raise AssertionError(f"not reachable with {limit} Tabs on {self.driver.current_url}")


def xpath_literal(text: str) -> str:
    """``text`` as an XPath string literal (Swedish texts may contain quotes)."""
    if "'" not in text:
        return f"'{text}'"
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


def has_text(text: str):
    """A tab_to matcher: the focused element shows exactly this text."""
    return lambda element: (element.text or "").strip() == text
