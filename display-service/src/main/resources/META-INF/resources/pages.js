/* Small helpers shared by /admin and /ops. Everything from the server goes in as text, never as HTML. */
var Pages = (function () {
  'use strict';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  /** Resolves to the parsed body; rejects with the server's {"error"} text when there is one. */
  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!response.ok) {
          throw new Error(body && body.error ? body.error : 'HTTP ' + response.status + ' from ' + url);
        }
        return body;
      });
    });
  }

  function table(headers, rows) {
    return el('table', {}, [
      el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, rows.map(function (cells) {
        return el('tr', {}, cells.map(function (cell) {
          return cell instanceof Node ? el('td', {}, [cell]) : el('td', { text: cell === null || cell === undefined ? '' : String(cell) });
        }));
      }))
    ]);
  }

  function fill(id, node) {
    var target = document.getElementById(id);
    target.textContent = '';
    target.appendChild(node);
  }

  function message(cls, text) {
    return el('p', { 'class': cls, text: text });
  }

  function when(iso) {
    if (!iso) { return ''; }
    var date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleString();
  }

  function number(label, value) {
    return el('div', { 'class': 'number' }, [el('b', { text: value === null || value === undefined ? '–' : String(value) }),
      el('span', { text: label })]);
  }

  function stamp() {
    var node = document.getElementById('updated');
    if (node) { node.textContent = 'updated ' + new Date().toLocaleTimeString(); }
  }

  function failuresTable(failures) {
    if (!failures.length) { return message('empty', 'No failures.'); }
    return table(['photo', 'names', 'reason', 'kind', 'failed at'], failures.map(function (f) {
      return [el('span', { 'class': 'mono', title: (f.photoId || '') + '\n' + (f.sha256 || ''),
        text: (f.photoId || (f.sha256 || '').slice(0, 12) || '?') }),
        (f.names || []).join(', '), f.reason, f.permanent ? 'permanent' : 'retryable', when(f.failedAt)];
    }));
  }

  return { el: el, getJson: getJson, table: table, fill: fill, message: message, when: when,
    number: number, stamp: stamp, failuresTable: failuresTable };
}());
