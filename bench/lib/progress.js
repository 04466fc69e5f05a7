'use strict';
// One self-rewriting status line on a terminal; plain, throttled lines otherwise (CI logs).

const tty = Boolean(process.stdout.isTTY);
let shown = false;
let lastPlain = 0;

function clear() {
  if (tty && shown) process.stdout.write('\r\x1b[2K');
  shown = false;
}

/** A lasting line (a step finished, a warning). */
function log(text) {
  clear();
  process.stdout.write(`${text}\n`);
}

/** The current state of a long step: rewritten in place on a TTY, every 5 s as a line otherwise. */
function status(text) {
  if (tty) {
    const width = process.stdout.columns || 100;
    process.stdout.write(`\r\x1b[2K${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}`);
    shown = true;
    return;
  }
  const now = Date.now();
  if (now - lastPlain >= 5000) {
    lastPlain = now;
    process.stdout.write(`  … ${text}\n`);
  }
}

module.exports = { log, status, clear };
