// Choosing an administrative unit level by level (templates/includes/unit_levels.html,
// core/widgets.py). Without JavaScript the "Cập nhật danh sách" button posts the form back and
// the page returns with the next level's options. With it, the button is hidden and choosing a
// level fills the next select from the units API; if that fails, the button comes back.
(function () {
  "use strict";
  if (!window.fetch) return;

  function reset(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
  }

  function enhance(box) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var url = box.getAttribute("data-units-url");
    var refresh = box.querySelector("[data-unit-refresh]");
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-unit-level]"));
    if (refresh) refresh.hidden = true;
    selects.forEach(function (select, index) {
      var next = selects[index + 1];
      if (!next) return;
      select.addEventListener("change", function () {
        for (var i = index + 1; i < selects.length; i++) reset(selects[i]);
        if (!select.value) return;
        box.setAttribute("aria-busy", "true");
        fetch(url + "?parent=" + encodeURIComponent(select.value), { headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (units) {
            units.forEach(function (unit) {
              next.add(new Option(unit.name, unit.id));
            });
          })
          .catch(function () {
            if (refresh) refresh.hidden = false; // the round trip still works
          })
          .then(function () {
            box.removeAttribute("aria-busy");
          });
      });
    });
  }

  document.querySelectorAll("[data-unit-levels]").forEach(enhance);
})();
