/* Liaison's only script of its own (no inline scripts: a Content-Security-Policy will
   forbid them). Everything here is an enhancement: every form works without it.

   1. After an invalid submit, the error summary takes the focus (WCAG 3.3.1).
   2. The participant box (input[data-lookup-url]) becomes an ARIA 1.2 combobox whose
      options come from the server (activities:participant_lookup), i.e. only people the
      user may name. Without JavaScript it is a text box: a serial number or a unique part
      of a name is resolved on save. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  function enhanceLookup(input) {
    if (input.dataset.lookupReady) {
      return;
    }
    input.dataset.lookupReady = "true";
    var listId = input.id + "-options";
    var statusId = input.id + "-status";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "liaison-lookup__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching employees");
    list.hidden = true;
    var status = document.createElement("div");
    status.id = statusId;
    status.className = "usa-sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    // The list follows the input in the page flow (the input is never moved: moving it
    // would drop the focus that autofocus or htmx gave it).
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var active = -1;
    var lastQuery = null;

    function options() {
      return Array.prototype.slice.call(
        list.querySelectorAll('[role="option"]:not([aria-disabled="true"])')
      );
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(item) {
      input.value = item.dataset.value;
      lastQuery = input.value;
      close();
      status.textContent = item.dataset.value + " chosen.";
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (query.length < 2) {
        list.innerHTML = "";
        close();
        return;
      }
      var url = input.dataset.lookupUrl;
      url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          if (input.value.trim() !== query) {
            return; // the user typed on; a newer answer is coming
          }
          list.innerHTML = html;
          var items = options();
          list.querySelectorAll('[role="option"]').forEach(function (item, i) {
            item.id = input.id + "-option-" + i;
            item.setAttribute("aria-selected", "false");
          });
          list.hidden = list.children.length === 0;
          input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          active = -1;
          status.textContent =
            items.length === 0
              ? "No matches."
              : items.length + (items.length === 1 ? " match" : " matches") +
                ". Use the down arrow to choose.";
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown") {
        if (list.hidden && items.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        if (items.length) {
          highlight(Math.min(active + 1, items.length - 1));
        }
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        if (items.length) {
          highlight(Math.max(active - 1, 0));
        }
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && items[active]) {
          event.preventDefault(); // choose, do not submit the form
          choose(items[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    list.addEventListener("mousedown", function (event) {
      var item = event.target.closest('[role="option"]');
      if (item && item.getAttribute("aria-disabled") !== "true") {
        event.preventDefault();
        choose(item);
      }
    });
  }

  function enhance(root) {
    root.querySelectorAll("input[data-lookup-url]").forEach(enhanceLookup);
  }

  function start() {
    focusErrorSummary();
    enhance(document);
    // Rows added by htmx ("Add a participant") get the same behaviour.
    document.body.addEventListener("htmx:load", function (event) {
      enhance(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
