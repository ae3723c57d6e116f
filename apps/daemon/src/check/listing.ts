/** The normalized listing of one loaded service, with the origin of every value. */
import { describeAttributes, type ServiceConfig, type SourcePosition, type ValueOrigin } from '#config';
import { ATTRIBUTE_VALUES } from './attribute-values.js';
import { ignoredPart } from './daemon-support.js';

const NOT_ENFORCED = new Set(describeAttributes().filter((info) => info.support === 'not-enforced').map((info) => info.name));

type Origin = { origin: ValueOrigin; position: SourcePosition | null };

function describeOrigin(origin: Origin | undefined, service: ServiceConfig): string {
  if (origin?.origin === 'services-file') return 'services file';
  if (origin === undefined || origin.origin === 'built-in' || origin.position === null) return 'built-in';
  const { file, line } = origin.position;
  if (origin.origin === 'service' && file === service.position.file) return `service, line ${line}`;
  return `${origin.origin}, ${file}:${line}`;
}

function enforcementNote(attribute: string, service: ServiceConfig): string {
  if (NOT_ENFORCED.has(attribute)) return '; parsed, not yet enforced';
  const ignored = ignoredPart(attribute, service);
  return ignored === null ? '' : `; ${ignored} parsed, not yet enforced`;
}

/** Formats one attribute line, or returns null when the attribute has no value. */
function attributeLine(attribute: string, value: string | null, service: ServiceConfig): string | null {
  const origin = service.origins.get(attribute);
  if (value === null) return null;
  const left = `\t${attribute.padEnd(15)} = ${value}`;
  return `${left.padEnd(48)} # ${describeOrigin(origin, service)}${enforcementNote(attribute, service)}`;
}

/** Formats a service as an xinetd.conf entry, with the origin of each value in a comment. */
export function formatService(service: ServiceConfig): string {
  const header = `service ${service.name}\t# ${service.position.file}:${service.position.line}`;
  const lines = ATTRIBUTE_VALUES.map(([attribute, format]) => attributeLine(attribute, format(service), service));
  return [header, '{', ...lines.filter((line): line is string => line !== null), '}'].join('\n');
}
