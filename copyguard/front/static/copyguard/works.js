// Upload with a progress bar: the form posts through XMLHttpRequest so its progress can be
// shown; without JavaScript the same form posts normally.
(function () {
  "use strict";
  function replaceWith(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("files");
    var old = document.getElementById("files");
    if (fresh && old) { old.replaceWith(fresh); bind(); } else { document.body.innerHTML = doc.body.innerHTML; }
  }
  function bind() {
    document.querySelectorAll("form[data-upload]").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        if (!window.FormData || !window.XMLHttpRequest) { return; }
        event.preventDefault();
        var bar = form.querySelector("progress");
        var button = form.querySelector("button[type=submit]");
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable && bar) { bar.value = Math.round((e.loaded / e.total) * 100); }
        });
        xhr.addEventListener("load", function () {
          if (xhr.status < 400) { window.location.href = xhr.responseURL || window.location.href; }
          else { replaceWith(xhr.responseText); }
        });
        xhr.addEventListener("error", function () { form.submit(); });
        if (bar) { bar.hidden = false; bar.value = 0; }
        if (button) { button.disabled = true; }
        xhr.send(new FormData(form));
      });
    });
  }
  document.addEventListener("DOMContentLoaded", bind);
})();
