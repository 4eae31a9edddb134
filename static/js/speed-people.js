// The phone page's countdown: the server wrote the seconds left; this counts
// them down, and at zero asks speed-live.js for the page of the next phase
// ("speed:due"), starting again on the page it swaps in. Without JavaScript
// the page's own refreshes do the same.
(function () {
  "use strict";
  var interval = null;
  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function start() {
    window.clearInterval(interval);
    var clocks = document.querySelectorAll("[data-seconds-left]");
    if (!clocks.length) return;
    var started = Date.now();
    var initial = Array.prototype.map.call(clocks, function (el) {
      return parseInt(el.getAttribute("data-seconds-left"), 10) || 0;
    });
    var due = false;
    function tick() {
      var gone = Math.floor((Date.now() - started) / 1000);
      Array.prototype.forEach.call(clocks, function (el, i) {
        var left = Math.max(0, initial[i] - gone);
        el.textContent = format(left);
        if (left === 0 && !due) {
          due = true;
          document.dispatchEvent(new CustomEvent("speed:due"));
        }
      });
    }
    tick();
    interval = window.setInterval(tick, 1000);
  }
  document.addEventListener("speed:refreshed", start);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
