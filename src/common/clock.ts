/** Injectable time source, so expiry, skew and rotation can be tested deterministically. */
export interface Clock { now(): Date }

export const systemClock: Clock = { now: () => new Date() };
