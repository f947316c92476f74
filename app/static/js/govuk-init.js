// Start every GOV.UK Frontend component on the page (error summary focus, character count, conditional
// reveals, service navigation menu, notification banners, buttons that refuse a double click).
import { initAll } from "../govuk/govuk-frontend.min.js";

// An error summary link to a group (a fieldset of checkboxes, a list of projects) rather than to one control:
// Frontend would focus the group, which cannot take focus, so take the keyboard to its first control, with
// its legend in view. Runs before Frontend's own handler (capture), which still handles links to controls.
const CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])";
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) { return; }
  const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  if (!target || target.matches(CONTROLS)) { return; }
  const control = target.querySelector(CONTROLS);
  if (!control) { return; }
  event.preventDefault();
  event.stopPropagation();
  const legend = (target.closest("fieldset") || target).querySelector("legend");
  (legend || control.labels?.[0] || control).scrollIntoView();
  control.focus({ preventScroll: true });
}, true);

// A table wider than the screen scrolls sideways inside its .table-wrap (app.css). Keyboard users can only
// scroll a box that takes focus (WCAG 2.1.1), and a screen reader names the stop, so a wrap whose table
// overflows becomes a region in the tab order, named by its table's caption (aria-labelledby, so the name is
// the caption's own words in the page's language), or by the words the template put in data-label when the
// table has no caption. When it fits again (a wider window) it leaves the tab order.
let captionCount = 0;
function labelScrollingTable(wrap) {
  const overflows = wrap.scrollWidth > wrap.clientWidth + 1;
  if (wrap.dataset.scrollFocus === "template") { return; }
  if (overflows) {
    const caption = wrap.querySelector("caption");
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    if (caption && caption.textContent.trim()) {
      if (!caption.id) { captionCount += 1; caption.id = `table-caption-${captionCount}`; }
      wrap.setAttribute("aria-labelledby", caption.id);
    } else if (wrap.dataset.label) {
      wrap.setAttribute("aria-label", wrap.dataset.label);
    }
    wrap.dataset.scrollFocus = "script";
  } else if (wrap.dataset.scrollFocus === "script") {
    wrap.removeAttribute("tabindex");
    wrap.removeAttribute("role");
    wrap.removeAttribute("aria-labelledby");
    wrap.removeAttribute("aria-label");
    delete wrap.dataset.scrollFocus;
  }
}
const tableWraps = document.querySelectorAll(".table-wrap");
tableWraps.forEach((wrap) => {
  // A wrap the template already made a named region (board/_record.html) keeps its own attributes.
  if (wrap.hasAttribute("tabindex")) { wrap.dataset.scrollFocus = "template"; }
  labelScrollingTable(wrap);
});
if (tableWraps.length && "ResizeObserver" in window) {
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => labelScrollingTable(entry.target)));
  tableWraps.forEach((wrap) => observer.observe(wrap));
}

initAll();

// A button that prints the page (the registration slip). The Content-Security-Policy refuses inline onclick
// handlers, so the button says what it does (data-print-page) and this listens for it.
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
