/* Vantage metric page: its own steps (a drill click, a breakdown, a record page, a sort) change the address
 * without Dash pages building the page again, and the page follows the address when something else changes it.
 *
 * Why not a dcc.Location: a Location the page writes makes Dash wait for the callback that reads it back before
 * asking for the next level's numbers (one more round trip on every drill click). Here a step writes the
 * history entry and the view together; links within the page, the back and forward buttons land in the
 * store `metric-address`, which the page's server callback turns back into a view.
 */
(function () {
  "use strict";

  var PAGE = ".page-metric";
  var ADDRESS = "metric-address";

  /* A history entry for this page at another query string; false when the address already is that. */
  function push(search) {
    if (search === window.location.search) {
      return false;
    }
    window.history.pushState({}, "", window.location.pathname + search + window.location.hash);
    return true;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.vantage_metric = {
    /* Go to a step {search, view}: a history entry for the address, and the view for the page to show. */
    go: function (step) {
      if (!step || typeof step.search !== "string") {
        return window.dash_clientside.no_update;
      }
      push(step.search);
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

  /* A link to another view of this page (breadcrumbs, the breakdown table's names): a history entry and the view,
   * as for a drill click. */
  function inPage(event) {
    var link = event.target.closest ? event.target.closest("a.in-page") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) {
      return;
    }
    var to = new URL(link.href, window.location.href);
    if (to.origin !== window.location.origin || to.pathname !== window.location.pathname) {
      return;
    }
    event.preventDefault();
    if (push(to.search)) {
      follow();
    }
  }

  window.addEventListener("popstate", follow);            // back and forward
  window.addEventListener("_dashprivate_pushstate", follow);  // a dcc.Link elsewhere on the page
  document.addEventListener("click", inPage);
})();
