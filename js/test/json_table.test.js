// JsonTable: a streamed JSON answer as a table, rows added as the kernel notes where they
// start (`rows_from`) and end, finished rows built once, values shown as text only; the
// items of a list an object wraps (`{"recipes": [...]}`) as rows under the key's name. Also
// the StreamView and ChatView glue with a JSON answer (deltas with `rows`, a snapshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { commandModel } from './command_model.js';
import { document, splitAt } from './dom.js';
import { JsonTable } from '../src/json_table.js';
import { codePoints } from '../src/streamed_text.js';

globalThis.document = document;
globalThis.requestAnimationFrame = (callback) => setTimeout(callback, 0);
globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
(globalThis.__geminiWidgetsRenderers ??= new Map()).set('sources', import('../src/renderer_bundle.js'));
const { default: streamView } = await import('../src/stream_view.js');

/**
 * Pretty JSON of `items` as a model writes it, where each item ends (code points) and
 * where rows start (`from`, the kernel's rows_from); with `key`, the list wrapped in an
 * object under that key.
 */
function jsonList(items, key = null) {
  const pad = key === null ? '  ' : '    ';
  let text = key === null ? '[\n' : `{\n  ${JSON.stringify(key)}: [\n`;
  const from = { at: codePoints(text.trimEnd()), list: true, key };
  const ends = [];
  items.forEach((item, i) => {
    // Indented line by line: a regex's ^ would also match after U+2028 inside a string.
    const lines = JSON.stringify(item, null, 2).split('\n');
    text += (i ? ',\n' : '') + lines.map((line) => `${pad}${line}`).join('\n');
    ends.push(codePoints(text));
  });
  return { text: key === null ? `${text}\n]` : `${text}\n  ]\n}`, ends, from };
}

const LIST_FROM = { at: 1, list: true, key: null }; // a top-level list: rows start after '['


const recipes = Array.from({ length: 50 }, (_, i) => ({
  name: `Dish ${i} 🍲`,
  minutes: 10 + i,
  ingredients: ['salt', `spice ${i}`],
  source: i % 7 ? null : { site: 'example', page: i },
}));

/**
 * Feed `text` in chunks, each with the row ends it completes (and `from` with the chunk
 * that reaches it, as the kernel sends rows_from), rendering after each.
 */
function streamInto(table, text, ends, cuts, onFrame = () => {}, from = LIST_FROM) {
  let points = 0;
  let noted = 0;
  let fromSent = false;
  // The kernel's pieces are Python strings: never half of a surrogate pair.
  const whole = cuts.map((cut) => (/[\ud800-\udbff]/.test(text[cut - 1] ?? '') ? cut + 1 : cut));
  for (const chunk of splitAt(text, whole)) {
    points += codePoints(chunk);
    const rows = [];
    while (noted < ends.length && ends[noted] <= points) rows.push(ends[noted++]);
    const sending = !fromSent && from.at <= points;
    fromSent ||= sending;
    table.append(chunk, rows, sending ? from : null);
    table.setStatus('streaming');
    table.render();
    onFrame(table, noted);
  }
}

const finished = (table) => [...table.body.rows].filter((tr) => !tr.classList.contains('gw-json-open'));
const open = (table) => table.body.querySelector('.gw-json-open');

test('fifty objects in small chunks: a row per finished object, built once, plus the one arriving', () => {
  const { text, ends } = jsonList(recipes);
  const table = new JsonTable(document.createElement('div'));
  const cuts = [];
  for (let at = 0, step = 3; at < text.length; at += step, step = (step * 7) % 41 + 3) cuts.push(at);
  const seen = new Map(); // row index -> its <tr>, the first time it was finished
  let sawOpen = 0;
  streamInto(table, text, ends, cuts, (t, noted) => {
    const rows = finished(t);
    assert.equal(rows.length, noted);
    rows.forEach((tr, i) => {
      if (!seen.has(i)) seen.set(i, tr);
      assert.equal(seen.get(i), tr, `finished row ${i} was rebuilt`);
    });
    if (open(t)) {
      sawOpen += 1;
      assert.equal(t.body.rows[t.body.rows.length - 1], open(t), 'the arriving row is last');
    }
  });
  table.setStatus('done');
  table.render();
  assert.ok(sawOpen > 50, `an unfinished row was shown while objects arrived (${sawOpen})`);
  assert.equal(open(table), null);
  const heads = [...table.head.cells].map((th) => th.textContent);
  assert.deepEqual(heads, ['#', 'name', 'minutes', 'ingredients', 'source']);
  const rows = finished(table);
  assert.equal(rows.length, 50);
  assert.equal(table.count.textContent, '50 rows');
  rows.forEach((tr, i) => {
    assert.equal(tr.cells[0].textContent, String(i + 1));
    assert.equal(tr.cells[1].textContent, recipes[i].name);
    assert.equal(tr.cells[2].textContent, String(recipes[i].minutes));
    assert.equal(tr.cells[3].querySelector('summary').textContent, `2 items: salt, spice ${i}`);
  });
  assert.equal(rows[0].cells[4].querySelector('summary').textContent, '{2 keys: site, page}');
  assert.equal(rows[1].cells[4].textContent, 'null');
});

test('the arriving row shows its fields so far, dimmed, and becomes a finished row', () => {
  const { text, ends } = jsonList(recipes.slice(0, 2));
  const table = new JsonTable(document.createElement('div'));
  const cut = text.indexOf('"minutes": 11') + '"minutes": 1'.length;
  table.append(text.slice(0, cut), ends.filter((e) => e <= codePoints(text.slice(0, cut))), LIST_FROM);
  table.setStatus('streaming');
  table.render();
  assert.equal(finished(table).length, 1);
  const arriving = open(table);
  assert.ok(arriving.classList.contains('gw-json-open'));
  assert.equal(arriving.cells[1].textContent, 'Dish 1 🍲');
  assert.equal(table.count.textContent, '1 row + 1 arriving');
  table.append(text.slice(cut), ends.slice(1));
  table.render();
  assert.equal(open(table), null);
  assert.equal(finished(table)[1].cells[2].textContent, '11');
});

test('values and keys are text: markup in them makes no element', () => {
  const evil = '<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>';
  const items = [{ [evil]: evil, nested: { [evil]: [evil, { deep: evil }] } }, evil];
  const { text, ends } = jsonList(items);
  const container = document.createElement('div');
  const table = new JsonTable(container);
  streamInto(table, text, ends, [5, 17, 40, 90]);
  for (const details of container.querySelectorAll('details')) details.open = true;
  assert.equal(container.querySelectorAll('img, script, iframe').length, 0);
  assert.ok(container.textContent.includes(evil));
  assert.equal([...table.head.cells][1].textContent, evil);
  assert.equal(finished(table)[1].cells[finished(table)[1].cells.length - 1].textContent, evil);
  table.showRaw(true);
  assert.equal(table.raw.textContent, text);
  assert.equal(globalThis.pwned, undefined);
});

test('the JSON button shows the raw text, appended as it streams', () => {
  const { text, ends } = jsonList(recipes.slice(0, 5));
  const table = new JsonTable(document.createElement('div'));
  const half = Math.floor(text.length / 2);
  table.append(text.slice(0, half), ends.filter((e) => e <= half), LIST_FROM);
  table.render();
  table.toggle.click();
  assert.equal(table.toggle.getAttribute('aria-pressed'), 'true');
  assert.ok(table.table.hidden && !table.raw.hidden);
  assert.equal(table.raw.textContent, text.slice(0, half));
  const node = table.raw.firstChild;
  table.append(text.slice(half), ends.filter((e) => e > half));
  table.render();
  assert.equal(table.raw.textContent, text);
  assert.equal(table.raw.firstChild, node, 'the raw text grows in place');
  table.toggle.click();
  assert.ok(!table.table.hidden && table.raw.hidden);
  assert.equal(finished(table).length, 5);
});

test('one object is one row; plain values are a value column; a fence around it is ignored', () => {
  const object = { city: 'Ōsaka', population: 2750000, wards: ['Kita', 'Chūō'] };
  const body = JSON.stringify(object, null, 2);
  const text = `\`\`\`json\n${body}\n\`\`\``;
  const table = new JsonTable(document.createElement('div'));
  const end = codePoints(`\`\`\`json\n${body}`);
  table.append(text.slice(0, 20), [], { at: 8, list: false, key: null }); // after the fence
  table.setStatus('streaming');
  table.render();
  assert.ok(open(table), 'the object shows while it arrives');
  table.append(text.slice(20), [end]);
  table.render();
  assert.equal(finished(table).length, 1);
  assert.equal(open(table), null);
  assert.equal(finished(table)[0].cells[1].textContent, 'Ōsaka');

  const plain = jsonList(['a', 2, true, null]);
  const list = new JsonTable(document.createElement('div'));
  streamInto(list, plain.text, plain.ends, [3, 9]);
  assert.deepEqual([...list.head.cells].map((c) => c.textContent), ['#', 'value']);
  assert.deepEqual(finished(list).map((tr) => tr.cells[1].textContent), ['a', '2', 'true', 'null']);
});

test('text that is not JSON shows as text once the answer ends; a broken row shows its text', () => {
  const table = new JsonTable(document.createElement('div'));
  table.append('Sorry, I cannot answer that.');
  table.setStatus('streaming');
  table.render();
  assert.ok(table.raw.hidden);
  table.setStatus('done');
  table.render();
  assert.ok(!table.raw.hidden);
  assert.equal(table.raw.textContent, 'Sorry, I cannot answer that.');

  const broken = '[{"a": 1}, {"a": }]';
  const bad = new JsonTable(document.createElement('div'));
  bad.append(broken, [9, 18], LIST_FROM);
  bad.render();
  assert.equal(finished(bad).length, 2);
  assert.ok(finished(bad)[1].classList.contains('gw-json-bad'));
  assert.equal(finished(bad)[1].cells[1].textContent, '{"a": }');
});

test('StreamView with a JSON answer: deltas with rows, then a reload from the snapshot', async () => {
  const { text, ends, from } = jsonList(recipes.slice(0, 6), 'recipes');
  const traits = {
    _key: 'json-view', _renderer: 'IPY_MODEL_r', status: 'streaming', stats: {}, error: '',
    notice: '', backend: '', model_name: 'gemini-x', retry: null, can_continue: false,
    background: false, answer_format: 'json',
  };
  const snapshot = { text: '', thoughts: '', parts: [], annotations: null, rows: [] };
  const model = commandModel({
    traits, reply: () => snapshot,
    widget_manager: { get_model: async () => ({ get: (name) => ({ version: 'sources' })[name] }) },
  });
  const send = (message) => model.emit('msg:custom', message);
  const frames = () => new Promise((resolve) => setTimeout(resolve, 10));
  streamView.initialize({ model });
  const root = document.createElement('div');
  await streamView.render({ model, el: root });
  send({ type: 'reset' });
  const cut = text.indexOf('Dish 3');
  const half = codePoints(text.slice(0, cut)); // offsets are code points, as Python counts
  send({ type: 'delta', at: 0, text: text.slice(0, cut), rows: ends.filter((e) => e <= half), rows_from: from });
  await frames();
  assert.equal(root.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length, 3);
  assert.equal(root.querySelectorAll('tr.gw-json-open').length, 1);
  send({ type: 'delta', at: half, text: text.slice(cut), rows: ends.filter((e) => e > half) });
  await frames();
  assert.equal(root.querySelectorAll('tr.gw-json-row').length, 6);
  assert.equal(root.querySelector('.gw-json-source').textContent, 'recipes');

  // A model made later (a reload) takes text and rows from the snapshot.
  Object.assign(snapshot, { text, rows: ends, rows_from: from });
  const later = { ...model, get: (name) => (name === '_key' ? 'json-view-2' : traits[name]) };
  streamView.initialize({ model: later });
  const again = document.createElement('div');
  await streamView.render({ model: later, el: again });
  await frames();
  assert.equal(again.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length, 6);
  assert.equal(again.querySelector('.gw-json-count').textContent, '6 rows');
  assert.equal(again.querySelector('.gw-json-source').textContent, 'recipes');
});

test('ChatView: a JSON turn is a table; the live JSON reply grows row by row', async () => {
  const { default: chatView } = await import('../src/chat.js');
  const done = jsonList(recipes.slice(0, 3), 'dinners');
  const traits = {
    _renderer: 'IPY_MODEL_r', model_name: 'gemini-x', backend: '', busy: false, background: true,
    cost: null,
    turns: [{
      message: 'Three dinners', attachments: [], reply: done.text, thoughts: '', parts: [],
      annotations: null, status: 'done', notice: '', error: '', stats: {}, recorded: true,
      can_continue: false, format: 'json', rows: done.ends, rows_from: done.from,
    }],
  };
  const model = commandModel({
    traits, widget_manager: { get_model: async () => ({ get: (name) => ({ version: 'sources' })[name] }) },
  });
  const { emit } = model;
  const root = document.createElement('div');
  await chatView.render({ model, el: root });
  const turnRows = root.querySelectorAll('.gw-message.gw-model tr.gw-json-row');
  assert.deepEqual([...turnRows].map((tr) => tr.cells[1].textContent), recipes.slice(0, 3).map((r) => r.name));
  assert.equal(root.querySelector('.gw-message.gw-model .gw-json-source').textContent, 'dinners');

  const next = jsonList(recipes.slice(3, 7));
  traits.busy = true;
  emit('change:busy');
  emit('msg:custom', { type: 'reply_start', text: '', thoughts: '', parts: [], annotations: null, format: 'json', rows: [] });
  const cut = next.text.indexOf('Dish 5');
  const half = codePoints(next.text.slice(0, cut));
  emit('msg:custom', {
    type: 'delta', at: 0, text: next.text.slice(0, cut), rows: next.ends.filter((e) => e <= half), rows_from: next.from,
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  const live = root.querySelector('.gw-message.gw-model[data-status="streaming"]');
  assert.equal(live.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length, 2);
  assert.equal(live.querySelectorAll('tr.gw-json-open').length, 1);
  emit('msg:custom', { type: 'delta', at: half, text: next.text.slice(cut), rows: next.ends.filter((e) => e > half) });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(live.querySelectorAll('tr.gw-json-row:not(.gw-json-open)').length, 4);
});

test('an object wrapping one list: its items are the rows, live, under the key shown as text', () => {
  const key = '<b onmouseover="globalThis.pwned=1">recipes</b>';
  const { text, ends, from } = jsonList(recipes.slice(0, 12), key);
  const container = document.createElement('div');
  const table = new JsonTable(container);
  const counts = [];
  streamInto(table, text, ends, [4, 9, 30, 200, 420, 777, 1200, 1500], (t, noted) => {
    assert.equal(finished(t).length, noted);
    counts.push(noted);
  }, from);
  table.setStatus('done');
  table.render();
  assert.ok(new Set(counts).size > 4, `rows appeared while it streamed (${counts})`);
  assert.equal(finished(table).length, 12);
  assert.equal(open(table), null);
  assert.deepEqual(finished(table).map((tr) => tr.cells[1].textContent), recipes.slice(0, 12).map((r) => r.name));
  assert.deepEqual([...table.head.cells].map((th) => th.textContent), ['#', 'name', 'minutes', 'ingredients', 'source']);
  assert.equal(table.source.textContent, key);
  assert.ok(!table.source.hidden);
  assert.equal(container.querySelectorAll('b, img, script').length, 0);
  assert.equal(globalThis.pwned, undefined);
  assert.equal(table.count.textContent, '12 rows');
});

test('a second key after the wrapped list: the rows start again as one row, the whole object', () => {
  const items = recipes.slice(0, 2);
  const { text: listText, ends } = jsonList(items, 'recipes');
  const text = `${listText.slice(0, -2)},\n  "notes": "two <i>dinners</i>"\n}`;
  const table = new JsonTable(document.createElement('div'));
  const comma = listText.length - 2; // the kernel sends rows_from again with this comma
  table.append(text.slice(0, comma), ends, jsonList([], 'recipes').from);
  table.setStatus('streaming');
  table.render();
  assert.equal(finished(table).length, 2);
  assert.equal(table.source.textContent, 'recipes');
  table.append(text.slice(comma, comma + 12), [], { at: 0, list: false, key: null });
  table.render();
  assert.equal(finished(table).length, 0, 'the list rows are gone');
  assert.ok(table.source.hidden);
  assert.equal(open(table).cells[1].querySelector('summary').textContent, '2 items');
  table.append(text.slice(comma + 12), [codePoints(text)]);
  table.setStatus('done');
  table.render();
  assert.equal(finished(table).length, 1);
  assert.deepEqual([...table.head.cells].map((th) => th.textContent), ['#', 'recipes', 'notes']);
  assert.equal(finished(table)[0].cells[2].textContent, 'two <i>dinners</i>');
  assert.equal(table.count.textContent, '1 row');
});

test('any list (wrapped or not), any chunking: the finished table holds exactly the parsed items', () => {
  const leaf = fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('object')),
    list: fc.array(tie('any'), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('any'), { maxKeys: 3 }),
  }));
  const items = fc.array(fc.oneof(value.object, value.any), { maxLength: 8 });
  const key = fc.option(fc.string({ unit: 'grapheme', maxLength: 6 }));
  fc.assert(fc.property(items, fc.array(fc.nat(), { maxLength: 10 }), key, (list, cutsRaw, wrapper) => {
    const { text, ends, from } = jsonList(list, wrapper);
    const cuts = cutsRaw.map((n) => n % (text.length + 1));
    const table = new JsonTable(document.createElement('div'));
    streamInto(table, text, ends, cuts, () => {}, from);
    table.setStatus('done');
    table.render();
    const rows = finished(table);
    assert.equal(rows.length, list.length);
    assert.equal(open(table), null);
    assert.equal(table.source.textContent, wrapper ?? '');
    const keys = [...table.head.cells].slice(1).map((th) => th.textContent);
    rows.forEach((tr, i) => {
      const item = list[i];
      const fields = item !== null && typeof item === 'object' && !Array.isArray(item) ? item : { value: item };
      keys.forEach((key, k) => {
        const cell = tr.cells[k + 1];
        if (!Object.hasOwn(fields, key)) {
          assert.equal(cell.textContent, '');
        } else if (fields[key] === null || typeof fields[key] !== 'object') {
          assert.equal(cell.textContent, fields[key] === null ? 'null' : String(fields[key]));
        } else {
          assert.ok(cell.querySelector('details.gw-json-tree'));
        }
      });
    });
  }), { numRuns: 200 });
});
