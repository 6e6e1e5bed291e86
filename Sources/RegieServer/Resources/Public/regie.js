// Regie works without JavaScript; this only sharpens: a select marked data-autosubmit submits
// its form on change (the button stays for keyboard and no-script users).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});

// A folded panel marked data-remember opens as the user left it (a panel the server opened, because
// a filter in it is set, stays open).
document.querySelectorAll("details[data-remember]").forEach(function (panel) {
  var key = "regie." + panel.getAttribute("data-remember");
  try {
    if (!panel.open && window.localStorage.getItem(key) === "open") { panel.open = true; }
    panel.addEventListener("toggle", function () { window.localStorage.setItem(key, panel.open ? "open" : "closed"); });
  } catch (e) { /* storage blocked: the panel simply starts closed */ }
});
