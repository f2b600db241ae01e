// The article page is the same for every reader, so its question form carries no start time.
// When the reader starts writing, this asks the server for a signed note of the moment and puts
// it in the form: the minimum fill time then counts the time spent typing here, not only the one
// click left on the check page. Without it (no script, no network) the form still works: the
// check page's own time is used, and a send that comes too soon is asked again, never dropped.
(function () {
  "use strict";
  if (!window.fetch) return;
  var forms = document.querySelectorAll("form[data-started-url]");
  Array.prototype.forEach.call(forms, function (form) {
    if (form.querySelector('input[name="started"]')) return; // a timed page of its own
    var asking = false;
    var done = false;

    function noteStart() {
      if (asking || done) return;
      asking = true;
      fetch(form.getAttribute("data-started-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = "typing_started";
          field.value = data.started;
          form.appendChild(field);
          done = true;
        })
        .catch(function () {
          asking = false; // try again on the next keystroke
        });
    }

    form.addEventListener("input", noteStart);
    form.addEventListener("change", noteStart);
  });
})();
