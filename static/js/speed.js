/* The speed-mentoring projector's countdown (templates/speed/screen.html).
   The server writes the seconds left when it made the page; this counts
   them down every second, from the page's own load, so the projector's
   clock need not be right. At zero it asks speed-live.js for the page of
   the next phase ("speed:due"), and starts again on the page it swaps in.
   Without JavaScript the page's meta refresh reloads it every 20 s. */
(function () {
  "use strict";
  var pending = [];

  function words(phase, seconds, label) {
    if (phase === "break") {
      return "Break: next round at " + label;
    }
    if (seconds >= 60) {
      return Math.ceil(seconds / 60) + " min left";
    }
    return seconds + " s left";
  }

  function start(timer) {
    var total = parseInt(timer.getAttribute("data-seconds-left"), 10);
    if (!(total >= 0)) {
      return;
    }
    var phase = timer.getAttribute("data-phase");
    var label = timer.getAttribute("data-ends-at-label") || "";
    var began = Date.now();
    function tick() {
      var left = Math.max(0, total - Math.floor((Date.now() - began) / 1000));
      timer.textContent = words(phase, left, label);
      if (left === 0) {
        document.dispatchEvent(new CustomEvent("speed:due"));
        return;
      }
      pending.push(window.setTimeout(tick, 1000));
    }
    tick();
  }

  function startAll() {
    pending.forEach(window.clearTimeout);
    pending = [];
    var timers = document.querySelectorAll("[data-seconds-left]");
    for (var i = 0; i < timers.length; i += 1) {
      start(timers[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", startAll);
  document.addEventListener("speed:refreshed", startAll);
})();
