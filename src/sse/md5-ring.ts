/** The layout of one write's shared MD5 ring (a SharedArrayBuffer): control words, the digest, then the package slots. */
import { PACKAGE_SIZE } from './package-format.js';

/** Package slots per write: the event loop fills and seals one while the worker hashes the others. */
export const RING_SLOTS = 4;

// Int32 control words at the start of the ring.
/** Packages handed to the worker so far (the event loop writes it). */
export const PUBLISHED = 0;
/** Packages the worker has hashed so far (the worker writes it). */
export const CONSUMED = 1;
/** One of the STATE_* values below. */
export const STATE = 2;
/** Bumped by the worker after every package and when it finishes: what the event loop waits on. */
export const SIGNAL = 3;
/** Plaintext bytes in slot i: word LENGTHS + i. */
export const LENGTHS = 4;

export const STATE_RUNNING = 0;
/** Every package is published: hash what is left, then write the digest. */
export const STATE_FINAL = 1;
/** The write was abandoned: the worker drops the job. */
export const STATE_CANCELLED = 2;
/** The digest is in place. */
export const STATE_DONE = 3;

/** Byte offset of the 16-byte digest, after the control words. */
export const DIGEST_OFFSET = 48;
/** Byte offset of slot 0. */
export const SLOTS_OFFSET = 64;
export const RING_BYTES = SLOTS_OFFSET + RING_SLOTS * PACKAGE_SIZE;

export const slotOffset = (sequence: number): number => SLOTS_OFFSET + (sequence % RING_SLOTS) * PACKAGE_SIZE;
