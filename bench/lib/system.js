'use strict';
// What the machine and its processes are doing, read from /proc (Linux): memory and CPU time of a
// process, busy time of the whole machine, established TCP connections on a port.
const { readFileSync } = require('node:fs');
const os = require('node:os');

const TICKS = 100; // USER_HZ

/** VmRSS / VmHWM (peak) of a process in bytes; null when it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) || [])[1] || 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far; null when it is gone. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/** Soft limit on open files of a process. */
function openFilesLimit(pid = 'self') {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine since boot (all cores; idle and iowait excluded). */
function machineBusySeconds() {
  try {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = v.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - n[3] - n[4]) / TICKS;
  } catch {
    return null;
  }
}

/** Established TCP connections whose LOCAL port is `port` (the server side), IPv4 and IPv6. */
function establishedOn(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let i = text.indexOf('\n') + 1;
    while (i > 0 && i < text.length) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? undefined : end);
      const f = line.trim().split(/\s+/);
      if (f[3] === '01' && f[1] && f[1].endsWith(`:${hex}`)) count++;
      i = end < 0 ? -1 : end + 1;
    }
  }
  return count;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0] ? cpus[0].model.trim() : null,
    total_mem_bytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg_at_start: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

module.exports = { memoryOf, cpuSecondsOf, openFilesLimit, machineBusySeconds, establishedOn, machine };
