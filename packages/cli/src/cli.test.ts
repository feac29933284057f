import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { AnyCommandSpec } from './command-spec.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_CODES } from './exit-codes.js';

function buffer(): { write(s: string): boolean; text: () => string } {
  let out = '';
  return { write: (s: string) => ((out += s), true), text: () => out };
}

/** Runs argv with every command mocked; returns what the command received. */
async function capture(argv: string[]): Promise<{ code: number; command?: string; options?: unknown; stderr: string; stdout: string }> {
  let seen: { command: string; options: unknown } | undefined;
  const mocked: AnyCommandSpec[] = COMMANDS.map((c) => ({ ...c, load: async () => async (options: unknown) => void (seen = { command: c.name, options }) }));
  const stdout = buffer();
  const stderr = buffer();
  const code = await runCli(argv, { stdout, stderr, cwd: '/w', signal: new AbortController().signal }, mocked);
  return { code, ...seen, stderr: stderr.text(), stdout: stdout.text() };
}

describe('argv -> options', () => {
  it.each<[string, string[], string, Record<string, unknown>]>([
    ['cache with all flags', ['cache', '--model', 'm', '--data', 'd.jsonl', '--out', 's', '--head', 'token', '--shard', '1/4', '--batch-size', '8', '--max-length', '64'], 'cache', { model: 'm', data: 'd.jsonl', out: 's', head: 'token', shard: { index: 1, count: 4 }, batchSize: 8, maxLength: 64 }],
    ['cache minimal', ['cache', '--model', 'm', '--data', 'd', '-o', 's'], 'cache', { model: 'm', data: 'd', out: 's' }],
    ['cache limit', ['cache', '--model', 'm', '--data', 'd', '--out', 's', '--limit', '10'], 'cache', { model: 'm', data: 'd', out: 's', limit: 10 }],
    ['cache workers', ['cache', '--model', 'm', '--data', 'd', '--out', 's', '--workers', '2'], 'cache', { model: 'm', data: 'd', out: 's', workers: 2 }],
    ['cache finalize', ['cache', 'finalize', 'runs/train'], 'cache finalize', { store: 'runs/train' }],
    ['cache import', ['cache', 'import', '--features', 'X.npy', '--labels', 'Y.npy', '--out', 's', '--class-names', 'ham, spam'], 'cache import', { features: 'X.npy', labels: 'Y.npy', out: 's', classNames: ['ham', 'spam'] }],
    ['fit defaults', ['fit', 'store'], 'fit', { store: 'store' }],
    ['fit all flags', ['fit', 'store', '--C', '1e-5', '--tolerance', '0.01', '--time-budget', '5m', '--threads', '0', '--max-passes', '50'], 'fit', { store: 'store', C: 1e-5, tolerance: 0.01, timeBudgetMs: 300_000, threads: 0, maxPasses: 50 }],
    ['fit --C=', ['fit', '--C=0.1', 'store'], 'fit', { store: 'store', C: 0.1 }],
    ['fit --mode block', ['fit', 'store', '--mode', 'block'], 'fit', { store: 'store', mode: 'block' }],
    ['fit --classes top:N', ['fit', 'store', '--classes', 'top:256'], 'fit', { store: 'store', classes: { kind: 'top', n: 256 } }],
    ['fit --classes labels', ['fit', 'store', '--classes', 'labels'], 'fit', { store: 'store', classes: { kind: 'labels' } }],
    ['fit --classes FILE', ['fit', 'store', '--classes', 'ids.txt'], 'fit', { store: 'store', classes: { kind: 'file', path: 'ids.txt' } }],
    ['explain repeated --text', ['explain', 's', '--text', 'a', '-t', 'b', '--top-k', '3'], 'explain', { store: 's', text: ['a', 'b'], topK: 3 }],
    ['explain --test + out', ['explain', 's', '--test', 't', '--out', 'e.parquet', '--limit', '5', '--model', 'm'], 'explain', { store: 's', test: 't', out: 'e.parquet', limit: 5, model: 'm' }],
    ['xda', ['xda', 's', '--test', '17', '--train', '3', '--html', 'p.html', '-k', '2'], 'xda', { store: 's', test: '17', train: '3', html: 'p.html', topK: 2 }],
    ['xda --text', ['xda', 's', '--text', 'free money', '--test-store', 't'], 'xda', { store: 's', text: 'free money', testStore: 't' }],
    ['xda --mode', ['xda', 's', '--test', '1', '--mode', 'word'], 'xda', { store: 's', test: '1', mode: 'word' }],
    ['eval metrics', ['eval', 's', '--metric', 'sparsity', '-m', 'faithfulness'], 'eval', { store: 's', metric: ['sparsity', 'faithfulness'] }],
    ['eval xda-deletion flags', ['eval', 's', '-m', 'xda-deletion', '--rows', '8', '--seed', '3', '--ks', '1,4,16', '--draws', '2', '--pairs', '2', '--opponents', '--deletion', 'pad', '--xda-mode', 'word', '--xda-backend', 'cpu'], 'eval', { store: 's', metric: ['xda-deletion'], rows: 8, seed: 3, ks: [1, 4, 16], draws: 2, pairs: 2, opponents: true, deletion: 'pad', xdaMode: 'word', xdaBackend: 'cpu' }],
    ['eval without STORE', ['eval', '--model', 'm', '--data', 'd', '--out', 'o', '--C', '0.1', '-m', 'mislabeling', '-m', 'shortcut', '--shortcut-class', 'spam'], 'eval', { model: 'm', data: 'd', out: 'o', C: 0.1, metric: ['mislabeling', 'shortcut'], shortcutClass: 'spam' }],
    ['inspect', ['inspect', 's', '--json'], 'inspect', { store: 's' }],
    ['serve', ['serve', 's', '--test', 't', '--port', '0', '--host', '0.0.0.0'], 'serve', { store: 's', test: 't', port: 0, host: '0.0.0.0' }],
    ['serve --allow-host', ['serve', 's', '--host', '0.0.0.0', '--allow-host', 'dash.example.com', '--allow-host', 'lab-1:8443'], 'serve', { store: 's', host: '0.0.0.0', allowHosts: ['dash.example.com', 'lab-1:8443'] }],
    ['demo defaults', ['demo'], 'demo', {}],
    ['demo flags', ['demo', '--out', '/tmp/d', '--quiet', '--C', '0.01', '--limit', '100', '--test-limit', '20', '--examples', '2'], 'demo', { out: '/tmp/d', C: 0.01, limit: 100, testLimit: 20, examples: 2 }],
  ])('%s', async (_name, argv, command, options) => {
    const r = await capture(argv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_CODES.ok);
    expect(r.command).toBe(command);
    expect(r.options).toEqual(options);
  });
});

describe('usage errors (exit 2)', () => {
  it.each<[string, string[], RegExp]>([
    ['unknown command with suggestion', ['fitt', 's'], /unknown command 'fitt'[\s\S]*did you mean `dualxda fit`/],
    ['unknown flag', ['fit', 's', '--colour'], /unknown option '--colour'[\s\S]*dualxda fit --help/i],
    ['C <= 0', ['fit', 's', '--C', '0'], /--C must be > 0, got 0/],
    ['negative C', ['fit', 's', '--C=-1'], /--C must be > 0, got -1/],
    ['C not a number', ['fit', 's', '--C', 'big'], /--C expects a number, got 'big'/],
    ['missing store', ['fit'], /missing STORE/],
    ['shard index out of range', ['cache', '--model', 'm', '--data', 'd', '--out', 's', '--shard', '4/4'], /--shard 4\/4: shard index 4 is out of range 0..3[\s\S]*use --shard 3\/4/],
    ['shard malformed', ['cache', '--model', 'm', '--data', 'd', '--out', 's', '--shard', '2'], /--shard expects i\/N/],
    ['unknown metric', ['eval', 's', '--metric', 'auc'], /--metric must be one of sparsity, faithfulness, accuracy, self-influence, xda-deletion, identical-class, identical-subclass, mislabeling, shortcut; got 'auc'/],
    ['eval needs STORE or --model and --data', ['eval', '-m', 'mislabeling', '--data', 'd'], /give a fitted STORE, or --model DIR and --data DIR/],
    ['eval --ks must ascend', ['eval', 's', '-m', 'xda-deletion', '--ks', '4,2'], /--ks must be ascending/],
    ['explain needs --text or --test', ['explain', 's'], /exactly one of --text or --test/],
    ['explain bad --out extension', ['explain', 's', '--text', 'x', '--out', 'e.csv'], /--out e\.csv: unsupported extension[\s\S]*\.jsonl or \.parquet/],
    ['cache missing --model', ['cache', '--data', 'd', '--out', 's'], /missing --model/],
    ['extra positional', ['inspect', 'a', 'b'], /unexpected argument 'b'/],
    ['bad duration', ['fit', 's', '--time-budget', 'soon'], /--time-budget expects a duration/],
    ['unknown solver mode', ['fit', 's', '--mode', 'gpu'], /--mode must be one of memory, block, parallel; got 'gpu'/],
    ['bad candidate set', ['fit', 's', '--classes', 'top:0'], /--classes top:N needs a positive integer N; got 'top:0'/],
    ['negative threads', ['fit', 's', '--threads', '-1'], /--threads/],
    ['serve --allow-host wildcard', ['serve', 's', '--allow-host', '*'], /--allow-host wildcards are not supported[\s\S]*hint: e\.g\. --allow-host dash\.example\.com/],
    ['serve --allow-host URL', ['serve', 's', '--allow-host', 'http://dash.example.com'], /--allow-host expects a host name as the browser shows it/],
  ])('%s', async (_name, argv, message) => {
    const r = await capture(argv);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.command).toBeUndefined();
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('help', () => {
  it('lists every command', async () => {
    const r = await capture(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });

  it.each(COMMANDS.map((c) => [c.name] as const))('%s --help shows flags, examples and exit codes', async (name) => {
    const r = await capture([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.command).toBeUndefined();
    expect(r.stdout).toContain(`Usage: dualxda ${name}`);
    expect(r.stdout).toMatch(/Examples:\n {2}\$ /);
    expect(r.stdout).toContain('130 interrupted');
  });

  it('every example in the help parses', async () => {
    for (const c of COMMANDS) {
      for (const example of c.examples) {
        const argv = example.replace(/#.*$/, '').trim().split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((a) => a.replace(/^"|"$/g, ''));
        if (argv[0] !== 'dualxda') continue;
        const r = await capture(argv.slice(1));
        expect({ example, code: r.code, stderr: r.stderr }).toEqual({ example, code: 0, stderr: '' });
      }
    }
  });
});
