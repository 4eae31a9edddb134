// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Copy buttons: shown only when the browser can copy.
  document.querySelectorAll(".js-copy").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      navigator.clipboard.writeText(target.value).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
  // Folded panels (the event filters) start open where the screen has room.
  if (window.matchMedia && window.matchMedia("(min-width: 52rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
  }
  // The account menu closes with Escape (focus back on one's name), a click elsewhere, or focus moving on.
  document.querySelectorAll("details.account-menu").forEach(function (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
    // Tabbing on past its last item closes it too: an open panel would hide what has the focus.
    menu.addEventListener("focusout", function (event) {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) { menu.open = false; }
    });
  });
  // A category list with "New category…": its name field only once that is chosen.
  document.querySelectorAll("select[data-new-category]").forEach(function (select) {
    var input = document.getElementById(select.getAttribute("data-new-category"));
    if (!input) { return; }
    var box = input.closest(".new-category") || input;
    var update = function () { box.hidden = select.value !== select.getAttribute("data-new-value"); };
    select.addEventListener("change", function () {
      update();
      if (!box.hidden) { input.focus(); }
    });
    update();
  });
})();
