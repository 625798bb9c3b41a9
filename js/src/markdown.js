// The one markdown-it instance and the split of its output into top-level blocks.
// Everything Markdown-specific lives here; render.js only decides *which* text to parse.

import MarkdownIt from 'markdown-it';
import texmath from 'markdown-it-texmath';
import katex from 'katex';
import hljs from 'highlight.js/lib/common';

// trust:false keeps \href/\url/\includegraphics inert; maxSize bounds \rule and friends so
// a formula cannot draw a page-sized box; maxExpand stops macro bombs.
const KATEX_OPTIONS = Object.freeze({
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxSize: 20,
  maxExpand: 1000,
  output: 'htmlAndMathml',
});

export const md = createMarkdownIt();

/**
 * Parse `src` and cut the token stream into top-level blocks.
 * Each block is `{ line, tokens }`, `line` being the 0-based source line where it starts
 * (markdown-it's `map[0]`). Rendering the blocks one by one and concatenating gives the
 * same HTML as rendering all tokens at once (markdown-it's renderer only looks at
 * neighbouring tokens inside a block).
 *
 * `env` is markdown-it's env: pass `{references}` to resolve links against definitions
 * that live outside `src`; definitions found in `src` are added to it.
 */
export function parseBlocks(src, env) {
  const blocks = splitTopLevel(md.parse(src, env));
  showUnfinishedTable(src, blocks, env);
  return blocks;
}

/** HTML (unsanitised) of one block from parseBlocks. */
export function renderBlockHtml(block, env) {
  return md.renderer.render(block.tokens, md.options, env);
}

/** Offsets in `src` where each line starts, with markdown-it's notion of a line break. */
export function lineStarts(src) {
  const starts = [0];
  const breaks = /\r\n?|\n/g;
  while (breaks.exec(src) !== null) starts.push(breaks.lastIndex);
  return starts;
}

function createMarkdownIt() {
  // The default preset is CommonMark plus GFM tables and strikethrough. Raw HTML is on:
  // models do write <br>, <sub>, <details>, and DOMPurify (sanitize.js) is the safety layer.
  const instance = new MarkdownIt({
    html: true,
    linkify: true,
    typographer: false,
    langPrefix: 'hljs language-',
    highlight: highlightCode,
  });
  instance.use(texmath, {
    engine: katex,
    delimiters: ['dollars', 'brackets'],
    katexOptions: { ...KATEX_OPTIONS },
  });
  stopDisplayMathAtBlankLine(instance);
  renderMathWithKatex(instance);
  wrapCodeBlocks(instance);
  return instance;
}

/**
 * highlight.js HTML of `code` in `language`, or '' when the language is unknown (the
 * caller shows plain text). Auto-detection is off: it runs every grammar over the code on
 * every frame of a streaming code block, and guesses wrong on short snippets.
 */
export function highlightCode(code, language) {
  if (!language || !hljs.getLanguage(language)) return '';
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return '';
  }
}

// The glue adds a copy button per code block; a wrapper gives it a positioned parent
// that is not the scrolling <pre>.
function wrapCodeBlocks(instance) {
  for (const name of ['fence', 'code_block']) {
    const original = instance.renderer.rules[name];
    instance.renderer.rules[name] = (...args) => `<div class="gw-code">${original(...args)}</div>\n`;
  }
}

// texmath matches display math with a regex over the *whole* source, so an opening `$$`
// could pair with a `$$` any number of paragraphs later: one late character would
// rewrite blocks the reader has long seen. TeX itself ends math at a blank line (\par
// is an error in math mode), so we do the same: the rule only sees the source up to the
// next empty line. This keeps display math a block-local construct, which is what
// lets render.js commit finished blocks. (Ruler.__rules__ is markdown-it's rule list;
// texmath registers its block rules there under fixed names.)
function stopDisplayMathAtBlankLine(instance) {
  for (const rule of instance.block.ruler.__rules__) {
    if (!texmath.blockRuleNames.includes(rule.name)) continue;
    const matchMath = rule.fn;
    rule.fn = (state, startLine, endLine, silent) => {
      const start = state.bMarks[startLine] + state.tShift[startLine];
      if (!state.src.startsWith('$$', start) && !state.src.startsWith('\\[', start)) return false;
      let last = startLine;
      while (last + 1 < endLine && !state.isEmpty(last + 1)) last++;
      const src = state.src;
      state.src = src.slice(0, state.eMarks[last]); // V8 slices share storage: O(1)
      try {
        return matchMath(state, startLine, last + 1, silent);
      } finally {
        state.src = src;
      }
    };
  }
  instance.block.ruler.__cache__ = null;
}

// texmath's own templates emit <eq>/<eqn>/<section>, which DOMPurify would unwrap.
// Plain spans and divs instead; KaTeX output is cached because the open paragraph is
// re-rendered on every frame while its formulas rarely change.
function renderMathWithKatex(instance) {
  const rules = instance.renderer.rules;
  rules.math_inline = (tokens, i) => texToHtml(tokens[i].content, false);
  rules.math_inline_double = (tokens, i) => texToHtml(tokens[i].content, true);
  rules.math_block = (tokens, i) => `<div class="gw-math">${texToHtml(tokens[i].content, true)}</div>\n`;
  rules.math_block_eqno = (tokens, i) =>
    `<div class="gw-math gw-math-numbered">${texToHtml(tokens[i].content, true)}` +
    `<span class="gw-math-label">(${instance.utils.escapeHtml(tokens[i].info)})</span></div>\n`;
}

const texCache = new Map();
const TEX_CACHE_SIZE = 500;

function texToHtml(tex, displayMode) {
  const key = (displayMode ? 'D' : 'I') + tex;
  let html = texCache.get(key);
  if (html === undefined) {
    html = katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });
    if (texCache.size >= TEX_CACHE_SIZE) texCache.delete(texCache.keys().next().value);
    texCache.set(key, html);
  }
  return html;
}

function splitTopLevel(tokens) {
  const blocks = [];
  for (const token of tokens) {
    // Every level-0 opening (or self-contained) block token carries a line map.
    if (token.level === 0 && token.nesting >= 0 && token.map) {
      blocks.push({ line: token.map[0], tokens: [] });
    }
    blocks.at(-1).tokens.push(token);
  }
  return blocks;
}

// A streamed table arrives as `| a | b |`, then `| --- | -`, then rows. Until the
// delimiter row is complete, CommonMark sees a paragraph of pipes, which flashes as
// text and then jumps into a table. When the *last* block of the text is such a
// paragraph (a pipe row, optionally followed by an unfinished delimiter row, running to
// the end of the text), we render it as the table it is becoming. This is a function
// of the text alone, so the incremental and the whole-text render agree; the cost is
// that a document that really ends on a lone `| a | b |` line shows a header-only table.
const PIPE_ROW = /^ {0,3}\|.*\|\s*$/;
const PIPE_ROW_START = /^ {0,3}\|/;
const PARTIAL_DELIMITER_ROW = /^ {0,3}\|[\s|:-]*$/;

function showUnfinishedTable(src, blocks, env) {
  const last = blocks.at(-1);
  if (!last || last.tokens[0].type !== 'paragraph_open') return;
  const [first, end] = last.tokens[0].map;
  const starts = lineStarts(src);
  const lineCount = starts.at(-1) === src.length ? starts.length - 1 : starts.length;
  if (end !== lineCount || end - first > 2) return;
  const lines = src.slice(starts[first]).split(/\r\n?|\n/).slice(0, end - first);
  const [header, delimiter] = lines;
  const unfinished =
    lines.length === 1 ? PIPE_ROW.test(header)
      : PIPE_ROW_START.test(header) && PARTIAL_DELIMITER_ROW.test(delimiter);
  if (!unfinished) return;
  const tokens = md.parse(`${header}\n${delimiterRowFor(header)}\n`, env);
  if (tokens[0]?.type !== 'table_open') return;
  for (const token of tokens) if (token.map) token.map = [token.map[0] + first, token.map[1] + first];
  last.tokens = tokens;
}

function delimiterRowFor(header) {
  const cells = header.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return `|${'---|'.repeat(cells.length)}`;
}
