/* Upload forms: a file over the size limit is refused as soon as it is chosen, before anything is
   sent (the server refuses it too, for browsers without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var file = input.files && input.files[0];
    var message = file && file.size > parseInt(input.dataset.maxBytes, 10) ? input.dataset.tooLarge : "";
    input.setCustomValidity(message);
    if (message) input.setAttribute("aria-invalid", "true");
    var problem = document.getElementById(input.dataset.problem);
    if (problem) problem.textContent = message;
  });
})();
