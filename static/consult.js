// Progressive enhancement only: every page works without this file.
// Remember the browser's time zone so that times are shown in it (no cookie is overwritten).
(function () {
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; })) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  } catch (e) { /* old browser: the default zone stays */ }
})();
