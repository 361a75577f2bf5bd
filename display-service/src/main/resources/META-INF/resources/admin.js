/*
 * /admin: upload by drag and drop, frame settings, reprocessing, and what the system holds (stats,
 * the playlist as thumbnails, failed photos from the ledger, refused uploads from ingest), and the
 * sections that change it: photos (hide, delete, split a wrong twin), folder sources, devices, failures (retry), export
 * and named frames.
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
    return Pages.getJson('/api/v1/playlist?limit=' + GRID_LIMIT).then(function (body) {
      var photos = body.photos || [];
      var total = typeof body.total === 'number' ? body.total : photos.length;
      counts.photos = total;
      document.getElementById('playlist-count').textContent = '(' + total + ')';
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
      var note = total > photos.length
        ? Pages.message('note', 'Showing the newest ' + photos.length + ' of ' + total + '.') : null;
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
      Pages.fill('failures', failureRows(list));
    }).catch(function (e) {
      counts.failures = null;
      document.getElementById('failures-count').textContent = '';
      Pages.fill('failures', Pages.message('error', e.message));
    });
  }

  function rejections() {
    return Pages.getJson('/api/v1/admin/rejections').then(function (body) {
      counts.rejections = body.configured ? (body.rejections || []).length : null;
      if (body.configured) {
        document.getElementById('rejections-count').textContent = '(' + counts.rejections + ')';
      }
      Pages.fill('rejections', Pages.rejectionsTable(body));
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

  // Ingest tells a photo by its bytes (JPEG, PNG, HEIC, AVIF, WebP, TIFF, GIF) and says why it refuses one:
  // no rule of the page's own about names or sizes.
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
    form.append('file', item.file, item.file.name);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/admin/uploads');
    var token = Pages.token();
    if (token) { xhr.setRequestHeader('Authorization', 'Bearer ' + token); }
    item.outcome.textContent = 'uploading…';
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) { item.progress.set(event.loaded / event.total * 100); }
    };
    xhr.onload = function () {
      item.progress.set(100); // sent whole, whatever the answer
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      // ingest's answer: a result per file (created, duplicate, or its error), 2xx when it kept the file
      var result = body && body.files && body.files[0] ? body.files[0] : null;
      if (xhr.status >= 200 && xhr.status < 300 && result && result.status === 'duplicate' && result.deleted) {
        finish(item.outcome, item.progress, 'duplicate', 'Deleted before: these exact bytes were a photo deleted here,'
          + ' and it stays deleted.');
      } else if (xhr.status >= 200 && xhr.status < 300 && result && result.status === 'duplicate' && result.photoFailure) {
        finish(item.outcome, item.progress, 'refused', 'Already there, but it could not be processed: '
          + result.photoFailure + ' (sending it again will not help; see Failures to retry it).');
      } else if (xhr.status >= 200 && xhr.status < 300 && result && result.status === 'duplicate') {
        finish(item.outcome, item.progress, 'duplicate', 'Already there: these exact bytes were uploaded before.');
      } else if (xhr.status >= 200 && xhr.status < 300) {
        finish(item.outcome, item.progress, 'created', 'Uploaded: it will show on the frames once it is processed.');
      } else {
        finish(item.outcome, item.progress, 'refused', 'Refused: ' + (result && result.error ? result.error
          : body && body.error ? body.error : 'HTTP ' + xhr.status));
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
    // in seconds as they are, 7.5 too: a rounded value would be saved back when another setting is
    field('s-interval').value = f.intervalMs / 1000;
    field('s-order').value = f.order;
    field('s-reshuffle').value = f.reshuffleIntervalMs / 1000;
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

  /** A number of seconds, to the millisecond, from min to max: in milliseconds. */
  function seconds(id, label, min, max) {
    var input = field(id);
    var value = Number(input.value);
    var ms = Math.round(value * 1000);
    var ok = input.value !== '' && isFinite(value) && Math.abs(value * 1000 - ms) < 1e-6 && value >= min && value <= max;
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (!ok) { throw new Error(label + ' must be a number of seconds from ' + min + ' to ' + max + ', to the millisecond.'); }
    return ms;
  }

  function saveSettings(event) {
    event.preventDefault();
    var messageEl = field('settings-message');
    var body;
    try {
      body = { frames: {
        intervalMs: seconds('s-interval', 'The time each photo is shown', 1, 86400),
        order: field('s-order').value,
        reshuffleIntervalMs: seconds('s-reshuffle', 'The full-list interval', 0, 31536000),
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

  // ---- sections: photos, sources, devices, failures, export, named frames ------------------------
  // Each asks the display's /api/v1/admin/... routes (which ask ingest and the ledger server-side) or
  // the frames API; buttons that destroy something ask for a second click instead of a dialog.

  function button(text, cls, onClick, label) {
    var b = el('button', { type: 'button', 'class': cls || 'secondary', text: text });
    if (label) { b.setAttribute('aria-label', label); }
    b.addEventListener('click', function () { onClick(b); });
    return b;
  }

  /** A button that acts on its second click ("Delete" → "Really delete?"), and resets after 5 s. */
  function confirmButton(text, label, onConfirm) {
    return button(text, 'secondary danger', onSecondClick(text, onConfirm), label);
  }

  /** A click handler (given the button) that arms on the first click and acts on the second, within 5 s. */
  function onSecondClick(text, onConfirm) {
    var armed = null;
    return function (b) {
      if (!armed) {
        b.textContent = 'Really ' + text.toLowerCase() + '?';
        armed = setTimeout(function () { armed = null; b.textContent = text; }, 5000);
        return;
      }
      clearTimeout(armed);
      armed = null;
      b.disabled = true;
      onConfirm(b);
    };
  }

  function say(id, cls, text) {
    var node = field(id);
    node.className = cls;
    node.textContent = text;
    if (cls === 'error' || cls === 'ok' || cls === 'warning') { announce(text); }
  }

  /** Comma-separated items; a comma inside a brace glob's alternatives (*.{jpg,JPG}) belongs to the glob. */
  function list(value) {
    var items = [], depth = 0, start = 0;
    for (var i = 0; i < value.length; i++) {
      var c = value.charAt(i);
      if (c === '\\') { i++; } else if (c === '{') { depth++; } else if (c === '}' && depth > 0) { depth--; }
      else if (c === ',' && depth === 0) { items.push(value.slice(start, i)); start = i + 1; }
    }
    items.push(value.slice(start));
    return items.map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  /** The day of the camera's own wall-clock time (2019-07-04T00:30:00), as the frames show it: no time zone applied. */
  function cameraDay(local) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(local || '');
    if (!m) { return ''; }
    var date = new Date(2000, 0, 1);
    date.setFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // setFullYear: year 99 is not 1999
    return date.toLocaleDateString();
  }

  function day(iso) {
    if (!iso) { return ''; }
    var date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleDateString();
  }

  // photos ------------------------------------------------------------------------------------

  var photoCursor = null;

  function photoQuery(cursor) {
    var params = [['state', field('p-state').value], ['name', field('p-name').value.trim()],
      ['source', field('p-source').value.trim()],
      ['device', field('p-device').value.trim()], ['from', field('p-from').value], ['to', field('p-to').value],
      ['limit', '48'], ['cursor', cursor || '']];
    return params.filter(function (p) { return p[1]; }).map(function (p) {
      return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]);
    }).join('&');
  }

  function photoCard(p) {
    var actions = el('div', { 'class': 'card-actions' });
    var state = el('span', { 'class': 'state ' + p.state, text: p.state.toLowerCase() });
    function act(path, method, done) {
      return function (b) {
        b.disabled = true;
        Pages.send(method, '/api/v1/admin/photos/' + encodeURIComponent(p.photoId) + path).then(function () {
          done();
        }).catch(function (e) {
          b.disabled = false;
          say('photos-message', 'error', e.message);
        });
      };
    }
    function draw() {
      actions.textContent = '';
      state.textContent = p.state.toLowerCase();
      state.className = 'state ' + p.state;
      if (p.state === 'DELETED') { return; }
      var what = p.name || p.photoId;
      if (p.hidden) {
        actions.appendChild(button('Unhide', 'secondary', act('/unhide', 'POST', function () {
          // hidden and retired (its files went while it was hidden): shown again only if a file of it comes back
          var retired = p.state === 'RETIRED';
          p.hidden = false;
          if (!retired) { p.state = 'READY'; }
          draw();
          say('photos-message', 'ok', retired
            ? what + ' is no longer hidden, but stays off the frames: its files are gone (retired).'
            : what + ' is back on the frames.');
        }), 'Unhide ' + what));
      } else if (p.state !== 'RETIRED') { // a retired photo (its last origin gone) is off the frames already
        actions.appendChild(button('Hide', 'secondary', act('/hide', 'POST', function () {
          p.hidden = true; p.state = 'HIDDEN'; draw(); say('photos-message', 'ok', what + ' is hidden from the frames.');
        }), 'Hide ' + what));
      }
      actions.appendChild(confirmButton('Delete', 'Delete ' + what, act('', 'DELETE', function () {
        p.state = 'DELETED'; draw(); say('photos-message', 'ok', what + ' is deleted.');
      })));
    }
    draw();
    var picture = p.thumb
      ? el('a', { href: p.display || p.thumb, target: '_blank', rel: 'noopener', title: p.photoId },
        [el('img', { src: p.thumb, alt: p.name || '', loading: 'lazy' })])
      : el('div', { 'class': 'nothumb', text: p.state === 'FAILED' ? 'failed'
        : p.state === 'DELETED' ? 'deleted: its images are gone' : 'no image yet' });
    var origin = (p.sources || []).concat((p.devices || []).map(function (d) { return 'device ' + d; })).join(', ');
    var text = el('div', { 'class': 'card-text' }, [
      el('b', { 'class': 'name', text: p.name || p.photoId }),
      el('span', { text: p.capturedAt ? 'taken ' + (cameraDay(p.capturedLocal) || day(p.capturedAt))
        : p.fileModifiedAt ? 'file date ' + day(p.fileModifiedAt) + ' (the photo has none)' : 'date unknown' }),
      el('span', { 'class': 'note', text: origin }), state]);
    if (p.state !== 'DELETED') { // a deleted photo's twins stay part of it
      (p.twins || []).forEach(function (t) { text.appendChild(twinLine(p, t)); });
    }
    return el('li', { 'class': 'card', 'data-photo': p.photoId }, [picture, text, actions]);
  }

  /**
   * Other content the ledger took for the same shot (the HEIC beside a JPEG): part of this photo, never
   * shown on its own. "Not the same shot" splits it off into a photo of its own.
   */
  function twinLine(p, t) {
    var label = (t.names && t.names.length ? t.names.join(', ') : 'photo ' + t.twinId)
      + (t.width && t.height ? ', ' + t.width + '×' + t.height : '') + (t.format ? ' ' + t.format : '')
      + (t.rendered ? ' (the frames show this original)' : '');
    var line = el('span', { 'class': 'note twin', 'data-twin': t.twinId }, [el('span', { text: 'Same shot: ' + label + ' ' })]);
    line.appendChild(confirmButton('Not the same shot', 'Split ' + label + ' off ' + (p.name || p.photoId), function (b) {
      Pages.send('POST', '/api/v1/admin/photos/' + encodeURIComponent(p.photoId) + '/twins/'
        + encodeURIComponent(t.twinId) + '/split').then(function () {
        line.textContent = 'Split off: ' + label + ' is a photo of its own.';
        say('photos-message', 'ok', label + ' is a photo of its own now.');
      }).catch(function (e) {
        b.disabled = false;
        say('photos-message', 'error', e.message);
      });
    }));
    return line;
  }

  function searchPhotos(more) {
    var cursor = more ? photoCursor : null;
    say('photos-message', '', 'Searching…');
    return Pages.getJson('/api/v1/admin/photos?' + photoQuery(cursor)).then(function (page) {
      var cards = (page.photos || []).map(photoCard);
      var grid = more ? document.querySelector('#photos ul') : null;
      if (!grid) {
        grid = el('ul', { 'class': 'cards', id: 'photo-cards' });
        Pages.fill('photos', cards.length ? grid : Pages.message('empty', 'No photos match.'));
      }
      cards.forEach(function (c) { grid.appendChild(c); });
      photoCursor = page.next || null;
      field('photos-more').hidden = !photoCursor;
      say('photos-message', '', document.querySelectorAll('#photos li.card').length + ' shown'
        + (photoCursor ? ', more below' : ''));
    }).catch(function (e) {
      say('photos-message', 'error', e.message);
    });
  }

  // sources -----------------------------------------------------------------------------------

  var editingSource = null;

  function scanSummary(s) {
    var last = s.lastScan || {};
    if (!s.lastScanAt) { return 'not scanned yet'; }
    return Pages.when(s.lastScanAt) + ': ' + (last.discovered || 0) + ' found, ' + (last['new'] || 0) + ' new, '
      + (last.duplicate || 0) + ' duplicate, ' + (last.failed || 0) + ' failed';
  }

  // What the folder holds now (ingest's snapshot), and what the ledger took from it over time: an archive or
  // delete source's files leave the folder once imported, so only the ledger still counts them.
  function totals(s, ledger) {
    var t = s.totals || {};
    var now = Object.keys(t).filter(function (k) { return typeof t[k] !== 'object'; })
      .map(function (k) { return k + ' ' + t[k]; }).join(', ');
    var took = ledger && ledger['folder:' + s.id];
    if (!took) { return now; }
    var photos = ['new', 'duplicate', 'twin', 'retired'].filter(function (k) { return took[k]; })
      .map(function (k) { return k + ' ' + took[k]; }).join(', ');
    return el('div', {}, [el('div', { text: now }),
      el('div', { 'class': 'note', text: 'taken so far: ' + (photos || 'none') })]);
  }

  function report(r) {
    var skipped = r.skipped || {};
    var lines = [(r.simulated ? 'Simulation of ' : 'Scan of ') + r.source + ' (' + r.millis + ' ms): '
      + r.discovered + ' found, ' + r['new'] + ' new, ' + r.duplicate + ' duplicate, ' + r.failed + ' failed, '
      + r.pending + ' waiting'
      + (Object.keys(skipped).length ? '; skipped: ' + Object.keys(skipped).map(function (k) {
        return k + ' ' + skipped[k]; }).join(', ') : '')
      + (r.held ? '; held by a lock file' : '')];
    (r.errors || []).forEach(function (e) { lines.push('Error: ' + e); });
    return el('div', { 'class': 'report' }, lines.map(function (l, i) {
      return el('p', { 'class': i ? 'error' : '', text: l });
    }));
  }

  function sourceAction(s, action) {
    return function (b) {
      b.disabled = true;
      say('sources-message', '', (action === 'scan' ? 'Scanning ' : 'Simulating ') + s.id + '…');
      Pages.send('POST', '/api/v1/admin/sources/' + encodeURIComponent(s.id) + '/' + action).then(function (r) {
        b.disabled = false;
        var failed = (r.errors || []).length > 0;
        say('sources-message', failed ? 'error' : 'ok', (action === 'scan' ? 'Scanned ' : 'Simulated ') + s.id
          + (failed ? ' with errors: see below.' : '.'));
        Pages.fill('source-report', report(r));
        if (action === 'scan') { sources(); }
      }).catch(function (e) {
        b.disabled = false;
        say('sources-message', 'error', e.message);
      });
    };
  }

  function sources() {
    // the ledger's counts only add to the table: without them it still shows what ingest says
    var ledger = Pages.getJson('/api/v1/ops/stats').then(function (st) { return st.sources; }, function () { return null; });
    return Promise.all([Pages.getJson('/api/v1/admin/sources'), ledger]).then(function (both) {
      var all = both[0];
      field('sources-count').textContent = '(' + all.length + ')';
      var options = field('p-sources');
      options.textContent = '';
      all.forEach(function (s) { options.appendChild(el('option', { value: 'folder:' + s.id })); });
      if (!all.length) {
        Pages.fill('sources', Pages.message('empty', 'No folder sources yet.'));
        return;
      }
      Pages.fill('sources', Pages.table(['source', 'folder', 'status', 'last scan', 'files', ''], all.map(function (s) {
        var errors = (s.errors || []).join('; ');
        return [el('b', { text: s.id }), Pages.path(s.path),
          el('span', { 'class': 'state ' + (errors ? 'FAILED' : ''), text: (s.scanning ? 'scanning' : s.state || '')
            + (errors ? ': ' + errors : '') }),
          scanSummary(s), totals(s, both[1]),
          el('div', { 'class': 'row-actions' }, [
            button('Scan now', 'secondary', sourceAction(s, 'scan'), 'Scan ' + s.id + ' now'),
            button('Simulate', 'secondary', sourceAction(s, 'simulate'), 'Simulate a scan of ' + s.id),
            button('Edit', 'secondary', function () { editSource(s); }, 'Edit ' + s.id),
            confirmButton('Delete', 'Delete source ' + s.id + (s.onDelete === 'keep' ? '' : ': the photos of its files leave the frames'), function () {
              Pages.send('DELETE', '/api/v1/admin/sources/' + encodeURIComponent(s.id)).then(function () {
                say('sources-message', 'ok', 'Source ' + s.id + ' removed: '
                  + (s.onDelete === 'keep' ? 'its photos stay on the frames (onDelete: keep)' : 'the photos of its files leave the frames')
                  + '; the files stay in the folder.');
                sources();
              }).catch(function (e) { say('sources-message', 'error', e.message); sources(); });
            })])];
      })));
    }).catch(function (e) {
      field('sources-count').textContent = '';
      Pages.fill('sources', Pages.message('error', e.message));
    });
  }

  function editSource(s) {
    editingSource = s || null;
    field('src-id').value = s ? s.id : '';
    field('src-id').disabled = !!s;
    field('src-path').value = s ? s.path : '';
    field('src-include').value = s ? (s.include || []).join(', ') : '';
    field('src-exclude').value = s ? (s.exclude || []).join(', ') : '';
    field('src-poll').value = s ? s.pollSeconds : '';
    field('src-stable').value = s && s.stableSeconds != null ? s.stableSeconds : '';
    field('src-after').value = s ? s.afterImport || 'keep' : 'keep';
    field('src-archive').value = s ? s.archivePath || '' : '';
    field('src-ondelete').value = s ? s.onDelete || 'retire' : 'retire';
    field('src-recursive').checked = s ? !!s.recursive : true;
    field('source-form-title').textContent = s ? 'Edit source ' + s.id : 'Add a source';
    field('source-save').textContent = s ? 'Save source' : 'Add source';
    field('source-cancel').hidden = !s;
    say('source-form-message', '', '');
    if (s) { field('src-path').focus(); }
  }

  function saveSource(event) {
    event.preventDefault();
    var id = field('src-id').value.trim();
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) {
      say('source-form-message', 'error', 'The id is 1 to 40 characters from a-z, 0-9 and -, starting with a letter or digit.');
      return;
    }
    var body = { id: id, path: field('src-path').value.trim(), recursive: field('src-recursive').checked,
      include: list(field('src-include').value), exclude: list(field('src-exclude').value),
      afterImport: field('src-after').value, onDelete: field('src-ondelete').value };
    if (field('src-poll').value !== '') { body.pollSeconds = Number(field('src-poll').value); }
    // every setting is on the form: a PUT replaces the source's settings, and one left off takes its default
    if (field('src-stable').value !== '') { body.stableSeconds = Number(field('src-stable').value); }
    if (field('src-archive').value.trim()) { body.archivePath = field('src-archive').value.trim(); }
    var editing = editingSource;
    // A file the new rules leave out is handled at the next scan as one that disappeared.
    var narrowed = editing && body.onDelete !== 'keep' && (body.path !== editing.path || body.recursive !== !!editing.recursive
      || body.include.join(',') !== (editing.include || []).join(',') || body.exclude.join(',') !== (editing.exclude || []).join(','));
    say('source-form-message', '', 'Saving…');
    (editing ? Pages.send('PUT', '/api/v1/admin/sources/' + encodeURIComponent(editing.id), body)
      : Pages.send('POST', '/api/v1/admin/sources', body)).then(function (saved) {
      editSource(null);
      say('source-form-message', 'ok', (editing ? 'Saved ' : 'Added ') + saved.id + '.' + (narrowed
        ? ' Photos of files these rules now leave out leave the frames at its next scan, as if the files were gone.'
        : ''));
      sources();
    }).catch(function (e) {
      say('source-form-message', 'error', e.message);
    });
  }

  // devices -----------------------------------------------------------------------------------

  function devices() {
    return Pages.getJson('/api/v1/admin/devices').then(function (all) {
      field('devices-count').textContent = '(' + all.length + ')';
      // a revoked device is not offered, but its photos can still be found by typing its name
      var options = field('p-devices');
      options.textContent = '';
      all.forEach(function (d) { options.appendChild(el('option', { value: d.name })); });
      Pages.fill('devices', all.length
        ? Pages.table(['device', 'created', 'last used', 'uploads', ''], all.map(function (d) {
          return [el('b', { text: d.name }), Pages.when(d.created), d.lastUsed ? Pages.when(d.lastUsed) : 'never',
            d.uploads, confirmButton('Revoke', 'Revoke ' + d.name, function () {
              Pages.send('DELETE', '/api/v1/admin/devices/' + encodeURIComponent(d.name)).then(function () {
                say('device-message', 'ok', d.name + ' is revoked: its token no longer works.');
                var shown = field('device-token');
                if (shown.dataset.device === d.name) { shown.hidden = true; shown.textContent = ''; }
                devices();
              }).catch(function (e) { say('device-message', 'error', e.message); devices(); });
            })];
        }))
        : Pages.message('empty', 'No devices yet.'));
    }).catch(function (e) {
      field('devices-count').textContent = '';
      Pages.fill('devices', Pages.message('error', e.message));
    });
  }

  function createDevice(event) {
    event.preventDefault();
    var name = field('device-name').value.trim();
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
      say('device-message', 'error', 'A device name is 1 to 64 characters from a-z, 0-9, “.”, “_” and “-”.');
      return;
    }
    Pages.send('POST', '/api/v1/admin/devices', { name: name }).then(function (created) {
      field('device-name').value = '';
      var box = field('device-token');
      box.textContent = '';
      box.dataset.device = created.name;
      box.appendChild(el('p', {}, [el('b', { text: 'Token for ' + created.name + ': ' }),
        el('code', { id: 'device-token-value', text: created.token })]));
      box.appendChild(el('p', { 'class': 'note', text: 'Copy it into the device now: it is shown this once and cannot be shown again.' }));
      box.appendChild(button('Done, hide it', 'secondary', function () { box.hidden = true; box.textContent = ''; }));
      box.hidden = false;
      say('device-message', 'ok', 'Device ' + created.name + ' created.');
      devices();
    }).catch(function (e) {
      say('device-message', 'error', e.message);
    });
  }

  // failures (listed by the summary refresh above) ---------------------------------------------

  function failureRows(list) {
    if (!list.length) { return Pages.message('empty', 'No failures.'); }
    return Pages.table(['photo', 'names', 'reason', 'kind', 'failed at', ''], list.map(function (f) {
      return [el('span', { 'class': 'mono', title: (f.photoId || '') + '\n' + (f.sha256 || ''),
        text: (f.photoId || (f.sha256 || '').slice(0, 12) || '?') }),
        (f.names || []).join(', '), f.reason, f.permanent ? 'permanent' : 'retryable', Pages.when(f.failedAt),
        f.photoId ? button('Retry', 'secondary', function (b) {
          b.disabled = true;
          Pages.send('POST', '/api/v1/admin/photos/' + encodeURIComponent(f.photoId) + '/retry').then(function () {
            say('failures-message', 'ok', 'Asked to process ' + ((f.names || [])[0] || f.photoId) + ' again.');
            failures();
          }).catch(function (e) { b.disabled = false; say('failures-message', 'error', e.message); });
        }, 'Retry ' + ((f.names || [])[0] || f.photoId)) : ''];
    }));
  }

  function retryAll(event) {
    var b = event.currentTarget;
    b.disabled = true;
    Pages.send('POST', '/api/v1/admin/photos/retry-failed').then(function (answer) {
      b.disabled = false;
      say('failures-message', 'ok', 'Asked to process ' + (answer && answer.retried) + ' failed photos again.');
      failures();
    }).catch(function (e) { b.disabled = false; say('failures-message', 'error', e.message); });
  }

  // export ------------------------------------------------------------------------------------

  function plan(p, ran) {
    var skipped = p.skipped || {};
    var lines = [(ran ? 'Started: ' : 'A run now would export ') + (p['export'] !== undefined ? p['export'] : p.requested)
      + ' photos into ' + (p.folder || 'the folder')
      + (Object.keys(skipped).length ? '; skipped: ' + Object.keys(skipped).map(function (k) {
        return k + ' ' + skipped[k]; }).join(', ') : '')];
    // ingest's own answer for the folder: a run would have every photo refused with these words
    if (p.refused && p['export'] > 0) {
      lines[0] = 'A run now would export nothing into ' + p.folder + ': ingest would refuse all '
        + p['export'] + ' photos: ' + p.refused;
    } else if (p.refused) {
      // nothing to export now, but the folder is still one the next photos could not go to
      lines.push('The folder would be refused: ' + p.refused);
    }
    if (p.unchecked) { lines.push(p.unchecked); }
    if (p.sample && p.sample.length && !p.refused) { lines.push('For example: ' + p.sample.slice(0, 5).join(', ')); }
    return el('div', { 'class': 'report' }, lines.map(function (l) { return el('p', { text: l }); }));
  }

  var shownRunAt = null; // the last run the section shows: a new run is the one that started after it

  function showExport(x) {
    field('x-path').value = x.path || '';
    field('x-layout').value = x.layout || 'date';
    field('x-mode').value = x.mode || 'going-forward';
    field('x-source').value = x.sourceId || '';
    var run = x.lastRun;
    shownRunAt = run ? run.startedAt : null;
    if (!run) { Pages.fill('export-report', Pages.message('note', 'Not run yet.')); return; }
    var report = el('div', {}, [Pages.message('note', 'Last run ' + Pages.when(run.startedAt) + ' into ' + run.folder + ': '
      + run.requested + ' requested, ' + run.written + ' written, ' + run.failed + ' failed.')]);
    if ((run.failures || []).length) {
      report.appendChild(el('ul', { 'class': 'checks' }, run.failures.map(function (f) {
        return el('li', { 'class': 'error', text: f.photos + (f.photos === 1 ? ' photo: ' : ' photos: ') + f.reason });
      })));
    }
    Pages.fill('export-report', report);
  }

  function loadExport() {
    return Pages.getJson('/api/v1/admin/export').then(showExport).catch(function (e) {
      say('export-message', 'error', e.message);
    });
  }

  function saveExport(event) {
    event.preventDefault();
    var body = { path: field('x-path').value.trim() || null, layout: field('x-layout').value,
      mode: field('x-mode').value, sourceId: field('x-source').value.trim() || null };
    say('export-message', '', 'Saving…');
    Pages.send('PUT', '/api/v1/admin/export', body).then(function () {
      say('export-message', 'ok', 'Export settings saved.');
      loadExport();
      // Saved is not the same as writable: ingest's answer for the folder, before a run finds out.
      return Pages.send('POST', '/api/v1/admin/export/simulate').then(function (p) {
        if (p.refused) {
          say('export-message', 'error', 'Saved, but a run would fail: ingest refuses to write into ' + p.folder
            + ': ' + p.refused);
        }
      }, function () { /* the settings are saved; Simulate tells the rest */ });
    }).catch(function (e) { say('export-message', 'error', e.message); });
  }

  /** After Run now: the run's own report replaces "Started" once every photo was written or failed. */
  function followRun(before, polls) {
    if (polls >= 60) { return; }
    setTimeout(function () {
      Pages.getJson('/api/v1/admin/export').then(function (x) {
        var run = x.lastRun;
        if (!run || run.startedAt === before || run.written + run.failed < run.requested) {
          followRun(before, polls + 1);
          return;
        }
        showExport(x);
        say('export-message', run.failed ? 'error' : 'ok', run.failed
          ? 'Export finished: ' + run.failed + ' of ' + run.requested + ' photos failed (below).'
          : 'Export finished: ' + run.written + ' photos written.');
      }, function () { followRun(before, polls + 1); });
    }, 2000);
  }

  function exportAction(action) {
    return function (event) {
      var b = event.currentTarget;
      b.disabled = true;
      say('export-message', '', action === 'run' ? 'Starting…' : 'Simulating…');
      var before = shownRunAt;
      Pages.send('POST', '/api/v1/admin/export/' + action).then(function (p) {
        b.disabled = false;
        say('export-message', 'ok', action === 'run' ? 'Export started.' : 'Simulated.');
        Pages.fill('export-report', plan(p, action === 'run'));
        if (action === 'run') { followRun(before, 0); }
      }).catch(function (e) { b.disabled = false; say('export-message', 'error', e.message); });
    };
  }

  // named frames ------------------------------------------------------------------------------

  var editingFrame = null;
  /** Each listed frame's own settings (its overrides), by name, as last read. */
  var frameOverrides = {};

  function frameFilter(f) {
    var parts = [];
    if (f.sources && f.sources.length) { parts.push('sources ' + f.sources.join(', ')); }
    if (f.devices && f.devices.length) { parts.push('devices ' + f.devices.join(', ')); }
    if (f.from || f.to) { parts.push('taken ' + (f.from || '…') + ' to ' + (f.to || '…')); }
    if (f.onThisDay) { parts.push('on this day'); }
    return parts.join('; ') || 'all photos';
  }

  function framePage(name) {
    return name === 'default' ? '/' : '/frames/' + encodeURIComponent(name);
  }

  function frames() {
    return Pages.getJson('/api/v1/frames').then(function (all) {
      frameOverrides = {};
      all.forEach(function (f) { frameOverrides[f.name] = f.overrides || {}; });
      field('frames-count').textContent = '(' + all.length + ')';
      Pages.fill('frames', all.length
        ? Pages.table(['frame', 'settings', 'filter', 'photos', ''], all.map(function (f) {
          var s = f.settings || {};
          return [el('a', { href: framePage(f.name), target: '_blank', rel: 'noopener', text: f.name }),
            (s.intervalMs ? Math.round(s.intervalMs / 1000) + ' s, ' : '') + (s.order || '') + ', ' + (s.transition || '')
              + ', ' + (s.fit || ''),
            frameFilter(f.filter || {}),
            el('span', {}, [el('span', { text: String(f.photos) })].concat((f.notices || []).map(function (n) {
              return el('div', { 'class': 'note warning', text: n });
            }))),
            el('div', { 'class': 'row-actions' }, [
              button('Edit', 'secondary', function () { editFrame(f); }, 'Edit frame ' + f.name),
              f.name === 'default' ? null : confirmButton('Delete', 'Delete frame ' + f.name, function () {
                Pages.send('DELETE', '/api/v1/frames/' + encodeURIComponent(f.name)).then(function () {
                  say('frame-message', 'ok', 'Frame ' + f.name + ' deleted.');
                  frames();
                }).catch(function (e) { say('frame-message', 'error', e.message); frames(); });
              })])];
        }))
        : Pages.message('empty', 'No named frames yet.'));
    }).catch(function (e) {
      field('frames-count').textContent = '';
      Pages.fill('frames', Pages.message('error', e.status === 404
        ? 'Named frames are not available on this display yet.' : e.message));
    });
  }

  function editFrame(f) {
    var s = (f && f.overrides) || (f && f.settings) || {};
    var filter = (f && f.filter) || {};
    editingFrame = f ? f.name : null;
    field('f-name').value = f ? f.name : '';
    field('f-name').disabled = !!f;
    field('f-interval').value = f && s.intervalMs ? s.intervalMs / 1000 : '';
    field('f-order').value = f ? s.order || '' : '';
    field('f-transition').value = f ? s.transition || '' : '';
    field('f-fit').value = f ? s.fit || '' : '';
    field('f-sources').value = (filter.sources || []).join(', ');
    field('f-devices').value = (filter.devices || []).join(', ');
    field('f-from').value = filter.from || '';
    field('f-to').value = filter.to || '';
    field('f-onthisday').checked = !!filter.onThisDay;
    field('frame-form-title').textContent = f ? 'Edit frame ' + f.name : 'Add a frame';
    field('frame-cancel').hidden = !f;
    say('frame-message', '', '');
    if (f) { field('f-interval').focus(); }
  }

  function saveFrame(event) {
    event.preventDefault();
    var name = field('f-name').value.trim();
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) {
      say('frame-message', 'error', 'A frame name is 1 to 40 characters from a-z, 0-9 and -, starting with a letter or digit.');
      return;
    }
    // What the form does not show (a date overlay set through the API) stays as it was.
    var settings = {};
    var before = editingFrame === name ? (frameOverrides[name] || {}) : {};
    Object.keys(before).forEach(function (key) { settings[key] = before[key]; });
    delete settings.intervalMs;
    if (field('f-interval').value !== '') {
      try {
        settings.intervalMs = seconds('f-interval', 'The time each photo is shown', 1, 86400);
      } catch (e) {
        say('frame-message', 'error', e.message);
        return;
      }
    }
    ['order', 'transition', 'fit'].forEach(function (key) {
      if (field('f-' + key).value) { settings[key] = field('f-' + key).value; } else { delete settings[key]; }
    });
    var filter = { sources: list(field('f-sources').value), devices: list(field('f-devices').value),
      onThisDay: field('f-onthisday').checked };
    if (field('f-from').value) { filter.from = field('f-from').value; }
    if (field('f-to').value) { filter.to = field('f-to').value; }
    say('frame-message', '', 'Saving…');
    Pages.send('PUT', '/api/v1/frames/' + encodeURIComponent(name), { settings: settings, filter: filter }).then(function (saved) {
      var notices = (saved && saved.notices) || [];
      editFrame(null);
      say('frame-message', notices.length ? 'warning' : 'ok', 'Frame ' + name + ' saved; its page is ' + framePage(name) + '.'
        + (notices.length ? ' ' + notices.join(' ') : ''));
      frames();
    }).catch(function (e) { say('frame-message', 'error', e.message); });
  }

  function setUpSections() {
    field('photo-search').addEventListener('submit', function (event) { event.preventDefault(); searchPhotos(false); });
    field('photos-more').addEventListener('click', function () { searchPhotos(true); });
    field('source-form').addEventListener('submit', saveSource);
    field('source-cancel').addEventListener('click', function () { editSource(null); });
    field('device-form').addEventListener('submit', createDevice);
    field('retry-all').addEventListener('click', retryAll);
    field('export-form').addEventListener('submit', saveExport);
    field('export-simulate').addEventListener('click', exportAction('simulate'));
    field('export-run').addEventListener('click', exportAction('run'));
    field('frame-form').addEventListener('submit', saveFrame);
    field('frame-cancel').addEventListener('click', function () { editFrame(null); });
    searchPhotos(false);
    sources();
    devices();
    loadExport();
    frames();
  }

  function refresh() {
    Promise.all([playlist(), display(), failures(), rejections(), stats()]).then(function () {
      summary();
      Pages.stamp();
    });
  }

  setUpUpload();
  field('settings-form').addEventListener('submit', saveSettings);
  // A run over the whole library takes hours: asked twice, as Delete is.
  var reprocessText = field('reprocess-button').textContent;
  var reprocessClick = onSecondClick(reprocessText, function (b) { b.textContent = reprocessText; reprocess(); });
  field('reprocess-button').addEventListener('click', function () { reprocessClick(field('reprocess-button')); });
  loadSettings();
  setUpSections();
  // A run started elsewhere (or before a reload) shows its progress too.
  Pages.getJson('/api/admin/reprocess-status').then(function (status) {
    if (status.active) { pollReprocess(); }
  }).catch(function () { /* shown by the other sections */ });
  refresh();
  setInterval(refresh, 30000);
}());
