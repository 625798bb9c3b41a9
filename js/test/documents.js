// A fast-check generator of Markdown documents shaped like model output, biased towards
// the constructs where incremental rendering can go wrong: blocks that change when a later
// line arrives (setext headings, tables, lazy continuations, lists turning loose), display
// math whose closer comes late, link references defined after their use, raw HTML, CRLF.
import fc from 'fast-check';

const word = fc.constantFrom('alpha', 'beta', 'x', 'gamma', 'delta', 'the', 'model', 'ok', '42', 'naïve', '日本');
const inline = fc.oneof(
  { weight: 6, arbitrary: word },
  fc.constantFrom(
    '*em*', '**strong**', '`code`', '$x^2$', '$a_1 + b$', '\\(a+b\\)', '$$e^x$$', '[ref]', '[text][ref]',
    '[Other]', '[link](https://example.org/a)', 'https://example.com/x', '<b>bold</b>', '~~gone~~',
    '|x|', '$5 and $6', '\\$', '**open', '`open', '$', '$$', '\\[', '\\]', '(1)', '<br>', '&amp;',
  ),
);
const line = fc.array(inline, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));

const block = fc.oneof(
  line,
  fc.array(line, { minLength: 2, maxLength: 4 }).map((l) => l.join('\n')),
  line.map((l) => `## ${l}`),
  line.map((l) => `${l}\n===`),
  line.map((l) => `${l}\n---`),
  fc.constantFrom('---', '***'),
  fc.array(line, { minLength: 1, maxLength: 4 }).map((l) => l.map((x) => `- ${x}`).join('\n')),
  fc.array(line, { minLength: 1, maxLength: 3 }).map((l) => l.map((x, i) => `${i + 1}. ${x}`).join('\n\n')),
  fc.constantFrom('- a\n  - nested\n\n  more', '1. one\n2) two', '- [ ] task\n- [x] done'),
  line.map((l) => `> ${l}\n${l}`),
  fc.constantFrom(
    '```python\ndef f(x):\n    return x  # $$ \\[\n```',
    '```js\nconst a = 1;\n\n\nconst b = `$`;\n```',
    '```\nunclosed fence\n\nstill code',
    '~~~\n$$\n~~~',
    '    indented code\n    $$',
  ),
  fc.constantFrom(
    '$$\n\\frac{a}{b}\n$$',
    '$$\na + b\n\nc\n$$',
    '$$ x = 1 $$ (1)',
    '$$\nx\n$$\n(2)',
    '$$\nunclosed',
    '\\[\n\\sum_i i\n\\]',
    '\\[ a \\] (eq)',
    '\\[\nopen bracket',
    '$$\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}$$',
    '$$\n\\invalidcommand{\n$$',
  ),
  fc.constantFrom(
    '| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |',
    '| h1 | h2 |\n| --- | -',
    '| h1 | h2 |',
    'a | b\n--|--\nc | d',
    '| only header |\n|',
    '| x |\n|---|\n| `a|b` | \\| |',
  ),
  fc.constantFrom(
    '[ref]: https://example.org/ref "Title"',
    '[ref]: https://example.net/other',
    '[Other]:\n  https://example.org/o\n  \'multi\nline title\'',
    '[ref]: /relative \'unclosed title',
  ),
  fc.constantFrom(
    '<div>\n*not md*\n</div>',
    '<div>\nunclosed div',
    '<details><summary>More</summary>\n\nhidden *text*\n\n</details>',
    '<!-- comment -->',
    '<script>alert(1)</script>',
    '<img src="https://e.org/i.png" onerror="alert(1)">',
    '<table><tr><td>\n\n*cell*\n\n</td></tr></table>',
  ),
);

const separator = fc.constantFrom('\n', '\n\n', '\n\n', '\n\n', '\r\n\r\n', '\r\n', '\n\n\n', '\n  \n');

export const markdownDocument = fc
  .array(fc.tuple(block, separator), { minLength: 1, maxLength: 10 })
  .chain((parts) => fc.boolean().map((trailing) => {
    const text = parts.map(([b, s]) => b + s).join('');
    return trailing ? text : text.replace(/\s+$/, '');
  }));
