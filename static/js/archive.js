// Progressive enhancement only: every page works without this file.
// On a narrow screen the search filters start folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(max-width: 56rem)").matches) {
    filters.open = false;
  }
});

// A search with more matches than the page reads links to its chart of
// matches per month; the chart is loaded after the page and put in its place.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart-url]").forEach(function (link) {
    fetch(link.dataset.chartUrl, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var chart = page.querySelector("figure.timeline");
        if (chart) {
          chart = document.importNode(chart, true);
          chart.querySelector(".timeline-heading").textContent =
            link.querySelector(".timeline-heading").textContent;
          link.replaceWith(chart);
        }
      })
      .catch(function () {}); // the link stays, and works
  });
});
