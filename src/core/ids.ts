/**
 * Identifiers and clocks as values, so that engines receive them as parameters and
 * tests can fix them. Uses the Web Crypto global so the same code runs in the browser.
 */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Globally unique ids for stored records. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
