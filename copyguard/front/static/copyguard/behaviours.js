/* Small page behaviours declared with data- attributes, so that no template needs an
   inline script or an on*= handler (the Content-Security-Policy forbids both):
   - <select data-autosubmit>: choosing an option submits its form;
   - <input data-select-on-focus>: focusing the field selects its text (a key to copy);
   - <form data-confirm="question">: submitting asks the question first. */
(function () {
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
    }
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[data-select-on-focus]")) field.select();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
