import { InvalidInputError } from '../store/errors.js';

/** Element types `.npy` import understands (little-endian or byte-order-free). */
export type NpyDType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'bool';

/** Parsed `.npy` header: where the data starts and how to read it. */
export interface NpyHeader {
  dtype: NpyDType;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the first element. */
  dataOffset: number;
  bytesPerElement: number;
}

const DESCR: Record<string, [NpyDType, number]> = {
  '<f4': ['float32', 4],
  '<f8': ['float64', 8],
  '|i1': ['int8', 1],
  '<i2': ['int16', 2],
  '<i4': ['int32', 4],
  '<i8': ['int64', 8],
  '|u1': ['uint8', 1],
  '<u2': ['uint16', 2],
  '<u4': ['uint32', 4],
  '|b1': ['bool', 1],
};

/**
 * Parses the header of a NumPy `.npy` file (format 1.0-3.0): magic, version, header length and
 * the Python-literal dict `{'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }`.
 *
 * @example
 * const h = parseNpyHeader(firstBytes, 'x.npy'); // { dtype: 'float32', shape: [n, d], ... }
 */
export function parseNpyHeader(buf: Uint8Array, file: string): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.byteLength < 10 || magic.some((b, i) => buf[i] !== b)) throw new InvalidInputError(file, 'header', 'not a .npy file (bad magic)');
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new InvalidInputError(file, 'header', `unsupported .npy format version ${major}`);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (buf.byteLength < start + headerLen) throw new InvalidInputError(file, 'header', 'truncated header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new InvalidInputError(file, 'header', `cannot parse header ${text.trim()}`);
  const entry = DESCR[descr] ?? (descr.startsWith('=') || descr.startsWith('|') ? DESCR[`<${descr.slice(1)}`] : undefined);
  if (entry === undefined) throw new InvalidInputError(file, 'dtype', `unsupported dtype '${descr}' (little-endian float32/float64/int/bool only)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { dtype: entry[0], shape, fortranOrder: fortran === 'True', dataOffset: start + headerLen, bytesPerElement: entry[1] };
}

/** Decodes `count` little-endian elements of `dtype` from `bytes` into float64-safe numbers or a typed array. */
export function decodeNpyData(bytes: Uint8Array, dtype: NpyDType): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array {
  const copy = bytes.slice();
  const b = copy.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(b);
    case 'float64':
      return new Float64Array(b);
    case 'int8':
      return new Int8Array(b);
    case 'int16':
      return new Int16Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'int64':
      return new BigInt64Array(b);
    case 'uint8':
    case 'bool':
      return new Uint8Array(b);
    case 'uint16':
      return new Uint16Array(b);
    case 'uint32':
      return new Uint32Array(b);
  }
}

/** An opened `.npy` file that reads rows on demand (no whole-file load). */
export interface NpyFile {
  readonly file: string;
  readonly header: NpyHeader;
  /** Row count (shape[0]; 1 for 0-d arrays). */
  readonly rows: number;
  /** Elements per row (product of shape[1:]). */
  readonly rowSize: number;
  readRows(start: number, end: number): Promise<ReturnType<typeof decodeNpyData>>;
  close(): Promise<void>;
}

/**
 * Opens a `.npy` file for row-range reads. Refuses Fortran-ordered arrays (rows would not be
 * contiguous); save with `np.ascontiguousarray` first.
 *
 * @example
 * const x = await openNpy('features.npy');
 * const first = await x.readRows(0, 1024); // Float32Array of 1024 * d
 */
export async function openNpy(file: string): Promise<NpyFile> {
  const fs = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(file, 'r');
  } catch (cause) {
    throw new InvalidInputError(file, 'file', `cannot open (${(cause as Error).message})`);
  }
  const size = (await handle.stat()).size;
  const head = new Uint8Array(Math.min(size, 65536 + 12));
  await handle.read(head, 0, head.byteLength, 0);
  const header = parseNpyHeader(head, file);
  if (header.fortranOrder) {
    await handle.close();
    throw new InvalidInputError(file, 'fortran_order', 'Fortran-ordered arrays are not supported; save a C-ordered array (np.ascontiguousarray)');
  }
  const rows = header.shape.length === 0 ? 1 : header.shape[0];
  const rowSize = header.shape.slice(1).reduce((a, b) => a * b, 1);
  const expected = header.dataOffset + rows * rowSize * header.bytesPerElement;
  if (size < expected) {
    await handle.close();
    throw new InvalidInputError(file, 'data', `file has ${size} bytes, shape (${header.shape.join(', ')}) needs ${expected}`);
  }
  return {
    file,
    header,
    rows,
    rowSize,
    async readRows(start, end) {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > rows) {
        throw new InvalidInputError(file, 'rows', `row range [${start}, ${end}) is outside [0, ${rows}]`);
      }
      const width = rowSize * header.bytesPerElement;
      const bytes = new Uint8Array((end - start) * width);
      await handle.read(bytes, 0, bytes.byteLength, header.dataOffset + start * width);
      return decodeNpyData(bytes, header.dtype);
    },
    close: () => handle.close(),
  };
}
