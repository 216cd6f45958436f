import type { SignatureNote } from "../lockfile/lockfile-to-write.js";
import { colourFor } from "./output.js";

/** What a write did to the lockfile's signature, in a line. */
export function signatureNote(note: SignatureNote | undefined): string | undefined {
  const c = colourFor(process.stdout);
  if (note?.signedWith) return `signed promptops.lock with key ${note.signedWith}`;
  if (note?.droppedSignature)
    return `${c.yellow("warning")}: removed the signature of key ${note.droppedSignature} from promptops.lock: it no longer matches the content and no key was given to sign it; sign it with --sign <key file> (or config signing.key) before it ships to applications that check it`;
  return undefined;
}
