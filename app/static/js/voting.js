// Progressive enhancement: keep the running total up to date as choices change. The "Update the total"
// button does the same on the server for anyone without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot]");
  var output = document.querySelector("[data-total]");
  if (!form || !output) { return; }
  var type = form.getAttribute("data-ballot");
  var money = new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency: "GBP" });
  function update() {
    if (type === "cumulative") {
      var used = 0;
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (value > 0) { used += value; }
      });
      output.textContent = String(used);
    } else if (type === "approval" || type === "knapsack") {
      var pence = 0;
      form.querySelectorAll("input[name=project]:checked").forEach(function (box) {
        pence += parseInt(box.getAttribute("data-cost"), 10) || 0;
      });
      output.textContent = money.format(pence / 100);
    }
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
}());
