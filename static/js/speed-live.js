/* Keeps a speed-mentoring page (the projector, a participant's phone) current
   without reloading it. Every 20 s, and as soon as a countdown reaches zero
   (the "speed:due" event), it fetches the page again; if the evening has
   moved on (the region's data-live-key differs: another phase, round or
   plan) it swaps the region's content in and says so with "speed:refreshed",
   so the countdowns start again from the new page; a status region, if the
   page has one, reads out the new heading. While nothing changes the
   page stays as it is: a reader keeps their place and focus. Without
   JavaScript the page's own <noscript> meta refresh reloads it instead. */
(function () {
  "use strict";
  var EVERY_MS = 20000;
  var busy = false;

  function region(doc) {
    return doc.querySelector("[data-live-key]");
  }

  function swap(html) {
    var here = region(document);
    var fresh = html && region(new DOMParser().parseFromString(html, "text/html"));
    if (!here || !fresh) {
      return; // not the page any more (signed out, say): try again later
    }
    var key = fresh.getAttribute("data-live-key");
    if (key === here.getAttribute("data-live-key")) {
      return;
    }
    here.innerHTML = fresh.innerHTML;
    here.setAttribute("data-live-key", key);
    var announce = document.querySelector("[data-live-announce]");
    var heading = here.querySelector("h1");
    if (announce && heading) {
      announce.textContent = heading.textContent.replace(/\s+/g, " ").trim();
    }
    document.dispatchEvent(new CustomEvent("speed:refreshed"));
  }

  function refresh() {
    if (busy || !region(document)) {
      return;
    }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(swap)
      .catch(function () {
        return null; // offline for a moment: the next try may reach the server
      })
      .then(function () {
        busy = false;
      });
  }

  document.addEventListener("speed:due", refresh);
  window.setInterval(refresh, EVERY_MS);
})();
