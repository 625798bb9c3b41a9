// Mid-stream, the text ends anywhere. What is shown must already look like what it is
// becoming, and nothing may throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { document, render, stream } from './dom.js';

function dom(text) {
  const el = document.createElement('div');
  el.innerHTML = render(text);
  return el;
}

test('an open code fence shows as a highlighted code block so far', () => {
  const el = dom('Here:\n\n```python\ndef f(x):\n    return');
  const code = el.querySelector('.gw-code pre code.language-python');
  assert.ok(code, el.innerHTML);
  assert.match(code.textContent, /def f\(x\):\n {4}return/);
  assert.ok(code.querySelector('.hljs-keyword'));
});

test('a table header without its delimiter row already shows as a table', () => {
  for (const text of ['| Name | Age |', '| Name | Age |\n', '| Name | Age |\n|', '| Name | Age |\n| --- | -']) {
    const el = dom(`Intro\n\n${text}`);
    assert.deepEqual([...el.querySelectorAll('th')].map((th) => th.textContent), ['Name', 'Age'], JSON.stringify(text));
    assert.ok(!el.textContent.includes('|'), `pipes shown as text for ${JSON.stringify(text)}`);
  }
});

test('a half-written table row renders as a row with the cells so far', () => {
  const el = dom('| a | b |\n|---|---|\n| 1 | 2 |\n| 3');
  assert.deepEqual([...el.querySelectorAll('tbody tr')].map((tr) => tr.textContent.trim().split(/\s+/)), [['1', '2'], ['3']]);
});

test('pipes that are not a table header stay text once more lines follow', () => {
  assert.equal(dom('|x| is the absolute value\nof x').querySelector('table'), null);
  assert.equal(dom('| a | b |\n\nnext paragraph').querySelector('table'), null);
});

test('unclosed math does not throw and shows its source; closed math renders', () => {
  for (const text of ['$$\n\\frac{a}{', '$x^', '\\[\n\\sum', '$$\\frac{a}{b}$$ (1', '$$\\invalid{$$']) {
    assert.doesNotThrow(() => dom(text), text);
  }
  assert.match(dom('$$\n\\frac{a}{').textContent, /\$\$/);
  assert.ok(dom('$$\n\\frac{a}{b}\n$$').querySelector('.gw-math .katex-display .mfrac'));
  assert.ok(dom('$$\\invalid{x}$$').querySelector('.katex-error, .katex'), 'KaTeX shows the error inline');
});

test('streaming a table shows a table from its first row on, never a paragraph of pipes', () => {
  const text = '| Model | Score |\n| --- | --- |\n| a | 1 |\n| b | 2 |\n';
  const start = text.indexOf('|', 2) + 1; // once the header has a cell
  const headerEnd = text.indexOf('\n');
  stream([...text], {
    onRender: (container, soFar) => {
      if (soFar.length < start) return;
      const header = soFar.length <= headerEnd && !soFar.trimEnd().endsWith('|');
      if (header) return; // `| Model | Sc` may still become prose
      assert.ok(container.querySelector('table'), `no table for ${JSON.stringify(soFar)}`);
    },
  });
});
