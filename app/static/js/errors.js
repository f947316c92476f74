// GOV.UK error summary pattern: when a form comes back with problems, move focus to the summary so a
// screen reader announces it and the keyboard starts there. Its links (Enter or a click) move focus to the
// field itself, not just scroll to it: a plain "#id" link to a non-focusable target leaves the keyboard on
// the body in some browsers. A group of checkboxes or radios (a fieldset) gets focus on its first control.
// The field's label or legend is scrolled into view with it, so the question is read with the answer box.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();

  var CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])";

  function controlFor(target) {
    if (target.matches(CONTROLS)) { return target; }
    return target.querySelector(CONTROLS);
  }

  function captionFor(target, control) {
    var fieldset = target.closest("fieldset");
    if (fieldset) {
      var legend = fieldset.querySelector("legend");
      // Only when the legend and the field fit in the window together, as GOV.UK Frontend does.
      if (legend && control.getBoundingClientRect().top - legend.getBoundingClientRect().top < window.innerHeight * 0.5) {
        return legend;
      }
    }
    if (control.labels && control.labels.length) { return control.labels[0]; }
    return control;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    var control = controlFor(target);
    if (!control) { return; }
    event.preventDefault();
    captionFor(target, control).scrollIntoView();
    control.focus({ preventScroll: true });
  });
})();
