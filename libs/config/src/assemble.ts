/**
 * Applies the attribute lines of the parsed entries, in file order, to one shared
 * defaults state and to one draft per service. Order matters because a service copies
 * the defaults' list attributes when its entry starts.
 */

import {
  ATTRIBUTES, attributeNames, DISABLE, findAttribute, ID,
  type AttributeSpec, type ListSpec, type SingleSpec,
} from './attributes.js';
import type { DiagnosticCode } from './codes.js';
import type { DiagnosticCollector, DiagnosticOwner } from './diagnostics.js';
import type { Operator } from './lexer.js';
import type { Assignment, Entry } from './parser.js';
import { Settings, type DefaultsState, type ServiceDraft } from './settings.js';
import { didYouMean } from './suggest.js';
import type { ValueProblem, ValueResult } from './values.js';

/** The entry an attribute line is applied to. */
interface Target {
  readonly kind: 'service' | 'defaults';
  readonly settings: Settings;
  /** Attributes set by the entry's own lines; for the defaults, by any defaults entry. */
  readonly assigned: Set<string>;
  readonly owner: DiagnosticOwner | null;
}

/** Receives the entries in file order and keeps the defaults and the service drafts not disabled. */
export class Assembler {
  readonly defaults: DefaultsState & Target = {
    kind: 'defaults',
    settings: new Settings(),
    assigned: new Set(),
    owner: null,
  };
  readonly services: ServiceDraft[] = [];

  constructor(private readonly diagnostics: DiagnosticCollector) {}

  add(entry: Entry): void {
    if (entry.kind === 'defaults') {
      for (const assignment of entry.assignments) this.apply(this.defaults, assignment);
      this.reportLateDefaults(entry);
      return;
    }
    const draft = this.assembleService(entry);
    if (draft.disabledAt === null) this.services.push(draft);
  }

  private assembleService(entry: Entry): ServiceDraft {
    const owner = entry.owner ?? { label: entry.name, errorCount: 0 };
    const draft: ServiceDraft = {
      name: entry.name,
      position: entry.position,
      owner,
      settings: entry.fromInetdConf === true ? new Settings() : copyStartingValues(this.defaults),
      assigned: new Set(),
      disabledAt: null,
    };
    const target: Target = { kind: 'service', settings: draft.settings, assigned: draft.assigned, owner };
    for (const assignment of entry.assignments) {
      if (this.apply(target, assignment) !== 'disabled') continue;
      // xinetd stops reading an entry at `disable = yes`, so later lines are not checked.
      draft.disabledAt = assignment.position;
      break;
    }
    owner.label = draft.settings.value(ID) ?? entry.name;
    if (draft.disabledAt !== null) {
      this.report('CONFIG_SERVICE_DISABLED', 'service is disabled by "disable = yes"', draft.disabledAt, owner);
    }
    return draft;
  }

  /**
   * Warns when a defaults entry sets a list that services copy as their entry starts, such
   * as no_access, after some services: as in xinetd, those services keep what they copied.
   */
  private reportLateDefaults(entry: Entry): void {
    if (this.services.length === 0) return;
    const late = entry.assignments.find((assignment) => findAttribute(assignment.name)?.copyAtStart === true);
    if (late === undefined) return;
    const count = this.services.length;
    const first = this.services[0]!.owner.label;
    const services = count === 1 ? `1 service (${first}), which keeps the values it` : `${count} services (the first is ${first}), which keep the values they`;
    const message = `defaults sets "${late.name}" after ${services} copied before it`;
    const hint = 'move this defaults entry before the services; for a file in an includedir, give it a name that sorts first, such as 00-name';
    this.report('CONFIG_DEFAULTS_AFTER_SERVICES', message, late.position, null, hint);
  }

  private report(
    code: DiagnosticCode,
    message: string,
    position: Assignment['position'],
    owner: DiagnosticOwner | null,
    hint: string | null = null,
  ): void {
    this.diagnostics.report(code, message, { position, owner, hint });
  }

  private apply(target: Target, assignment: Assignment): 'applied' | 'ignored' | 'disabled' {
    const spec = this.lookUp(target, assignment);
    if (spec === undefined) return 'ignored';
    const applied = spec.kind === 'single'
      ? this.applySingle(target, spec, assignment)
      : this.applyList(target, spec, assignment);
    if (!applied) return 'ignored';
    if (spec.support === 'not-enforced') {
      const hint = 'xinetd-ts accepts this attribute but does not act on it yet';
      const message = `attribute "${spec.name}" is parsed, not yet enforced`;
      this.report('CONFIG_NOT_ENFORCED', message, assignment.position, target.owner, hint);
    }
    const disables = spec === DISABLE && target.settings.value(DISABLE) === true;
    return disables ? 'disabled' : 'applied';
  }

  private lookUp(target: Target, assignment: Assignment): AttributeSpec | undefined {
    const { position } = assignment;
    const spec = findAttribute(assignment.name);
    if (spec === undefined) {
      const hint = didYouMean(assignment.name, attributeNames(target.kind));
      this.report('CONFIG_UNKNOWN_ATTRIBUTE', `unknown attribute "${assignment.name}"`, position, target.owner, hint);
      return undefined;
    }
    if (target.kind === 'defaults' && !spec.inDefaults) {
      const message = `attribute "${spec.name}" is not allowed in the defaults entry`;
      this.report('CONFIG_NOT_ALLOWED_IN_DEFAULTS', message, position, null, 'set it in each service entry instead');
      return undefined;
    }
    if (target.kind === 'service' && !spec.inService) {
      const message = `attribute "${spec.name}" is only allowed in the defaults entry`;
      this.report('CONFIG_NOT_ALLOWED_IN_SERVICE', message, position, target.owner, 'move it to the defaults entry');
      return undefined;
    }
    return spec;
  }

  private applySingle(target: Target, spec: SingleSpec<unknown>, assignment: Assignment): boolean {
    const { position } = assignment;
    if (target.assigned.has(spec.name)) {
      const first = target.settings.get(spec)?.position?.line;
      const where = first === undefined ? '' : ` (first set at line ${first})`;
      const message = `attribute "${spec.name}" is already set${where}; this line is ignored`;
      this.report(spec.duplicateCode, message, position, target.owner);
      return false;
    }
    if (assignment.operator !== '=') {
      const message = `operator "${assignment.operator}" cannot be used with attribute "${spec.name}"; this line is ignored`;
      this.report('CONFIG_OPERATOR_IGNORED', message, position, target.owner, `only "=" is allowed for ${spec.name}`);
      return false;
    }
    const parsed = parseValues(spec, assignment.values);
    if (!parsed.ok) {
      this.reportProblem(target, spec, assignment, parsed.problem);
      return false;
    }
    target.settings.set(spec, { value: parsed.value, origin: target.kind, position, broken: false });
    target.assigned.add(spec.name);
    return true;
  }

  private applyList(target: Target, spec: ListSpec, assignment: Assignment): boolean {
    const parsed = spec.operators.includes(assignment.operator)
      ? parseValues(spec, assignment.values)
      : unsupportedOperator(spec, assignment.operator);
    if (!parsed.ok) {
      this.reportProblem(target, spec, assignment, parsed.problem);
      return false;
    }
    const operator = effectiveOperator(target, spec, assignment.operator);
    const current = target.settings.get(spec);
    const base = current === undefined || current.broken ? [] : (current.value as string[]);
    const items = combine(spec, operator, base, parsed.value);
    // A service can only get rid of an invalid inherited list by replacing it.
    const broken = current?.broken === true && operator !== '=';
    target.settings.set(spec, { value: items, origin: target.kind, position: assignment.position, broken });
    target.assigned.add(spec.name);
    return true;
  }

  /**
   * Reports an invalid line. In a service the error keeps the service from loading; in
   * the defaults the attribute is marked broken so that services inheriting it fail.
   */
  private reportProblem(target: Target, spec: AttributeSpec, assignment: Assignment, problem: ValueProblem): void {
    const hasCarriageReturn = assignment.values.some((value) => value.endsWith('\r'));
    const hint = hasCarriageReturn ? 'the value ends with a CR; convert the file to LF line endings' : problem.hint;
    this.report(problem.code, `attribute "${spec.name}": ${problem.message}`, assignment.position, target.owner, hint);
    if (target.kind === 'defaults') {
      target.settings.set(spec, { value: undefined, origin: 'defaults', position: assignment.position, broken: true });
    }
  }
}

/** Copies the values a service starts with: the defaults' list attributes and banners. */
function copyStartingValues(defaults: DefaultsState): Settings {
  const settings = new Settings();
  for (const spec of ATTRIBUTES) {
    const setting = defaults.settings.get(spec);
    if (spec.copyAtStart && setting !== undefined) settings.set(spec, setting);
  }
  return settings;
}

function describeArity(min: number, max: number): string {
  const unit = (count: number): string => `${count} value${count === 1 ? '' : 's'}`;
  if (min === max) return unit(min);
  if (max === Number.POSITIVE_INFINITY) return `at least ${unit(min)}`;
  return `${min} to ${unit(max)}`;
}

interface Parseable<T> {
  readonly name: string;
  readonly arity: AttributeSpec['arity'];
  readonly parse: (values: readonly string[]) => ValueResult<T>;
}

/** Checks the value count, then parses. */
function parseValues<T>(spec: Parseable<T>, values: readonly string[]): ValueResult<T> {
  const { min, max } = spec.arity;
  if (values.length >= min && values.length <= max) return spec.parse(values);
  const givenCount = `${values.length} ${values.length === 1 ? 'was' : 'were'} given`;
  const message = `expects ${describeArity(min, max)} but ${givenCount}`;
  const hint = values.some((value) => value.startsWith('#'))
    ? 'a "#" after a value does not start a comment; move the comment to its own line'
    : null;
  return { ok: false, problem: { code: 'CONFIG_WRONG_VALUE_COUNT', message, hint } };
}

function unsupportedOperator(spec: ListSpec, operator: Operator): ValueResult<string[]> {
  const allowed = spec.operators.map((candidate) => `"${candidate}"`).join(' or ');
  const message = `operator "${operator}" is not supported`;
  return { ok: false, problem: { code: 'CONFIG_OPERATOR_NOT_SUPPORTED', message, hint: `use ${allowed}` } };
}

/** Returns the operator as it acts: in defaults `=` adds, and for enabled/disabled `-=` adds too. */
function effectiveOperator(target: Target, spec: ListSpec, operator: Operator): Operator {
  if (target.kind === 'defaults' && operator === '=') return '+=';
  if (spec.minusAdds && operator === '-=') return '+=';
  return operator;
}

function combine(spec: ListSpec, operator: Operator, current: readonly string[], items: readonly string[]): string[] {
  if (operator === '=') return [...items];
  if (operator === '+=') return [...current, ...items.filter((item) => !current.includes(item))];
  return removeItems(spec, current, items);
}

/**
 * Removes items by key: removing 10.1.0.0 from the token 10.{1,2} leaves 10.2.0.0/16,
 * because xinetd stores a factorized token as one entry per network.
 */
function removeItems(spec: ListSpec, current: readonly string[], removals: readonly string[]): string[] {
  const removed = new Set(removals.flatMap(spec.entryKeys));
  return current.flatMap((item) => {
    const keys = spec.entryKeys(item);
    const remainingKeys = keys.filter((key) => !removed.has(key));
    return remainingKeys.length === keys.length ? [item] : remainingKeys;
  });
}
