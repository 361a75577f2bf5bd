/* Small helpers shared by /admin and /ops. Everything from the server goes in as text, never as HTML. */
var Pages = (function () {
  'use strict';
  // The admin and ops APIs want "Authorization: Bearer <admin token>"; the page asks for it once
  // (on the first 401) and keeps it in this browser.
  var TOKEN_KEY = 'imgboard.adminToken';

  // Bidi controls and invisible format characters from a name are shown as what they are: a right-to-left
  // override turns "report<U+202E>gpj.txt" into "reporttxt.jpg" on screen, so one file could pass for another.
  // The rule PagesResource.escape applies on the server (a browser test holds the two together): control characters
  // but tab and line breaks, and format characters but the zero-width joiner and non-joiner (emoji, Indic scripts).
  var INVISIBLE = /(?![\u200C\u200D])[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

  function shown(text) {
    return String(text).replace(INVISIBLE, function (c) {
      var hex = c.codePointAt(0).toString(16).toUpperCase();
      return '\u27e8U+' + ('000' + hex).slice(-Math.max(4, hex.length)) + '\u27e9';
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = shown(attrs[name]); } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(shown(child)) : child);
      }
    });
    return node;
  }

  /**
   * A folder's path that breaks across lines only after a '/' (a <wbr> after each), never in a folder's name
   * (not at its hyphens either): a narrow column shows /volume1/ summer-holidays/ on two lines, not
   * /volu me1/summer- holidays. A name wider than its column widens it: the tables scroll in their box.
   */
  function path(text) {
    var node = el('span', { 'class': 'mono path' });
    String(text).split('/').forEach(function (part, i, parts) {
      var last = i === parts.length - 1;
      node.appendChild(el('span', { text: part + (last ? '' : '/') }));
      if (!last) { node.appendChild(document.createElement('wbr')); }
    });
    return node;
  }

  function storedToken() {
    try { return window.localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  /** A small form above the page's sections; saving keeps the token and reloads the page. */
  function askForToken(refused) {
    if (document.getElementById('token-form')) { return; }
    var input = el('input', { id: 'admin-token', type: 'password', autocomplete: 'current-password',
      placeholder: 'admin token' });
    var form = el('form', { id: 'token-form', 'class': 'token' }, [
      el('label', { 'for': 'admin-token', text: 'Admin token' }), input,
      el('button', { type: 'submit', text: 'Save' }),
      refused ? el('span', { 'class': 'error', text: 'The saved token was refused.' }) : null
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var token = input.value.trim();
      if (!token) { return; }
      try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: this visit only */ }
      window.location.reload();
    });
    var main = document.querySelector('main');
    main.insertBefore(el('section', {}, [
      el('h2', { text: 'Sign in' }),
      message('note', 'The admin and ops pages need the display\'s admin token (IMGBOARD_ADMIN_TOKEN). '
        + 'It is kept in this browser.'),
      form
    ]), main.firstChild);
    input.focus();
  }

  /**
   * While a token is kept, the header offers to forget it: a family computer or a wall tablet used once for
   * the admin page must not stay signed in for good. The page then asks for the token again.
   */
  function offerSignOut() {
    var header = document.querySelector('header');
    if (!header || !storedToken() || document.getElementById('sign-out')) { return; }
    var button = el('button', { id: 'sign-out', type: 'button', 'class': 'secondary', text: 'Sign out' });
    button.addEventListener('click', function () {
      try { window.localStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing was kept */ }
      window.location.reload();
    });
    header.appendChild(button);
  }
  offerSignOut();

  /** Resolves to the parsed body; rejects with the server's {"error"} text when there is one. */
  function getJson(url) {
    var headers = { Accept: 'application/json' };
    var token = storedToken();
    if (token) { headers.Authorization = 'Bearer ' + token; }
    return fetch(url, { headers: headers, cache: 'no-store' }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (response.status === 401 || response.status === 403) { askForToken(!!token); }
        if (!response.ok) {
          throw new Error(body && body.error ? body.error : 'HTTP ' + response.status + ' from ' + url);
        }
        return body;
      });
    });
  }

  /** A JSON request (PUT/POST); resolves to the parsed body, rejects with the server's {"error"} text. */
  function send(method, url, body) {
    var headers = { Accept: 'application/json' };
    var token = storedToken();
    if (token) { headers.Authorization = 'Bearer ' + token; }
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, { method: method, headers: headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) }).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        if (response.status === 401 || response.status === 403) { askForToken(!!token); }
        if (!response.ok) {
          var error = new Error(parsed && parsed.error ? parsed.error : 'HTTP ' + response.status + ' from ' + url);
          error.status = response.status;
          throw error;
        }
        return parsed;
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
        el('span', { 'class': 'file-name', text: (f.names || []).join(', ') }), f.reason,
        f.permanent ? 'permanent' : 'retryable', when(f.failedAt)];
    }));
  }

  /** Uploads ingest refused (GET /api/v1/admin/rejections), newest first: the admin page and the ops page show them alike. */
  function rejectionsTable(body) {
    if (!body.configured) {
      return message('note', 'Not configured: set IMGBOARD_ADMIN_TOKEN on the display (and ingest) to see them.');
    }
    var list = body.rejections || [];
    if (!list.length) { return message('empty', 'No refused uploads.'); }
    return table(['file', 'reason', 'status', 'at'], list.map(function (r) {
      return [el('span', { 'class': 'file-name', text: r.name }), r.reason, r.status, when(r.at)];
    }));
  }

  return { shown: shown, el: el, path: path, getJson: getJson, send: send, token: storedToken, table: table, fill: fill, message: message, when: when,
    number: number, stamp: stamp, failuresTable: failuresTable, rejectionsTable: rejectionsTable };
}());
