/**
 * Test clocks. A test that writes to DynamoDB Local runs the product on a fixed clock derived
 * from the real time — the start of the current UTC hour or day plus named minutes — never on a
 * calendar date.
 *
 * Why: the product writes `expiresAt = now + retention` from the clock it is given, and DynamoDB
 * Local's TTL sweeper deletes records by the real clock. A clock pinned to a date in the past
 * makes every record with a TTL expired the day the date falls out of its retention window, and
 * the sweeper then deletes it while the test uses it (a domain-budget bucket vanished mid-race
 * and granted 7 tokens of a burst of 5). Derived clocks keep every expiry at least a retention
 * period in the future, and they keep TTL on, so the tests run against the tables as deployed.
 * (The other way — a harness with TTL off — would hide the product's own TTL behaviour.)
 *
 * Pure unit tests (schedule math on DST days, parsers) keep named calendar dates: they write
 * nothing and read no real clock. `npm run test:shifted` runs the suite with the whole machine's
 * clock 400 days ahead (libfaketime) to prove no test depends on today's date.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const startOfUtcHour = (epochMs: number): number => epochMs - (epochMs % HOUR_MS);
export const startOfUtcDay = (epochMs: number): number => epochMs - (epochMs % DAY_MS);

/** The start of the current UTC hour plus `minutes`: a test's "now" that is never long past. */
export const thisHour = (minutes = 0): number => startOfUtcHour(Date.now()) + minutes * MINUTE_MS;

/** Midnight UTC today plus `minutes` (for what happens at the turn of a day, e.g. daily reports). */
export const today = (minutes = 0): number => startOfUtcDay(Date.now()) + minutes * MINUTE_MS;

/** An ISO timestamp for the slot of `epochMs`'s hour, as the schedule writes it (`…T19:00Z`). */
export const isoMinute = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16)}Z`;
