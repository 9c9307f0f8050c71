// FacadeOps page helpers: confirm dialogs for workflow buttons.
document.addEventListener("submit", (ev) => {
  const q = ev.target.getAttribute("data-confirm");
  if (q && !window.confirm(q)) ev.preventDefault();
});
