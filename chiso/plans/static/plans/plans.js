// The task table editor: pickers for criteria and units, row removal (confirmations: chiso.js).
// Kept out of inline attributes so the Content-Security-Policy can forbid them.
(function () {
  "use strict";

  function chip(name, value, label) {
    const span = document.createElement("span");
    span.className = "badge text-bg-secondary picker-chip";
    span.textContent = label;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-white ms-1";
    remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", "Bỏ");
    span.append(input, remove);
    return span;
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const option = target.closest("[data-pick-value]");
    if (option) {
      const picker = option.closest("[data-picker]");
      if (!picker) return;
      const name = picker.getAttribute("data-picker");
      const value = option.getAttribute("data-pick-value");
      const chips = picker.querySelector(".picker-chips");
      const already = Array.from(chips.querySelectorAll("input")).some((i) => i.value === value);
      if (!already) chips.append(chip(name, value, option.getAttribute("data-pick-label")));
      const results = picker.querySelector(".picker-results");
      if (results) results.replaceChildren();
      const search = picker.querySelector(".picker-search");
      if (search) { search.value = ""; search.focus(); }
      return;
    }
    const remove = target.closest("[data-picker-remove]");
    if (remove) {
      remove.closest(".picker-chip").remove();
      return;
    }
    const removeRow = target.closest("[data-remove-row]");
    if (removeRow) {
      removeRow.closest("tr").remove();
      return;
    }
    const addRow = target.closest("[data-add-row]");
    if (addRow) {
      const template = document.getElementById(addRow.getAttribute("data-add-row"));
      const container = document.getElementById(addRow.getAttribute("data-add-to"));
      if (template && container) container.append(template.content.cloneNode(true));
      return;
    }
    const removeItem = target.closest("[data-remove-item]");
    if (removeItem) {
      removeItem.closest(".repeat-item").remove();
    }
  });

  // The cascade page says how many drafts the ticked units will get, as they are ticked.
  function updateCounts() {
    document.querySelectorAll("[data-count-of]").forEach((counter) => {
      const boxes = document.querySelectorAll(counter.getAttribute("data-count-of"));
      const n = Array.from(boxes).filter((box) => box.checked).length;
      counter.textContent = counter.getAttribute("data-count-template").replaceAll("__N__", String(n));
    });
  }

  // Checking or unchecking all units of a kind on the cascade page.
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-check-all")) {
      const selector = target.getAttribute("data-check-all");
      document.querySelectorAll(selector).forEach((box) => { box.checked = target.checked; });
    }
    if (target instanceof HTMLInputElement && target.type === "checkbox") updateCounts();
  });
})();
