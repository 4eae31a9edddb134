// Characters left in fields with a length limit, as you type. Progressive
// enhancement: without it the limit is still stated in the hint and the
// server refuses longer text with a message, keeping what was typed.
(function () {
  "use strict";
  var format = new Intl.NumberFormat("en");
  function plural(n, word) { return format.format(n) + " " + word + (n === 1 ? "" : "s"); }
  document.querySelectorAll("[data-limit]").forEach(function (control) {
    var limit = parseInt(control.getAttribute("data-limit"), 10);
    var counter = document.getElementById(control.id + "-count");
    if (!counter || !(limit > 0)) { return; }
    var multiline = control.tagName === "TEXTAREA";
    control.setAttribute("aria-describedby",
      ((control.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    function update() {
      // The server counts a line break as one character, as the browser does here.
      var left = limit - control.value.length;
      // Single-line fields show the count only as the limit comes near.
      counter.hidden = !multiline && left > limit / 5 && left >= 0;
      counter.textContent = left >= 0 ? plural(left, "character") + " left"
                                       : plural(-left, "character") + " too many";
      counter.classList.toggle("is-over", left < 0);
    }
    control.addEventListener("input", update);
    update();
  });
})();
