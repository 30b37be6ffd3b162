/** NAB's application profiles (cost matrices): the three standard ones as data, and a parser for profiles.json. */
import { z } from 'zod';

/** How much a detected window, a missed window and a false alarm weigh (NAB's "CostMatrix"). */
export interface NabCostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
  /** Unused by NAB's scoring (true negatives score 0); kept so profiles round-trip. */
  readonly tnWeight: number;
}

export interface NabProfile {
  readonly name: string;
  readonly costs: NabCostMatrix;
}

/** NAB v1.1 `config/profiles.json`, in its order. */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', costs: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  { name: 'reward_low_FP_rate', costs: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  { name: 'reward_low_FN_rate', costs: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
];

const weight = z.number().finite().nonnegative();

const profilesFileSchema = z
  .record(
    z.string().min(1),
    z.object({
      CostMatrix: z.object({ tpWeight: weight, fpWeight: weight, fnWeight: weight, tnWeight: weight.default(1) }),
    }),
  )
  .refine((profiles) => Object.keys(profiles).length > 0, 'at least one profile is needed');

/**
 * Reads the shape of NAB's `config/profiles.json` ({ name: { CostMatrix: {...} } }).
 * Throws a ZodError that names the faulty profile and weight.
 */
export function parseNabProfiles(json: unknown): NabProfile[] {
  const parsed = profilesFileSchema.parse(json);
  return Object.entries(parsed).map(([name, { CostMatrix }]) => ({ name, costs: CostMatrix }));
}
