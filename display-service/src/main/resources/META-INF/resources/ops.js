/* /ops: throughput plot (uPlot), services, consumer lag, dead letters (with replay), sources, frames, the ledger's
   counters and failed photos. Everything from the server goes in as text. */
(function () {
  'use strict';
  var el = Pages.el;
  var COLORS = ['#1f6feb', '#8250df', '#1a7f37', '#c62828'];
  var state = { range: 'recent', throughput: null, health: null, services: null, lag: null, deadLetters: null,
    sources: null, frames: null, display: null };
  var plot = null;

  function level(cls, text) { return el('span', { 'class': 'level ' + cls, text: text }); }

  function fmt(n) {
    if (n === null || n === undefined) { return '–'; }
    return Math.round(n) === n ? String(n) : n.toFixed(1);
  }

  function failed(id, e) { Pages.fill(id, Pages.message('error', e.message)); }

  /** Marks columns a phone can do without (hidden below 480 px by pages.css), so the rest fits. */
  function optional(table, columns) {
    Array.prototype.forEach.call(table.querySelectorAll('tr'), function (row) {
      columns.forEach(function (i) { if (row.children[i]) { row.children[i].classList.add('optional'); } });
    });
    return table;
  }

  // --- Throughput -------------------------------------------------------------------------------------------------

  function plotData(t) {
    var series = state.range === 'hour' ? t.minutes : t.recent;
    return [series.time].concat(series.values);
  }

  function drawPlot(t) {
    var box = document.getElementById('plot');
    var data = plotData(t);
    var width = Math.max(260, box.clientWidth);
    if (!plot) {
      box.textContent = '';
      plot = new uPlot({
        width: width,
        height: width < 500 ? 220 : 280,
        series: [{}].concat(t.stages.map(function (name, i) {
          return { label: name, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false },
            value: function (u, v) { return v === null || v === undefined ? '–' : fmt(Math.round(v * 10) / 10); } };
        })),
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, max * 1.15)]; } } },
        // time labels at least 90 px apart: uPlot's default 50 lets "12/5/26 12:53am" run into the next one;
        // the y axis says what its numbers count
        axes: [{ space: 90 }, { size: 48, label: 'photos per minute', labelSize: 20 }]
      }, data, box);
    } else {
      plot.setData(data);
    }
  }

  /**
   * "last hour", or since when the figures count: the display keeps them in memory, so after its restart they
   * start again, and a few minutes must not read as the hour (the server's since, null when the hour is whole).
   */
  function hourLabel(t) {
    if (t.since === null || t.since === undefined) { return 'last hour'; }
    return 'since ' + new Date(t.since * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      + ', display started';
  }

  function throughput() {
    return Pages.getJson('/api/v1/ops/throughput').then(function (t) {
      state.throughput = t;
      document.getElementById('throughput-unit').textContent = state.range === 'hour'
        ? 'photos per minute, by minute' : 'photos per minute, every ' + t.intervalSeconds + ' s';
      Pages.fill('throughput-totals', el('div', { 'class': 'numbers compact' }, t.stages.map(function (name, i) {
        return Pages.number(name + ' (' + hourLabel(t) + ')', fmt(t.lastHour[i]));
      })));
      drawPlot(t);
      var reads = el('span', {}, t.scrapes.map(function (s, i) {
        return el('span', {}, [i ? ' · ' : '', s.service + ': ',
          s.ok ? level('ok', 'metrics read') : level('bad', s.error || 'not read')]);
      }));
      Pages.fill('throughput-reads', reads);
    }).catch(function (e) { failed('throughput-reads', e); });
  }

  function setRange(range) {
    state.range = range;
    document.getElementById('range-recent').setAttribute('aria-pressed', String(range === 'recent'));
    document.getElementById('range-hour').setAttribute('aria-pressed', String(range === 'hour'));
    if (state.throughput) {
      if (plot) { plot.destroy(); plot = null; }
      throughput();
    }
  }

  // --- Services ---------------------------------------------------------------------------------------------------

  function services() {
    return Promise.all([
      Pages.getJson('/api/v1/ops/health').then(function (h) { state.health = h; }),
      Pages.getJson('/api/v1/ops/services').then(function (s) { state.services = s; }, function () { state.services = null; })
    ]).then(function () {
      var extra = {};
      ((state.services && state.services.services) || []).forEach(function (s) { extra[s.name] = s; });
      var supervised = state.services && state.services.supervised;
      var rows = state.health.services.map(function (s) {
        var more = extra[s.name] || {};
        var p = more.process;
        var checks = s.error ? el('span', { 'class': 'error', text: s.error })
          : el('ul', { 'class': 'checks' }, s.checks.map(function (c) {
            // A check says why it is down (data.error), or what is wrong while it is up (data.warning).
            var data = c.data || {};
            var why = data.error ? el('span', { 'class': 'data error', text: ': ' + data.error })
              : data.warning ? el('span', { 'class': 'data warning', text: ': ' + data.warning }) : null;
            return el('li', {}, [el('span', { 'class': 'status ' + c.status, text: c.status }), ' ' + c.name, why]);
          }));
        return [el('b', { text: s.name }), el('span', { 'class': 'status ' + s.status, text: s.status }),
          more.version || '–', restarts(p, supervised), lastExit(p), checks];
      });
      ((state.services && state.services.infrastructure) || []).forEach(function (p) {
        rows.push([p.name, el('span', { 'class': 'status ' + (p.state === 'ready' ? 'UP' : 'DOWN'), text: p.state }),
          '–', restarts(p, true), lastExit(p), el('span', { 'class': 'note', text: p.kind })]);
      });
      // on a phone the version and last exit give way: the checks are where a service that is down says why
      var parts = [optional(Pages.table(['service', 'health', 'version', 'restarts', 'last exit', 'checks'], rows), [2, 4])];
      if (state.services && !supervised) {
        parts.push(Pages.message('note', 'Not supervised by ./imgboard up (no IMGBOARD_STATUS_FILE): restarts unknown here.'));
      } else if (state.services && state.services.statusError) {
        parts.push(Pages.message('error', state.services.statusError));
      }
      Pages.fill('services', el('div', {}, parts));
    }).catch(function (e) { failed('services', e); });
  }

  function restarts(p, supervised) {
    if (!p) { return supervised ? '–' : 'not supervised'; }
    return p.restarts > 0 ? level(p.restarts > 2 ? 'bad' : 'warn', String(p.restarts)) : level('ok', '0');
  }

  function lastExit(p) {
    if (!p || !p.lastExit) { return ''; }
    return el('span', {}, [p.lastExit, el('br'), el('span', { 'class': 'note', text: Pages.when(p.lastExitAt) })]);
  }

  // --- Consumer lag -----------------------------------------------------------------------------------------------

  function lagLevel(row) {
    if (row.lag === null || row.lag === undefined) { return level('muted', '?'); }
    if (row.lag === 0) { return level('ok', '0'); }
    return level(row.lag > 100 || row.members === 0 ? 'bad' : 'warn', String(row.lag));
  }

  function lag() {
    return Pages.getJson('/api/v1/ops/lag').then(function (r) {
      state.lag = r;
      var parts = [];
      if (r.error) { parts.push(Pages.message('error', r.error)); }
      if (!r.groups.length) {
        parts.push(Pages.message('empty', 'No consumer groups.'));
      } else {
        parts.push(optional(Pages.table(['consumer', 'topic', 'lag', 'state', 'consumers', 'partitions', 'end offset'],
          r.groups.map(function (g) {
            return [el('span', { title: g.group }, [el('b', { text: g.label }),
              g.label !== g.group ? el('span', { 'class': 'note mono optional', text: ' ' + g.group }) : null]),
              el('span', { 'class': 'mono', text: g.topic || '–' }),
              el('span', {}, [lagLevel(g), g.note ? el('div', { 'class': 'note', text: g.note }) : null]),
              g.state, String(g.members), String(g.partitions), String(g.endOffsets)];
          })), [3, 4, 5, 6]));
      }
      Pages.fill('lag', el('div', {}, parts));
    }).catch(function (e) { failed('lag', e); });
  }

  // --- Dead letters -----------------------------------------------------------------------------------------------

  function replay(letter, button) {
    button.disabled = true;
    Pages.send('POST', '/api/v1/ops/dead-letters/' + encodeURIComponent(letter.id) + '/replay').then(function () {
      deadLetters();
    }).catch(function (e) {
      button.disabled = false;
      button.parentNode.appendChild(el('div', { 'class': 'error', text: e.message }));
    });
  }

  function deadLetters() {
    return Pages.getJson('/api/v1/ops/dead-letters').then(function (list) {
      state.deadLetters = list;
      var waiting = list.filter(function (d) { return !d.replayedAt; }).length;
      document.getElementById('dead-letters-count').textContent = '(' + waiting + ' waiting, ' + list.length + ' shown)';
      if (!list.length) { Pages.fill('dead-letters', Pages.message('empty', 'No dead letters.')); return; }
      Pages.fill('dead-letters', optional(Pages.table(['#', 'topic', 'error', 'received', 'replay'], list.map(function (d) {
        var action;
        if (d.replayedAt) {
          action = el('span', { 'class': 'ok', text: 'replayed ' + Pages.when(d.replayedAt) });
        } else {
          action = el('span', {});
          var button = el('button', { type: 'button', 'class': 'secondary', text: 'Replay',
            'aria-label': 'Replay dead letter ' + d.id });
          button.addEventListener('click', function () { replay(d, button); });
          action.appendChild(button);
        }
        return [String(d.id), el('span', { 'class': 'mono', text: d.topic + (d.offset !== null && d.offset !== undefined
            ? ' @' + d.partition + ':' + d.offset : '') }),
          el('span', {}, [el('span', { 'class': 'error', text: d.reason || '' }),
            d.cause ? el('div', { 'class': 'note', text: d.cause }) : null]),
          Pages.when(d.receivedAt), action];
      })), [0, 3]));
    }).catch(function (e) {
      state.deadLetters = null;
      document.getElementById('dead-letters-count').textContent = '';
      failed('dead-letters', e);
    });
  }

  // --- Sources ----------------------------------------------------------------------------------------------------

  /**
   * What a scan found, in words: the counts that are not zero, skipped files by reason ("3 skipped:
   * not an image 2, hidden file 1"), a held source; its time and errors have columns of their own.
   */
  function scanFound(report) {
    if (!report || !Object.keys(report).length) { return ''; } // never scanned
    if (report.held) { return 'held: a lock file at its root, nothing taken'; }
    var parts = [];
    ['discovered', 'new', 'duplicate', 'pending', 'failed', 'removed', 'archived', 'deleted', 'hashed'].forEach(function (k) {
      if (report[k]) { parts.push(report[k] + ' ' + (k === 'hashed' ? 'read' : k)); }
    });
    var skipped = report.skipped || {};
    var reasons = Object.keys(skipped);
    var total = reasons.reduce(function (sum, r) { return sum + skipped[r]; }, 0);
    if (total) {
      parts.push(total + ' skipped (' + reasons.map(function (r) { return r + ' ' + skipped[r]; }).join(', ') + ')');
    }
    return (report.simulated ? 'simulated: ' : '') + (parts.length ? parts.join(', ') : 'nothing');
  }

  /**
   * How a source looks: a warning (something to say, nothing failing: e.g. globs that leave files out by case) in
   * amber, errors in red, a scan in progress or waiting in amber, all well in green.
   */
  function sourceLevel(s) {
    if (s.state === 'warning') { return 'warn'; }
    if ((s.errors || []).length || s.state === 'error') { return 'bad'; }
    return s.state === 'ok' || s.state === 'watching' || s.state === 'idle' ? 'ok' : 'warn';
  }

  /**
   * What the source holds now, whatever the last scan saw: a large import's progress (its waiting files go down
   * scan by scan) and what it brought in, which the next scan's "found" no longer says.
   */
  function sourceTotals(t) {
    if (!t) { return ''; }
    var skipped = Object.keys(t.skipped || {}).reduce(function (sum, r) { return sum + t.skipped[r]; }, 0);
    var parts = [(t.imported || 0) + ' taken'];
    if (t.pending) { parts.push(t.pending + ' waiting'); }
    if (t.failed) { parts.push(t.failed + ' failed'); }
    if (skipped) { parts.push(skipped + ' skipped'); }
    return 'in all: ' + parts.join(', ');
  }

  /** A source in error whose last scan found nothing: it could not look (its folder is missing), it did not find 0. */
  function failedScan(s) {
    return s.state === 'error' && scanFound(s.lastScan) === 'nothing';
  }

  function sources() {
    return Pages.getJson('/api/v1/ops/sources').then(function (list) {
      state.sources = list;
      if (!list.length) { Pages.fill('sources', Pages.message('empty', 'No folder sources.')); return; }
      Pages.fill('sources', optional(Pages.table(['source', 'state', 'last scan', 'last scan found', 'errors'], list.map(function (s) {
        var bad = (s.errors || []).length > 0;
        var warned = sourceLevel(s) === 'warn';
        return [el('span', {}, [el('b', { text: s.id }), el('div', { 'class': 'note' }, [Pages.path(s.path)])]),
          level(sourceLevel(s), (s.state || '?') + (s.scanning ? ' (scanning)' : '')),
          s.lastScanAt ? el('span', {}, [Pages.when(s.lastScanAt),
            el('div', { 'class': 'note', text: s.lastScanMillis !== null && !failedScan(s) ? s.lastScanMillis + ' ms' : '' })])
            : 'never',
          el('span', { 'class': 'note' }, [document.createTextNode(failedScan(s) ? '–' : scanFound(s.lastScan)),
            el('div', { 'class': 'source-totals', text: sourceTotals(s.totals) })]),
          bad ? el('ul', { 'class': 'checks' }, s.errors.map(function (e) {
            return el('li', { 'class': warned ? 'warning' : 'error', text: e });
          }))
            : level('ok', 'none')];
      })), [3]));
    }).catch(function (e) { state.sources = null; failed('sources', e); });
  }

  // --- Frames, ledger, failures ---------------------------------------------------------------------------------

  function frames() {
    return Promise.all([Pages.getJson('/api/v1/ops/frames'), Pages.getJson('/api/v1/ops/display')]).then(function (both) {
      var f = both[0];
      state.frames = f;
      state.display = both[1];
      document.getElementById('frames-count').textContent = '(' + f.total + ')';
      var names = Object.keys(f.byFrame || {});
      var parts = [el('div', { 'class': 'numbers' }, names.map(function (name) {
        return Pages.number(name === '/api/events' ? 'img-board frames (/api/events)' : 'frame ' + name, f.byFrame[name]);
      }).concat([Pages.number('photos in playlist', both[1].photos),
        Pages.number('catalog', both[1].catalogLoaded ? 'loaded' : 'loading')]))];
      if (!names.length) { parts.unshift(Pages.message('empty', 'No frame is connected.')); }
      Pages.fill('frames', el('div', {}, parts));
    }).catch(function (e) { failed('frames', e); });
  }

  function stats() {
    return Pages.getJson('/api/v1/ops/stats').then(function (s) {
      Pages.fill('stats', el('div', {}, [el('div', { 'class': 'numbers' }, [
        Pages.number('photos', s.photos), Pages.number('on the frames', s.shown), Pages.number('pending', s.pending),
        Pages.number('failed', s.failed), Pages.number('hidden', s.hidden), Pages.number('retired', s.retired),
        Pages.number('deleted', s.deleted), Pages.number('twins', s.twins), Pages.number('origins', s.origins),
        Pages.number('duplicates', s.duplicates)
      ]), Pages.message('note', 'Each photo counts once among on the frames, pending, failed, hidden, retired and'
        + ' deleted (a hidden photo still pending or failed counts in both). Twins are other files of a photo\'s'
        + ' shot, part of it; origins are the files and uploads photos came from, duplicates the origins past'
        + ' each photo\'s first.')]));
    }).catch(function (e) { failed('stats', e); });
  }

  function failures() {
    return Pages.getJson('/api/v1/admin/failures').then(function (list) {
      document.getElementById('failures-count').textContent = '(' + list.length + ')';
      Pages.fill('failures', Pages.failuresTable(list));
    }).catch(function (e) {
      document.getElementById('failures-count').textContent = '';
      failed('failures', e);
    });
  }

  function skipped() {
    return Pages.getJson('/api/v1/ops/skipped').then(function (body) {
      var files = body.files || [];
      document.getElementById('skipped-count').textContent = '(' + body.total + ')';
      if (!files.length) { Pages.fill('skipped', Pages.message('empty', 'No skipped files.')); return; }
      var more = body.total > files.length ? [Pages.message('note', 'The newest ' + files.length + ' of ' + body.total + '.')] : [];
      Pages.fill('skipped', el('div', {}, [optional(Pages.table(['file', 'source', 'reason', 'size', 'at'], files.map(function (f) {
        return [el('span', {}, [el('b', { text: f.name || f.path }), el('div', { 'class': 'note mono', text: f.path })]),
          f.sourceId, f.reason, bytes(f.size), Pages.when(f.skippedAt)];
      })), [1, 3])].concat(more)));
    }).catch(function (e) {
      document.getElementById('skipped-count').textContent = '';
      failed('skipped', e);
    });
  }

  function bytes(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' B';
  }

  function rejections() {
    return Pages.getJson('/api/v1/admin/rejections').then(function (body) {
      document.getElementById('rejections-count').textContent = body.configured ? '(' + (body.rejections || []).length + ')' : '';
      Pages.fill('rejections', Pages.rejectionsTable(body));
    }).catch(function (e) {
      document.getElementById('rejections-count').textContent = '';
      failed('rejections', e);
    });
  }

  // --- At a glance ------------------------------------------------------------------------------------------------

  function tile(label, value, cls) {
    var node = Pages.number(label, value);
    node.className += ' ' + cls;
    return node;
  }

  function overview() {
    var tiles = [];
    if (state.health) {
      var up = state.health.services.filter(function (s) { return s.status === 'UP'; }).length;
      var all = state.health.services.length;
      tiles.push(tile('services up', up + ' / ' + all, up === all ? 'ok' : 'bad'));
    }
    if (state.lag) {
      var total = 0;
      var known = 0;
      state.lag.groups.forEach(function (g) { if (g.lag !== null && g.lag !== undefined) { total += g.lag; known++; } });
      tiles.push(tile('consumer lag (records)', known ? total : '?', state.lag.error ? 'bad' : total === 0 ? 'ok' : total > 100 ? 'bad' : 'warn'));
    }
    if (state.deadLetters) {
      var waiting = state.deadLetters.filter(function (d) { return !d.replayedAt; }).length;
      tiles.push(tile('dead letters waiting', waiting, waiting ? 'bad' : 'ok'));
    }
    if (state.sources) {
      var broken = state.sources.filter(function (s) { return sourceLevel(s) === 'bad'; }).length;
      var warned = state.sources.filter(function (s) { return s.state === 'warning'; }).length;
      tiles.push(tile(warned ? 'sources with errors or warnings' : 'sources with errors',
        (broken + warned) + ' / ' + state.sources.length, broken ? 'bad' : warned ? 'warn' : 'ok'));
    }
    if (state.frames) { tiles.push(tile('frames connected', state.frames.total, 'plain')); }
    if (state.throughput) {
      var t = state.throughput;
      // named as in Throughput; attempts, not photos: a retry or a reprocess counts again (the photos failed now are
      // in the ledger's numbers)
      tiles.push(tile(t.stages[2] + ' (' + hourLabel(t) + ')', fmt(t.lastHour[2]), 'plain'));
      tiles.push(tile('failed attempts (' + hourLabel(t) + ')', fmt(t.lastHour[3]), t.lastHour[3] ? 'warn' : 'ok'));
    }
    Pages.fill('overview', tiles.length ? el('div', { 'class': 'numbers glance' }, tiles) : Pages.message('empty', 'Loading…'));
  }

  function refresh() {
    Promise.all([services(), lag(), deadLetters(), sources(), frames(), stats(), failures(), rejections(), skipped(), throughput()])
      .then(overview).then(Pages.stamp);
  }

  /** For tests and curious operators: what the plot holds. */
  window.imgboardOps = function () {
    var data = plot ? plot.data : [[]];
    var nonZero = 0;
    for (var i = 1; i < data.length; i++) {
      data[i].forEach(function (v) { if (v) { nonZero++; } });
    }
    return { points: data[0].length, series: data.length - 1, nonZero: nonZero,
      canvas: !!document.querySelector('#plot canvas'),
      first: data[0][0] || null, last: data[0][data[0].length - 1] || null };
  };

  document.getElementById('range-recent').addEventListener('click', function () { setRange('recent'); });
  document.getElementById('range-hour').addEventListener('click', function () { setRange('hour'); });
  window.addEventListener('resize', function () {
    var box = document.getElementById('plot');
    if (plot && box.clientWidth) { plot.setSize({ width: Math.max(260, box.clientWidth), height: plot.height }); }
  });

  refresh();
  setInterval(refresh, 10000);
  // The plot moves on its own clock: one point per read of the services' metrics.
  (function tick() {
    var seconds = state.throughput ? Math.max(2, state.throughput.intervalSeconds) : 5;
    setTimeout(function () { throughput().then(function () { if (state.throughput) { overview(); } }).then(tick); }, seconds * 1000);
  }());
}());
