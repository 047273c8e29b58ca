/* The record list's bulk actions: a "select all on this page" box and a count of the ticked
   rows. Without this script the rows are ticked one by one and the buttons work the same. */
(function () {
  "use strict";
  function setUp(form) {
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="record"]'));
    var template = count ? count.getAttribute("data-template") || "" : "";
    function update() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      if (count && template) {
        count.textContent = ticked ? template.replace("{n}", String(ticked)) : "";
      }
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.bulk-form"), setUp);
  });
})();
