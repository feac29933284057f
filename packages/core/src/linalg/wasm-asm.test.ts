import { describe, expect, it } from 'vitest';
import { createEmitter, WASM_I32, WASM_OP as op, wasmKernelModule, wasmSleb, wasmUleb } from './wasm-asm.js';

describe('wasm assembler', () => {
  it('encodes LEB128 as the spec examples do', () => {
    expect(wasmUleb(0)).toEqual([0]);
    expect(wasmUleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(wasmSleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(wasmSleb(63)).toEqual([0x3f]);
    expect(wasmSleb(64)).toEqual([0xc0, 0x00]);
  });

  it('builds a valid module whose functions run on the exported memory', () => {
    // store(a, b): mem[c] = mem[a] + mem[b] as i32, through a loop that runs once.
    const { bytes, emit } = createEmitter();
    emit(op.loop, op.localGet(2), op.localGet(0), op.i32Load(0), op.localGet(1), op.i32Load(0), op.i32Add);
    emit([0x36, 0x02, 0x00]); // i32.store
    emit(op.i32Const(0), op.brIf0, op.end, op.end);
    const mod = wasmKernelModule([{ name: 'add', params: 3, locals: [1, 1, WASM_I32], body: bytes }, { name: 'noop', params: 0, locals: [0], body: [...op.end] }]);
    expect(WebAssembly.validate(mod)).toBe(true);
    const x = new WebAssembly.Instance(new WebAssembly.Module(mod), {}).exports as { add: (a: number, b: number, c: number) => void; noop: () => void; mem: WebAssembly.Memory };
    const mem = new Int32Array(x.mem.buffer);
    mem[0] = 40;
    mem[1] = 2;
    x.add(0, 4, 8);
    expect(mem[2]).toBe(42);
    expect(() => x.noop()).not.toThrow();
  });

  it('imports a shared memory instead of owning one, and works in place on data already there', () => {
    const { bytes, emit } = createEmitter();
    // inc(p): i32[p] += 1
    emit(op.localGet(0), op.localGet(0), op.i32Load(0), op.i32Const(1), op.i32Add, [0x36, 0x02, 0x00], op.end);
    const mod = wasmKernelModule([{ name: 'inc', params: 1, locals: [0], body: bytes }], { importSharedMemory: true });
    expect(WebAssembly.validate(mod)).toBe(true);
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    const data = new Int32Array(mem.buffer);
    data[5] = 41;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(mod), { env: { mem } });
    expect(inst.exports['mem']).toBeUndefined();
    (inst.exports['inc'] as (p: number) => void)(20);
    expect(data[5]).toBe(42);
    // A memory that is not shared does not match the import.
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(mod), { env: { mem: new WebAssembly.Memory({ initial: 2 }) } })).toThrow(WebAssembly.LinkError);
  });
});

