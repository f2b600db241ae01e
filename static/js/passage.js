// Comments on passages: the form works on its own (paste the passage); this fills it from a
// selection in one of the texts and offers a button beside the selection.
(function () {
  "use strict";
  var form = document.getElementById("passage-form");
  if (!form || !window.getSelection) return;
  var quote = form.querySelector("[name='passage-quote']");
  var which = form.querySelector("[name='passage-text']");
  var comment = form.querySelector("[name='passage-body']");
  var status = document.getElementById("passage-selected");
  if (!quote || !which || !comment) return;

  var offer = document.createElement("button");
  offer.type = "button";
  offer.className = "comment-on-selection";
  offer.textContent = "Comment on this passage";
  offer.hidden = true;
  document.body.appendChild(offer);

  function textOf(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return element ? element.closest("[data-passage-text]") : null;
  }

  function take() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      offer.hidden = true;
      return;
    }
    var range = selection.getRangeAt(0);
    var source = textOf(range.startContainer);
    // One passage of one text: a selection running out of it is not a passage.
    if (!source || source !== textOf(range.endContainer)) {
      offer.hidden = true;
      return;
    }
    var passage = selection.toString().replace(/\s+/g, " ").trim();
    if (!passage) return;
    quote.value = passage;
    which.value = source.getAttribute("data-passage-text");
    status.textContent =
      "Passage selected in the " + source.getAttribute("data-passage-label") + ": " + passage;
    var box = range.getBoundingClientRect();
    offer.style.top = window.scrollY + box.bottom + 6 + "px";
    offer.style.left = Math.max(8, window.scrollX + box.left) + "px";
    offer.hidden = false;
  }

  document.addEventListener("mouseup", function (event) {
    if (event.target !== offer) window.setTimeout(take, 0);
  });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) take();
  });
  // A marked passage leads to its comment (the comment links back to the passage).
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.passage");
    if (mark && window.getSelection().isCollapsed) {
      window.location.hash = "comment-" + mark.getAttribute("data-comment");
    }
  });
  offer.addEventListener("click", function () {
    offer.hidden = true;
    form.scrollIntoView({ block: "start" });
    comment.focus();
  });
})();
