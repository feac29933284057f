import { describe, expect, it } from 'vitest';
import { getArchitecture, listArchitectures } from './registry.js';

describe('architecture registry', () => {
  it('maps model_type to a descriptor of the matching family', () => {
    expect(listArchitectures()).toEqual(expect.arrayContaining(['bert', 'gemma', 'llama', 'mistral', 'qwen2']));
    expect(getArchitecture('bert')).toMatchObject({ family: 'encoder-only', sequenceHead: { weight: 'classifier.weight', bias: 'classifier.bias' } });
    expect(getArchitecture('llama')).toMatchObject({ family: 'decoder-only', sequenceHead: { weight: 'score.weight' } });
    for (const t of ['mistral', 'qwen2', 'gemma']) {
      expect(getArchitecture(t)).toMatchObject({ modelType: t, family: 'decoder-only', sequenceHead: { weight: 'score.weight' }, embeddingWeight: 'model.embed_tokens.weight' });
    }
  });
  it('maps roberta and distilbert to encoders whose head is the last linear layer', () => {
    expect(getArchitecture('roberta')).toMatchObject({ family: 'encoder-only', reservedPositions: 2, sequenceHead: { weight: 'classifier.out_proj.weight' } });
    expect(getArchitecture('distilbert')).toMatchObject({ family: 'encoder-only', config: { hiddenSize: 'dim', numLayers: 'n_layers' }, sequenceHead: { weight: 'classifier.weight' } });
  });
  it('lists the supported types for an unknown one', () => {
    expect(() => getArchitecture('t5')).toThrow(/unsupported model_type "t5"; supported: bert, .*llama, mistral, qwen2/);
  });
});
