/**
 * The clock file `npm start -- --slot-every N --data-dir D` keeps in the data folder, and the slot
 * firings that feed it: a restart goes on at the first slot not yet expanded, with the demo shop's
 * version counted from the slot the folder's clock first started at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ClockFile, ClockFileError } from '../../local/clock-file.ts';
import { acceleratedClock } from '../../local/local-clock.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startSlotFirings } from '../../local/slot-firings.ts';
import { addSlots, slotOf } from '../../shared/schedule/index.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-clock-file-'));
after(() => rmSync(folder, { recursive: true, force: true }));

describe('the clock file of a data folder', () => {
  it('is absent in a new folder, and gives back what was saved, replaced whole', async () => {
    const dataDir = path.join(folder, 'round-trip');
    const file = new ClockFile(dataDir);
    assert.equal(file.load(), undefined, 'no file: the clock starts at the current hour');
    const first = slotOf(Date.now());
    await file.save({ firstSlot: first, nextSlot: addSlots(first, 1) });
    await file.save({ firstSlot: first, nextSlot: addSlots(first, 7) });
    assert.deepEqual(file.load(), { firstSlot: first, nextSlot: addSlots(first, 7) });
    assert.deepEqual(readdirSync(dataDir), ['clock.json'], 'no temporary file left');
    assert.equal((JSON.parse(readFileSync(file.file, 'utf8')) as { v: unknown }).v, 1);
  });

  it('refuses a file that is not a clock, naming the file and the field', () => {
    const first = slotOf(Date.now());
    const cases: Record<string, [string, RegExp]> = {
      'not-json': ['{"v": 1,', /is not JSON/],
      'no-version': [`{"firstSlot": "${first}", "nextSlot": "${first}"}`, /needs "v": 1/],
      'no-first': [`{"v": 1, "nextSlot": "${first}"}`, /"firstSlot"/],
      'bad-next': [`{"v": 1, "firstSlot": "${first}", "nextSlot": "tomorrow"}`, /"nextSlot"/],
      'half-hour': [
        `{"v": 1, "firstSlot": "${first}", "nextSlot": "${first.replace(':00Z', ':30Z')}"}`,
        /"nextSlot"/,
      ],
      backwards: [
        `{"v": 1, "firstSlot": "${first}", "nextSlot": "${addSlots(first, -1)}"}`,
        /before its "firstSlot"/,
      ],
      null: ['null', /needs "v": 1/],
    };
    for (const [name, [text, problem]] of Object.entries(cases)) {
      const dataDir = path.join(folder, name);
      const file = new ClockFile(dataDir);
      mkdirAndWrite(file.file, text);
      assert.throws(
        () => file.load(),
        (error: unknown) =>
          error instanceof ClockFileError &&
          error.file === file.file &&
          error.message.startsWith(file.file) &&
          problem.test(error.message) &&
          /delete it/.test(error.message),
        name,
      );
    }
  });
});

describe('slot firings on an accelerated clock', () => {
  it('expand each slot from the one given, in order, and report each once it is expanded', async () => {
    const start = slotOf(Date.now() + 30 * 24 * 3_600_000);
    const invoked: string[] = [];
    const runtime = {
      invoke: (_name: string, event: { slot: string }) => {
        invoked.push(event.slot);
        return Promise.resolve({ created: 1 });
      },
    } as unknown as LocalRuntime;
    const expanded: string[] = [];
    // Three hours already passed on this clock: the slot given and the two after it are due.
    const clock = acceleratedClock(3_600, { firstSlot: addSlots(start, 2), startWallMs: Date.now() });
    const firings = startSlotFirings({
      runtime,
      clock,
      firstSlot: start,
      accelerated: true,
      print: () => undefined,
      twice: false,
      onExpanded: (slot) => expanded.push(slot),
    });
    for (let waited = 0; expanded.length < 3 && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await firings.stop();
    const due = [start, addSlots(start, 1), addSlots(start, 2)];
    assert.deepEqual(invoked, due);
    assert.deepEqual(expanded, due, 'each slot reported after its expansion, in order, once');
  });
});

function mkdirAndWrite(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
