/** The attribute values of one entry while the configuration is being read. */

import type { AttributeSpec, ListSpec, SingleSpec } from './attributes.js';
import type { DiagnosticOwner } from './diagnostics.js';
import type { SourcePosition, ValueOrigin } from './types.js';

export interface Setting {
  /** The parsed value. For a list attribute it is the array of items. */
  readonly value: unknown;
  readonly origin: ValueOrigin;
  readonly position: SourcePosition | null;
  /**
   * The value came from a defaults line that failed to parse. A service that keeps it
   * is not loaded, so a bad defaults line never silently widens access.
   */
  readonly broken: boolean;
}

export class Settings {
  private readonly byName = new Map<string, Setting>();

  get(spec: { readonly name: string }): Setting | undefined {
    return this.byName.get(spec.name);
  }

  set(spec: AttributeSpec, setting: Setting): void {
    this.byName.set(spec.name, setting);
  }

  has(spec: { readonly name: string }): boolean {
    return this.byName.has(spec.name);
  }

  /** The parsed value of a single-value attribute, typed by its spec. */
  value<T>(spec: SingleSpec<T>): T | undefined {
    const setting = this.byName.get(spec.name);
    return setting === undefined || setting.broken ? undefined : (setting.value as T);
  }

  /** Returns the items of a list attribute, or undefined when it was never set. */
  items(spec: ListSpec): readonly string[] | undefined {
    const setting = this.byName.get(spec.name);
    return setting === undefined || setting.broken ? undefined : (setting.value as string[]);
  }

  entries(): IterableIterator<[string, Setting]> {
    return this.byName.entries();
  }
}

export interface DefaultsState {
  readonly settings: Settings;
}

export interface ServiceDraft {
  readonly name: string;
  readonly position: SourcePosition;
  readonly owner: DiagnosticOwner;
  readonly settings: Settings;
  /** Attributes set by the service's own lines, as opposed to copied from the defaults. */
  readonly assigned: Set<string>;
  /** Position of the `disable = yes` line, or null. */
  disabledAt: SourcePosition | null;
}
