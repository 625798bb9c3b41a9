// anywidget glue for a compare's summary: one row per measure, one column per answer.
//
// The kernel sends the table whole ({labels, rows: [{key, title, cells, best}]}, made by
// compare_summary.py, which formats every number), a few times per answer: when it starts,
// when its first token comes, when it ends. Every string goes in as text, never as HTML:
// labels are the user's, finish reasons and errors come from the model's side.

export const BEST = '★';

/** The summary table for `table` as DOM (a wrapper that scrolls on a narrow page). */
export function summaryElement(document, table) {
  const wrap = document.createElement('div');
  wrap.className = 'gw-compare-summary';
  const labels = table?.labels ?? [];
  if (labels.length === 0) return wrap;
  const element = document.createElement('table');
  const caption = document.createElement('caption');
  caption.textContent = `Summary (${BEST} the best of each row)`;
  element.append(caption);
  const head = element.createTHead().insertRow();
  head.append(cell(document, 'th', ''));
  for (const label of labels) head.append(cell(document, 'th', label, { scope: 'col' }));
  const body = element.createTBody();
  for (const row of table.rows ?? []) {
    const line = body.insertRow();
    line.dataset.key = row.key;
    line.append(cell(document, 'th', row.title, { scope: 'row' }));
    row.cells.forEach((text, i) => {
      const best = Boolean(row.best?.[i]);
      const td = cell(document, 'td', best ? `${text} ${BEST}` : text);
      if (best) {
        td.className = 'gw-best';
        td.title = `best ${row.title}`;
      }
      line.append(td);
    });
  }
  wrap.append(element);
  return wrap;
}

function cell(document, tag, text, attributes = {}) {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

export default {
  render({ model, el }) {
    const draw = () => el.replaceChildren(summaryElement(el.ownerDocument, model.get('table')));
    draw();
    model.on('change:table', draw);
    return () => model.off?.('change:table', draw);
  },
};
