/*
 * img-board frame: a slideshow fed by /api/v1/events (frame protocol v2), meant to run for months.
 *
 * The frame's name is in the path (/frames/<name>; / is "default"). The server keeps the frame's
 * shuffle bag: a "page" event gives a window of what comes next (the first photo is the one to show
 * now); when 10 or fewer are left the frame asks /api/v1/frames/<name>/next?after=<photo on screen>
 * and replaces the rest of its window with the answer, so "after" is always what a person has
 * actually seen. "add" puts a new photo next, "update" replaces a photo the frame holds in place (its
 * new renditions from the next time it shows; one it does not hold is ignored), "remove" drops one
 * (off the screen at once), "settings" changes the look from the next transition, "ping" is the
 * heartbeat. A changed order or filter of the frame comes as a fresh "page".
 *
 * Reloads: the last photo taken from the window and the bag round it belongs to ("bag", from the
 * page) are kept in localStorage under the frame's name; a reloaded page (or a new tab of the same
 * frame) passes them as ?shown=&bag= when it connects, and the server's page continues right after
 * that photo instead of from where the frame last asked /next (up to a window's worth earlier).
 *
 * Resilience: EventSource retries by itself with Last-Event-ID; after a few failed tries, a stream
 * the browser gave up on (CLOSED, e.g. a proxy's 502) or a silent one (no event or ping for three
 * ping intervals: a half-open connection after Wi-Fi trouble), the frame reconnects itself with
 * jittered exponential backoff (1 s doubling to 60 s) and passes the last event id as lastEventId.
 * While the display is away it keeps cycling the photos it has already shown (their media are
 * cached as immutable), and leaves its window untouched, so it carries on where it was.
 *
 * Memory is bounded for runs of months: the window (at most what one page or /next answer holds),
 * up to 100 live additions, 100 photos of history; no object URLs, no DOM nodes or listeners added
 * after start-up (each EventSource takes its listeners with it when it is closed).
 * Query parameters: interval=<seconds> overrides the frame's interval for one screen; token=<t> is
 * passed on to the stream and /next when the display requires imgboard.frames.token.
 * Keys: right arrow shows the next photo, left arrow the one before; auto-advance goes on from there.
 *
 * Plain ES2015 on purpose (wall tablets run old browsers); decode() and the Wake Lock API are used
 * where they exist.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var named = /^\/frames\/([a-z0-9][a-z0-9-]{0,39})\/?$/.exec(window.location.pathname);
  var frameName = named ? named[1] : 'default';
  var token = params.get('token');
  var intervalParam = Number(params.get('interval'));
  // Not a number of seconds from 1 to a day (interval=-5, interval=soon, interval=9999999, past what a
  // browser timer holds): ignored, the frame's own interval holds.
  if (!(intervalParam > 0 && intervalParam <= 86400)) { intervalParam = 0; }
  var intervalMs = intervalParam ? Math.max(1, intervalParam) * 1000 : 5000;
  // The screen in device pixels, as a photo's rendition is chosen for it (renditionFor).
  var screenWidth = window.screen.width * (window.devicePixelRatio || 1);
  var screenHeight = window.screen.height * (window.devicePixelRatio || 1);
  var FADE_MS = 1500;
  var transition = 'crossfade';
  var fit = 'contain';
  var showDate = false;
  var showYearsAgo = false;
  var PLACEHOLDER_AFTER_MS = 300;   // show the placeholder if the photo is not decoded by then
  var LOAD_TIMEOUT_MS = 30000;      // give up on one photo and move on
  var ASK_WHEN_LEFT = 10;           // ask for more when this many of the window are left
  var MAX_UP_NEXT = 100;
  var MAX_HISTORY = 100;
  var MAX_LOG = 500;

  var layers = Array.prototype.map.call(document.querySelectorAll('.layer'), function (el) {
    return { el: el, placeholder: el.querySelector('.placeholder'), photo: el.querySelector('.photo') };
  });
  var statusEl = document.getElementById('status');
  var overlayEl = document.getElementById('overlay');

  var queue = [];          // the window: photos to show, in the server's order, queue[0] next
  var upNext = [];         // photos added live, shown before the window resumes
  var history = [];        // photos shown, oldest first (arrow keys, and what to cycle while offline)
  var back = 0;            // how many steps back from the newest in history the screen is
  var current = null;      // the photo on screen
  var lastTaken = null;    // id of the last photo taken from the window: the frame's bag position
  var lastTakenRound = null; // the bag's round that photo belonged to
  var lastTakenBag = null; // and that round's name (the page's "bag"), for a reload to resume from
  var takenFromWindow = 0; // photos taken since the window came from the server
  var windowChanges = 0;   // counts every take from the window and every new window: an answer to an
                           // older question is stale (ids repeat across rounds, so they cannot tell)
  var paging = false;      // a page has come: /next may be asked
  var bag = { round: null, total: null, position: null, bag: null };
  var started = null;      // the bag where this page began
  var replayAt = 0;        // where in history the offline cycling is
  var failures = 0;        // photos in a row that failed to load while the display was reachable
  var front = 0;           // index of the visible layer
  var timer = null;
  var showing = 0;         // increases per show(), so late callbacks of an older one do nothing
  var shownAt = 0;
  var loading = null;      // the photo show() is bringing on screen
  var log = [];            // for tests and the curious: the last MAX_LOG photos shown ("~" = offline replay)
  var logRounds = [];      // the bag round each entry of the log was shown in
  var shownAdditions = []; // live additions shown, with the bag round's name: {id, bag}; one the window also holds is not shown twice
  var counts = { page: 0, add: 0, update: 0, remove: 0, settings: 0, ping: 0, connects: 0, next: 0, nextFailed: 0 };

  // ---- the window --------------------------------------------------------------------------

  function indexOf(list, id) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].photoId === id) { return i; }
    }
    return -1;
  }

  function srcOf(photo) {
    var r = photo.renditions || {};
    return r[renditionFor(photo)] || r.display || photo.url;
  }

  /**
   * `uhd` when the photo's `display` rendition (fit in 1920×1080, never enlarged) would be enlarged by more than
   * a sixth to fill this screen as the frame fits it: a 4K screen, and a portrait photo on a portrait screen
   * (720×1080 shown 1080 wide). A 1080p screen, and a 1920×1200 tablet with a landscape photo, keep `display`,
   * a quarter of the pixels to fetch and decode.
   */
  function renditionFor(photo) {
    if (!(photo.width > 0 && photo.height > 0)) {
      return screenWidth > 1920 || screenHeight > 1080 ? 'uhd' : 'display';
    }
    var scale = Math.min(1, 1920 / photo.width, 1080 / photo.height);
    if (scale >= 1) { return 'display'; } // no larger than the display rendition: uhd holds the same pixels
    var across = screenWidth / (photo.width * scale);
    var down = screenHeight / (photo.height * scale);
    return (fit === 'cover' ? Math.max(across, down) : Math.min(across, down)) > 7 / 6 ? 'uhd' : 'display';
  }

  /** The photo to show next, without taking it: it is taken only once it is on screen. */
  function peek() {
    if (upNext.length) { return upNext[0]; }
    passShownAdditions();
    return queue.length ? queue[0] : null;
  }

  /**
   * A live addition shown already in this bag round (named by the page's "bag") that the window now holds (a round that began after it
   * arrived, as when the display restarted meanwhile) is taken from the window without being shown
   * again: the server's place in the bag moves on, the screen does not repeat it.
   */
  function passShownAdditions() {
    while (queue.length) {
      var k = -1;
      for (var i = 0; i < shownAdditions.length; i++) {
        if (shownAdditions[i].id === queue[0].photoId && shownAdditions[i].bag && shownAdditions[i].bag === bag.bag) { k = i; }
      }
      if (k < 0) { return; }
      shownAdditions.splice(k, 1);
      take(queue[0], false);
    }
  }

  /** Takes the photo off the window (or the additions); shown = it reached the screen. */
  function take(photo, shown) {
    var i = indexOf(upNext, photo.photoId);
    var fromWindow = i < 0 && queue.length && queue[0].photoId === photo.photoId;
    // A live addition on screen (also one a fresh page took out of upNext while it loaded).
    if (shown && (i >= 0 || (photo.addition && !fromWindow))) {
      shownAdditions.push({ id: photo.photoId, bag: bag.bag });
      if (shownAdditions.length > MAX_UP_NEXT) { shownAdditions.shift(); }
    }
    var taken = true;
    if (i >= 0) {
      upNext.splice(i, 1);
    } else if (queue.length && queue[0].photoId === photo.photoId) {
      queue.shift();
      lastTaken = photo.photoId;
      lastTakenRound = bag.round;
      lastTakenBag = bag.bag;
      takenFromWindow++;
      windowChanges++;
      remember();
    } else {
      taken = false;
    }
    // A photo whose placeholder was revealed but which decoded only after its interval was taken
    // already by advance() ("on screen"): its late onShown must not count it a second time.
    if (!shown || (!taken && history.length && history[history.length - 1].photoId === photo.photoId)) { return; }
    history.push(photo);
    if (history.length > MAX_HISTORY) { history.shift(); }
    record(photo.photoId);
  }

  // ---- where the frame is, kept across reloads ------------------------------------------------

  var STORE_KEY = 'imgboard.frame.' + frameName;

  function remember() {
    if (!lastTakenBag) { return; }
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify({ shown: lastTaken, bag: lastTakenBag }));
    } catch (e) { /* storage off or full: a reload then starts where the server last heard of the frame */ }
  }

  /** What the page before this one (or another tab of this frame) showed last, if anything. */
  function remembered() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(STORE_KEY) || 'null');
      return kept && typeof kept.shown === 'string' && typeof kept.bag === 'string' ? kept : null;
    } catch (e) {
      return null;
    }
  }

  function record(entry) {
    log.push(entry);
    logRounds.push(bag.round === undefined ? null : bag.round);
    if (log.length > MAX_LOG) { log.shift(); logRounds.shift(); }
  }

  /**
   * A new window from the server. When a photo is on screen and the window repeats what was taken
   * since the last answer (the server's position is where the frame last asked), it continues after
   * that photo rather than showing those again.
   */
  function setWindow(photos) {
    var skip = -1;
    if (lastTaken) {
      var candidates = [takenFromWindow - 1, 0];
      for (var c = 0; c < candidates.length && skip < 0; c++) {
        var k = candidates[c];
        if (k >= 0 && k < photos.length && photos[k].photoId === lastTaken) { skip = k; }
      }
    }
    queue = photos.slice(skip + 1);
    takenFromWindow = 0;
    windowChanges++;
  }

  var asking = false;
  // While an answer travels: the photos changed (id -> the photo now) or gone (id -> null) since it was
  // asked. The answer was made before them, so they are applied to it when it comes.
  var changedMeanwhile = null;
  var askAgainAt = 0;
  var askFailures = 0;

  function askForMore() {
    if (!paging || asking || queue.length > ASK_WHEN_LEFT || Date.now() < askAgainAt) { return; }
    var after = lastTaken || (current && current.photoId);
    if (!after) { return; }
    asking = true;
    changedMeanwhile = Object.create(null);
    var asked = windowChanges;
    // The round tells the server whether "after" is still in its current round (else it moves nothing).
    var url = '/api/v1/frames/' + encodeURIComponent(frameName) + '/next?after=' + encodeURIComponent(after)
        + (lastTaken && lastTakenRound !== null && lastTakenRound !== undefined ? '&round=' + lastTakenRound : '')
        + '&limit=100' + (token ? '&token=' + encodeURIComponent(token) : '');
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      return response.json();
    }).then(function (answer) {
      asking = false;
      askFailures = 0;
      counts.next++;
      var changed = changedMeanwhile;
      changedMeanwhile = null;
      if (windowChanges !== asked) {
        // More was shown, or a page came, while the answer travelled: ask again from where it is now.
        askForMore();
        return;
      }
      var photos = answer.photos || [];
      var fresh = photos.filter(function (p) { return changed[p.photoId] !== null; })
          .map(function (p) { return changed[p.photoId] || p; });
      if (!fresh.length && photos.length) {
        // Everything it held went meanwhile: the display has more to say now (when there is a photo to
        // ask after; else this is an empty answer).
        askForMore();
        if (asking) { return; }
      }
      noteBag(answer);
      queue = fresh;
      takenFromWindow = 0;
      windowChanges++;
      if (!peek()) {
        // The frame has nothing left (its last photos hidden, deleted or filtered away): say so, and ask
        // again in a while rather than at once and forever; an added photo comes as an event anyway.
        askAgainAt = Date.now() + Math.max(intervalMs, 5000);
        if (!current) { showEmpty(); }
        return;
      }
      if (!current) { advance(); } else { preload(peek()); }
    }).catch(function () {
      asking = false;
      changedMeanwhile = null;
      counts.nextFailed++;
      askAgainAt = Date.now() + backoff(askFailures++);
    });
  }

  function noteBag(data) {
    bag = { round: data.round, total: data.total, position: data.position, bag: data.bag || null };
    if (!started) { started = bag; }
  }

  // ---- showing -----------------------------------------------------------------------------

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(advance, ms);
  }

  function advance() {
    clearTimeout(timer);
    // Stepped back with the left arrow: go forward through what was shown before taking new ones.
    while (back > 0) {
      back--;
      var again = history[history.length - 1 - back];
      if (again && again !== current) { show(again, null, true); return; }
    }
    var next = peek();
    askForMore();
    if (!next) {
      // The next window is on its way: wait for it rather than repeat a photo.
      if (asking && online) { schedule(500); return; }
      if (!replay()) {
        if (current) { schedule(intervalMs); } else { showEmpty(); }
      }
      return;
    }
    if (current && next.photoId === current.photoId) {
      take(next, true);  // already on screen (a frame of one photo): nothing to fade to
      schedule(intervalMs);
      return;
    }
    if (!online && !preloadedOk(next)) {
      // The display is away and this photo's image was never fetched: show one we have instead,
      // and keep this one (and the window) for when it is back.
      if (replay()) { return; }
    }
    show(next, function () {
      take(next, true);
      askForMore();
    }, false);
  }

  /** Shows again a photo from history (offline): its image is in the browser's cache. */
  function replay() {
    var candidates = history.filter(function (p) { return !current || p.photoId !== current.photoId; });
    if (!candidates.length) { return false; }
    var photo = candidates[replayAt++ % candidates.length];
    show(photo, function () { record('~' + photo.photoId); }, true);
    return true;
  }

  function previous() {
    for (var steps = back + 1; steps < history.length; steps++) {
      var photo = history[history.length - 1 - steps];
      if (photo !== current) {
        back = steps;
        show(photo, null, true);
        return;
      }
    }
  }

  document.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowRight') { event.preventDefault(); advance(); }
    if (event.key === 'ArrowLeft') { event.preventDefault(); previous(); }
  });

  /** Resolves once the image can be painted without a flash: decode() where there is one. */
  function decoded(img) {
    if (img.decode) { return img.decode(); }
    return new Promise(function (resolve, reject) {
      if (img.complete && img.naturalWidth) { resolve(); return; }
      img.onload = function () { resolve(); };
      img.onerror = function () { reject(new Error('load failed')); };
    });
  }

  /**
   * Loads the photo into the hidden layer, decodes it, then swaps the layers. The tiny placeholder
   * shows if the photo is not ready within PLACEHOLDER_AFTER_MS. onShown runs once it is on screen.
   * again: the photo was shown before (history, offline cycling), so its failure is not the window's.
   */
  function show(photo, onShown, again) {
    var mine = ++showing;
    loading = photo;
    var layer = layers[1 - front];
    var revealed = false;
    var src = srcOf(photo);
    statusEl.hidden = true;
    statusEl.className = '';

    function reveal() {
      if (revealed || mine !== showing) { return; }
      revealed = true;
      var outgoing = layers[front];
      hideOutgoing();
      // The incoming photo is drawn over the outgoing one, whichever layer each is.
      outgoing.el.style.zIndex = '0';
      layer.el.style.zIndex = '1';
      layer.el.style.transitionDuration = layerFadeMs() + 'ms';
      layer.el.style.transitionDelay = transition === 'fade' ? FADE_MS / 2 + 'ms' : '0ms';
      layer.el.classList.add('shown');
      if (transition === 'crossfade' && FADE_MS > 0) {
        // Cross-fade: the outgoing photo stays fully opaque under the incoming one while that fades in
        // over it, then goes. Both fading at once would let the black behind them through halfway.
        outgoing.el.style.transitionDelay = '0ms';
        outgoing.el.style.transitionDuration = '0s';
        outgoingLayer = outgoing;
        outgoingTimer = setTimeout(hideOutgoing, FADE_MS);
      } else {
        outgoing.el.style.transitionDelay = '0ms';
        outgoing.el.classList.remove('shown');
      }
      front = 1 - front;
      current = photo;
      shownAt = Date.now();
      // the caption changes with the photo: out with the old one, in with the new one
      showOverlay(photo, transition === 'none' ? 0 : FADE_MS / 2);
      schedule(intervalMs + (transition === 'none' ? 0 : FADE_MS));
    }

    function failed() {
      if (mine !== showing) { return; }
      if (!online) {
        // Nothing can load now: cycle what we have, try again later.
        if (!again && replay()) { return; }
        schedule(intervalMs);
        return;
      }
      failures++;
      if (failures <= 2) { schedule(1000); return; }
      // Reachable, yet this one will not load (a broken rendition): skip it, and wait longer when
      // every photo fails (storage down?) instead of spinning through them.
      failures = 0;
      var next = peek();
      if (next && next.photoId === photo.photoId) { take(photo, false); }
      if (!replay()) { schedule(30000); }
    }

    if (layer === outgoingLayer) { hideOutgoing(); } // stepped on during a cross-fade: it is loaded anew
    layer.photo.classList.remove('loaded');
    if (photo.placeholder) {
      layer.placeholder.src = photo.placeholder;
      layer.placeholder.hidden = false;
      setTimeout(reveal, PLACEHOLDER_AFTER_MS);
    } else {
      layer.placeholder.removeAttribute('src');
      layer.placeholder.hidden = true;
    }
    clearTimeout(timer);
    timer = setTimeout(failed, LOAD_TIMEOUT_MS);
    if (layer.photo.getAttribute('src') !== src) { layer.photo.src = src; }
    decoded(layer.photo).then(function () {
      if (mine !== showing) { return; }
      failures = 0;
      layer.photo.classList.add('loaded');
      reveal();
      if (fit === 'blur') {
        // Blurred fill: the photo itself, stretched to cover and blurred, behind the letterboxed photo.
        layer.placeholder.src = src;
        layer.placeholder.hidden = false;
      } else {
        setTimeout(function () { if (mine === showing) { layer.placeholder.hidden = true; } }, 700);
      }
      if (onShown) { onShown(); }
      preload(peek());
    }, failed);
  }

  var outgoingLayer = null;  // a cross-fade's outgoing layer, still shown under the incoming one
  var outgoingTimer = null;

  /** Hides the outgoing layer of a cross-fade at once: the incoming one covers it (or it must go now). */
  function hideOutgoing() {
    clearTimeout(outgoingTimer);
    if (!outgoingLayer) { return; }
    outgoingLayer.el.classList.remove('shown');
    outgoingLayer = null;
  }

  var preloader = new Image();
  var preloadedSrc = null;

  /** Fetches and decodes the next photo ahead of time, so the swap is instant (and works offline). */
  function preload(photo) {
    if (!photo) { return; }
    var src = srcOf(photo);
    if (preloader.getAttribute('src') === src) { return; }
    preloadedSrc = null;
    preloader.src = src;
    decoded(preloader).then(function () {
      if (preloader.getAttribute('src') === src) { preloadedSrc = src; }
    }, function () { /* shown later, or replaced by a cached one while offline */ });
  }

  function preloadedOk(photo) {
    return preloadedSrc === srcOf(photo);
  }

  // ---- how it looks --------------------------------------------------------------------------

  /** How long a layer takes to fade in or out: through black (fade) each half of the transition. */
  function layerFadeMs() {
    return transition === 'none' ? 0 : (transition === 'fade' ? FADE_MS / 2 : FADE_MS);
  }

  function applyLook() {
    document.body.setAttribute('data-fit', fit);
    document.body.setAttribute('data-transition', transition);
    layers.forEach(function (layer) {
      if (layer !== outgoingLayer) { layer.el.style.transitionDuration = layerFadeMs() + 'ms'; }
    });
  }

  function time(photo, field) {
    var t = photo && photo[field] ? Date.parse(photo[field]) : NaN;
    return isNaN(t) ? 0 : t;
  }

  // The day a photo was taken, as {y, m (0-11), d}: the camera's own clock (capturedLocal) when known, so a
  // photo taken at half past midnight in July shows July 4 on a wall in New York too; else the instant's
  // day where the frame hangs (a file's time, which has no local day of its own).
  function takenDay(photo) {
    var local = photo && /^(\d{4})-(\d{2})-(\d{2})T/.exec(photo.capturedLocal || '');
    if (local) { return { y: +local[1], m: +local[2] - 1, d: +local[3] }; }
    var t = time(photo, 'capturedAt');
    if (!t) { return null; }
    var at = new Date(t);
    return { y: at.getFullYear(), m: at.getMonth(), d: at.getDate() };
  }

  function yearsAgo(photo) {
    var then = takenDay(photo);
    if (!then) { return 0; }
    var now = new Date();
    var years = now.getFullYear() - then.y;
    if (now.getMonth() < then.m || (now.getMonth() === then.m && now.getDate() < then.d)) { years--; }
    return years;
  }

  var overlayTimer = null;

  // The caption of the photo on screen. delay: ms to fade the old caption out first (the photos' transition).
  function showOverlay(photo, delay) {
    clearTimeout(overlayTimer);
    if (!delay || overlayEl.hidden) {
      overlayEl.classList.remove('between');
      writeOverlay(photo);
      return;
    }
    overlayEl.style.transitionDuration = delay + 'ms';
    overlayEl.classList.add('between');
    overlayTimer = setTimeout(function () {
      writeOverlay(photo);
      overlayEl.classList.remove('between');
    }, delay);
  }

  function writeOverlay(photo) {
    var parts = [];
    var day = takenDay(photo);
    if (showDate && day) {
      parts.push(new Date(Date.UTC(day.y, day.m, day.d)).toLocaleDateString(undefined,
        { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }));
    }
    var years = yearsAgo(photo);
    if (showYearsAgo && years >= 1) { parts.push(years === 1 ? '1 year ago' : years + ' years ago'); }
    overlayEl.textContent = parts.join(' \u00b7 ');
    overlayEl.hidden = parts.length === 0;
  }

  function showEmpty() {
    clearTimeout(timer);
    current = null;
    hideOutgoing();
    layers.forEach(function (layer) { layer.el.classList.remove('shown'); });
    // Said large enough to read across a room: an empty library, or a frame whose filter matches nothing yet.
    statusEl.textContent = frameName === 'default' ? 'No photos yet: they appear here as soon as they are uploaded'
      : 'No photos for the frame \u201c' + frameName + '\u201d yet: they appear here as soon as one matches it';
    statusEl.className = 'empty';
    statusEl.hidden = false;
    clearTimeout(overlayTimer);
    overlayEl.hidden = true; // the date of a photo no longer shown would stay on the empty screen
  }

  // ---- events ------------------------------------------------------------------------------

  function onSettings(settings) {
    if (!intervalParam && settings.intervalMs >= 1000) {
      intervalMs = settings.intervalMs;
      // The photo on screen stays for the new interval counted from when it appeared.
      if (current && timer) { schedule(Math.max(0, shownAt + intervalMs - Date.now())); }
    }
    if (settings.transition) { transition = settings.transition; }
    if (settings.transitionMs >= 0) { FADE_MS = settings.transitionMs; }
    if (settings.fit) { fit = settings.fit; }
    showDate = !!settings.showDate;
    showYearsAgo = !!settings.showYearsAgo;
    applyLook();
  }

  function onPage(data) {
    paging = true;
    upNext = [];   // the page is the server's whole view of what comes next, additions included
    noteBag(data);
    setWindow(data.photos || []);
    if (!current) {
      if (queue.length) { advance(); } else { showEmpty(); }
    } else {
      preload(peek());
    }
  }

  function replaceIn(list, photo) {
    var found = false;
    for (var i = 0; i < list.length; i++) {
      if (list[i].photoId === photo.photoId) { list[i] = photo; found = true; }
    }
    return found;
  }

  /** A changed photo takes its old one's place, its new renditions from the next time it shows: true if held. */
  function replaceHeld(photo) {
    var known = replaceIn(upNext, photo);
    known = replaceIn(queue, photo) || known;
    known = replaceIn(history, photo) || known;
    if (current && current.photoId === photo.photoId) { current = photo; known = true; }
    return known;
  }

  /** "update": a photo this frame may hold changed; one it does not hold comes with a later window. */
  function onUpdate(photo) {
    if (photo && photo.photoId) {
      if (changedMeanwhile) { changedMeanwhile[photo.photoId] = photo; }
      replaceHeld(photo);
    }
  }

  function onAdd(photo) {
    if (!photo || !photo.photoId) { return; }
    if (replaceHeld(photo)) { return; } // an older display's way of telling a change
    photo.addition = true;
    upNext.push(photo);
    if (upNext.length > MAX_UP_NEXT) { upNext.shift(); }
    if (!current) { advance(); } else { preload(peek()); }
  }

  function onRemove(photoId) {
    function keep(p) { return p.photoId !== photoId; }
    if (changedMeanwhile) { changedMeanwhile[photoId] = null; }
    upNext = upNext.filter(keep);
    queue = queue.filter(keep);
    history = history.filter(keep);
    var onScreen = current && current.photoId === photoId;
    if (onScreen || (loading && loading.photoId === photoId)) {
      // Off the screen at once (it may have been retired on purpose), even if the next one is slow.
      ++showing;
      loading = null;
      if (onScreen) {
        hideOutgoing(); // nothing of the photo before it shows through as it goes
        layers[front].el.classList.remove('shown');
        current = null;
      }
      advance();
    }
  }

  // ---- the stream ----------------------------------------------------------------------------

  var source = null;
  var online = false;
  var resumeId = null;      // the last event id: where a reconnect continues
  var lastHeard = Date.now();
  var heartbeatMs = 20000;
  var attempts = 0;         // reconnects of our own since the stream last carried an event
  var errorsInRow = 0;      // the browser's own failed retries in a row
  var reconnectTimer = null;

  /** Jittered exponential backoff: 1 s doubling to 60 s, each wait between half and all of that. */
  function backoff(n) {
    var ceiling = Math.min(60000, 1000 * Math.pow(2, Math.min(n, 6)));
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  function handler(kind, fn) {
    return function (event) {
      lastHeard = Date.now();
      online = true;
      attempts = 0;
      errorsInRow = 0;
      if (event.lastEventId) { resumeId = event.lastEventId; }
      counts[kind]++;
      try {
        fn(JSON.parse(event.data));
      } catch (e) {
        if (window.console) { console.warn('img-board: bad event', event.type, e); }
      }
    };
  }

  function eventsUrl() {
    // Where the frame is: what it took last, or (just reloaded) what the page before it took last.
    var at = lastTaken && lastTakenBag ? { shown: lastTaken, bag: lastTakenBag } : (lastTaken ? null : remembered());
    return '/api/v1/events?frame=' + encodeURIComponent(frameName)
        + (resumeId ? '&lastEventId=' + encodeURIComponent(resumeId) : '')
        + (at ? '&shown=' + encodeURIComponent(at.shown) + '&bag=' + encodeURIComponent(at.bag) : '')
        + (token ? '&token=' + encodeURIComponent(token) : '');
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (source) { source.close(); }
    lastHeard = Date.now();
    counts.connects++;
    var es = new EventSource(eventsUrl());
    source = es;
    es.addEventListener('page', handler('page', onPage));
    es.addEventListener('add', handler('add', onAdd));
    es.addEventListener('update', handler('update', onUpdate));
    es.addEventListener('remove', handler('remove', function (data) { onRemove(data.photoId); }));
    es.addEventListener('settings', handler('settings', onSettings));
    es.addEventListener('ping', handler('ping', function (data) {
      if (data.intervalSeconds > 0) { heartbeatMs = data.intervalSeconds * 1000; }
    }));
    es.onopen = function () {
      if (es === source) { online = true; }
    };
    es.onerror = function () {
      if (es !== source) { return; }
      online = false;
      errorsInRow++;
      // CONNECTING: the browser retries by itself, with Last-Event-ID; after a few failed tries, or
      // when it gave up (CLOSED, e.g. a proxy answered 502), the frame backs off on its own.
      if (es.readyState === 2 || errorsInRow >= 3) { reconnectLater(); }
    };
  }

  function reconnectLater() {
    if (source) { source.close(); source = null; }
    online = false;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, backoff(attempts++));
    reloadIfGone();
  }

  // A named frame deleted while this screen showed it: its stream ended and its page now answers 404.
  // Show that page (it says there is no such frame) rather than go on with the photos held here.
  function reloadIfGone() {
    if (!named || !window.fetch) { return; }
    fetch(window.location.href, { method: 'HEAD', cache: 'no-store' }).then(function (response) {
      if (response.status === 404) { window.location.reload(); }
    }, function () { /* offline: the reconnect tries again */ });
  }

  // Watchdog: a stream that carried nothing, not even a ping, for three ping intervals is dead.
  setInterval(function () {
    if (source && Date.now() - lastHeard > 3 * heartbeatMs) {
      lastHeard = Date.now();
      reconnectLater();
    }
  }, 1000);

  // ---- keep the screen on where the browser allows it -------------------------------------------

  var wakeLock = null;
  function keepAwake() {
    if (wakeLock || !navigator.wakeLock || document.visibilityState !== 'visible') { return; }
    navigator.wakeLock.request('screen').then(function (lock) {
      wakeLock = lock;
      // Released when the page is hidden; visibilitychange asks again when it is back.
      lock.addEventListener('release', function () { wakeLock = null; });
    }, function () { /* not allowed here (no user gesture, battery saver): fine */ });
  }
  document.addEventListener('visibilitychange', keepAwake);
  keepAwake();

  statusEl.textContent = 'connecting\u2026';
  statusEl.hidden = false;
  applyLook();
  connect();

  // For tests and the curious: what the frame is doing.
  window.imgboardFrame = function () {
    return {
      frame: frameName, currentId: current ? current.photoId : null, intervalMs: intervalMs, transition: transition,
      fit: fit, history: history.map(function (p) { return p.photoId; }), back: back, shown: log.slice(), shownRounds: logRounds.slice(),
      upcoming: upNext.concat(queue.slice(0, 10)).slice(0, 10).map(function (p) { return p.photoId; }),
      window: queue.length, upNext: upNext.length, paging: paging, online: online,
      resumeId: resumeId, bag: bag, started: started, events: counts, wakeLock: !!wakeLock,
      renditionFor: renditionFor
    };
  };
}());
