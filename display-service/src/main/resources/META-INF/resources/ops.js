/* /ops: each service's health, the ledger's counters, this display, failed photos. Read-only. */
(function () {
  'use strict';
  var el = Pages.el;

  function checkData(data) {
    var keys = Object.keys(data || {});
    if (!keys.length) { return null; }
    return el('span', { 'class': 'data', text: ' — ' + keys.map(function (k) {
      var v = data[k];
      return k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v);
    }).join(', ') });
  }

  function services() {
    return Pages.getJson('/api/v1/ops/health').then(function (body) {
      Pages.fill('services', Pages.table(['service', 'status', 'checks', 'url'], body.services.map(function (s) {
        var checks = s.error
          ? el('span', { 'class': 'error', text: s.error })
          : el('ul', { 'class': 'checks' }, s.checks.map(function (c) {
            return el('li', {}, [el('span', { 'class': 'status ' + c.status, text: c.status }), ' ' + c.name,
              checkData(c.data)]);
          }));
        return [s.name, el('span', { 'class': 'status ' + s.status, text: s.status }), checks,
          el('span', { 'class': 'mono', text: s.url })];
      })));
    }).catch(function (e) {
      Pages.fill('services', Pages.message('error', e.message));
    });
  }

  function stats() {
    return Pages.getJson('/api/v1/ops/stats').then(function (s) {
      Pages.fill('stats', el('div', { 'class': 'numbers' }, [
        Pages.number('photos', s.photos), Pages.number('ready', s.ready), Pages.number('pending', s.pending),
        Pages.number('failed', s.failed), Pages.number('origins', s.origins), Pages.number('duplicates', s.duplicates)
      ]));
    }).catch(function (e) {
      Pages.fill('stats', Pages.message('error', e.message));
    });
  }

  function display() {
    return Pages.getJson('/api/v1/ops/display').then(function (d) {
      Pages.fill('display', el('div', { 'class': 'numbers' }, [
        Pages.number('photos in playlist', d.photos), Pages.number('open frame streams', d.clients),
        Pages.number('catalog', d.catalogLoaded ? 'loaded' : 'loading')
      ]));
    }).catch(function (e) {
      Pages.fill('display', Pages.message('error', e.message));
    });
  }

  function failures() {
    return Pages.getJson('/api/v1/admin/failures').then(function (list) {
      document.getElementById('failures-count').textContent = '(' + list.length + ')';
      Pages.fill('failures', Pages.failuresTable(list));
    }).catch(function (e) {
      document.getElementById('failures-count').textContent = '';
      Pages.fill('failures', Pages.message('error', e.message));
    });
  }

  function refresh() {
    Promise.all([services(), stats(), display(), failures()]).then(Pages.stamp);
  }

  refresh();
  setInterval(refresh, 10000);
}());
