// A JSON answer as a table while it streams: a row per item of the top-level list, or of
// the list an object wraps (`{"recipes": [...]}`, named above the table), else the whole
// value as one row; rows appear as their objects complete.
//
// The kernel decides where rows are (gemini_widgets/json_rows.py) and sends, beside the
// text, `rows_from` ({at, list, key}: where the first row starts, in code points, whether
// rows are a list's items and the key of a wrapped list) when that is decided or changes,
// and `rows`: the offsets at which rows became complete. A new `rows_from` starts the rows
// again (an object whose list turned out to have a sibling key is one row after all). A
// finished row is parsed once (JSON.parse of its slice) and built once; only the
// unfinished row after it is rebuilt each frame, from partial-json's reading of its slice,
// and shown dimmed. Nested objects and lists are trees in <details>; the JSON button shows
// the raw text instead. Values are untrusted model output: everything is textContent.
//
// Same calling pattern as AnswerBody: reset/append change the data, render() (once per
// animation frame) touches the page.

import { Allow, parse as parsePartial } from 'partial-json';
import { codePoints, utf16Index } from './streamed_text.js';

const VALUE_COLUMN = 'value'; // the column of items that are not objects
const PREVIEW_CHARS = 60; // of a nested list's scalars, in its summary line
const LEADING = /^[\s,]*/; // before an item: the separator left by the previous row

export class JsonTable {
  #document;
  #text = '';
  #points = 0; // code points of #text
  #ends = []; // UTF-16 index in #text after each finished row
  #lastEnd = { points: -1, index: 0 }; // the last row end (or the rows' start), in both units
  #from = null; // the kernel's rows_from: {at, list, key}
  #start = -1; // UTF-16 index where the first row starts, once the kernel said
  #built = 0; // finished rows in the table
  #columns = new Map(); // key -> its <th>
  #openRow = null; // <tr> of the unfinished row
  #openText = null; // the slice #openRow shows
  #rawShown = 0; // characters of #text in the raw view
  #status = '';

  constructor(container, { document = container.ownerDocument } = {}) {
    this.#document = document;
    this.container = container;
    container.classList.add('gw-json');
    const bar = this.#el('div', 'gw-json-bar');
    this.count = this.#el('span', 'gw-json-count');
    this.toggle = this.#el('button', 'gw-button gw-json-toggle', 'JSON');
    this.toggle.type = 'button';
    this.toggle.title = 'Show the raw JSON text';
    this.toggle.setAttribute('aria-pressed', 'false');
    this.toggle.addEventListener('click', () => this.showRaw(!this.rawShown));
    this.source = this.#el('span', 'gw-json-source');
    this.source.title = 'Each row is an item of the list under this key';
    this.source.hidden = true;
    bar.append(this.source, this.count, this.toggle);
    this.table = this.#el('table', 'gw-json-table');
    this.head = this.#el('tr');
    this.body = this.#el('tbody');
    const head = this.#el('thead');
    head.append(this.head);
    this.table.append(head, this.body);
    this.raw = this.#el('pre', 'gw-json-raw');
    this.rawText = document.createTextNode('');
    this.raw.append(this.rawText);
    this.raw.hidden = true;
    container.replaceChildren(bar, this.table, this.raw);
    this.reset();
  }

  /** Nothing here is left for a later frame (AnswerBody's `pending`). */
  get pending() {
    return false;
  }

  get rawShown() {
    return !this.raw.hidden;
  }

  /** Start again from `text`, where its rows are and their ends (code points), as the kernel noted. */
  reset(text = '', rows = [], rowsFrom = null) {
    this.#text = '';
    this.#points = 0;
    this.#from = null;
    this.#start = -1;
    this.#clearRows({ points: -1, index: 0 });
    this.#rawShown = 0;
    this.rawText.data = '';
    this.source.textContent = '';
    this.source.hidden = true;
    this.append(text, rows, rowsFrom);
    // A whole answer at once (a new view of it, a reload) is built now, not at the next
    // frame: a view that replaces another would otherwise show an empty table for a frame.
    if (text) this.render();
  }

  /**
   * More text, and the rows it completed (code-point offsets into the whole text); with
   * `rowsFrom` when where rows are was decided or changed with this text.
   */
  append(text = '', rows = [], rowsFrom = null) {
    this.#text += text;
    this.#points += codePoints(text);
    if (rowsFrom) this.#setFrom(rowsFrom);
    if (!this.#from) return; // rows come after where they start, never before
    for (const end of rows) {
      if (end <= this.#lastEnd.points || end > this.#points) continue;
      const from = this.#lastEnd.points < 0 ? { points: 0, index: 0 } : this.#lastEnd;
      const index = from.index + utf16Index(this.#text.slice(from.index), end - from.points);
      this.#ends.push(index);
      this.#lastEnd = { points: end, index };
    }
  }

  /** Rows start at `rowsFrom.at` from now on: the rows so far go. */
  #setFrom(rowsFrom) {
    const same = this.#from && ['at', 'list', 'key'].every((k) => this.#from[k] === rowsFrom[k]);
    if (same || rowsFrom.at > this.#points) return;
    this.#from = { at: rowsFrom.at, list: Boolean(rowsFrom.list), key: rowsFrom.key ?? null };
    this.#start = utf16Index(this.#text, rowsFrom.at);
    this.#clearRows({ points: rowsFrom.at, index: this.#start });
    this.source.textContent = this.#from.key ?? '';
    this.source.hidden = this.#from.key === null;
  }

  #clearRows(lastEnd) {
    this.#ends = [];
    this.#lastEnd = lastEnd;
    this.#built = 0;
    this.#columns.clear();
    this.#openRow = null;
    this.#openText = null;
    this.head.replaceChildren();
    this.body.replaceChildren();
  }

  setStatus(status) {
    this.#status = status;
  }

  showRaw(shown) {
    this.raw.hidden = !shown;
    this.table.hidden = shown;
    this.toggle.setAttribute('aria-pressed', String(shown));
    this.render();
  }

  /** Bring the page up to date; true if anything changed. */
  render() {
    let changed = false;
    if (this.#start >= 0) {
      while (this.#built < this.#ends.length) {
        this.#addRow(this.#parseRow(this.#built), false);
        this.#built += 1;
        changed = true;
      }
      changed = this.#renderOpenRow() || changed;
    }
    const streaming = this.#status === 'streaming' || this.#status === 'waiting' || this.#status === '';
    if (!streaming && this.#built === 0 && !this.#openRow && this.#text && !this.rawShown) {
      this.showRaw(true); // not JSON at all: the text is all there is to show
    }
    if (this.rawShown && this.#rawShown < this.#text.length) {
      this.rawText.appendData(this.#text.slice(this.#rawShown));
      this.#rawShown = this.#text.length;
      changed = true;
    }
    const rows = this.#built + (this.#openRow ? 1 : 0);
    const count = `${this.#built} ${this.#built === 1 ? 'row' : 'rows'}${this.#openRow ? ' + 1 arriving' : ''}`;
    if (this.count.textContent !== count) this.count.textContent = count;
    this.table.hidden = this.rawShown || rows === 0;
    return changed;
  }

  // ---- rows ---------------------------------------------------------------------------

  #rowStart(i) {
    return i > 0 ? this.#ends[i - 1] : this.#start;
  }

  /** {value} of finished row `i`, or {bad: text} when its slice is not JSON. */
  #parseRow(i) {
    const slice = this.#text.slice(this.#rowStart(i), this.#ends[i]).replace(LEADING, '');
    try {
      return { value: JSON.parse(slice) };
    } catch {
      return { bad: slice };
    }
  }

  /** Rebuild the unfinished row when its text changed; true if the page changed. */
  #renderOpenRow() {
    let slice = this.#text.slice(this.#rowStart(this.#built)).replace(LEADING, '');
    const closed = this.#from.list ? slice.startsWith(']') : this.#built > 0;
    if (closed) slice = '';
    if (slice === this.#openText) return false;
    this.#openText = slice;
    let row = null;
    if (slice) {
      try {
        row = { value: parsePartial(slice, Allow.ALL) };
      } catch {
        row = null; // nothing readable yet (a lone '-' or a broken token)
      }
    }
    const old = this.#openRow;
    this.#openRow = row === null ? null : this.#addRow(row, true);
    if (old) old.remove();
    return true;
  }

  /** A <tr> for `row` ({value} or {bad}), before the unfinished row (or as it). */
  #addRow(row, open) {
    const tr = this.#el('tr', open ? 'gw-json-row gw-json-open' : 'gw-json-row');
    const index = this.#built + 1;
    tr.append(this.#el('th', 'gw-json-index', String(index)));
    if ('bad' in row) {
      tr.classList.add('gw-json-bad');
      const cell = this.#el('td', null, row.bad);
      cell.colSpan = Math.max(1, this.#columns.size);
      tr.append(cell);
    } else {
      const value = row.value;
      const fields = isObject(value) ? value : { [VALUE_COLUMN]: value };
      for (const key of Object.keys(fields)) this.#column(key);
      for (const key of this.#columns.keys()) {
        const cell = this.#el('td');
        if (Object.hasOwn(fields, key)) cell.append(this.#valueNode(fields[key]));
        tr.append(cell);
      }
    }
    this.body.insertBefore(tr, open ? null : this.#openRow);
    return tr;
  }

  /** The column for `key`, added (with an empty cell in every row so far) when new. */
  #column(key) {
    if (this.#columns.has(key)) return;
    if (this.#columns.size === 0) this.head.append(this.#el('th', 'gw-json-index', '#'));
    const th = this.#el('th', null, key);
    this.head.append(th);
    this.#columns.set(key, th);
    for (const tr of this.body.rows) {
      if (!tr.classList.contains('gw-json-bad')) tr.append(this.#el('td'));
    }
  }

  // ---- values -------------------------------------------------------------------------

  #valueNode(value) {
    if (value === null) return this.#el('span', 'gw-json-null', 'null');
    if (Array.isArray(value) || isObject(value)) return this.#tree(value);
    if (typeof value === 'string') return this.#document.createTextNode(value);
    return this.#el('span', 'gw-json-scalar', String(value));
  }

  /** A nested list or object: a summary line, its entries below when opened. */
  #tree(value) {
    const details = this.#el('details', 'gw-json-tree');
    details.append(this.#el('summary', null, summaryOf(value)));
    const list = this.#el('ul');
    for (const [key, child] of Object.entries(value)) {
      const item = this.#el('li');
      if (!Array.isArray(value)) item.append(this.#el('span', 'gw-json-key', `${key}: `));
      item.append(this.#valueNode(child));
      list.append(item);
    }
    details.append(list);
    return details;
  }

  #el(tag, className, text) {
    const node = this.#document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** "3 items: salt, pepper, oil" / "{2 keys: name, minutes}". */
function summaryOf(value) {
  if (Array.isArray(value)) {
    const noun = value.length === 1 ? 'item' : 'items';
    const scalars = value.filter((v) => v === null || typeof v !== 'object').map(String);
    let preview = scalars.join(', ');
    if (preview.length > PREVIEW_CHARS) preview = `${preview.slice(0, PREVIEW_CHARS)}…`;
    return preview ? `${value.length} ${noun}: ${preview}` : `${value.length} ${noun}`;
  }
  const keys = Object.keys(value);
  let preview = keys.join(', ');
  if (preview.length > PREVIEW_CHARS) preview = `${preview.slice(0, PREVIEW_CHARS)}…`;
  return `{${keys.length} ${keys.length === 1 ? 'key' : 'keys'}${preview ? `: ${preview}` : ''}}`;
}
