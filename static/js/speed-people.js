// The phone page's countdown: the server wrote the seconds left; this counts
// them down between the page's own refreshes (which work without it).
(function () {
  "use strict";
  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function start() {
    var clocks = document.querySelectorAll("[data-seconds-left]");
    if (!clocks.length) return;
    var started = Date.now();
    var initial = Array.prototype.map.call(clocks, function (el) {
      return parseInt(el.getAttribute("data-seconds-left"), 10) || 0;
    });
    function tick() {
      var gone = Math.floor((Date.now() - started) / 1000);
      Array.prototype.forEach.call(clocks, function (el, i) {
        el.textContent = format(Math.max(0, initial[i] - gone));
      });
    }
    tick();
    window.setInterval(tick, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
