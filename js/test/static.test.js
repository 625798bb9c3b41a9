// Every file in gemini_widgets/static is what the wheel ships: each must be exactly what
// build.mjs makes from src/ now, and static/ must hold nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const JS = fileURLToPath(new URL('..', import.meta.url));
const STATIC = fileURLToPath(new URL('../../gemini_widgets/static/', import.meta.url));
const FIX = 'rebuild with `cd js && npm run build` and commit gemini_widgets/static/';

test('gemini_widgets/static holds exactly what build.mjs makes from src/', (t) => {
  const built = mkdtempSync(join(tmpdir(), 'gemini-widgets-static-'));
  t.after(() => rmSync(built, { recursive: true, force: true }));
  execFileSync(process.execPath, ['build.mjs', built], { cwd: JS, stdio: 'pipe' });

  const made = readdirSync(built).sort();
  assert.ok(made.length > 0, 'the build made no file');
  assert.deepEqual(readdirSync(STATIC).sort(), made,
    `gemini_widgets/static/ and the build's files differ: ${FIX} (and delete what it no longer makes)`);
  const stale = made.filter((name) => !readFileSync(join(built, name)).equals(readFileSync(join(STATIC, name))));
  assert.deepEqual(stale, [], `built from an older js/src: ${FIX}`);
});
