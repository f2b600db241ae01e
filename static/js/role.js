// Reader roles without a reload: the form works on its own; this only swaps the text in place.
(function () {
  "use strict";
  var form = document.getElementById("role-form");
  var select = document.getElementById("role-select");
  var region = document.getElementById("reader-content");
  if (!form || !select || !region || !window.fetch || !window.DOMParser) return;

  select.addEventListener("change", function () {
    var url = new URL(window.location.href);
    url.hash = "";
    if (select.value) url.searchParams.set("role", select.value);
    else url.searchParams.delete("role");
    region.setAttribute("aria-busy", "true");
    fetch(url.toString(), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("reader-content");
        if (!fresh) throw new Error("no content");
        region.replaceWith(fresh);
        region = fresh;
        window.history.replaceState(null, "", url.toString());
      })
      .catch(function () {
        form.submit(); // fall back to the plain form
      });
  });
})();
