/** Secrets a request owns (SSE-C customer keys): the header text they came from is removed at once, the Secret is wiped when the request ends. */
import type { IncomingMessage } from 'node:http';
import type { Secret } from '../common/secret.js';

export interface RequestSecrets {
  /** Takes `secret`, parsed from header `fromHeader` (lower-case) of `req`: that header leaves `req.headers` and `req.rawHeaders` now. */
  own(secret: Secret, fromHeader: string): void;
  /** Wipes every secret owned; the pipeline calls it once the request has ended, whatever its outcome. */
  wipeAll(): void;
}

/**
 * The request's secrets. Authentication has verified the signature before any operation parses a key, so the
 * header text is no longer needed: removing it leaves no string copy of the key reachable from the request
 * (an error path, an audit record or a later log line cannot echo what is gone). Node's strings cannot be
 * wiped; unreachable, they are at least collectable.
 */
export function requestSecrets(req: IncomingMessage): RequestSecrets {
  const held: Secret[] = [];
  return {
    own(secret, fromHeader) {
      held.push(secret);
      delete req.headers[fromHeader];
      const raw = req.rawHeaders;
      for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === fromHeader) raw.splice(i, 2);
    },
    wipeAll() {
      for (const s of held.splice(0)) s.wipe();
    },
  };
}
