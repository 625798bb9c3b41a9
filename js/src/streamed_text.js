// The browser half of the delta protocol (the kernel half: gemini_widgets/widgets/deltas.py).
// Each piece arrives once with its offset `at`; pieces are applied in order, repeats are
// dropped, and a gap (text before `at` is missing) is reported so the caller can ask the
// kernel for a snapshot.

// How long a snapshot request may wait. One request that waits for as long as a blocking
// cell runs (the kernel reads it when the cell ends): anywidget's default gives up after
// 3 s, and retrying would queue one copy of the text per retry.
export const SNAPSHOT_PATIENCE_MS = 24 * 3600 * 1000;

export class StreamedText {
  constructor() {
    this.text = '';
    this.thoughts = '';
  }

  /**
   * Apply a {type: 'delta'} message. Returns the new text and thoughts, or null when text
   * before the message's offset is missing (then nothing is applied).
   */
  apply(message) {
    const text = newPart(this.text, message.at, message.text);
    const thoughts = newPart(this.thoughts, message.thoughts_at, message.thoughts);
    if (text === null || thoughts === null) return null;
    this.text += text;
    this.thoughts += thoughts;
    return { text, thoughts };
  }

  reset(text = '', thoughts = '') {
    this.text = text;
    this.thoughts = thoughts;
  }
}

function newPart(held, at, piece) {
  if (piece === undefined) return '';
  if (at > held.length) return null;
  return piece.slice(held.length - at);
}
