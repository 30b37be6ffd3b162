/** Recording findings from any module: validated against the core schema before they are stored. */
import { type Clock, type Finding, type FindingInput, findingInputSchema, newId, VigieError } from '../core/index.js';
import type { Store } from '../store/index.js';

export function createFindings(store: Store, clock: Clock) {
  /** Validates a finding and gives it an id and a creation time, without storing it. */
  function build(input: FindingInput): Finding {
    const parsed = findingInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new VigieError('VIGIE_ERR_VALIDATION', 'Invalid finding', { issues: parsed.error.issues });
    }
    // Stored in UTC so that text order is time order, whatever offset the module used.
    const observedAt = new Date(parsed.data.observedAt).toISOString();
    return { ...parsed.data, observedAt, id: newId(), createdAt: clock().toISOString() };
  }

  return {
    build,
    async record(input: FindingInput): Promise<Finding> {
      const finding = build(input);
      await store.findings.insert(finding);
      return finding;
    },
  };
}
