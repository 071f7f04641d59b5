// Progressive enhancement only: without JS every row is visible and the controls stay hidden.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (box.matches("input[data-filter]")) {
      document.body.classList.toggle("hide-" + box.getAttribute("data-filter"), !box.checked);
    } else if (box.matches("input[data-toggle]")) {
      document.body.classList.toggle(box.getAttribute("data-toggle"), box.checked);
    }
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { button.textContent = "Select and copy"; return; }
    navigator.clipboard.writeText(source.textContent).then(
      function () { button.textContent = "Copied"; },
      function () { button.textContent = "Copy failed"; }
    );
  });
})();
