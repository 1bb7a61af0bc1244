// Progressive enhancement only: every page works without this file.
// On a narrow screen the search filters start folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(max-width: 56rem)").matches) {
    filters.open = false;
  }
});
