// A compare's summary table: every cell as text (labels are the user's, finish reasons the
// model side's), the best of each row marked, updated when the kernel sends a new table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { document } from './dom.js';
import summary, { BEST, summaryElement } from '../src/compare_summary.js';

const TABLE = {
  labels: ['gemini-2.5-flash', '<img src=x onerror=alert(1)>'],
  rows: [
    { key: 'time_to_first_token', title: 'first token', cells: ['0.20 s', '0.90 s'], best: [true, false] },
    { key: 'finish', title: 'finish', cells: ['STOP', '<b>error</b>'], best: [false, false] },
  ],
};

test('the summary shows each row and answer, the best marked, every string as text', () => {
  const table = summaryElement(document, TABLE).querySelector('table');
  const heads = [...table.tHead.rows[0].cells].map((c) => c.textContent);
  assert.deepEqual(heads, ['', 'gemini-2.5-flash', '<img src=x onerror=alert(1)>']);
  const rows = [...table.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent));
  assert.deepEqual(rows, [
    ['first token', `0.20 s ${BEST}`, '0.90 s'],
    ['finish', 'STOP', '<b>error</b>'],
  ]);
  assert.deepEqual([...table.querySelectorAll('.gw-best')].map((c) => c.title), ['best first token']);
  assert.equal(table.querySelector('img, b'), null);
});

test('the widget redraws when the kernel sends a new table', () => {
  let traits = { table: { labels: [], rows: [] } };
  const listeners = {};
  const model = { get: (name) => traits[name], on: (event, f) => { listeners[event] = f; } };
  const el = document.createElement('div');
  summary.render({ model, el });
  assert.equal(el.querySelector('table'), null);
  traits = { table: TABLE };
  listeners['change:table']();
  assert.equal(el.querySelectorAll('tbody tr').length, 2);
});
