/** Runs the BlobStore contract against a real temporary directory. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBlobStoreContract } from '../blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

runBlobStoreContract('fs', () => FsBlobStore.open(mkdtempSync(join(tmpdir(), 'strongroom-blobs-'))));
