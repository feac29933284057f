import * as tf from '@tensorflow/tfjs';
import { readSafetensors } from '@dualxda/core';
await tf.setBackend('cpu');
const w = await readSafetensors('test/fixtures/tiny-bert.safetensors');
for (const [k, v] of [...w].slice(0, 3)) console.log(k, v.dtype, v.shape, v.data.slice(0, 4));
