import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertObjectKey, type ObjectStore } from './object-store.js';
import type { UrlSigner } from './signed-url.js';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png' };

/** Objects as files under one directory; URLs point at the signed GET route (objects.routes.ts). */
export class DiskObjectStore implements ObjectStore {
  readonly kind = 'disk' as const;
  private readonly root: string;

  constructor(
    dir: string,
    private readonly signer: UrlSigner,
    private readonly urlPrefix: string,
  ) {
    this.root = resolve(dir);
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    return join(this.root, key);
  }

  async put(key: string, bytes: Buffer, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside then renamed: a reader never sees half a photo.
    const temp = `${path}.${randomUUID()}.part`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async get(key: string) {
    try {
      const bytes = await readFile(this.pathOf(key));
      return { bytes, contentType: CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)]! };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async signedUrl(key: string, ttlS: number): Promise<string> {
    assertObjectKey(key);
    const expires = Math.floor(Date.now() / 1000) + ttlS;
    const sig = this.signer.sign(key, expires);
    return `${this.urlPrefix}/${key}?expires=${expires}&sig=${sig}`;
  }
}
