/* The USWDS combo box for rows that htmx adds after the page has loaded (a location's
   country on the activity form: "Add a location").

   uswds.min.js enhances every .usa-combo-box present at load and handles their events
   by delegation from document.body, so a row added later only needs the enhancement
   itself (the input, the list and the status region that USWDS builds around the
   <select>). USWDS keeps its components inside its bundle, so this file bundles the
   combo box's own module from the same pinned package (esbuild, `make assets`) and calls
   its init() on each piece of content htmx loads; init() skips boxes already enhanced.
   Without JavaScript the rows keep the native <select>. ADR 0008. */
const comboBox = require("@uswds/uswds/js/usa-combo-box");

document.addEventListener("htmx:load", (event) => {
  comboBox.init(event.target);
  // The server marks the row just added with `autofocus` on its <select>, which USWDS
  // has now hidden behind its input: the input takes the mark and the focus (htmx may
  // focus [autofocus] before or after this event, so both ways end on the input).
  event.target.querySelectorAll(".usa-combo-box select[autofocus]").forEach((select) => {
    const input = select.closest(".usa-combo-box").querySelector(".usa-combo-box__input");
    if (input) {
      select.removeAttribute("autofocus");
      input.setAttribute("autofocus", "");
      input.focus();
    }
  });
});
