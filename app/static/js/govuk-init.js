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

initAll();
