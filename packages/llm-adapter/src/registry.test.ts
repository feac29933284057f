import { describe, expect, it } from 'vitest';
import { getArchitecture, listArchitectures } from './registry.js';

describe('architecture registry', () => {
  it('maps model_type to a descriptor of the matching family', () => {
    expect(listArchitectures()).toEqual(['bert', 'llama']);
    expect(getArchitecture('bert')).toMatchObject({ family: 'encoder-only', sequenceHead: { weight: 'classifier.weight', bias: 'classifier.bias' } });
    expect(getArchitecture('llama')).toMatchObject({ family: 'decoder-only', sequenceHead: { weight: 'score.weight' } });
  });
  it('lists the supported types for an unknown one', () => {
    expect(() => getArchitecture('t5')).toThrow('unsupported model_type "t5"; supported: bert, llama');
  });
});
