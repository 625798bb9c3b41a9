// The renderer bundle (static/renderer.js), sent once per kernel (widgets/assets.py) and
// imported by the views through renderer_loader.js: the Markdown renderer (render.js), a
// whole answer laid out from it (answer_parts.js: text segments, code runs, images, tool
// calls, citations) and a JSON answer's table (json_table.js).

export { IncrementalRenderer, blocksHtml, renderMarkdown } from './render.js';
export { AnswerBody } from './answer_parts.js';
export { JsonTable } from './json_table.js';
