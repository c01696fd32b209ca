// InfraKit dashboard: plain JavaScript, no build step, no library. Everything it shows comes from the replica's
// JSON API and its server-sent event stream (api/stream), which an etcd watch feeds. Data is put into the page as
// text (never as HTML), and statuses are drawn field by field, so a state or field added later shows as it is.
'use strict';

const state = {
  groups: new Map(),      // ID -> row (Spec, Status, Pause, Free)
  states: new Map(),      // state name -> {Converged, Problem}
  replicas: null,
  access: {},
  connection: {},
  revision: 0,
  group: null,            // the open group's page document
  instances: null,
  events: [],
  route: { page: 'list' },
  sort: { key: 'id', dir: 'asc' },
  filter: '',
  only: '',
  editing: false,
  diff: { from: null, to: 'current' },
  user: null,
};

const TOKEN_KEY = 'infrakit.dashboard.token';
let source = null;
let instancesTimer = null;
let instancesAt = 0;

// ---- small helpers -------------------------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);

function replace(id, node) {
  const old = $(id);
  if (old) { node.id = id; old.replaceWith(node); }
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (isNaN(s)) return iso;
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

function time(iso) {
  return iso ? h('span', { title: iso }, ago(iso)) : '';
}

function short(sha) {
  return sha ? String(sha).slice(0, 10) : '';
}

function toast(text, bad) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : '') }, text);
  $('toasts').append(t);
  setTimeout(() => t.remove(), bad ? 9000 : 5000);
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// ---- what a group's row says ---------------------------------------------------------------------------------------

function stateOf(row) {
  if (row.Status && row.Status.State) return String(row.Status.State);
  if (row.Spec && row.Spec.Error) return 'invalid';
  return 'pending';
}

function kindOf(name) {
  const s = state.states.get(name);
  if (name === 'invalid') return 'problem';
  if (!s) return 'busy';
  return s.Problem ? 'problem' : s.Converged ? 'ok' : 'busy';
}

function badge(name) {
  return h('span', { class: 'state', dataset: { state: name, kind: kindOf(name) } }, name);
}

function updating(row) {
  const u = row.Status && row.Status.Update;
  return u && u.State && u.State !== 'done' ? u : null;
}

function errorOf(row) {
  if (row.Status && row.Status.Error) return row.Status.Error.Message;
  return row.Spec && row.Spec.Error ? row.Spec.Error : '';
}

function desired(row) {
  if (row.Status && row.Status.Desired !== undefined) return row.Status.Desired;
  return row.Spec && row.Spec.Desired !== undefined ? row.Spec.Desired : '';
}

function progress(u) {
  return h('span', { class: 'update-line' },
    h('progress', { max: Math.max(1, u.Total || 0), value: u.Done || 0 }),
    `${u.Done || 0}/${u.Total || 0}`, h('span', { class: 'muted' }, u.State + (u.Batch ? `, batch ${u.Batch}` : '')));
}

// ---- the list ------------------------------------------------------------------------------------------------------

const COLUMNS = [
  { key: 'id', title: 'ID', value: (r) => r.ID },
  { key: 'state', title: 'State', value: (r) => stateOf(r) },
  { key: 'instances', title: 'Instances', value: (r) => (r.Status ? r.Status.Observed : -1) },
  { key: 'update', title: 'Update', value: (r) => { const u = updating(r); return u ? u.Done / Math.max(1, u.Total) : -1; } },
  { key: 'error', title: 'Last error', value: (r) => errorOf(r) },
  { key: 'owner', title: 'Sync owner', value: (r) => (r.Spec && r.Spec.Owner) || '' },
  { key: 'revision', title: 'Revision', value: (r) => (r.Spec ? r.Spec.Revision : 0) },
];

function matches(row) {
  const only = state.only;
  if (only === 'problems' && kindOf(stateOf(row)) !== 'problem') return false;
  if (only === 'updating' && !updating(row)) return false;
  if (only === 'paused' && !row.Pause) return false;
  if (only && !['problems', 'updating', 'paused'].includes(only) && stateOf(row) !== only) return false;
  const f = state.filter.trim().toLowerCase();
  if (!f) return true;
  return [row.ID, stateOf(row), errorOf(row), row.Spec && row.Spec.Owner].some((v) => v && String(v).toLowerCase().includes(f));
}

function sortedRows() {
  const col = COLUMNS.find((c) => c.key === state.sort.key) || COLUMNS[0];
  const dir = state.sort.dir === 'asc' ? 1 : -1;
  return [...state.groups.values()].filter(matches).sort((a, b) => {
    const x = col.value(a), y = col.value(b);
    if (x < y) return -dir;
    if (x > y) return dir;
    return a.ID < b.ID ? -1 : 1;
  });
}

function renderList() {
  const main = $('main');
  if (!$('groups')) {
    main.replaceChildren(
      h('div', { id: 'counts', class: 'counts' }),
      h('div', { class: 'toolbar' },
        h('input', { id: 'filter', type: 'search', placeholder: 'Filter by ID, state, error or sync owner', value: state.filter,
          oninput: (e) => { state.filter = e.target.value; renderRows(); } }),
        h('select', { id: 'only', onchange: (e) => { state.only = e.target.value; renderRows(); renderCounts(); } }),
        h('span', { class: 'spacer' }),
        h('button', { id: 'new-group', onclick: () => { location.hash = '#/new'; } }, 'New group…')),
      h('table', { id: 'groups' },
        h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { 'data-sort': c.key,
          onclick: () => { state.sort = { key: c.key, dir: state.sort.key === c.key && state.sort.dir === 'asc' ? 'desc' : 'asc' }; renderRows(); } }, c.title)))),
        h('tbody', { id: 'rows' })),
      h('section', { class: 'card', id: 'replicas-card' }, h('h2', {}, 'Replicas'), h('div', { id: 'replicas' })));
  }
  renderCounts();
  renderRows();
  renderReplicas();
}

function renderCounts() {
  const rows = [...state.groups.values()];
  const byState = new Map();
  for (const r of rows) byState.set(stateOf(r), (byState.get(stateOf(r)) || 0) + 1);
  const chips = [['', 'groups', rows.length]];
  const names = [...new Set([...state.states.keys(), ...byState.keys()])];
  for (const n of names) if (byState.get(n)) chips.push([n, n, byState.get(n)]);
  const up = rows.filter(updating).length;
  if (up) chips.push(['updating', 'updating', up]);
  const paused = rows.filter((r) => r.Pause).length;
  if (paused) chips.push(['paused', 'paused', paused]);
  const problems = rows.filter((r) => kindOf(stateOf(r)) === 'problem').length;
  chips.push(['problems', 'need attention', problems]);
  replace('counts', h('div', { class: 'counts' }, chips.map(([key, label, n]) =>
    h('div', { class: 'count', dataset: { count: key || 'all', active: String(state.only === key) },
      onclick: () => { state.only = key; renderCounts(); renderRows(); } }, h('b', {}, n), label))));
  const select = $('only');
  if (select) {
    select.replaceChildren(h('option', { value: '' }, 'all states'),
      ...chips.slice(1).map(([key, label]) => h('option', { value: key, selected: state.only === key }, label)));
  }
}

function renderRows() {
  document.querySelectorAll('#groups th').forEach((th) => {
    th.dataset.dir = th.dataset.sort === state.sort.key ? state.sort.dir : '';
  });
  const rows = sortedRows();
  const body = h('tbody', {}, rows.map((r) => {
    const u = updating(r);
    const st = stateOf(r);
    return h('tr', { dataset: { group: r.ID, state: st }, onclick: () => { location.hash = '#/groups/' + encodeURIComponent(r.ID); } },
      h('td', {}, h('a', { href: '#/groups/' + encodeURIComponent(r.ID) }, r.ID)),
      h('td', {}, badge(st), r.Pause ? h('span', { class: 'badge', title: r.Pause.Reason }, 'paused') : null,
        r.Status && r.Spec && r.Status.SpecRevision < r.Spec.Revision ? h('span', { class: 'badge', title: 'the operator has not acted on the newest spec yet' }, 'new spec') : null),
      h('td', { class: 'instances' }, r.Status ? `${r.Status.Observed}/${desired(r)}` : `–/${desired(r)}`,
        r.Status && r.Status.OutOfDate ? h('span', { class: 'badge' }, `${r.Status.OutOfDate} out of date`) : null),
      h('td', {}, u ? progress(u) : ''),
      h('td', { class: 'error', title: errorOf(r) }, errorOf(r)),
      h('td', {}, (r.Spec && r.Spec.Owner) || ''),
      h('td', { class: 'mono' }, r.Spec ? r.Spec.Revision : ''));
  }));
  replace('rows', body);
  if (!rows.length) {
    body.append(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' },
      state.groups.size ? 'No group matches.' : 'No groups yet: write a spec with etcdctl put, infrakit group commit, or New group….')));
  }
}

function renderReplicas() {
  const doc = state.replicas;
  const served = doc && doc.Replicas ? doc.Replicas.find((r) => r.Self) : null;
  $('served-by').textContent = doc ? `served by ${doc.Self}` + (served ? ` (${served.Role})` : '') : '';
  if (!$('replicas') || !doc) return;
  const list = doc.Replicas || [];
  replace('replicas', h('div', {}, list.length ? h('table', { id: 'replica-table' },
    h('thead', {}, h('tr', {}, ['Role', 'ID', 'Host', 'Version', 'Since', 'Lease left', 'Warnings'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map((r) => {
      const i = r.Identity || {};
      const lease = r.LeaseError ? h('span', { class: 'badge bad' }, r.LeaseError)
        : h('span', { class: 'lease' }, h('progress', { max: r.LeaseGranted, value: r.LeaseRemaining }), `${r.LeaseRemaining}s of ${r.LeaseGranted}s`);
      return h('tr', { dataset: { replica: i.ID || '', role: r.Role } },
        h('td', {}, h('span', { class: 'state', dataset: { kind: r.Role === 'leader' ? 'ok' : 'idle' } }, r.Role)),
        h('td', {}, i.ID || '', r.Self ? h('span', { class: 'badge' }, 'this page') : null),
        h('td', {}, [i.Host, i.PID].filter(Boolean).join(' pid ')),
        h('td', { class: 'mono' }, i.Version || ''),
        h('td', {}, time(i.Since)),
        h('td', {}, lease),
        h('td', {}, (i.Warnings || []).join('; ')));
    }))) : h('p', { class: 'muted' }, 'No replica is campaigning.')));
}

// ---- a group's page ------------------------------------------------------------------------------------------------

const SHOWN = new Set(['ID', 'Desired', 'Observed', 'Converged', 'State', 'OutOfDate', 'ConfigSHA', 'SpecRevision',
  'InstancePlugin', 'Update', 'Error']);

function renderGroup() {
  const id = state.route.id;
  const g = state.group;
  const main = $('main');
  if (!$('g-title') || main.dataset.group !== id) {
    main.dataset.group = id;
    state.editing = false;
    state.diff = { from: null, to: 'current' };
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/' }, '← All groups')),
      h('h1', { id: 'g-title' }, id),
      h('div', { id: 'g-actions', class: 'actions' }),
      h('div', { id: 'g-error' }),
      h('div', { class: 'cols' },
        h('section', { class: 'card' }, h('h2', {}, 'Status'), h('div', { id: 'g-summary' })),
        h('section', { class: 'card' }, h('h2', {}, 'Rolling update'), h('div', { id: 'g-update' }))),
      h('section', { class: 'card' }, h('h2', {}, 'Instances'), h('div', { id: 'g-instances' }, h('p', { class: 'muted' }, 'Asking the instance plugin…'))),
      h('div', { class: 'cols' },
        h('section', { class: 'card' }, h('h2', {}, 'Spec'), h('div', { id: 'g-spec' })),
        h('section', { class: 'card' }, h('h2', {}, 'History'), h('div', { id: 'g-history' }), h('div', { id: 'g-diff' }))),
      h('section', { class: 'card' }, h('h2', {}, 'Events'), h('div', { id: 'g-events' })));
    renderEvents();
  }
  if (!g) return;
  if (g.Gone) {
    replace('g-title', h('h1', {}, id, badge('gone')));
    replace('g-summary', h('p', { class: 'muted' }, 'This group has neither a spec nor a status any more.'));
    return;
  }
  const st = stateOf(g);
  replace('g-title', h('h1', {}, id, badge(st), g.Pause ? h('span', { class: 'badge', title: g.Pause.Reason }, 'update paused') : null));
  renderGroupActions(g);
  const err = errorOf(g);
  replace('g-error', h('div', {}, err ? h('div', { class: 'error-box', id: 'g-error-text' },
    err, g.Status && g.Status.Error && g.Status.Error.Since ? h('span', { class: 'muted' }, ' (since ', time(g.Status.Error.Since), ')') : null) : null));
  const s = g.Status || {};
  const facts = [
    ['State', badge(st)],
    ['Instances', g.Status ? `${s.Observed} of ${desired(g)}` : `– of ${desired(g)}`],
    ['Out of date', s.OutOfDate || 0],
    ['Config', h('span', { class: 'mono', title: s.ConfigSHA || '' }, short(s.ConfigSHA || (g.Spec && g.Spec.ConfigSHA)))],
    ['Instance plugin', s.InstancePlugin || ''],
    ['Spec revision', g.Spec ? `${g.Spec.Revision}` + (g.Status && s.SpecRevision !== g.Spec.Revision ? ` (status is of ${s.SpecRevision})` : '') : 'deleted'],
    ['Sync owner', g.Spec && g.Spec.Owner ? `${g.Spec.Owner}${g.Spec.OwnerPath ? ' (' + g.Spec.OwnerPath + ')' : ''}` : 'none (written by hand)'],
  ];
  if (g.Pause) facts.push(['Paused', `${g.Pause.Reason || 'paused'} by ${g.Pause.By || 'user'}`, g.Pause.Since ? [' ', time(g.Pause.Since)] : '']);
  if (g.Free) facts.push(['Free', 'released from management', g.Free.Since ? [' ', time(g.Free.Since)] : '']);
  // Whatever else the status says (fields this page does not know yet): shown as they are.
  for (const [k, v] of Object.entries(s)) {
    if (!SHOWN.has(k)) facts.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  }
  replace('g-summary', h('dl', { class: 'grid' }, facts.map(([k, ...v]) => [h('dt', {}, k), h('dd', { dataset: { fact: k } }, ...v)])));
  const u = s.Update;
  replace('g-update', h('div', {}, u ? h('dl', { class: 'grid' },
    h('dt', {}, 'Progress'), h('dd', { id: 'g-progress' }, progress(u)),
    h('dt', {}, 'Target config'), h('dd', { class: 'mono' }, short(u.TargetSHA)),
    h('dt', {}, 'Batch started'), h('dd', {}, time(u.BatchStarted)),
    u.Reason ? [h('dt', {}, 'Reason'), h('dd', {}, u.Reason)] : null)
    : h('p', { class: 'muted' }, 'No rolling update yet: one starts when the Instance or Flavor part of the spec changes.')));
  if (!state.editing) renderSpec(g);
  renderHistory(g);
  scheduleInstances(false);
}

function actionButton(label, name, enabled, why, cls) {
  return h('button', { class: cls, dataset: { action: name }, disabled: !enabled, title: enabled ? '' : why,
    onclick: () => act(name) }, label);
}

function renderGroupActions(g) {
  const a = state.access;
  const can = a.Actions && state.user;
  const why = !a.Actions ? a.Reason : 'unlock actions with the dashboard token first';
  const has = !!g.Spec;
  replace('g-actions', h('div', { class: 'actions' },
    actionButton('Pause update', 'pause', can && has && !g.Pause, g.Pause ? 'already paused' : why),
    actionButton('Resume update', 'resume', can && has && !!g.Pause, !g.Pause ? 'not paused' : why),
    actionButton('Roll back', 'rollback', can && has, why),
    actionButton('Free', 'free', can && has && !g.Free, why),
    actionButton('Destroy…', 'destroy', can && has, why, 'danger'),
    h('span', { class: 'spacer' }),
    h('button', { dataset: { action: 'edit' }, disabled: !can || !has, title: can ? '' : why,
      onclick: () => { state.editing = true; renderEditor(g.Spec.Value, g.Spec.Revision); } }, 'Edit spec')));
}

function renderSpec(g) {
  replace('g-spec', h('div', {}, g.Spec ? h('pre', { id: 'g-spec-value' }, g.Spec.Value)
    : h('p', { class: 'muted' }, 'The spec is deleted: the instances are being destroyed.')));
}

function renderEditor(text, basedOn, isNew) {
  const area = h('textarea', { id: 'spec-editor', spellcheck: 'false' });
  area.value = text;
  const result = h('div', { id: 'commit-result' });
  const send = async (pretend) => {
    const out = await post('api/commit', { Spec: area.value, Pretend: pretend, BasedOn: basedOn });
    result.replaceChildren();
    if (!out) return;
    if (out.error) { result.append(h('div', { class: 'error-box' }, out.error)); return; }
    result.append(h('div', { class: pretend ? 'warn-box' : 'muted' }, out.Message));
    if (out.Warning) result.append(h('div', { class: 'warn-box' }, out.Warning));
    if (out.Diff && out.Diff.length) result.append(h('ul', { class: 'diff' }, out.Diff.map((l) => h('li', { dataset: { op: l[0] === '+' ? 'add' : l[0] === '-' ? 'remove' : 'change' } }, l))));
    if (!pretend) {
      toast(out.Message);
      state.editing = false;
      if (isNew) location.hash = '#/groups/' + encodeURIComponent(out.ID);
      else if (state.group) renderSpec(state.group);
    }
  };
  const target = isNew ? 'main' : 'g-spec';
  const editor = h('div', {},
    h('p', { class: 'muted' }, 'Checked as infrakit group commit checks it; Preview explains it and writes nothing.'),
    area,
    h('div', { class: 'actions' },
      h('button', { id: 'preview', onclick: () => send(true) }, 'Preview'),
      h('button', { id: 'commit', class: 'primary', onclick: () => send(false) }, 'Commit'),
      h('button', { onclick: () => { state.editing = false; if (isNew) location.hash = '#/'; else if (state.group) renderSpec(state.group); } }, 'Cancel')),
    result);
  if (isNew) $('main').replaceChildren(h('p', {}, h('a', { href: '#/' }, '← All groups')), h('h1', {}, 'New group'), h('section', { class: 'card' }, editor));
  else replace(target, editor);
}

const NEW_SPEC = JSON.stringify({ ID: 'web', Properties: { Allocation: { Size: 3 },
  Instance: { Plugin: 'instance-file', Properties: { Note: 'Instance properties' } },
  Flavor: { Plugin: 'flavor-vanilla', Properties: { Init: ['echo hello'], Tags: { tier: 'web' } } } } }, null, 2);

function renderHistory(g) {
  const entries = (g.History || []).slice().reverse();
  if (!entries.length) {
    replace('g-history', h('div', {}, h('p', { class: 'muted' }, 'No spec recorded yet.')));
    return;
  }
  if (state.diff.from === null && entries.length > 0) state.diff.from = String(entries[entries.length > 1 ? 1 : 0].Revision);
  const extra = [...new Set(entries.flatMap((e) => Object.keys(e)))].filter((k) => !['Revision', 'ConfigSHA'].includes(k));
  const radio = (side, value) => h('input', { type: 'radio', name: 'diff-' + side, value, checked: state.diff[side] === value,
    onchange: () => { state.diff[side] = value; showDiff(); } });
  replace('g-history', h('div', {}, h('table', { id: 'history' },
    h('thead', {}, h('tr', {}, h('th', {}, 'From'), h('th', {}, 'To'), h('th', {}, 'Revision'), h('th', {}, 'Config'), extra.map((k) => h('th', {}, k)))),
    h('tbody', {},
      h('tr', {}, h('td', {}), h('td', {}, radio('to', 'current')), h('td', {}, 'current'), h('td', { class: 'muted' }, 'as stored now'), extra.map(() => h('td', {}))),
      entries.map((e) => h('tr', { dataset: { revision: e.Revision } },
        h('td', {}, radio('from', String(e.Revision))), h('td', {}, radio('to', String(e.Revision))),
        h('td', { class: 'mono' }, e.Revision), h('td', { class: 'mono', title: e.ConfigSHA }, short(e.ConfigSHA)),
        extra.map((k) => h('td', {}, /Time|Since|At$/.test(k) ? time(e[k]) : typeof e[k] === 'object' ? JSON.stringify(e[k]) : String(e[k] ?? '')))))))));
  showDiff();
}

async function showDiff() {
  const g = state.group;
  if (!g || state.diff.from === null) return;
  const q = `api/groups/${encodeURIComponent(g.ID)}/diff?from=${encodeURIComponent(state.diff.from)}&to=${encodeURIComponent(state.diff.to)}`;
  const r = await fetch(q, { cache: 'no-store' });
  const doc = await r.json();
  replace('g-diff', h('div', {}, h('h2', {}, `Diff ${state.diff.from} → ${state.diff.to}`),
    !r.ok ? h('p', { class: 'muted' }, doc.Error)
      : doc.Changes.length ? h('ul', { class: 'diff' }, doc.Changes.map((c) => h('li', { dataset: { op: c.Op } }, c.Line)))
        : h('p', { class: 'muted' }, 'No difference.')));
}

function scheduleInstances(now) {
  if (state.route.page !== 'group') return;
  const wait = now ? 0 : Math.max(0, 500 - (Date.now() - instancesAt));
  clearTimeout(instancesTimer);
  instancesTimer = setTimeout(loadInstances, wait);
}

async function loadInstances() {
  const id = state.route.id;
  instancesAt = Date.now();
  let doc;
  try {
    const r = await fetch(`api/groups/${encodeURIComponent(id)}/instances`, { cache: 'no-store' });
    doc = await r.json();
  } catch (e) {
    doc = { Error: String(e), Instances: [] };
  }
  if (state.route.id !== id) return;
  const list = doc.Instances || [];
  replace('g-instances', h('div', {},
    doc.Error ? h('div', { class: 'error-box' }, doc.Error) : null,
    h('p', { class: 'muted' }, `${list.length} instance${list.length === 1 ? '' : 's'} from ${doc.Plugin || 'no plugin'}; config ${short(doc.ConfigSHA)}`),
    list.length ? h('table', { id: 'instances' },
      h('thead', {}, h('tr', {}, ['ID', 'Logical ID', 'Config', 'Tags'].map((t) => h('th', {}, t)))),
      h('tbody', {}, list.map((i) => h('tr', { class: i.OutOfDate ? 'out-of-date' : '', dataset: { instance: i.ID, outOfDate: String(i.OutOfDate) } },
        h('td', { class: 'mono' }, i.ID),
        h('td', {}, i.LogicalID || '–'),
        h('td', { class: 'mono', title: i.ConfigSHA || '' }, short(i.ConfigSHA), i.OutOfDate ? h('span', { class: 'badge' }, 'out of date') : null),
        h('td', {}, Object.entries(i.Tags || {}).map(([k, v]) => h('span', { class: 'tag' }, `${k}=${v}`))))))) : null));
  clearTimeout(instancesTimer);
  instancesTimer = setTimeout(loadInstances, 5000); // instances change without etcd knowing (a machine died)
}

// ---- actions -------------------------------------------------------------------------------------------------------

async function post(path, body) {
  const t = token();
  if (!t) { unlock(); return null; }
  let r;
  try {
    r = await fetch(path, { method: 'POST', cache: 'no-store', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + t },
      body: JSON.stringify(body) });
  } catch (e) {
    toast('The request failed: ' + e, true);
    return { error: String(e) };
  }
  const out = await r.json().catch(() => ({}));
  if (r.status === 401) { sessionStorage.removeItem(TOKEN_KEY); state.user = null; renderAccess(); }
  if (!r.ok) return { error: out.Error || `HTTP ${r.status}` };
  return out;
}

function act(name) {
  const id = state.route.id;
  if (name === 'destroy') {
    dialog(`Destroy ${id}?`, [
      h('p', {}, 'The spec is deleted and the operator destroys every instance of the group.'),
      h('label', { for: 'confirm-id' }, `Type ${id} to confirm`),
      h('input', { id: 'confirm-id', type: 'text', autocomplete: 'off' })], 'Destroy', async () => {
      const out = await post(`api/groups/${encodeURIComponent(id)}/destroy`, { Confirm: $('confirm-id').value });
      report(out);
    });
    return;
  }
  post(`api/groups/${encodeURIComponent(id)}/${name}`, {}).then(report);
}

function report(out) {
  if (!out) return;
  if (out.error) toast(out.error, true);
  else { toast(out.Message); if (out.Warning) toast(out.Warning, true); }
}

function dialog(title, body, okLabel, onOk) {
  const d = $('dialog');
  const form = h('form', { id: 'dialog-form', method: 'dialog' }, h('h2', {}, title), body,
    h('div', { class: 'buttons' }, h('button', { value: 'cancel', formnovalidate: true }, 'Cancel'),
      h('button', { value: 'ok', class: 'primary', id: 'dialog-ok' }, okLabel)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ok = e.submitter ? e.submitter.value === 'ok' : true;
    d.close();
    if (ok) onOk();
  });
  $('dialog-form').replaceWith(form);
  d.showModal();
}

function unlock() {
  if (!state.access.Actions) { toast(state.access.Reason || 'actions are not allowed here', true); return; }
  dialog('Unlock actions', [
    h('p', { class: 'muted' }, 'A token from the file given to infrakit up with --dashboard-token-file. It is kept in this tab only.'),
    h('label', { for: 'token-input' }, 'Token'),
    h('input', { id: 'token-input', type: 'password', autocomplete: 'off' })], 'Unlock', () => login($('token-input').value.trim()));
}

async function login(t) {
  if (!t) return;
  const r = await fetch('api/session', { cache: 'no-store', headers: { Authorization: 'Bearer ' + t } });
  const out = await r.json().catch(() => ({}));
  if (!r.ok) { toast(out.Error || 'the token was refused', true); return; }
  sessionStorage.setItem(TOKEN_KEY, t);
  state.user = out.User;
  renderAccess();
  render();
}

function renderAccess() {
  const a = state.access;
  let node;
  if (!a.Actions) node = h('span', { class: 'muted', title: a.Reason || '' }, a.ReadOnly ? 'read-only' : 'view only');
  else if (state.user) {
    node = h('span', {}, h('span', { id: 'user' }, state.user), ' ',
      h('button', { id: 'lock', onclick: () => { sessionStorage.removeItem(TOKEN_KEY); state.user = null; renderAccess(); render(); } }, 'Lock'));
  } else node = h('button', { id: 'unlock', onclick: unlock }, 'Unlock actions');
  $('access').replaceChildren(node);
}

// ---- the stream and the routes -------------------------------------------------------------------------------------

function connect() {
  if (source) source.close();
  const group = state.route.page === 'group' ? state.route.id : null;
  source = new EventSource('api/stream' + (group ? '?group=' + encodeURIComponent(group) : ''));
  const live = (v, text) => { $('live').dataset.live = v; $('live').textContent = text; };
  source.onopen = () => live('live', 'live');
  source.onerror = () => live('down', 'reconnecting…');
  source.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    state.states = new Map((s.States || []).map((x) => [x.Name, x]));
    state.groups = new Map((s.Groups || []).map((r) => [r.ID, r]));
    state.replicas = s.Replicas;
    state.access = s.Access || {};
    state.revision = s.Revision;
    state.group = s.Group || (group ? { ID: group, Gone: true } : null);
    if (group) { state.events = []; addEvents(s.Events || []); }
    connection(s.Connection || {});
    renderAccess();
    render();
    renderReplicas();
  });
  source.addEventListener('rows', (e) => {
    const m = JSON.parse(e.data);
    for (const r of m.Rows) state.groups.set(r.ID, r);
    for (const id of m.Removed) state.groups.delete(id);
    state.revision = m.Revision;
    if (state.route.page === 'list') { renderCounts(); renderRows(); }
  });
  source.addEventListener('group', (e) => {
    state.group = JSON.parse(e.data);
    if (state.route.page === 'group') { renderGroup(); scheduleInstances(false); }
  });
  source.addEventListener('replicas', (e) => {
    state.replicas = JSON.parse(e.data);
    renderReplicas();
  });
  source.addEventListener('event', (e) => {
    const ev = JSON.parse(e.data);
    if (state.route.page === 'group' && ev.Group === state.route.id) addEvents([ev]);
  });
  source.addEventListener('connection', (e) => connection(JSON.parse(e.data)));
}

function connection(c) {
  state.connection = c;
  const b = $('banner');
  b.hidden = !c.Problem;
  b.textContent = c.Problem ? c.Problem + (c.Since ? ` (since ${c.Since}); what is shown may be out of date` : '') : '';
}

// The timeline: newest first, as many as the events log keeps per group.
const MAX_EVENTS = 100;

function addEvents(list) {
  const seen = new Set(state.events.map((e) => e.Group + '/' + e.Seq));
  for (const e of list) if (!seen.has(e.Group + '/' + e.Seq)) state.events.push(e);
  state.events.sort((a, b) => (a.Time < b.Time ? 1 : a.Time > b.Time ? -1 : b.Seq - a.Seq));
  state.events.length = Math.min(state.events.length, MAX_EVENTS);
  renderEvents();
}

function renderEvents() {
  if (!$('g-events')) return;
  replace('g-events', h('div', {}, state.events.length ? h('ol', { class: 'timeline', id: 'timeline' }, state.events.map((e) =>
    h('li', { dataset: { kind: e.Kind, seq: e.Seq } }, h('span', { class: 'muted', title: e.Time }, new Date(e.Time).toLocaleString()),
      h('span', { class: 'kind' }, e.Kind), h('span', {}, e.Message, e.Instance && !e.Message.includes(e.Instance) ? h('span', { class: 'tag' }, e.Instance) : null,
        e.Actor ? h('span', { class: 'muted' }, ' by ' + e.Actor) : null))))
    : h('p', { class: 'muted' }, 'No events recorded.')));
}

function route() {
  takeToken();
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/groups\/(.+)$/);
  const before = state.route;
  if (m) state.route = { page: 'group', id: decodeURIComponent(m[1]) };
  else if (hash === '#/new') state.route = { page: 'new' };
  else state.route = { page: 'list' };
  if (!source || state.route.page !== before.page || state.route.id !== before.id) {
    clearTimeout(instancesTimer);
    state.group = null;
    $('main').replaceChildren();
    delete $('main').dataset.group;
    state.events = [];
    connect();
  }
  render();
}

function render() {
  if (state.route.page === 'group') renderGroup();
  else if (state.route.page === 'new') {
    if (!$('spec-editor')) {
      if (!state.access.Actions || !state.user) {
        $('main').replaceChildren(h('p', {}, h('a', { href: '#/' }, '← All groups')),
          h('p', { class: 'muted' }, state.access.Actions ? 'Unlock actions first.' : state.access.Reason || ''));
      } else renderEditor(NEW_SPEC, 0, true);
    }
  } else renderList();
}

// The URL infrakit up prints carries the token after '#token=': keep it in this tab, drop it from the URL, and ask
// whose it is.
function takeToken() {
  const m = location.hash.match(/^#token=([^&]+)/);
  if (!m) return false;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + '#/');
  checkToken();
  return true;
}

function checkToken() {
  const t = token();
  if (!t) return;
  fetch('api/session', { cache: 'no-store', headers: { Authorization: 'Bearer ' + t } }).then(async (r) => {
    const out = await r.json().catch(() => ({}));
    if (r.ok && out.User) state.user = out.User;
    else { sessionStorage.removeItem(TOKEN_KEY); if (r.status === 401) toast(out.Error || 'the token was refused', true); }
    renderAccess();
    render();
  });
}

function start() {
  window.addEventListener('hashchange', route);
  if (!takeToken()) checkToken();
  setInterval(() => { if (state.route.page === 'list') renderRows(); }, 15000); // keep "ago" times honest
  route();
}

start();
