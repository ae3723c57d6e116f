/**
 * Converts DuckDB result chunks into JS row objects straight from the vectors, with the
 * same values as @duckdb/node-api's getRowObjectsJS. Integers up to 32 bits, floats and
 * doubles become numbers, BIGINT and wider bigint, strings and enum labels strings,
 * timestamps Date (milliseconds, truncated toward zero), and lists arrays. Other types
 * (DECIMAL, DATE, STRUCT and so on) are left to node-api: see isReadableType.
 */
import type * as Bindings from '@duckdb/node-bindings';

type ValueReader = (row: number) => unknown;

// Date's range: ±8.64e15 ms around 1970.
const MAX_DATE_MS = 8_640_000_000_000_000n;

const textDecoder = new TextDecoder();

/** Fixed-width types: bytes per value and how to read one from a DataView. */
const FIXED: Partial<Record<number, [number, (view: DataView, offset: number) => unknown]>> = {
  1: [1, (view, offset) => view.getUint8(offset) !== 0],
  2: [1, (view, offset) => view.getInt8(offset)],
  3: [2, (view, offset) => view.getInt16(offset, true)],
  4: [4, (view, offset) => view.getInt32(offset, true)],
  5: [8, (view, offset) => view.getBigInt64(offset, true)],
  6: [1, (view, offset) => view.getUint8(offset)],
  7: [2, (view, offset) => view.getUint16(offset, true)],
  8: [4, (view, offset) => view.getUint32(offset, true)],
  9: [8, (view, offset) => view.getBigUint64(offset, true)],
  10: [4, (view, offset) => view.getFloat32(offset, true)],
  11: [8, (view, offset) => view.getFloat64(offset, true)],
  12: [8, (view, offset) => dateFromMicros(view.getBigInt64(offset, true), 'TIMESTAMP')],
  16: [16, (view, offset) => (view.getBigInt64(offset + 8, true) << 64n) | view.getBigUint64(offset, true)],
  31: [8, (view, offset) => dateFromMicros(view.getBigInt64(offset, true), 'TIMESTAMPTZ')],
  32: [16, (view, offset) => (view.getBigUint64(offset + 8, true) << 64n) | view.getBigUint64(offset, true)],
};

const VARCHAR = 17;
const ENUM = 23;
const LIST = 24;

function dateFromMicros(micros: bigint, typeName: string): Date {
  const milliseconds = micros / 1000n;
  if (milliseconds < -MAX_DATE_MS || milliseconds > MAX_DATE_MS) {
    throw new Error(`${typeName} value out of range for JS Date: ${micros} micros`);
  }
  return new Date(Number(milliseconds));
}

/** Returns whether this module converts values of the type, including a list's items. */
export function isReadableType(bindings: typeof Bindings, type: Bindings.LogicalType): boolean {
  const id = bindings.get_type_id(type);
  if (id === LIST) return isReadableType(bindings, bindings.list_type_child_type(type));
  return id === VARCHAR || id === ENUM || FIXED[id] !== undefined;
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Returns a test for non-NULL rows; a vector without a validity mask has none. */
function validityOf(bindings: typeof Bindings, vector: Bindings.Vector, count: number): (row: number) => boolean {
  const mask = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
  if (!mask) return () => true;
  return (row) => ((mask[row >> 3]! >> (row & 7)) & 1) === 1;
}

function stringReader(bindings: typeof Bindings, view: DataView): ValueReader {
  return (row) => {
    const offset = row * 16;
    const length = view.getUint32(offset, true);
    // Up to 12 bytes are stored inline after the length, longer strings behind a pointer.
    const bytes = length <= 12
      ? new Uint8Array(view.buffer, view.byteOffset + offset + 4, length)
      : bindings.get_data_from_pointer(view.buffer as ArrayBuffer, view.byteOffset + offset + 8, length);
    return textDecoder.decode(bytes);
  };
}

function enumReader(bindings: typeof Bindings, vector: Bindings.Vector, type: Bindings.LogicalType, count: number): ValueReader {
  const labels = Array.from({ length: bindings.enum_dictionary_size(type) }, (_, index) => bindings.enum_dictionary_value(type, index));
  const internal = bindings.enum_internal_type(type);
  const [width, read] = FIXED[internal]!;
  const view = dataView(bindings.vector_get_data(vector, count * width));
  return (row) => labels[read(view, row * width) as number];
}

function listReader(bindings: typeof Bindings, vector: Bindings.Vector, type: Bindings.LogicalType, count: number): ValueReader {
  const entries = new BigUint64Array(bindings.vector_get_data(vector, count * 16).slice().buffer);
  const childCount = bindings.list_vector_get_size(vector);
  const child = vectorReader(bindings, bindings.list_vector_get_child(vector), bindings.list_type_child_type(type), childCount);
  return (row) => {
    const offset = Number(entries[row * 2]);
    const length = Number(entries[row * 2 + 1]);
    return Array.from({ length }, (_, index) => child(offset + index));
  };
}

function valueReader(bindings: typeof Bindings, vector: Bindings.Vector, type: Bindings.LogicalType, count: number): ValueReader {
  const id = bindings.get_type_id(type);
  if (id === VARCHAR) return stringReader(bindings, dataView(bindings.vector_get_data(vector, count * 16)));
  if (id === ENUM) return enumReader(bindings, vector, type, count);
  if (id === LIST) return listReader(bindings, vector, type, count);
  const fixed = FIXED[id];
  if (!fixed) throw new Error(`chunk-rows: DuckDB type id ${id} has no reader; check isReadableType first`);
  const [width, read] = fixed;
  const view = dataView(bindings.vector_get_data(vector, count * width));
  return (row) => read(view, row * width);
}

/** Returns a reader of one vector's values by row, with null for NULL. */
function vectorReader(bindings: typeof Bindings, vector: Bindings.Vector, type: Bindings.LogicalType, count: number): ValueReader {
  const valid = validityOf(bindings, vector, count);
  const read = valueReader(bindings, vector, type, count);
  return (row) => (valid(row) ? read(row) : null);
}

/** Appends the chunk's rows to `rows` as objects keyed by `names`. */
export function appendChunkRows(
  bindings: typeof Bindings,
  chunk: Bindings.DataChunk,
  names: readonly string[],
  types: readonly Bindings.LogicalType[],
  rows: Record<string, unknown>[],
): void {
  const count = bindings.data_chunk_get_size(chunk);
  const readers = names.map((_, column) => vectorReader(bindings, bindings.data_chunk_get_vector(chunk, column), types[column]!, count));
  for (let row = 0; row < count; row++) {
    const object: Record<string, unknown> = {};
    for (let column = 0; column < names.length; column++) object[names[column]!] = readers[column]!(row);
    rows.push(object);
  }
}
