/**
 * A reader for TZif files (RFC 8536), the compiled zones under /usr/share/zoneinfo that
 * glibc's localtime() reads. Versions 1 to 4 are read. From version 2 on the 64-bit block
 * and the footer's POSIX TZ string are used.
 */

/** One local time type: the offset and abbreviation in force between two transitions. */
export interface LocalTimeType {
  /** Seconds east of UTC. */
  utcOffset: number;
  isDst: boolean;
  /** The abbreviation that strftime's %Z prints, such as `CET` or `+03`. */
  abbreviation: string;
}

/** A leap second record: from `occurrence` (Unix seconds) on, `correction` seconds apply. */
export interface LeapSecond {
  occurrence: number;
  correction: number;
}

/** The contents of a TZif file. */
export interface TzifZone {
  /** Transition times in Unix seconds, ascending. */
  transitions: number[];
  /** For each transition, the index in `types` of the type that starts there. */
  transitionTypes: number[];
  types: LocalTimeType[];
  leapSeconds: LeapSecond[];
  /** The POSIX TZ string for times after the last transition; '' when there is none. */
  footer: string;
}

/** A file that is not valid TZif. */
export class TzifError extends Error {
  readonly code = 'TZIF_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'TzifError';
  }
}

const HEADER_BYTES = 44;
const TYPE_RECORD_BYTES = 6;

interface Header {
  version: number;
  isUtCount: number;
  isStdCount: number;
  leapCount: number;
  timeCount: number;
  typeCount: number;
  charCount: number;
}

function readHeader(file: Buffer, offset: number): Header {
  if (file.length < offset + HEADER_BYTES) {
    throw new TzifError(`truncated header at byte ${offset}`);
  }
  if (file.toString('latin1', offset, offset + 4) !== 'TZif') {
    throw new TzifError(`missing "TZif" magic at byte ${offset}`);
  }
  const versionByte = file.readUInt8(offset + 4);
  const count = (index: number): number => file.readUInt32BE(offset + 20 + 4 * index);
  return {
    version: versionByte === 0 ? 1 : versionByte - 0x30,
    isUtCount: count(0),
    isStdCount: count(1),
    leapCount: count(2),
    timeCount: count(3),
    typeCount: count(4),
    charCount: count(5),
  };
}

/** Returns the length of the data block that follows a header, for 4- or 8-byte times. */
function blockBytes(header: Header, timeBytes: number): number {
  return (
    header.timeCount * (timeBytes + 1) +
    header.typeCount * TYPE_RECORD_BYTES +
    header.charCount +
    header.leapCount * (timeBytes + 4) +
    header.isStdCount +
    header.isUtCount
  );
}

/** Reads a signed 4- or 8-byte time. 64-bit times beyond 2^53 lose precision, which only the -2^59 "big bang" sentinels reach. */
function readTime(file: Buffer, offset: number, timeBytes: number): number {
  return timeBytes === 8 ? Number(file.readBigInt64BE(offset)) : file.readInt32BE(offset);
}

function readAbbreviation(file: Buffer, charsStart: number, charCount: number, index: number): string {
  if (index >= charCount) {
    throw new TzifError(`abbreviation index ${index} is past the ${charCount} abbreviation bytes`);
  }
  const end = file.indexOf(0, charsStart + index);
  if (end === -1 || end >= charsStart + charCount) {
    throw new TzifError(`abbreviation at index ${index} is not NUL-terminated`);
  }
  return file.toString('latin1', charsStart + index, end);
}

function readTypes(file: Buffer, start: number, header: Header): LocalTimeType[] {
  const charsStart = start + header.typeCount * TYPE_RECORD_BYTES;
  const types: LocalTimeType[] = [];
  for (let i = 0; i < header.typeCount; i++) {
    const record = start + i * TYPE_RECORD_BYTES;
    types.push({
      utcOffset: file.readInt32BE(record),
      isDst: file.readUInt8(record + 4) !== 0,
      abbreviation: readAbbreviation(file, charsStart, header.charCount, file.readUInt8(record + 5)),
    });
  }
  return types;
}

function readBlock(file: Buffer, start: number, header: Header, timeBytes: number): Omit<TzifZone, 'footer'> {
  if (file.length < start + blockBytes(header, timeBytes)) {
    throw new TzifError(`truncated data block at byte ${start}`);
  }
  if (header.typeCount === 0) {
    throw new TzifError('no local time types');
  }

  const transitions: number[] = [];
  const transitionTypes: number[] = [];
  const typesAt = start + header.timeCount * timeBytes;
  for (let i = 0; i < header.timeCount; i++) {
    transitions.push(readTime(file, start + i * timeBytes, timeBytes));
    const type = file.readUInt8(typesAt + i);
    if (type >= header.typeCount) {
      throw new TzifError(`transition ${i} names type ${type} of ${header.typeCount}`);
    }
    transitionTypes.push(type);
  }

  const typeRecordsAt = typesAt + header.timeCount;
  const types = readTypes(file, typeRecordsAt, header);

  const leapAt = typeRecordsAt + header.typeCount * TYPE_RECORD_BYTES + header.charCount;
  const leapSeconds: LeapSecond[] = [];
  for (let i = 0; i < header.leapCount; i++) {
    const record = leapAt + i * (timeBytes + 4);
    leapSeconds.push({
      occurrence: readTime(file, record, timeBytes),
      correction: file.readInt32BE(record + timeBytes),
    });
  }
  return { transitions, transitionTypes, types, leapSeconds };
}

/** Reads the footer, a POSIX TZ string between two newlines at the end of the file. */
function readFooter(file: Buffer, start: number): string {
  if (start >= file.length) return '';
  if (file.readUInt8(start) !== 0x0a) {
    throw new TzifError(`footer at byte ${start} does not start with a newline`);
  }
  const end = file.indexOf(0x0a, start + 1);
  if (end === -1) {
    throw new TzifError('footer does not end with a newline');
  }
  return file.toString('latin1', start + 1, end);
}

/** Parses a TZif file. Throws TzifError when the file is not valid TZif. */
export function parseTzif(file: Buffer): TzifZone {
  const first = readHeader(file, 0);
  if (first.version < 2) {
    return { ...readBlock(file, HEADER_BYTES, first, 4), footer: '' };
  }

  const secondAt = HEADER_BYTES + blockBytes(first, 4);
  const second = readHeader(file, secondAt);
  const blockAt = secondAt + HEADER_BYTES;
  const block = readBlock(file, blockAt, second, 8);
  return { ...block, footer: readFooter(file, blockAt + blockBytes(second, 8)) };
}
