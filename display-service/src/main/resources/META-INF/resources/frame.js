/*
 * img-board frame: a slideshow fed by /api/v1/events.
 *
 * Settings come from the server ("settings" event: interval, order, transition, fit, overlay) and
 * apply from the next transition on, without a reload. Query parameters interval=<seconds> and
 * shuffle=1 override them for one screen.
 * Events: "playlist" replaces the list, "add" inserts a photo so it shows next (or updates one in
 * place), "remove" drops one, "settings" changes how photos are shown, "ping" is the heartbeat.
 * EventSource reconnects by itself; a watchdog reopens the stream when even pings stop (a half-open
 * connection after Wi-Fi trouble).
 * Keys: right arrow shows the next photo, left arrow the one before; auto-advance goes on from there.
 *
 * Plain ES2015 on purpose: wall tablets run old browsers.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var intervalParam = Number(params.get('interval'));
  var intervalMs = intervalParam ? Math.max(1, intervalParam) * 1000 : 5000;
  var shuffleParam = params.get('shuffle');
  var shuffle = shuffleParam === null ? true : (shuffleParam === '1' || shuffleParam === 'true');
  var orderBy = shuffle ? 'shuffle' : 'captured';
  var rendition = window.screen.width * (window.devicePixelRatio || 1) > 1920 ? 'uhd' : 'display';
  var FADE_MS = 1500;
  var transition = 'crossfade';
  var fit = 'contain';
  var showDate = false;
  var showYearsAgo = false;
  var shownAt = 0;        // when the photo on screen was revealed
  var PLACEHOLDER_AFTER_MS = 300;   // show the placeholder if the photo is not there by then
  var LOAD_TIMEOUT_MS = 30000;      // give up on one photo and move on

  var layers = Array.prototype.map.call(document.querySelectorAll('.layer'), function (el) {
    return { el: el, placeholder: el.querySelector('.placeholder'), photo: el.querySelector('.photo') };
  });
  var statusEl = document.getElementById('status');
  var overlayEl = document.getElementById('overlay');
  var history = [];       // photoIds shown, oldest first (at most 100)
  var back = 0;           // how many steps back from the newest in history the screen is

  var photos = {};        // photoId -> photo
  var order = [];         // photoIds in showing order
  var pos = -1;           // index in order of the last photo taken from it
  var upNext = [];        // photoIds added live, shown before the order resumes
  var currentId = null;   // the photo on screen
  var front = 0;          // index of the visible layer
  var timer = null;
  var showing = 0;        // increases per show(), so late callbacks of an older one do nothing
  var failures = 0;       // photos in a row that failed to load

  // ---- what to show ------------------------------------------------------------------------

  function shuffleInPlace(ids) {
    for (var i = ids.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = ids[i]; ids[i] = ids[j]; ids[j] = t;
    }
    return ids;
  }

  function time(photo, field) {
    var t = photo && photo[field] ? Date.parse(photo[field]) : NaN;
    return isNaN(t) ? 0 : t;
  }

  /** The showing order of a list of ids under the current setting: shuffled, or newest first. */
  function arrange(ids) {
    if (orderBy === 'shuffle') { return shuffleInPlace(ids); }
    var field = orderBy === 'arrival' ? 'arrivedAt' : 'capturedAt';
    return ids.sort(function (a, b) {
      var pa = photos[a], pb = photos[b];
      var ta = time(pa, field) || time(pa, 'publishedAt'), tb = time(pb, field) || time(pb, 'publishedAt');
      return (tb - ta) || (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  function srcOf(photo) {
    var r = photo.renditions || {};
    return r[rendition] || r.display || photo.url;
  }

  function takeNext() {
    while (upNext.length) {
      var id = upNext.shift();
      if (photos[id]) { return id; }
    }
    if (!order.length) { return null; }
    pos = (pos + 1) % order.length;
    if (pos === 0 && orderBy === 'shuffle' && order.length > 2) {
      // A new round in a new order, without showing the same photo twice in a row.
      shuffleInPlace(order);
      if (order[0] === currentId) { order.push(order.shift()); }
    }
    return order[pos];
  }

  function peekNext() {
    for (var i = 0; i < upNext.length; i++) {
      if (photos[upNext[i]]) { return upNext[i]; }
    }
    return order.length ? order[(pos + 1) % order.length] : null;
  }

  // ---- showing -----------------------------------------------------------------------------

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(advance, ms);
  }

  function advance() {
    // Stepped back with the left arrow: go forward through what was shown before taking new ones.
    while (back > 0) {
      back--;
      var again = history[history.length - 1 - back];
      if (photos[again] && again !== currentId) { show(again); return; }
    }
    var id = takeNext();
    if (!id) { showEmpty(); return; }
    if (id === currentId) { schedule(intervalMs); return; }  // a playlist of one: nothing to fade to
    history.push(id);
    if (history.length > 100) { history.shift(); }
    show(id);
  }

  function previous() {
    for (var steps = back + 1; steps < history.length; steps++) {
      var id = history[history.length - 1 - steps];
      if (photos[id] && id !== currentId) {
        back = steps;
        show(id);
        return;
      }
    }
  }

  document.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowRight') { event.preventDefault(); advance(); }
    if (event.key === 'ArrowLeft') { event.preventDefault(); previous(); }
  });

  // ---- how it looks --------------------------------------------------------------------------

  function applyLook() {
    document.body.setAttribute('data-fit', fit);
    document.body.setAttribute('data-transition', transition);
    layers.forEach(function (layer) {
      layer.el.style.transitionDuration = transition === 'none' ? '0s' : (transition === 'fade' ? FADE_MS / 2 : FADE_MS) + 'ms';
    });
  }

  function yearsAgo(photo) {
    var taken = time(photo, 'capturedAt');
    if (!taken) { return 0; }
    var now = new Date();
    var then = new Date(taken);
    var years = now.getFullYear() - then.getFullYear();
    if (now.getMonth() < then.getMonth() || (now.getMonth() === then.getMonth() && now.getDate() < then.getDate())) { years--; }
    return years;
  }

  function showOverlay(photo) {
    var parts = [];
    if (showDate && time(photo, 'capturedAt')) {
      parts.push(new Date(time(photo, 'capturedAt')).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' }));
    }
    var years = yearsAgo(photo);
    if (showYearsAgo && years >= 1) { parts.push(years === 1 ? '1 year ago' : years + ' years ago'); }
    overlayEl.textContent = parts.join(' \u00b7 ');
    overlayEl.hidden = parts.length === 0;
  }

  function onSettings(settings) {
    if (!intervalParam && settings.intervalMs >= 1000) {
      intervalMs = settings.intervalMs;
      // The photo on screen stays for the new interval counted from when it appeared.
      if (currentId && timer) { schedule(Math.max(0, shownAt + intervalMs - Date.now())); }
    }
    if (shuffleParam === null && settings.order && settings.order !== orderBy) {
      orderBy = settings.order;
      arrange(order);
      pos = currentId ? order.indexOf(currentId) : -1;
    }
    if (settings.transition) { transition = settings.transition; }
    if (settings.transitionMs >= 0) { FADE_MS = settings.transitionMs; }
    if (settings.fit) { fit = settings.fit; }
    showDate = !!settings.showDate;
    showYearsAgo = !!settings.showYearsAgo;
    applyLook();
  }

  function showEmpty() {
    clearTimeout(timer);
    currentId = null;
    layers.forEach(function (layer) { layer.el.classList.remove('shown'); });
    statusEl.hidden = false;
  }

  function show(id) {
    var photo = photos[id];
    var token = ++showing;
    var layer = layers[1 - front];
    var revealed = false;
    statusEl.hidden = true;

    function reveal() {
      if (revealed || token !== showing) { return; }
      revealed = true;
      var outgoing = layers[front];
      outgoing.el.style.transitionDelay = '0ms';
      layer.el.style.transitionDelay = transition === 'fade' ? FADE_MS / 2 + 'ms' : '0ms';
      outgoing.el.classList.remove('shown');
      layer.el.classList.add('shown');
      front = 1 - front;
      currentId = id;
      shownAt = Date.now();
      showOverlay(photo);
      schedule(intervalMs + (transition === 'none' ? 0 : FADE_MS));
    }

    layer.photo.classList.remove('loaded');
    layer.photo.onload = function () {
      if (token !== showing) { return; }
      failures = 0;
      layer.photo.classList.add('loaded');
      reveal();
      if (fit === 'blur') {
        // Blurred fill: the photo itself, stretched to cover and blurred, behind the letterboxed photo.
        layer.placeholder.src = layer.photo.getAttribute('src');
        layer.placeholder.hidden = false;
      } else {
        setTimeout(function () { if (token === showing) { layer.placeholder.hidden = true; } }, 700);
      }
      preload(peekNext());
    };
    layer.photo.onerror = function () {
      if (token !== showing) { return; }
      failures++;
      // Every photo failing (storage down?): wait instead of spinning through them.
      schedule(failures >= Math.max(1, order.length) ? 30000 : 1000);
    };
    if (photo.placeholder) {
      layer.placeholder.src = photo.placeholder;
      layer.placeholder.hidden = false;
      setTimeout(reveal, PLACEHOLDER_AFTER_MS);
    } else {
      layer.placeholder.removeAttribute('src');
      layer.placeholder.hidden = true;
    }
    var src = srcOf(photo);
    schedule(LOAD_TIMEOUT_MS);
    if (layer.photo.getAttribute('src') === src && layer.photo.complete && layer.photo.naturalWidth) {
      layer.photo.onload();  // already there: some browsers fire no second load for the same src
    } else {
      layer.photo.src = src;
    }
  }

  var preloaded = new Image();
  function preload(id) {
    if (id && photos[id]) { preloaded.src = srcOf(photos[id]); }
  }

  // ---- the playlist --------------------------------------------------------------------------

  function onPlaylist(list) {
    photos = {};
    list.forEach(function (p) { photos[p.photoId] = p; });
    order = arrange(list.map(function (p) { return p.photoId; }));
    upNext = upNext.filter(function (id) { return photos[id]; });
    pos = currentId ? order.indexOf(currentId) : -1;
    if (!order.length) { showEmpty(); return; }
    if (!currentId || !photos[currentId]) { advance(); }
  }

  function onAdd(photo) {
    var known = !!photos[photo.photoId];
    photos[photo.photoId] = photo;
    if (known) { return; }  // an update: same photo, same place
    if (orderBy === 'shuffle') {
      order.splice(pos + 1 + Math.floor(Math.random() * (order.length - pos)), 0, photo.photoId);
    } else {
      order.push(photo.photoId);
    }
    upNext.push(photo.photoId);
    if (!currentId) { advance(); } else { preload(peekNext()); }
  }

  function onRemove(photoId) {
    if (!photos[photoId]) { return; }
    delete photos[photoId];
    var i = order.indexOf(photoId);
    if (i >= 0) {
      order.splice(i, 1);
      if (i <= pos) { pos--; }
    }
    upNext = upNext.filter(function (id) { return id !== photoId; });
    if (currentId === photoId) {
      // Off the screen at once (it may have been retired on purpose), even if the next one is slow.
      layers[front].el.classList.remove('shown');
      currentId = null;
      advance();
    }
  }

  // ---- the stream ----------------------------------------------------------------------------

  var source = null;
  var lastHeard = Date.now();
  var heartbeatMs = 20000;

  function handler(fn) {
    return function (event) {
      lastHeard = Date.now();
      try {
        fn(JSON.parse(event.data));
      } catch (e) {
        if (window.console) { console.warn('img-board: bad event', event.type, e); }
      }
    };
  }

  function connect() {
    if (source) { source.close(); }
    lastHeard = Date.now();
    source = new EventSource('/api/v1/events');
    source.addEventListener('playlist', handler(function (data) { onPlaylist(data.photos || []); }));
    source.addEventListener('add', handler(onAdd));
    source.addEventListener('remove', handler(function (data) { onRemove(data.photoId); }));
    source.addEventListener('settings', handler(onSettings));
    source.addEventListener('ping', handler(function (data) {
      if (data.intervalSeconds > 0) { heartbeatMs = data.intervalSeconds * 1000; }
    }));
    source.onerror = function () {
      // CONNECTING: the browser retries by itself. CLOSED (e.g. a proxy answered 502): we do.
      if (source.readyState === 2) { setTimeout(connect, 5000); }
    };
  }

  setInterval(function () {
    if (Date.now() - lastHeard > 3 * heartbeatMs + 15000) { connect(); }
  }, 10000);

  // ---- keep the screen on where the browser allows it -------------------------------------------

  function keepAwake() {
    if (navigator.wakeLock && document.visibilityState === 'visible') {
      navigator.wakeLock.request('screen').catch(function () { /* not allowed here: fine */ });
    }
  }
  document.addEventListener('visibilitychange', keepAwake);
  keepAwake();

  applyLook();
  connect();

  // For tests and the curious: what the frame is doing.
  window.imgboardFrame = function () {
    return { currentId: currentId, intervalMs: intervalMs, order: orderBy, transition: transition, fit: fit,
             history: history.slice(), back: back };
  };
}());
