/* Vantage wall screen: rotation, clock, refresh and reconnection run here, in the browser, with no input.
 *
 * Nothing here grows with time: one timer, one state object per deck (replaced when a deck is mounted again),
 * a map of applied properties keyed by component id (bounded by the deck), and no listeners added per tick.
 *
 * Why a plain timer instead of dcc.Interval: Dash's renderer keeps every browser-side change of a callback
 * input in an undo history (store.history.past) that it never trims, so an Interval ticking for weeks grows
 * the page without bound (about 2 KB a tick, measured). The timer asks the page's server callback for numbers
 * directly, the same request the renderer would make.
 *
 * Why the DOM and not dash_clientside.set_props: each property change that goes through Dash and React kept
 * about 1 KB of heap here (measured with Dash 4.4: 30 slide changes a minute grew the heap by 30-60 KB a minute;
 * the same changes written to the DOM stayed flat). Dash renders the deck once; after that this file writes only
 * text, attributes and inline styles of the deck's own elements (never adding or removing one), on elements
 * whose properties React never changes afterwards, so React never overwrites them.
 */
(function () {
  "use strict";

  var TICK_MS = 1000;            // clock and rotation
  var PING_MS = 5000;            // how often the server is checked
  var PING_TIMEOUT_MS = 4000;
  var ASK_TIMEOUT_MS = 30000;    // a numbers request that hangs longer is given up and retried
  var MISSES_OFFLINE = 2;        // failed checks in a row before the badge shows (one blip is not an outage)
  var FAILURES_RELOAD = 3;       // answered-but-failed requests in a row before the page is reloaded
  var RELOAD_GAP_MS = 60000;     // never reload more often than this (a broken server must not cause a loop)
  var RELOAD_KEY = "vantage-wall-reloaded";
  var ids = {root: "wall-root", deck: "wall-deck", data: "wall-data", ask: "wall-ask", clock: "wall-clock",
             date: "wall-date", indicator: "wall-indicator", progress: "wall-progress"};

  var screen = null;

  function prefix() {
    try {
      return JSON.parse(document.getElementById("_dash-config").textContent).requests_pathname_prefix || "/";
    } catch (e) {
      return "/";
    }
  }

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element) { element.textContent = text; }
  }

  function mount(schedule) {
    stop();
    if (!schedule || !schedule.seconds || !schedule.seconds.length) {
      return window.dash_clientside.no_update;
    }
    var locale = schedule.language === "zh" ? "zh-CN" : "en-GB";
    screen = {
      schedule: schedule,
      total: schedule.seconds.reduce(function (a, b) { return a + b; }, 0),
      prefix: prefix(),
      turn: -1, slide: -1, flip: false, clock: "", day: "",
      clockFormat: new Intl.DateTimeFormat(locale, {hour: "2-digit", minute: "2-digit", hour12: false}),
      dayFormat: new Intl.DateTimeFormat(locale, {weekday: "short", day: "numeric", month: "short"}),
      applied: {}, build: null, lastData: 0, answers: 0, asking: false, nextAsk: 0, nextPing: 0,
      misses: 0, failures: 0, offline: false, timer: null
    };
    document.body.dataset.wall = schedule.name;
    delete document.body.dataset.wallOffline;
    document.documentElement.setAttribute("data-bs-theme", schedule.theme);
    screen.timer = window.setInterval(tick, TICK_MS);
    window.vantageWall = screen;  // read by the browser tests and the soak benchmark
    keepAwake();
    ask("load");  // before the first tick, which would otherwise ask as a mere refresh (only a load is audited)
    tick();
    return window.dash_clientside.no_update;
  }

  function stop() {
    if (screen) {
      window.clearInterval(screen.timer);
      screen = null;
      delete document.body.dataset.wall;
      delete document.body.dataset.wallOffline;
    }
  }

  function tick() {
    if (!screen) {
      return;
    }
    if (!document.getElementById(ids.root)) {
      stop();  // the deck left the page
      return;
    }
    // Each step on its own: a failure in one must not stop the rotation.
    [rotate, clock, heartbeat].forEach(function (step) {
      try { step(); } catch (e) { /* the next tick tries again */ }
    });
  }

  function rotate() {
    // From the wall clock, not a counter: screens of one playlist show the same slide, and a late tick
    // (a busy or throttled browser) never lets the rotation drift.
    var seconds = screen.schedule.seconds, now = Date.now() / 1000;
    var into = now % screen.total, i = 0;
    while (i < seconds.length - 1 && into >= seconds[i]) {
      into -= seconds[i];
      i += 1;
    }
    var turn = Math.floor(now / screen.total) * seconds.length + i;
    if (turn === screen.turn) {
      return;
    }
    var deck = document.getElementById(ids.deck);
    if (deck) { deck.dataset.turning = "on"; }  // from now on the rotation, not the first slide, decides
    for (var n = 0; n < seconds.length; n += 1) {
      var section = document.getElementById("wall-slide-" + n);
      if (section) {
        section.toggleAttribute("data-on", n === i);
        section.setAttribute("aria-hidden", n === i ? "false" : "true");
      }
    }
    var bar = document.getElementById(ids.progress);
    if (bar) {
      // Two identical animations, alternated: switching restarts the bar without a new element.
      screen.flip = !screen.flip;
      bar.style.animationDuration = seconds[i] + "s";
      bar.style.animationDelay = (-into).toFixed(2) + "s";
      bar.dataset.run = screen.flip ? "a" : "b";
    }
    setText(ids.indicator, (i + 1) + " / " + seconds.length);
    screen.turn = turn;
    screen.slide = i;
  }

  function clock() {
    var now = new Date(), time = screen.clockFormat.format(now), day = screen.dayFormat.format(now);
    if (time !== screen.clock) {
      screen.clock = time;
      setText(ids.clock, time);
    }
    if (day !== screen.day) {
      screen.day = day;
      setText(ids.date, day);
    }
  }

  function heartbeat() {
    var now = Date.now();
    if (now >= screen.nextPing) {
      screen.nextPing = now + PING_MS;
      ping();
    }
    if (now >= screen.nextAsk && !screen.offline) {
      ask("refresh");
    }
  }

  function timed(url, options, ms) {
    var control = new AbortController(), timer = window.setTimeout(function () { control.abort(); }, ms);
    options.signal = control.signal;
    options.credentials = "same-origin";
    options.cache = "no-store";
    return window.fetch(url, options).finally(function () {
      window.clearTimeout(timer);
      // The browser keeps a timing entry per request (up to its buffer's 250): drop them, they are of no use here.
      if (window.performance && window.performance.clearResourceTimings) {
        window.performance.clearResourceTimings();
      }
    });
  }

  function ping() {
    var own = screen;
    timed(own.prefix + "_reload-hash", {}, PING_TIMEOUT_MS).then(function (response) {
      if (own !== screen) { return; }
      if (response.status === 401 || response.status === 403) {
        reloadWhenServed();  // the session is gone (a revoked token, or a restart with a new secret)
      } else if (response.ok) {
        online();
      } else {
        missed();
      }
    }, function () {
      if (own === screen) { missed(); }
    });
  }

  function online() {
    screen.misses = 0;
    if (screen.offline) {
      screen.offline = false;
      delete document.body.dataset.wallOffline;
      ask("recover");  // at once, not at the next interval: the screen catches up as soon as it can
    }
  }

  function missed() {
    screen.misses += 1;
    if (screen.misses >= MISSES_OFFLINE && !screen.offline) {
      screen.offline = true;
      document.body.dataset.wallOffline = "on";
    }
  }

  function ask(reason) {
    if (screen.asking) {
      return;
    }
    var own = screen;
    own.asking = true;
    own.nextAsk = Date.now() + own.schedule.refresh * 1000;
    var body = {
      output: ids.data + ".data", outputs: {id: ids.data, property: "data"},
      inputs: [{id: ids.ask, property: "data", value: reason}], changedPropIds: [ids.ask + ".data"],
      state: [{id: "_pages_location", property: "pathname", value: window.location.pathname}]
    };
    timed(own.prefix + "_dash-update-component", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    }, ASK_TIMEOUT_MS).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        reloadWhenServed();
        return null;
      }
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.status === 204 ? null : response.json();
    }).then(function (answer) {
      if (own !== screen || !answer) { return; }
      own.failures = 0;
      apply(answer.response && answer.response[ids.data] && answer.response[ids.data].data);
    }, function (error) {
      if (own !== screen) { return; }
      if (String(error && error.message).indexOf("HTTP ") === 0) {
        // The server answers but cannot give this page its numbers: most likely a new build whose
        // callbacks differ from this page's; a fresh page fixes that.
        own.failures += 1;
        if (own.failures >= FAILURES_RELOAD) { reloadWhenServed(); }
      } else {
        own.nextAsk = 0;  // unreachable: ask again on the next tick the server is known to be up
      }
    }).finally(function () {
      own.asking = false;
    });
  }

  function apply(data) {
    if (!data) {
      return;
    }
    if (screen.build === null) {
      screen.build = data.build;
    } else if (data.build && data.build !== screen.build) {
      reloadWhenServed();  // the server restarted with other code, assets or playlists
      return;
    }
    var props = data.props || {};
    Object.keys(props).forEach(function (id) {
      var text = JSON.stringify(props[id]), element = document.getElementById(id);
      if (screen.applied[id] !== text && element) {  // a part not on this deck is skipped, never created
        screen.applied[id] = text;
        write(element, props[id]);
      }
    });
    screen.lastData = Date.now();
    screen.answers += 1;
  }

  function write(element, props) {
    // The properties the server sends: text, a class list, an image and inline styles (custom ones included).
    Object.keys(props).forEach(function (name) {
      var value = props[name];
      if (name === "children") {
        element.textContent = value === null || value === undefined ? "" : String(value);
      } else if (name === "className") {
        element.className = value;
      } else if (name === "src") {
        if (value) { element.setAttribute("src", value); } else { element.removeAttribute("src"); }
      } else if (name === "style") {
        Object.keys(value || {}).forEach(function (key) {
          element.style.setProperty(key.indexOf("--") === 0 ? key : key.replace(/[A-Z]/g, function (c) {
            return "-" + c.toLowerCase();
          }), value[key]);
        });
      }
    });
  }

  function reloadWhenServed() {
    // Reload only when the page itself can be fetched: a reload into a dead server leaves a browser error page
    // that nothing recovers from, while this page keeps its last numbers and tries again.
    var last = Number(window.sessionStorage.getItem(RELOAD_KEY) || 0);
    if (Date.now() - last < RELOAD_GAP_MS) {
      return;
    }
    timed(window.location.href, {}, PING_TIMEOUT_MS).then(function (response) {
      if (response.ok) {
        window.sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
        window.location.reload();
      }
    }, function () { /* still down: the next check tries again */ });
  }

  function keepAwake() {
    // Screens that sleep show nothing; browsers that cannot keep them awake simply say no.
    if (navigator.wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").catch(function () {});
    }
  }

  // Once, at load: a wake lock ends whenever the page is hidden, so ask again when it is shown.
  document.addEventListener("visibilitychange", function () {
    if (screen) { keepAwake(); }
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wall: {mount: mount}
  });
})();
