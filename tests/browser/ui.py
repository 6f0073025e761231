"""Small Playwright helpers for driving Streamlit widgets by their labels."""

from __future__ import annotations

from playwright.sync_api import Error, expect

from tests.browser.conftest import track, wait_idle

# A click lands where the element was a moment ago; a table or chart that finishes drawing just then moves the page,
# so the click can miss. Try again a few times (a count, not a clock), then insist the radio is checked.
CLICK_TRIES = 4


# Two animation frames: the browser has painted and dispatched what was pending (a scroll's event fires on the next
# frame, not when the scroll happens). A wait on the browser's own frames, not on a clock.
FRAMES_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def frames(page) -> None:
    page.evaluate(FRAMES_JS)


def choose(page, label: str, option: str) -> None:
    """Pick an option of the selectbox with this label.

    A selectbox's list closes when the page scrolls under it (Streamlit's combobox closes its popover on any scroll of
    an ancestor). Playwright scrolls a box below the fold into view and clicks at once, before the scroll's event has
    fired, so the list opened by the click closed again a frame later. So: scroll first, let the scroll's event pass,
    then click; and click again (a count, not a clock) if the list is still not open once the frames have passed.
    """
    box = page.get_by_role("combobox", name=label)
    for attempt in range(CLICK_TRIES):
        box.scroll_into_view_if_needed()
        frames(page)
        if box.get_attribute("aria-expanded") != "true":
            box.click()
        frames(page)
        if box.get_attribute("aria-expanded") == "true":
            break
        if attempt == CLICK_TRIES - 1:
            raise AssertionError(f"the list of {label!r} did not open after {CLICK_TRIES} clicks")
        wait_idle(page)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def rate(page, statement_index: int, choice_index: int) -> None:
    """Answer the n-th statement on the page with its k-th option (0 = lowest point of the scale)."""
    group = page.get_by_role("radiogroup").nth(statement_index)
    pick(page, group.get_by_role("radio").nth(choice_index))


def pick(page, radio) -> None:
    """Check this radio as a user would (a click on it), trying again if the page moved under the click."""
    for attempt in range(CLICK_TRIES):
        try:
            radio.check(force=True)
            break
        except Error:
            if attempt == CLICK_TRIES - 1:
                raise
            wait_idle(page)
    expect(radio).to_be_checked()
    wait_idle(page)


def go(page, base: str, path: str) -> None:
    """Open a page of the app by its URL path and wait for it to settle."""
    track(page)
    page.goto(f"{base}/{path}")
    wait_idle(page)


def click(page, name: str, exact: bool = True) -> None:
    page.get_by_role("button", name=name, exact=exact).first.click()
    wait_idle(page)


def type_in(page, label: str, text: str) -> None:
    """Fill the text input with this label and commit it (Streamlit sends a value on Enter or blur)."""
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_idle(page)
