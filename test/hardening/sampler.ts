/** Samples a daemon's resident memory, descriptors, helpers and servers, and listeners from /proc. */
import { readdirSync, readFileSync } from 'node:fs';
import { childrenOf } from '../servers/support.js';
import { listenersOf } from './support.js';

export interface Sample {
  /** Milliseconds since the sampler started. */
  at: number;
  rssKiB: number;
  fds: number;
  /** Every process below the daemon: spawner, wait = yes helpers and servers. */
  children: number;
  listeners: number;
}

/** Lists `pid` and every process below it. */
export function family(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(family)];
}

export function residentKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

export function sampleOnce(pid: number, startedAt: number): Sample {
  const members = family(pid);
  return {
    at: Date.now() - startedAt,
    rssKiB: residentKiB(pid),
    fds: readdirSync(`/proc/${pid}/fd`).length,
    children: members.length - 1,
    listeners: listenersOf(members),
  };
}

/** Takes a sample every `everyMs` until stopped. */
export class Sampler {
  readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(pid: number, everyMs = 1000) {
    this.timer = setInterval(() => {
      try {
        this.samples.push(sampleOnce(pid, this.startedAt));
      } catch {
        // The daemon is gone; the test notices that itself.
      }
    }, everyMs);
  }

  stop(): Sample[] {
    clearInterval(this.timer);
    return this.samples;
  }
}

/** Returns the samples of quarter `index` (0 to 3) of the run. */
export function quarter(samples: Sample[], index: number): Sample[] {
  const size = Math.floor(samples.length / 4);
  return samples.slice(index * size, (index + 1) * size);
}

export function extent(values: number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}
