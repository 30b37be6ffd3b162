/**
 * Device behaviour from the messages themselves: new devices and topics, devices that fall
 * silent, and changes of message rate. Pure: the caller passes every message's time and
 * asks for silences at a time of its choosing (its clock).
 */

export type DeviceEventKind = 'new_device' | 'new_topic' | 'silent' | 'rate_change' | 'back_online';

export interface DeviceEvent {
  readonly kind: DeviceEventKind;
  readonly device: string;
  readonly topic?: string;
  readonly at: number;
  /** Typical gap between messages (ms) before the event, when known. */
  readonly typicalGapMs?: number;
  /** The gap (ms) that triggered a silence or rate change. */
  readonly observedGapMs?: number;
}

export interface DeviceSummary {
  readonly device: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly messages: number;
  readonly topics: readonly string[];
  /** Messages per minute, from the typical gap. */
  readonly ratePerMinute: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly silent: boolean;
}

export interface DeviceWatchOptions {
  /** A device is silent after this many typical gaps without a message. */
  readonly silenceFactor?: number;
  /** A rate change is reported when the recent typical gap differs from the usual one by this factor. */
  readonly rateChangeFactor?: number;
  /** Messages before the usual rate is trusted. */
  readonly learningMessages?: number;
}

interface DeviceState {
  firstSeen: number;
  lastSeen: number;
  messages: number;
  /** Gaps measured: messages at a new time (series sent together count once). */
  beats: number;
  topics: Set<string>;
  /** Slow and fast exponential averages of the log gap: usual and recent cadence. */
  usualLogGap: number;
  recentLogGap: number;
  min: number;
  max: number;
  silent: boolean;
  rateChanged: boolean;
}

const MAX_TOPICS_PER_DEVICE = 1000;

export function createDeviceWatch(options: DeviceWatchOptions = {}) {
  const silenceFactor = options.silenceFactor ?? 5;
  const rateChangeFactor = options.rateChangeFactor ?? 3;
  const learning = options.learningMessages ?? 20;
  const devices = new Map<string, DeviceState>();

  const typicalGap = (state: DeviceState) => (state.beats > learning ? Math.exp(state.usualLogGap) : undefined);

  return {
    /** Records one message; returns what it reveals (new device or topic, back online, rate change). */
    observe(device: string, topic: string, at: number, value?: number): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      let state = devices.get(device);
      if (!state) {
        state = {
          firstSeen: at,
          lastSeen: at,
          messages: 0,
          beats: 0,
          topics: new Set(),
          usualLogGap: 0,
          recentLogGap: 0,
          min: Number.POSITIVE_INFINITY,
          max: Number.NEGATIVE_INFINITY,
          silent: false,
          rateChanged: false,
        };
        devices.set(device, state);
        events.push({ kind: 'new_device', device, topic, at });
      } else if (at > state.lastSeen) {
        // Only distinct times count: several series sent together are one beat of the device.
        const gap = at - state.lastSeen;
        const logGap = Math.log(gap);
        const usual = typicalGap(state);
        if (state.silent) {
          events.push({
            kind: 'back_online',
            device,
            at,
            observedGapMs: gap,
            ...(usual ? { typicalGapMs: usual } : {}),
          });
          state.silent = false;
        }
        state.beats += 1;
        if (state.beats === 1) {
          state.usualLogGap = logGap;
          state.recentLogGap = logGap;
        } else {
          state.usualLogGap += (logGap - state.usualLogGap) / Math.min(state.beats, 500);
          state.recentLogGap += (logGap - state.recentLogGap) / 10;
        }
        if (usual !== undefined) {
          const ratio = Math.exp(Math.abs(state.recentLogGap - state.usualLogGap));
          if (ratio >= rateChangeFactor && !state.rateChanged) {
            state.rateChanged = true;
            events.push({
              kind: 'rate_change',
              device,
              at,
              typicalGapMs: usual,
              observedGapMs: Math.exp(state.recentLogGap),
            });
          } else if (ratio < Math.sqrt(rateChangeFactor)) {
            state.rateChanged = false;
          }
        }
      }
      // Past the cap, topics are no longer tracked (nor reported): a chattering device must not grow memory.
      if (!state.topics.has(topic) && state.topics.size < MAX_TOPICS_PER_DEVICE) {
        state.topics.add(topic);
        // A device's first topics arrive together; a topic that appears later is news.
        if (state.beats > learning) events.push({ kind: 'new_topic', device, topic, at });
      }
      state.messages += 1;
      state.lastSeen = Math.max(state.lastSeen, at);
      if (value !== undefined && Number.isFinite(value)) {
        state.min = Math.min(state.min, value);
        state.max = Math.max(state.max, value);
      }
      return events;
    },

    /** Devices that have been quiet for `silenceFactor` typical gaps at time `now` (reported once). */
    checkSilences(now: number): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      for (const [device, state] of devices) {
        const usual = typicalGap(state);
        if (usual === undefined || state.silent) continue;
        const quiet = now - state.lastSeen;
        if (quiet > silenceFactor * usual) {
          state.silent = true;
          events.push({ kind: 'silent', device, at: now, typicalGapMs: usual, observedGapMs: quiet });
        }
      }
      return events;
    },

    /** After a replay of recent readings: the stored counts, first sighting and silence are the truth. */
    restore(stored: { device: string; firstSeen: number; messages: number; silent: boolean }): void {
      const state = devices.get(stored.device);
      if (!state) return;
      state.firstSeen = Math.min(state.firstSeen, stored.firstSeen);
      state.messages = Math.max(state.messages, stored.messages);
      state.silent = stored.silent;
    },

    /** The inventory as seen so far (of the given devices only, when asked). */
    inventory(only?: ReadonlySet<string>): DeviceSummary[] {
      return [...devices]
        .filter(([device]) => !only || only.has(device))
        .map(([device, state]) => {
          const usual = typicalGap(state);
          return {
            device,
            firstSeen: state.firstSeen,
            lastSeen: state.lastSeen,
            messages: state.messages,
            topics: [...state.topics].sort(),
            ratePerMinute: usual ? 60_000 / usual : null,
            min: Number.isFinite(state.min) ? state.min : null,
            max: Number.isFinite(state.max) ? state.max : null,
            silent: state.silent,
          };
        });
    },
  };
}
export type DeviceWatch = ReturnType<typeof createDeviceWatch>;
