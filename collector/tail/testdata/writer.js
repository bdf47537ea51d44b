// A log writer for the tailer's reliability test, run as a child process:
//   node writer.js <path> <lines per second> <max seconds>
// Appends `seq=<n> <padding>` lines to <path> (opened for append, as nginx opens its logs) at the given
// rate, every 5 ms. The last line of each batch is written in two parts, the second on the next tick, so
// readers regularly meet an unfinished line. Commands arrive over IPC and are answered once done:
//   { cmd: 'reopen' }  close and reopen <path> (what nginx does on USR1)   -> { reopened: seq }
//   { cmd: 'pause' }   stop writing, every line complete                    -> { paused: seq }
//   { cmd: 'resume' }  write again                                         -> { resumed: seq }
//   { cmd: 'stop' }    finish the last line, close, exit                   -> { stopped: seq }
// where seq is the number of lines written so far (lines 0 … seq-1). It exits by itself after <max
// seconds> or when its parent goes away, so a failed test cannot leave it running.
'use strict';
const fs = require('node:fs');

const [path, rateArg, maxArg] = process.argv.slice(2);
const rate = Number(rateArg);
const maxMs = Number(maxArg) * 1000;
const TICK_MS = 5;
const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

let fd = fs.openSync(path, 'a');
let seq = 0;
let pending = '';
let paused = false;
let owed = 0;
let last = Date.now();
const began = last;
const queue = [];

function line(n) {
  return `seq=${n} ${PAD.slice(0, n % PAD.length)}\n`;
}

function send(msg) {
  if (process.connected) process.send(msg);
}

function tick() {
  // The rest of the line cut in two on the last tick goes first, to the file its start went to.
  if (pending) {
    fs.writeSync(fd, pending);
    pending = '';
  }
  while (queue.length > 0) {
    const cmd = queue.shift();
    if (cmd === 'reopen') {
      fs.closeSync(fd);
      fd = fs.openSync(path, 'a');
      send({ reopened: seq });
    } else if (cmd === 'pause') {
      paused = true;
      send({ paused: seq });
    } else if (cmd === 'resume') {
      paused = false;
      last = Date.now();
      send({ resumed: seq });
    } else if (cmd === 'stop') {
      return finish();
    }
  }
  const now = Date.now();
  if (now - began > maxMs) return finish();
  if (!paused) {
    // Lines owed since the last tick, at most 100 ms worth after a slow tick.
    owed += (Math.min(now - last, 100) * rate) / 1000;
    let chunk = '';
    while (owed >= 1) {
      chunk += line(seq++);
      owed -= 1;
    }
    if (chunk) {
      const cut = Math.max(1, chunk.length - 1 - (seq % 7));
      fs.writeSync(fd, chunk.slice(0, cut));
      pending = chunk.slice(cut);
    }
  }
  last = now;
  setTimeout(tick, TICK_MS);
}

function finish() {
  if (pending) fs.writeSync(fd, pending);
  fs.closeSync(fd);
  send({ stopped: seq });
  process.disconnect?.();
}

process.on('message', (m) => queue.push(m.cmd));
process.on('disconnect', () => {
  if (queue.length === 0) process.exit(0);
});
tick();
