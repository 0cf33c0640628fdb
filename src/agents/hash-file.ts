import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** SHA-256 (hex) and size in bytes of a file's content. */
export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** Reads a file once, streaming, and returns its SHA-256 and size. */
export async function hashFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}
