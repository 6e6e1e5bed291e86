// Regie works without JavaScript; this only sharpens: a select marked data-autosubmit submits
// its form on change (the button stays for keyboard and no-script users).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
