// The browser half of the delta protocol (the kernel half: gemini_widgets/widgets/deltas.py).
// Each piece arrives once with its offset `at`; pieces are applied in order, repeats are
// dropped, and a gap (text before `at` is missing) is reported so the caller can ask the
// kernel for a snapshot. The answer's non-text parts are numbered the same way (`parts_at`
// is the index of the message's first part); its annotations come whole, replacing the
// previous value. A JSON answer's messages also carry `rows`: the offsets at which rows
// became complete with this text (json_rows.py); they only grow, so repeats are dropped.
// `rows_from` (where rows start) comes when that is decided or changes: rows start again.
//
// Offsets are the kernel's: Python `str` lengths, i.e. code points. A JS string counts an
// emoji or any character beyond U+FFFF as two, so the text is also counted in code points.

// How long a snapshot request may wait. One request that waits for as long as a blocking
// cell runs (the kernel reads it when the cell ends): anywidget's default gives up after
// 3 s, and retrying would queue one copy of the text per retry.
export const SNAPSHOT_PATIENCE_MS = 24 * 3600 * 1000;

export class StreamedText {
  constructor() {
    this.reset();
  }

  /**
   * Apply a {type: 'delta'} message. Returns what is new — {text, thoughts, parts} and,
   * when the message carries them, `annotations` — or null when something before the
   * message's offsets is missing (then nothing is applied).
   */
  apply(message) {
    const text = newPiece(this.text, this.textPoints, message.at, message.text);
    const thoughts = newPiece(this.thoughts, this.thoughtsPoints, message.thoughts_at, message.thoughts);
    const parts = newParts(this.parts.length, message.parts_at, message.parts);
    if (text === null || thoughts === null || parts === null) return null;
    this.text += text;
    this.textPoints += codePoints(text);
    this.thoughts += thoughts;
    this.thoughtsPoints += codePoints(thoughts);
    this.parts.push(...parts);
    const rowsFrom = message.rows_from && message.rows_from.at <= this.textPoints ? message.rows_from : null;
    if (rowsFrom) {
      this.rowsFrom = rowsFrom;
      this.rows = [];
    }
    const last = this.rows.at(-1) ?? -1;
    const rows = (message.rows ?? []).filter((end) => end > last && end <= this.textPoints);
    this.rows.push(...rows);
    const added = { text, thoughts, parts, rows, rowsFrom };
    if ('annotations' in message) added.annotations = this.annotations = message.annotations ?? null;
    return added;
  }

  reset(text = '', thoughts = '', parts = [], annotations = null, rows = [], rowsFrom = null) {
    this.text = text;
    this.textPoints = codePoints(text);
    this.thoughts = thoughts;
    this.thoughtsPoints = codePoints(thoughts);
    this.parts = [...parts];
    this.annotations = annotations;
    this.rows = [...rows];
    this.rowsFrom = rowsFrom;
  }
}

/** Number of code points in `text` (what Python's len() says). */
export function codePoints(text) {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (isPair(text, i)) {
      pairs += 1;
      i += 1;
    }
  }
  return text.length - pairs;
}

/** The UTF-16 index in `text` of code point `points` (clamped to the text's end). */
export function utf16Index(text, points) {
  let index = 0;
  for (let n = 0; n < points && index < text.length; n++) index += isPair(text, index) ? 2 : 1;
  return index;
}

function isPair(text, i) {
  const high = text.charCodeAt(i);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

function newPiece(held, heldPoints, at, piece) {
  if (piece === undefined) return '';
  if (at > heldPoints) return null;
  return piece.slice(utf16Index(piece, heldPoints - at));
}

function newParts(held, at, parts) {
  if (parts === undefined) return [];
  if (at > held) return null;
  return parts.slice(held - at);
}
