// chiso's own behaviour, kept out of inline attributes so the Content-Security-Policy can forbid them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
