// Sample collection (testing/templates/testing/portal/collect.html): a hand-held scanner types
// the ID card's code and Enter; Enter there moves to the tube's code instead of submitting, so
// a returning person takes one round trip (ID card, tube, Enter). Without JavaScript the first
// Enter submits, and the page comes back with the person recognised and the tube field focused.
(function () {
  "use strict";
  var payload = document.getElementById("id_payload");
  var code = document.getElementById("id_code");
  if (!payload || !code) return;
  payload.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !code.value) {
      event.preventDefault();
      code.focus();
    }
  });
})();
