// FacadeOps service pages: signature pads, GPS on check-in, plan material lines.
(function () {
  function initPads() {
    document.querySelectorAll("canvas[data-signature-for]").forEach((canvas) => {
      if (canvas._pad || typeof SignaturePad === "undefined") return;
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      const pad = new SignaturePad(canvas, { backgroundColor: "rgb(255,255,255)" });
      canvas._pad = pad;
      const input = document.getElementById(canvas.getAttribute("data-signature-for"));
      const form = canvas.closest("form");
      const sync = () => { input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png"); };
      pad.addEventListener("endStroke", sync);
      if (form) form.addEventListener("submit", sync);
      const clear = document.querySelector(`[data-signature-clear="${canvas.id}"]`);
      if (clear) clear.addEventListener("click", (ev) => { ev.preventDefault(); pad.clear(); sync(); });
    });
  }
  function initGeo() {
    document.querySelectorAll("form[data-geolocate]").forEach((form) => {
      if (form._geo || !navigator.geolocation) return;
      form._geo = true;
      navigator.geolocation.getCurrentPosition((pos) => {
        const lat = form.querySelector("[name=latitude]");
        const lon = form.querySelector("[name=longitude]");
        if (lat) lat.value = pos.coords.latitude.toFixed(6);
        if (lon) lon.value = pos.coords.longitude.toFixed(6);
      }, () => {}, { timeout: 5000 });
    });
  }
  function initLines() {
    document.querySelectorAll("[data-add-line]").forEach((btn) => {
      if (btn._lines) return;
      btn._lines = true;
      btn.addEventListener("click", (ev) => {
        ev.preventDefault();
        const body = document.getElementById(btn.getAttribute("data-add-line"));
        const rows = body.querySelectorAll("tr");
        const last = rows[rows.length - 1];
        const clone = last.cloneNode(true);
        const i = rows.length;
        clone.querySelectorAll("[name]").forEach((el) => {
          el.name = el.name.replace(/_\d+$/, "_" + i);
          el.value = "";
        });
        body.appendChild(clone);
      });
    });
  }
  function init() { initPads(); initGeo(); initLines(); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", init);
})();
