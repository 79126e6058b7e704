// GET /monitor, after HACron's: the service process's memory, CPU use, uptime and the host's load, as JSON.
import { cpus, freemem, loadavg, totalmem, uptime } from 'node:os';

export interface MonitorSnapshot {
  pid: number;
  uptime_s: number;
  memory: {
    rss: number;
    heap_total: number;
    heap_used: number;
    external: number;
    system_total: number;
    system_free: number;
  };
  /** CPU time of this process since it started, and its share of one core over that time. */
  cpu: { user_ms: number; system_ms: number; percent: number; cores: number };
  load_average: { '1m': number; '5m': number; '15m': number };
  host_uptime_s: number;
  node: string;
}

export function monitorSnapshot(): MonitorSnapshot {
  const memory = process.memoryUsage();
  const usage = process.cpuUsage();
  const upSeconds = process.uptime();
  const cpuMs = (usage.user + usage.system) / 1000;
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    pid: process.pid,
    uptime_s: Math.round(upSeconds),
    memory: {
      rss: memory.rss,
      heap_total: memory.heapTotal,
      heap_used: memory.heapUsed,
      external: memory.external,
      system_total: totalmem(),
      system_free: freemem(),
    },
    cpu: {
      user_ms: Math.round(usage.user / 1000),
      system_ms: Math.round(usage.system / 1000),
      percent: upSeconds > 0 ? Math.round((cpuMs / (upSeconds * 1000)) * 1000) / 10 : 0,
      cores: cpus().length,
    },
    load_average: { '1m': one, '5m': five, '15m': fifteen },
    host_uptime_s: Math.round(uptime()),
    node: process.version,
  };
}
