// Progressive enhancement only: every page works without this file.
// Remember the browser's time zone so that times are shown in it (no cookie is overwritten).
(function () {
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; })) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  } catch (e) { /* old browser: the default zone stays */ }
})();

// A report being built: follow its progress without reloading (the page has a link to check again).
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("progress"), label = box.querySelector("[data-stage]");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        if (!state.pending) { window.location.reload(); return; }
        if (bar) { bar.value = state.progress; bar.textContent = state.progress + " %"; }
        if (label) label.textContent = state.stage;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
