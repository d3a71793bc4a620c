/* Convene's own behaviour on top of htmx: agenda drag and drop, the live clocks, focus kept
   where a person works, and text kept until the server has it. Everything here has a
   no-JavaScript alternative (the Up/Down buttons; the server's times; the Save buttons). */
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

  // The live clock: time spent on the current item against its planned minutes, and the
  // meeting's pace (minutes behind, minutes left). The server says how things stood when it
  // rendered the page; the page counts on from when it got it (never from the device's own
  // clock, which may be off). Wording comes from the page, in the reader's language.
  function since(element) {
    if (!element.dataset.seenAt) element.dataset.seenAt = String(performance.now());
    return (performance.now() - parseFloat(element.dataset.seenAt)) / 1000;
  }
  function minutesText(template, seconds) {
    return template.replace("%(minutes)s", String(Math.floor(Math.abs(seconds) / 60)));
  }
  function tickClocks() {
    document.querySelectorAll("[data-clock-elapsed]").forEach(function (clock) {
      if (clock.dataset.clockElapsed === "") return;
      var elapsed = Math.max(0, Math.floor(parseInt(clock.dataset.clockElapsed, 10) + since(clock)));
      var planned = parseInt(clock.dataset.plannedSeconds, 10) || 0;
      var minutes = Math.floor(elapsed / 60), seconds = elapsed % 60;
      clock.querySelector(".clock-elapsed").textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      var over = elapsed > planned;
      clock.classList.toggle("is-over", over);
      clock.querySelector(".clock-over").hidden = !over;
    });
    document.querySelectorAll("[data-pace-late]").forEach(function (pace) {
      var late = parseInt(pace.dataset.paceLate, 10) || 0;
      var behind = late + Math.max(0, (parseInt(pace.dataset.paceOver, 10) || 0) + since(pace));
      var text = behind >= 60 ? minutesText(pace.dataset.behind, behind)
        : behind <= -60 ? minutesText(pace.dataset.ahead, behind) : pace.dataset.onTime;
      pace.querySelector(".pace-value").textContent = text;
      pace.classList.toggle("is-late", behind >= 300);
    });
    document.querySelectorAll("[data-pace-left]").forEach(function (left) {
      var seconds = (parseInt(left.dataset.paceLeft, 10) || 0) - since(left);
      left.querySelector(".pace-value").textContent =
        minutesText(seconds >= 0 ? left.dataset.left : left.dataset.past, seconds);
      left.classList.toggle("is-late", seconds < 0);
    });
  }

  // Nothing typed is lost: what is typed in a field marked data-draft-key is kept in this tab
  // (sessionStorage) until the server has it. If the session ends meanwhile, logging in again
  // brings the chair back to the page, where the field gets its text back (and the version it
  // was typed against, so a save still notices someone else's change).
  var DRAFT = "convene-draft:";
  function baseInput(field) {
    return field.dataset.draftBase ? document.querySelector(field.dataset.draftBase) : null;
  }
  function keepDraft(field, sent) {
    var base = baseInput(field);
    var draft = { text: field.value, base: base ? base.value : "" };
    if (sent) draft.sent = true;
    sessionStorage.setItem(DRAFT + field.dataset.draftKey, JSON.stringify(draft));
  }
  // One line of text in place of what `container` held (textContent: never markup).
  function showLine(container, className, text) {
    container.innerHTML = "";
    var line = document.createElement("p");
    line.className = className;
    line.textContent = text;
    container.appendChild(line);
  }
  function restoreDrafts(root) {
    // A page that says something was saved (its message) took what a plain form sent.
    var saved = document.querySelector("#messages .flash");
    root.querySelectorAll("[data-draft-key]").forEach(function (field) {
      var stored = sessionStorage.getItem(DRAFT + field.dataset.draftKey);
      if (!stored) return;
      var draft = JSON.parse(stored);
      if (draft.text === field.value || (draft.sent && saved)) {
        sessionStorage.removeItem(DRAFT + field.dataset.draftKey);
        return;
      }
      field.value = draft.text;
      var base = baseInput(field);
      if (base && draft.base) base.value = draft.base;
      var note = document.getElementById(field.dataset.restoredNote || "");
      if (note) note.hidden = false;
      if (field.hasAttribute("hx-post")) htmx.trigger(field, "input");
    });
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.dataset || !field.dataset.draftKey) return;
    keepDraft(field);
    // "Not saved yet" once, while typing (not on every key, and never over a conflict shown).
    var status = document.getElementById("notes-status");
    if (status && status.dataset.unsaved && field.id === "item-notes" && !status.querySelector(".conflict")
        && status.textContent.trim() !== status.dataset.unsaved) {
      showLine(status, "meta", status.dataset.unsaved);
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var field = event.detail.elt;
    if (field.dataset && field.dataset.draftKey) field.dataset.sentValue = field.value;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var field = event.detail.elt;
    if (!field.dataset || !field.dataset.draftKey || !event.detail.successful) return;
    if (field.value === field.dataset.sentValue) sessionStorage.removeItem(DRAFT + field.dataset.draftKey);
    else keepDraft(field);  // typed on while it saved: the base moved on with the answer
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches) return;
    // Logging out on a shared computer leaves nothing typed behind.
    if (form.matches("form[data-logout]")) {
      Object.keys(sessionStorage).forEach(function (key) {
        if (key.indexOf(DRAFT) === 0) sessionStorage.removeItem(key);
      });
      return;
    }
    // A plain form (no htmx) sends its text away: kept, marked sent, until a page says it was
    // saved (an ended session sends the person to log in first, and the text comes back).
    form.querySelectorAll("[data-draft-key]").forEach(function (field) { keepDraft(field, true); });
  });

  // The live view is replaced after every action: keyboard focus goes back to the control just
  // used (found again by its id), or to the open item's heading when that control is gone.
  var lastControl = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var control = (trigger && trigger.submitter) || event.detail.elt;
    if (control && control.closest && control.closest("#live")) lastControl = control.id || null;
  });
  function refocusLive(root) {
    if (root.id !== "live") return;
    var control = lastControl && document.getElementById(lastControl);
    lastControl = null;
    if (!control || control.disabled) {
      control = root.querySelector("#end-confirm-heading, #current-heading, #live-start, #start-anyway");
    }
    if (control) control.focus();
  }

  // What a live action did, said in the page's message area (a polite live region).
  document.addEventListener("convene:announce", function (event) {
    var messages = document.getElementById("messages");
    if (!messages || !event.detail || !event.detail.value) return;
    showLine(messages, "flash", event.detail.value);
  });

  function init(root) {
    (root || document).querySelectorAll("[data-reorder-url]").forEach(enableReorder);
    restoreDrafts(root || document);
    tickClocks();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    init(event.target.parentNode || document);
    refocusMoved(event.target);
    focusItemForm(event.target);
    refocusLive(event.target);
  });
  setInterval(tickClocks, 1000);
})();
