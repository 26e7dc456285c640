// chiso's own behaviour, kept out of inline attributes so the Content-Security-Policy can forbid them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});

// Enter in a picker's search box picks nothing and must not submit the surrounding form.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key === "Enter" && target instanceof Element && target.classList.contains("picker-search")) {
    event.preventDefault();
  }
});

// Forms marked data-confirm="question" ask before they are sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  }
});

// One handler for every htmx request that fails. A 4xx answered with a fragment (a form with its
// errors, rendered by render_page) is swapped in like any answer. Anything else (the error page,
// a JSON {"detail": …}, a 5xx, a network failure) leaves the page as it was and shows the
// server's message in an alert beside the element that sent the request. The words come from
// base.html (translated there), never from this file.
(() => {
  const text = (name) => document.body.getAttribute(name) || "";
  const isPage = (body) => /<html[\s>]|<!doctype/i.test(body.slice(0, 500));

  function messageOf(xhr) {
    const body = xhr.responseText || "";
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (type.includes("json")) {
      try {
        const data = JSON.parse(body);
        if (data && typeof data.detail === "string") return data.detail;
      } catch (_) {
        /* not JSON after all */
      }
    }
    if (type.includes("html") && body) {
      const doc = new DOMParser().parseFromString(body, "text/html");
      const found = doc.querySelector("main [role=alert], main .lead, [role=alert], .lead");
      if (found && found.textContent.trim()) return found.textContent.trim();
    } else if (type.includes("text/plain") && body.trim() && body.length < 500) {
      return body.trim();
    }
    return xhr.status >= 500 ? text("data-error-server") : text("data-error-request");
  }

  function anchorOf(elt) {
    if (!(elt instanceof Element) || !elt.isConnected) return document.querySelector("main") || document.body;
    return elt.closest("form") || elt;
  }

  function clear(anchor) {
    const next = anchor.nextElementSibling;
    if (next && next.classList.contains("htmx-error")) next.remove();
  }

  function show(elt, message) {
    const anchor = anchorOf(elt);
    clear(anchor);
    const alert = document.createElement("div");
    alert.className = "alert alert-danger htmx-error mt-2";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-testid", "htmx-error");
    alert.textContent = message;
    if (anchor === document.body || anchor.tagName === "MAIN") anchor.prepend(alert);
    else anchor.after(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status < 400) return;
    const body = xhr.responseText || "";
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status < 500 && type.includes("html") && body.trim() && !isPage(body)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    show(event.detail.requestConfig ? event.detail.requestConfig.elt : event.target, messageOf(xhr));
  });

  document.addEventListener("htmx:sendError", (event) => show(event.target, text("data-error-network")));
  document.addEventListener("htmx:timeout", (event) => show(event.target, text("data-error-network")));

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && event.target instanceof Element && event.target.isConnected) {
      clear(anchorOf(event.target));
    }
  });
})();

// "chiso:idle" on the body, once, when the page has loaded and no htmx request is in flight: what
// can wait (the bell's count) loads after the page's own fragments instead of beside them.
(() => {
  let inFlight = 0;
  let fired = false;
  const fire = () => {
    if (fired || inFlight > 0 || document.readyState !== "complete") return;
    fired = true;
    document.body.dispatchEvent(new Event("chiso:idle"));
  };
  document.addEventListener("htmx:beforeRequest", () => {
    inFlight += 1;
  });
  document.addEventListener("htmx:afterRequest", () => {
    inFlight = Math.max(0, inFlight - 1);
    setTimeout(fire, 0);
  });
  window.addEventListener("load", () => setTimeout(fire, 0));
})();
