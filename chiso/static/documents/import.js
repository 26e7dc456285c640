// Plan import review: unit and criterion pickers (confirmations: chiso.js). No inline handlers (CSP).
(function () {
  "use strict";

  function chip(name, value, label) {
    const span = document.createElement("span");
    span.className = "badge picker-chip chip-matched";
    span.textContent = label;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    // Units keep their name as written beside the picked unit; criteria are plain ids.
    input.value = name === "criteria" ? value : JSON.stringify({ ref: value, text: label, status: "matched" });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close ms-1";
    remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", "Bỏ " + label);
    span.append(input, remove);
    return span;
  }

  function valueRef(input, name) {
    if (name === "criteria") return input.value;
    try { return JSON.parse(input.value).ref || input.value; } catch (e) { return input.value; }
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
      const already = Array.from(chips.querySelectorAll("input")).some((i) => valueRef(i, name) === value);
      if (!already) chips.append(chip(name, value, option.getAttribute("data-pick-label")));
      const results = picker.querySelector(".picker-results");
      if (results) results.replaceChildren();
      const search = picker.querySelector(".picker-search");
      if (search) { search.value = ""; search.focus(); }
      return;
    }
    const remove = target.closest("[data-picker-remove]");
    if (remove) remove.closest(".picker-chip").remove();
  });
})();
