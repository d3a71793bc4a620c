/* Convene's own behaviour on top of htmx: agenda drag and drop, and the live item clock.
   Everything here has a no-JavaScript alternative (the Up/Down buttons; the server's times). */
(function () {
  "use strict";

  // Agenda drag and drop: on drop, post every item id in the new order.
  function enableReorder(list) {
    if (list.dataset.reorderReady) return;
    list.dataset.reorderReady = "1";
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-item-id]");
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var over = event.target.closest("[data-item-id]");
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
    });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      var order = Array.prototype.map.call(list.querySelectorAll(":scope > [data-item-id]"), function (item) {
        return item.dataset.itemId;
      });
      htmx.ajax("POST", list.dataset.reorderUrl, {
        source: list, target: "#agenda", swap: "outerHTML", values: { order: order.join(",") }
      });
    });
  }

  // A button that asks first (data-confirm): for buttons that share one form, where a form's
  // hx-confirm would ask the same question for every button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The Up/Down buttons replace the whole agenda, which would leave keyboard focus nowhere:
  // put it back on the moved item's button (on its other button once the item reaches an end).
  var moved = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#agenda-items button[name=direction]") : null;
    var item = button ? button.closest("[data-item-id]") : null;
    moved = item ? { itemId: item.dataset.itemId, direction: button.value } : null;
  });
  function refocusMoved(root) {
    if (!moved || root.id !== "agenda") return;
    var item = root.querySelector('#agenda-items > [data-item-id="' + moved.itemId + '"]');
    var other = moved.direction === "up" ? "down" : "up";
    var button = item && (item.querySelector('button[name=direction][value="' + moved.direction + '"]:not(:disabled)')
      || item.querySelector('button[name=direction][value="' + other + '"]:not(:disabled)'));
    moved = null;
    if (button) button.focus();
  }

  // The inline edit form of an agenda item takes focus, so keyboard users land in it.
  function focusItemForm(root) {
    if (!root.matches || !root.matches("li.agenda-item.editing")) return;
    var first = root.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  // The live clock: time spent on the current item against its planned minutes. The server says
  // how long the item had run when it rendered the page; the page counts on from when it got it
  // (never from the device's own clock, which may be off).
  function tickClocks() {
    document.querySelectorAll("[data-clock-elapsed]").forEach(function (clock) {
      if (clock.dataset.clockElapsed === "") return;
      if (!clock.dataset.seenAt) clock.dataset.seenAt = String(performance.now());
      var since = (performance.now() - parseFloat(clock.dataset.seenAt)) / 1000;
      var elapsed = Math.max(0, Math.floor(parseInt(clock.dataset.clockElapsed, 10) + since));
      var planned = parseInt(clock.dataset.plannedSeconds, 10) || 0;
      var minutes = Math.floor(elapsed / 60), seconds = elapsed % 60;
      clock.querySelector(".clock-elapsed").textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      var over = elapsed > planned;
      clock.classList.toggle("is-over", over);
      clock.querySelector(".clock-over").hidden = !over;
    });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-reorder-url]").forEach(enableReorder);
    tickClocks();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    init(event.target.parentNode || document);
    refocusMoved(event.target);
    focusItemForm(event.target);
  });
  setInterval(tickClocks, 1000);
})();
