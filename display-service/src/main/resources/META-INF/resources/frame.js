/*
 * img-board frame: a slideshow fed by /api/v1/events.
 *
 * Query parameters: interval=<seconds> (default 15), shuffle=1.
 * Events: "playlist" replaces the list, "add" inserts a photo so it shows next (or updates one in
 * place), "remove" drops one, "ping" is the heartbeat. EventSource reconnects by itself; a watchdog
 * reopens the stream when even pings stop (a half-open connection after Wi-Fi trouble).
 *
 * Plain ES2015 on purpose: wall tablets run old browsers.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var intervalMs = Math.max(3, Number(params.get('interval')) || 15) * 1000;
  var shuffle = params.get('shuffle') === '1' || params.get('shuffle') === 'true';
  var rendition = window.screen.width * (window.devicePixelRatio || 1) > 1920 ? 'uhd' : 'display';
  var FADE_MS = 1500;
  var PLACEHOLDER_AFTER_MS = 300;   // show the placeholder if the photo is not there by then
  var LOAD_TIMEOUT_MS = 30000;      // give up on one photo and move on

  var layers = Array.prototype.map.call(document.querySelectorAll('.layer'), function (el) {
    return { el: el, placeholder: el.querySelector('.placeholder'), photo: el.querySelector('.photo') };
  });
  var statusEl = document.getElementById('status');

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
    if (pos === 0 && shuffle && order.length > 2) {
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
    var id = takeNext();
    if (!id) { showEmpty(); return; }
    if (id === currentId) { schedule(intervalMs); return; }  // a playlist of one: nothing to fade to
    show(id);
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
      layers[front].el.classList.remove('shown');
      layer.el.classList.add('shown');
      front = 1 - front;
      currentId = id;
      schedule(intervalMs + FADE_MS);
    }

    layer.photo.classList.remove('loaded');
    layer.photo.onload = function () {
      if (token !== showing) { return; }
      failures = 0;
      layer.photo.classList.add('loaded');
      reveal();
      setTimeout(function () { if (token === showing) { layer.placeholder.hidden = true; } }, 700);
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
    order = list.map(function (p) { return p.photoId; });
    if (shuffle) { shuffleInPlace(order); }
    upNext = upNext.filter(function (id) { return photos[id]; });
    pos = currentId ? order.indexOf(currentId) : -1;
    if (!order.length) { showEmpty(); return; }
    if (!currentId || !photos[currentId]) { advance(); }
  }

  function onAdd(photo) {
    var known = !!photos[photo.photoId];
    photos[photo.photoId] = photo;
    if (known) { return; }  // an update: same photo, same place
    if (shuffle) {
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

  connect();
}());
