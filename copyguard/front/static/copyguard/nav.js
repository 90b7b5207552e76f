/* The menus are <details>: they open and close without this. It only adds what people
   expect of a menu: Escape closes it, and so do a click or the focus moving elsewhere. */
(function () {
  var nav = document.querySelector(".site-nav");
  if (!nav) return;
  function menus() { return nav.querySelectorAll("details.nav-menu[open]"); }
  function closeAll(except) {
    menus().forEach(function (menu) { if (menu !== except) menu.open = false; });
  }
  nav.addEventListener("toggle", function (event) {
    if (event.target.open) closeAll(event.target);
  }, true);
  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest("details.nav-menu");
    closeAll(inside);
  });
  nav.addEventListener("focusout", function (event) {
    var menu = event.target.closest("details.nav-menu");
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = menus();
    if (!open.length) return;
    var focused = document.activeElement;
    open.forEach(function (menu) {
      menu.open = false;
      if (menu.contains(focused)) menu.querySelector("summary").focus();
    });
  });
})();
