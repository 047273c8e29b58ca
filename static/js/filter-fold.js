/* Folds a list's filter form away on a phone, so the list is the first thing there: the
   <details> before this script starts open (as it stays without scripts) and is closed
   here when the screen is narrow and no filter reports an error. Runs where it is included,
   right after the form, so the page is never drawn with the form open. */
(function () {
  var script = document.currentScript;
  var fold = script && script.previousElementSibling;
  if (!fold || !fold.classList.contains("filter-fold")) return;
  if (window.matchMedia("(max-width: 720px)").matches && !fold.querySelector(".error")) {
    fold.open = false;
  }
})();
