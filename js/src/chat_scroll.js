// The chat log follows the conversation's end until the reader scrolls away from it (wheel,
// touch, keys, the scrollbar), and again once they scroll back to the end. Told by what
// the reader did, not by scroll events: replacing the live reply by its finished turn
// moves scrollTop too.

/** Keep `messages` (the log) scrolled to its end while the reader follows it. */
export function followEnd(messages) {
  let following = true;
  const nearEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 48;
  const toEnd = () => (messages.scrollTop = messages.scrollHeight);
  const readerScrolled = () => requestAnimationFrame(() => (following = nearEnd()));
  for (const event of ['wheel', 'touchmove', 'keyup', 'pointerup']) {
    messages.addEventListener(event, readerScrolled, { passive: true });
  }
  // A message's height settles after it is written (rendered sections off screen are laid out
  // when they come into view): follow each size change, not only each write.
  const pinned = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => following && toEnd())
    : null;
  return {
    /** Go to the end if the reader follows it (after a write). */
    follow: () => {
      if (following) toEnd();
    },
    /** Follow again, whatever the reader did (a new message: go to it). */
    resume: () => {
      following = true;
    },
    toEnd,
    /** Follow these nodes' size changes too. */
    watch: (nodes) => nodes.forEach((node) => pinned?.observe(node)),
    disconnect: () => pinned?.disconnect(),
  };
}
