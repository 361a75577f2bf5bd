/*
 * /admin: upload by drag and drop, frame settings, reprocessing, and what the system holds (stats,
 * the playlist as thumbnails, failed photos from the ledger, rejected uploads from ingest).
 * Everything from the server goes in as text, never as HTML.
 */
(function () {
  'use strict';
  var el = Pages.el;
  var GRID_LIMIT = 1000;
  var shownIds = null;
  var counts = { photos: null, clients: null, failures: null, rejections: null, raw: null };

  function announce(text) {
    document.getElementById('announce').textContent = text;
  }

  function summary() {
    Pages.fill('summary', el('div', { 'class': 'numbers' }, [
      Pages.number('photos in playlist', counts.photos),
      Pages.number('waiting or failed', counts.raw),
      Pages.number('open frame streams', counts.clients),
      Pages.number('failed photos', counts.failures),
      Pages.number('rejected uploads', counts.rejections)
    ]));
  }

  function playlist() {
    return Pages.getJson('/api/v1/playlist').then(function (body) {
      var photos = body.photos || [];
      counts.photos = photos.length;
      document.getElementById('playlist-count').textContent = '(' + photos.length + ')';
      var ids = photos.slice(0, GRID_LIMIT).map(function (p) { return p.photoId; }).join();
      if (ids === shownIds) { return; }
      shownIds = ids;
      if (!photos.length) {
        Pages.fill('playlist', Pages.message('empty', 'No photos yet.'));
        return;
      }
      var grid = el('div', { 'class': 'grid' }, photos.slice(0, GRID_LIMIT).map(function (p) {
        var r = p.renditions || {};
        var title = p.photoId + (p.capturedAt ? '\ntaken ' + Pages.when(p.capturedAt) : '');
        return el('a', { href: r.display || p.url, target: '_blank', rel: 'noopener', title: title }, [
          el('img', { src: r.thumb || p.url, alt: '', loading: 'lazy' })
        ]);
      }));
      var note = photos.length > GRID_LIMIT
        ? Pages.message('note', 'Showing the newest ' + GRID_LIMIT + ' of ' + photos.length + '.') : null;
      Pages.fill('playlist', el('div', {}, [grid, note]));
    }).catch(function (e) {
      Pages.fill('playlist', Pages.message('error', e.message));
    });
  }

  function display() {
    return Pages.getJson('/api/v1/ops/display').then(function (body) {
      counts.clients = body.clients;
    }).catch(function () { counts.clients = null; });
  }

  function failures() {
    return Pages.getJson('/api/v1/admin/failures').then(function (list) {
      counts.failures = list.length;
      document.getElementById('failures-count').textContent = '(' + list.length + ')';
      Pages.fill('failures', Pages.failuresTable(list));
    }).catch(function (e) {
      counts.failures = null;
      document.getElementById('failures-count').textContent = '';
      Pages.fill('failures', Pages.message('error', e.message));
    });
  }

  function rejections() {
    return Pages.getJson('/api/v1/admin/rejections').then(function (body) {
      if (!body.configured) {
        counts.rejections = null;
        Pages.fill('rejections', Pages.message('note',
          'Not configured: set IMGBOARD_ADMIN_TOKEN on the display (and ingest) to see them.'));
        return;
      }
      var list = body.rejections || [];
      counts.rejections = list.length;
      document.getElementById('rejections-count').textContent = '(' + list.length + ')';
      Pages.fill('rejections', list.length
        ? Pages.table(['file', 'reason', 'status', 'at'], list.map(function (r) {
          return [r.name, r.reason, r.status, Pages.when(r.at)];
        }))
        : Pages.message('empty', 'No rejected uploads.'));
    }).catch(function (e) {
      counts.rejections = null;
      Pages.fill('rejections', Pages.message('error', e.message));
    });
  }

  function stats() {
    return Pages.getJson('/api/admin/stats').then(function (body) {
      counts.raw = body.raw;
    }).catch(function () { counts.raw = null; });
  }

  // ---- upload: one request per file, so each has its own progress and outcome -----------------

  var MAX_BYTES = 52428800;
  var ACCEPTED = /\.(jpe?g|png)$/i;
  var queue = [];
  var uploading = false;

  function bar(label) {
    var fill = el('div', { 'class': 'fill' });
    var node = el('div', { 'class': 'progress', role: 'progressbar', 'aria-label': label,
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, [fill]);
    node.set = function (percent) {
      var p = Math.max(0, Math.min(100, Math.round(percent)));
      fill.style.width = p + '%';
      node.setAttribute('aria-valuenow', String(p));
      node.setAttribute('aria-valuetext', p + '%');
    };
    return node;
  }

  function addFiles(files) {
    Array.prototype.forEach.call(files, function (file) {
      var progress = bar('Uploading ' + file.name);
      var outcome = el('span', { 'class': 'outcome', text: 'waiting' });
      var row = el('li', {}, [el('span', { 'class': 'name', text: file.name }), progress, outcome]);
      document.getElementById('uploads').appendChild(row);
      if (!ACCEPTED.test(file.name)) {
        finish(outcome, progress, 'refused', 'Refused: only JPEG and PNG files can be uploaded here.');
        return;
      }
      if (file.size > MAX_BYTES) {
        finish(outcome, progress, 'refused', 'Refused: the file is larger than 50 MB.');
        return;
      }
      queue.push({ file: file, progress: progress, outcome: outcome });
    });
    next();
  }

  function finish(outcome, progress, kind, text) {
    outcome.className = 'outcome ' + kind;
    outcome.textContent = text;
    if (kind !== 'refused') { progress.set(100); }
    announce(text);
  }

  function next() {
    if (uploading || !queue.length) { return; }
    uploading = true;
    var item = queue.shift();
    var form = new FormData();
    form.append('images', item.file, item.file.name);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/admin/upload');
    var token = Pages.token();
    if (token) { xhr.setRequestHeader('Authorization', 'Bearer ' + token); }
    item.outcome.textContent = 'uploading…';
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) { item.progress.set(event.loaded / event.total * 100); }
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body) {
        var result = body.files && body.files[0] ? body.files[0] : { status: 'created' };
        if (result.status === 'duplicate') {
          finish(item.outcome, item.progress, 'duplicate', 'Already there: these exact bytes were uploaded before.');
        } else if (result.status === 'rejected' || result.status === 'failed') {
          finish(item.outcome, item.progress, 'refused', 'Refused: ' + (result.error || result.status));
        } else {
          finish(item.outcome, item.progress, 'created', 'Uploaded: it will show on the frames once it is processed.');
        }
      } else {
        finish(item.outcome, item.progress, 'refused', 'Refused: ' + (body && body.error ? body.error : 'HTTP ' + xhr.status));
      }
      uploading = false;
      next();
    };
    xhr.onerror = function () {
      finish(item.outcome, item.progress, 'refused', 'Not sent: the display could not be reached.');
      uploading = false;
      next();
    };
    xhr.send(form);
  }

  function setUpUpload() {
    var zone = document.getElementById('dropzone');
    var input = document.getElementById('file-input');
    zone.addEventListener('click', function () { input.click(); });
    zone.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); input.click(); }
    });
    input.addEventListener('change', function () { addFiles(input.files); input.value = ''; });
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.remove('over'); });
    });
    zone.addEventListener('drop', function (event) { addFiles(event.dataTransfer.files); });
  }

  // ---- settings ----------------------------------------------------------------------------------

  var renditions = [];

  function field(id) { return document.getElementById(id); }

  function showSettings(body) {
    var f = body.frames;
    field('s-interval').value = Math.round(f.intervalMs / 1000);
    field('s-order').value = f.order;
    field('s-reshuffle').value = Math.round(f.reshuffleIntervalMs / 1000);
    field('s-transition').value = f.transition;
    field('s-transition-ms').value = f.transitionMs;
    field('s-fit').value = f.fit;
    field('s-date').checked = !!f.showDate;
    field('s-years').checked = !!f.showYearsAgo;
    if (!body.renditions) {
      Pages.fill('renditions', Pages.message('error', 'The ledger cannot be asked for the rendition sizes right now.'));
      renditions = [];
      return;
    }
    renditions = body.renditions;
    var rows = renditions.map(function (r) {
      function input(key, label, max) {
        return el('input', { type: 'number', min: '1', max: String(max), step: '1', value: String(r[key]),
          id: 'r-' + r.name + '-' + key, 'aria-label': r.name + ' ' + label, 'data-name': r.name, 'data-key': key });
      }
      return [r.name, input('width', 'width in pixels', 16383), input('height', 'height in pixels', 16383),
        input('quality', 'WebP quality, 1 to 100', 100)];
    });
    var t = Pages.table(['rendition', 'width (px)', 'height (px)', 'quality'], rows);
    t.className = 'renditions';
    Pages.fill('renditions', t);
  }

  function loadSettings() {
    return Pages.getJson('/api/v1/admin/settings').then(showSettings).catch(function (e) {
      field('settings-message').className = 'error';
      field('settings-message').textContent = 'The settings could not be loaded: ' + e.message;
    });
  }

  function wholeNumber(id, label, min, max) {
    var input = field(id);
    var value = Number(input.value);
    var ok = input.value !== '' && Math.floor(value) === value && value >= min && value <= max;
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) { throw new Error(label + ' must be a whole number from ' + min + ' to ' + max + '.'); }
    return value;
  }

  function saveSettings(event) {
    event.preventDefault();
    var messageEl = field('settings-message');
    var body;
    try {
      body = { frames: {
        intervalMs: wholeNumber('s-interval', 'The time each photo is shown', 1, 86400) * 1000,
        order: field('s-order').value,
        reshuffleIntervalMs: wholeNumber('s-reshuffle', 'The full-list interval', 0, 31536000) * 1000,
        transition: field('s-transition').value,
        transitionMs: wholeNumber('s-transition-ms', 'The transition length', 0, 10000),
        fit: field('s-fit').value,
        showDate: field('s-date').checked,
        showYearsAgo: field('s-years').checked
      } };
      var sizes = renditions.map(function (r) {
        return { name: r.name,
          width: wholeNumber('r-' + r.name + '-width', 'The ' + r.name + ' width', 1, 16383),
          height: wholeNumber('r-' + r.name + '-height', 'The ' + r.name + ' height', 1, 16383),
          quality: wholeNumber('r-' + r.name + '-quality', 'The ' + r.name + ' quality', 1, 100) };
      });
      // Only when something changed: the ledger reprocesses every photo when a box changes.
      if (JSON.stringify(sizes) !== JSON.stringify(renditions)) { body.renditions = sizes; }
    } catch (e) {
      messageEl.className = 'error';
      messageEl.textContent = e.message;
      return;
    }
    messageEl.className = '';
    messageEl.textContent = 'Saving…';
    Pages.send('PUT', '/api/v1/admin/settings', body).then(function (saved) {
      messageEl.className = 'ok';
      messageEl.textContent = saved.reprocessing
        ? 'Saved. The sizes changed, so every photo is being reprocessed (see below).'
        : 'Saved. Frames use the new settings from their next photo on.';
      if (saved.reprocessing) { pollReprocess(); }
      return loadSettings();
    }).catch(function (e) {
      messageEl.className = 'error';
      messageEl.textContent = 'Not saved: ' + e.message;
    });
  }

  // ---- reprocess: polled every second from the trigger to the real end --------------------------

  var polling = null;
  var started = null;

  function showProgress(status) {
    var barEl = field('reprocess-bar');
    var fill = barEl.querySelector('.fill');
    var counts = field('reprocess-counts');
    if (!status.active) {
      if (polling) {
        clearInterval(polling);
        polling = null;
        field('reprocess-button').disabled = false;
        fill.style.width = '100%';
        barEl.setAttribute('aria-valuenow', '100');
        field('reprocess-message').textContent = 'Finished.';
        if (status.total !== undefined) {
          counts.textContent = status.completed + ' of ' + status.total + ' photos done, ' + status.failed + ' failed.';
        }
        announce('Reprocessing finished.');
      }
      return;
    }
    var done = status.completed + status.failed;
    var percent = status.total ? done / status.total * 100 : 0;
    barEl.hidden = false;
    fill.style.width = percent.toFixed(1) + '%';
    barEl.setAttribute('aria-valuenow', String(Math.round(percent)));
    barEl.setAttribute('aria-valuetext', done + ' of ' + status.total + ' photos');
    var eta = status.etaSeconds;
    if (eta === undefined && started && done > 0) {
      eta = Math.round((Date.now() - started) / done * (status.total - done) / 1000);
    }
    counts.textContent = status.completed + ' of ' + status.total + ' done, ' + status.failed + ' failed'
      + (eta !== undefined && eta !== null ? ' · about ' + (eta < 90 ? eta + ' s' : Math.round(eta / 60) + ' min') + ' left' : '');
    field('reprocess-message').textContent = 'Reprocessing…';
    field('reprocess-button').disabled = true;
  }

  function poll() {
    return Pages.getJson('/api/admin/reprocess-status').then(showProgress).catch(function (e) {
      field('reprocess-message').textContent = e.message;
    });
  }

  function pollReprocess() {
    if (polling) { return; }
    started = Date.now();
    poll();
    polling = setInterval(poll, 1000);
  }

  function reprocess() {
    field('reprocess-button').disabled = true;
    field('reprocess-message').textContent = 'Starting…';
    Pages.send('POST', '/api/admin/reprocess').then(function () {
      announce('Reprocessing started.');
      pollReprocess();
    }).catch(function (e) {
      field('reprocess-button').disabled = false;
      field('reprocess-message').textContent = e.status === 409 ? 'Already running.' : e.message;
      if (e.status === 409) { pollReprocess(); }
    });
  }

  function refresh() {
    Promise.all([playlist(), display(), failures(), rejections(), stats()]).then(function () {
      summary();
      Pages.stamp();
    });
  }

  setUpUpload();
  field('settings-form').addEventListener('submit', saveSettings);
  field('reprocess-button').addEventListener('click', reprocess);
  loadSettings();
  // A run started elsewhere (or before a reload) shows its progress too.
  Pages.getJson('/api/admin/reprocess-status').then(function (status) {
    if (status.active) { pollReprocess(); }
  }).catch(function () { /* shown by the other sections */ });
  refresh();
  setInterval(refresh, 30000);
}());
