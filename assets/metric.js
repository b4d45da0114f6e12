/* Vantage metric page: its own steps (a drill click, a breakdown, a record page, a sort) change the address
 * without Dash pages building the page again, and the page follows the address when something else changes it.
 *
 * Why not a dcc.Location: a Location the page writes makes Dash wait for the callback that reads it back before
 * asking for the next level's numbers (one more round trip on every drill click). Here a step writes the
 * history entry and the view together; the back and forward buttons and links within the page land in
 * the store `metric-address`, which the page's server callback turns back into a view.
 */
(function () {
  "use strict";

  var PAGE = ".page-metric";
  var ADDRESS = "metric-address";

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.vantage_metric = {
    /* Go to a step {search, view}: a history entry for the address, and the view for the page to show. */
    go: function (step) {
      if (!step || typeof step.search !== "string") {
        return window.dash_clientside.no_update;
      }
      if (step.search !== window.location.search) {
        window.history.pushState({}, "", window.location.pathname + step.search + window.location.hash);
      }
      return step.view;
    }
  };

  function follow() {
    var client = window.dash_clientside, page = document.querySelector(PAGE);
    var own = page ? "/metric/" + page.dataset.metric : null;
    var here = window.location.pathname;
    // Only an address of this metric's page: leaving the page is Dash pages' work.
    if (own && client.set_props && here.slice(-own.length) === own) {
      client.set_props(ADDRESS, {data: here + window.location.search});
    }
  }

  window.addEventListener("popstate", follow);            // back and forward
  window.addEventListener("_dashprivate_pushstate", follow);  // a dcc.Link (breadcrumbs, the breakdown table)
})();
