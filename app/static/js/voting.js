// Progressive enhancement: keep the running total up to date as choices change. The "Update the total"
// button does the same on the server for anyone without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot]");
  var output = document.querySelector("[data-total]");
  if (!form || !output) { return; }
  var type = form.getAttribute("data-ballot");
  var lang = document.documentElement.lang || "en";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "GBP" });
  var wholePounds = new Intl.NumberFormat(lang, { style: "currency", currency: "GBP", minimumFractionDigits: 0, maximumFractionDigits: 0 });
  function update() {
    var pence = 0;
    if (type === "cumulative") {
      var used = 0;
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (value > 0) { used += value; }
      });
      output.textContent = String(used);
      return;
    }
    if (type === "ranked") {
      form.querySelectorAll("select[data-cost]").forEach(function (select) {
        if (select.value !== "") { pence += parseInt(select.getAttribute("data-cost"), 10) || 0; }
      });
    } else {
      form.querySelectorAll("input[name=project]:checked").forEach(function (box) {
        pence += parseInt(box.getAttribute("data-cost"), 10) || 0;
      });
    }
    // As on the server (format_pence): whole pounds drop the pence.
    output.textContent = (pence % 100 === 0 ? wholePounds : money).format(pence / 100);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
}());
