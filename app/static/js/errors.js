// GOV.UK error summary pattern: when a form comes back with problems, move focus to the summary so a
// screen reader announces it and the keyboard starts there (its links then jump to each field).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
