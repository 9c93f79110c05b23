/* Accord: the little behaviour htmx does not cover. No build step, no dependencies. */
(function () {
  "use strict";

  /* Repeated rows (phones, e-mails, bank accounts): copy a <template>, numbering formset rows. */
  function addRow(button) {
    var template = document.querySelector(button.dataset.template);
    var target = document.querySelector(button.dataset.target);
    if (!template || !target) return;
    var html = template.innerHTML;
    var total = button.dataset.total ? document.querySelector(button.dataset.total) : null;
    if (total) {
      html = html.replace(/__prefix__/g, total.value);
      total.value = String(Number(total.value) + 1);
    }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    target.appendChild(row);
    if (window.htmx) window.htmx.process(row);
    var input = row.querySelector("input, select, textarea");
    if (input) input.focus();
  }

  /* Removing a row blanks it: a blank row is skipped, so formset numbering stays intact. */
  function removeRow(button) {
    var row = button.closest("[data-row]");
    if (!row) return;
    var siblings = row.parentElement.querySelectorAll("[data-row]:not([hidden])");
    row.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (input.type !== "hidden") input.value = "";
    });
    if (row.hasAttribute("data-formset-row") || siblings.length > 1) {
      if (row.hasAttribute("data-formset-row")) row.hidden = true;
      else row.remove();
    }
  }

  /* A copy button: the text of its target to the clipboard (or selected, where the page is
     not in a secure context and the clipboard API is missing). */
  function copyText(button) {
    var source = document.querySelector(button.dataset.copyTarget);
    if (!source) return;
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text);
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      document.execCommand("copy");
    }
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) { event.preventDefault(); addRow(add); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { event.preventDefault(); removeRow(remove); return; }
    var clear = event.target.closest("[data-clear-form]");
    if (clear) {
      var form = document.querySelector(clear.dataset.clearForm);
      if (form) form.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
    }
    var copy = event.target.closest("[data-copy-target]");
    if (copy) { event.preventDefault(); copyText(copy); return; }
    var close = event.target.closest("[data-modal-close]");
    if (close && close.closest("dialog")) { event.preventDefault(); close.closest("dialog").close(); return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  /* The dialog: htmx fills #modal-body, we open it; the server closes it with an event. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var modal = document.getElementById("modal");
    if (modal && event.detail.target && event.detail.target.id === "modal-body" && !modal.open) {
      modal.showModal();
      var first = modal.querySelector("[data-autofocus], input:not([type=hidden]), button");
      if (first) first.focus();
    }
  });
  document.body.addEventListener("accord:modal-close", function () {
    var modal = document.getElementById("modal");
    if (modal && modal.open) modal.close();
  });
  document.addEventListener("close", function (event) {
    if (event.target.id === "modal") document.getElementById("modal-body").innerHTML = "";
  }, true);

  /* GET requests leave out empty filters, so pushed URLs stay short and readable. */
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var data = event.detail.formData;
    Array.from(data.keys()).forEach(function (key) {
      if (data.getAll(key).every(function (v) { return v === ""; })) data.delete(key);
    });
  });

  /* "/" focuses the global search, as in most work tools. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var box = document.querySelector("[data-global-search]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  /* Toasts leave by themselves. */
  function dismissToasts(root) {
    (root || document).querySelectorAll(".toast:not([data-bound])").forEach(function (toast) {
      toast.setAttribute("data-bound", "");
      setTimeout(function () { toast.classList.add("is-leaving"); }, 4500);
      setTimeout(function () { toast.remove(); }, 5000);
    });
  }
  /* Focus the first field of a page once: never after an htmx swap, which would steal
     the focus from the field the person moved on to. */
  document.addEventListener("DOMContentLoaded", function () {
    dismissToasts();
    var first = document.querySelector("#content [data-autofocus]");
    if (first) first.focus();
  });
  document.addEventListener("htmx:oobAfterSwap", function () { dismissToasts(); });
})();
