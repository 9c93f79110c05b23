/* The deal board: drag a card to another column (HTML5 drag and drop) to move the deal.
 *
 * The card moves at once; the server answers with the two columns re-rendered (cards, count
 * and sum). On a refusal the card goes back where it was and the reason is shown; a lost
 * stage without a reason first asks for one. No build step, no dependencies.
 */
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) return;
  var errorBox = document.querySelector(".board-error");
  var dialog = document.getElementById("lost-dialog");
  var dragged = null; // {card, column, next}

  function csrfToken() {
    if (board.dataset.csrf) return board.dataset.csrf;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text || board.dataset.errorText;
    errorBox.hidden = false;
  }

  function snapBack(origin) {
    if (origin.next && origin.next.parentNode === origin.list) origin.list.insertBefore(origin.card, origin.next);
    else origin.list.appendChild(origin.card);
  }

  function replaceColumns(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    holder.querySelectorAll(".board-column").forEach(function (column) {
      var old = document.getElementById(column.id);
      if (old) old.replaceWith(column);
      if (window.htmx) window.htmx.process(column);
    });
  }

  function askLostReason() {
    return new Promise(function (resolve) {
      if (!dialog) { resolve(null); return; }
      var select = dialog.querySelector("select");
      select.value = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ok" && select.value ? select.value : null);
      });
      dialog.showModal();
    });
  }

  function send(origin, stageId, lostReason) {
    var filters = document.getElementById("board-filters");
    var body = new FormData();
    body.append("stage_id", stageId);
    if (lostReason) body.append("lost_reason_id", lostReason);
    ["q", "responsible", "pipeline"].forEach(function (name) {
      var field = filters && filters.elements[name];
      if (field) body.append(name, field.value);
    });
    return fetch(origin.card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Accord-Board": "1" }
    }).then(function (response) {
      if (response.ok) return response.text().then(replaceColumns);
      var type = response.headers.get("Content-Type") || "";
      var parsed = type.indexOf("json") >= 0 ? response.json() : Promise.resolve({});
      return parsed.then(function (error) {
        if (error.code === "lost_reason_required") {
          return askLostReason().then(function (reason) {
            if (reason) return send(origin, stageId, reason);
            snapBack(origin);
          });
        }
        snapBack(origin);
        showError(error.detail);
      });
    }).catch(function () {
      snapBack(origin);
      showError();
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".deal-card");
    if (!card) return;
    dragged = { card: card, list: card.parentNode, next: card.nextElementSibling, column: card.closest(".board-column") };
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.card.classList.remove("is-dragging");
    board.querySelectorAll(".is-drop-target").forEach(function (c) { c.classList.remove("is-drop-target"); });
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".is-drop-target").forEach(function (c) {
      if (c !== column) c.classList.remove("is-drop-target");
    });
    column.classList.add("is-drop-target");
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!dragged || !column) return;
    event.preventDefault();
    var origin = dragged;
    dragged = null;
    column.classList.remove("is-drop-target");
    origin.card.classList.remove("is-dragging");
    if (column === origin.column) return;
    if (errorBox) errorBox.hidden = true;
    var cards = column.querySelector(".board-cards");
    cards.insertBefore(origin.card, cards.firstChild);
    send(origin, column.dataset.stage, null);
  });
})();
