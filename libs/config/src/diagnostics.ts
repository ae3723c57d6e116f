import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';
import type { Diagnostic, SourcePosition } from './types.js';

/**
 * The service a diagnostic belongs to. The label starts as the service name and
 * becomes the `id` once the entry sets one, so every diagnostic of the service,
 * earlier ones included, carries its final id.
 */
export interface DiagnosticOwner {
  label: string;
  errorCount: number;
}

export interface ReportDetails {
  position?: SourcePosition | null;
  owner?: DiagnosticOwner | null;
  hint?: string | null;
}

interface PendingDiagnostic {
  code: DiagnosticCode;
  message: string;
  position: SourcePosition | null;
  owner: DiagnosticOwner | null;
  hint: string | null;
}

/** Collects every problem of one load, in the order found. */
export class DiagnosticCollector {
  private readonly pending: PendingDiagnostic[] = [];

  report(code: DiagnosticCode, message: string, details: ReportDetails = {}): void {
    const owner = details.owner ?? null;
    if (owner !== null && DIAGNOSTIC_CODES[code].severity === 'error') owner.errorCount += 1;
    this.pending.push({
      code,
      message,
      position: details.position ?? null,
      owner,
      hint: details.hint ?? null,
    });
  }

  /** Builds the frozen diagnostics, resolving each owner to its final label. */
  finish(): readonly Diagnostic[] {
    const diagnostics = this.pending.map((item) =>
      Object.freeze({
        code: item.code,
        severity: DIAGNOSTIC_CODES[item.code].severity,
        message: item.message,
        position: item.position === null ? null : Object.freeze({ ...item.position }),
        service: item.owner === null ? null : item.owner.label,
        hint: item.hint,
      }),
    );
    return Object.freeze(diagnostics);
  }
}

export function newOwner(label: string): DiagnosticOwner {
  return { label, errorCount: 0 };
}

/**
 * Formats a diagnostic as one line:
 * `/etc/xinetd.d/foo:12: error: service foo: unknown attribute "sever" (did you mean "server"?)`.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const parts: string[] = [];
  if (diagnostic.position !== null) {
    parts.push(`${diagnostic.position.file}:${diagnostic.position.line}`);
  }
  parts.push(diagnostic.severity);
  if (diagnostic.service !== null) parts.push(`service ${diagnostic.service}`);
  const hint = diagnostic.hint === null ? '' : ` (${diagnostic.hint})`;
  parts.push(`${diagnostic.message}${hint}`);
  return parts.join(': ');
}
