/** The aggregates a report shows. Everything is bounded in size, whatever the database holds. */

export interface Totals {
  events: number;
  starts: number;
  fails: number;
  exits: number;
  /** Distinct source addresses among the refused connections. */
  failingSources: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
}

/** FAIL counts per time bucket for the busiest sources, the rest summed as "other". */
export interface FailsOverTime {
  bucketLabel: string;
  /** Bucket starts, formatted in the local zone. */
  labels: string[];
  series: { source: string; counts: number[] }[];
}

export interface Count {
  name: string;
  count: number;
}

export interface ServiceActivity {
  service: string;
  starts: number;
  fails: number;
}

export interface SourceSummary {
  source: string;
  fails: number;
  starts: number;
  services: string[];
  reasons: string[];
  firstSeen: Date;
  lastSeen: Date;
}

export interface Sessions {
  services: SessionSummary[];
  /** Session counts in five duration ranges, over all services. */
  durations: Count[];
}

export interface SessionSummary {
  service: string;
  sessions: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Sessions that ended with a non-zero status or a signal. */
  failed: number;
}

/** Counts by ISO weekday (0 = Monday) and hour, in the local zone. */
export type Heatmap = number[][];

export interface TimelineEvent {
  /** Milliseconds since the epoch. */
  ms: number;
  /** Milliseconds since the epoch, shifted by the local zone offset so the page can show local time. */
  localMs: number;
  lane: string;
  text: string;
}

export interface Timeline {
  events: TimelineEvent[];
  /** Number of matching messages, of which `events` contains the most recent. */
  total: number;
}

export interface IdentReply {
  service: string;
  text: string;
  count: number;
}
