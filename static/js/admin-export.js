// The admin export page's "select all" toggle, bound here rather than with an inline
// onchange attribute, which the Content-Security-Policy blocks.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".select-toggle").forEach((toggle) => {
    // onSelectToggleChange comes from django-import-export's export_selectable_fields.js.
    toggle.addEventListener("change", (event) => onSelectToggleChange(event));
  });
});
