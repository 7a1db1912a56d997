// The what-if planning page (desk/planning.html). htmx sends the form as it changes and swaps
// in the result. A refusal comes back as 400: htmx leaves error responses alone, so here it is
// told to swap this one (the server has retargeted it to the status line, keeping the last
// good result), and each field with a message beside it is marked invalid for screen readers.
(function () {
  "use strict";

  function fromPlanningForm(event) {
    var config = event.detail && event.detail.requestConfig;
    var source = config && config.elt;
    return Boolean(source && source.closest && source.closest("[data-planning-form]"));
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && fromPlanningForm(event)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-planning-form] [data-error-for]").forEach(function (slot) {
      var field = document.getElementById(slot.getAttribute("data-error-for"));
      if (!field) {
        return;
      }
      var group = field.closest(".usa-form-group");
      if (slot.textContent.trim()) {
        field.setAttribute("aria-invalid", "true");
        if (group) { group.classList.add("usa-form-group--error"); }
      } else {
        field.removeAttribute("aria-invalid");
        if (group) { group.classList.remove("usa-form-group--error"); }
      }
    });
  });
})();
