/* /admin: the playlist as thumbnails, failed photos (ledger) and rejected uploads (ingest). Read-only. */
(function () {
  'use strict';
  var el = Pages.el;
  var GRID_LIMIT = 1000;
  var shownIds = null;
  var counts = { photos: null, clients: null, failures: null, rejections: null };

  function summary() {
    Pages.fill('summary', el('div', { 'class': 'numbers' }, [
      Pages.number('photos in playlist', counts.photos),
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
          'Not configured: set IMGBOARD_UPLOAD_TOKEN (imgboard.upload.token) on the display to see them.'));
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

  function refresh() {
    Promise.all([playlist(), display(), failures(), rejections()]).then(function () {
      summary();
      Pages.stamp();
    });
  }

  refresh();
  setInterval(refresh, 30000);
}());
