/** Element types a tensor may hold, named like Zarr v3 data types. */
export type DType = 'float64' | 'float32' | 'int32' | 'uint8' | 'int8';

/** Maps a dtype to the typed array that stores it. */
export interface TypedArrayMap {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
  int8: Int8Array;
}

export type TypedArrayOf<D extends DType> = TypedArrayMap[D];

/**
 * A tensor is a plain struct over a flat typed array (row-major by default), never a class, so it
 * can cross worker and store boundaries without wrapping.
 */
export interface Tensor<D extends DType = DType> {
  data: TypedArrayOf<D>;
  shape: number[];
  stride: number[];
}

/** Row-major (C order) strides for a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    stride[k] = acc;
    acc *= shape[k] as number;
  }
  return stride;
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

const CTORS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
} as const;

/**
 * Creates a row-major tensor, allocating zeros or wrapping `data` (not copied).
 *
 * @example
 * const x = createTensor('float32', [2, 3]);
 * x.data[x.stride[0] * 1 + 2] = 5; // x[1, 2] = 5
 */
export function createTensor<D extends DType>(dtype: D, shape: readonly number[], data?: TypedArrayOf<D>): Tensor<D> {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`createTensor: invalid shape [${shape.join(', ')}]`);
  }
  const size = shapeSize(shape);
  const buf = data ?? (new CTORS[dtype](size) as TypedArrayOf<D>);
  if (buf.length !== size) {
    throw new RangeError(`createTensor: data has ${buf.length} elements, shape [${shape.join(', ')}] needs ${size}`);
  }
  return { data: buf, shape: [...shape], stride: rowMajorStrides(shape) };
}
