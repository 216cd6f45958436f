import { appendNote, CatFileBatch, identity, type NotesPushOutcome, pushNotes } from "../git/index.js";
import { openGitProject } from "../versions/git-project.js";
import { lockableVersion, publishedVersion } from "../versions/published-version.js";
import { readVersionIndex } from "../versions/version-index.js";
import { ownerEmails } from "./protection.js";
import { ownersAtVersion } from "./read-records.js";
import { type ApprovalRecord, appendRecord, identityEmail, NOTES_REF } from "./records.js";

export interface Approval {
  record: ApprovalRecord;
  tag: string;
  /** Why this approval will not count for a protected environment, when it will not. */
  doesNotCount?: string;
  pushed?: NotesPushOutcome;
}

/**
 * `promptops approve <id>@<N>`: an approval record, as a git note on the version's tag commit,
 * naming the version's hash; the approver is git's identity. A tampered version is refused.
 */
export async function approveVersion(options: {
  cwd: string;
  id: string;
  version: number;
  reason?: string;
  push: boolean;
  remote?: string;
}): Promise<Approval> {
  const project = await openGitProject(options.cwd);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix, options.id);
  const version = publishedVersion(project, index, options.id, options.version);
  // Approving content that no longer matches its tag would vouch for something nobody reviewed.
  await lockableVersion(project, version);
  const by = await identity(project.repoRoot);
  const batch = new CatFileBatch(project.repoRoot);
  let owners: string[];
  try {
    owners = await ownersAtVersion(batch, project, version);
  } finally {
    await batch.close();
  }
  const record: ApprovalRecord = {
    kind: "approval",
    prompt: version.id,
    version: version.version,
    hash: version.hash,
    by,
    at: new Date().toISOString(),
    ...(options.reason ? { reason: options.reason } : {}),
  };
  await appendNote(project.repoRoot, NOTES_REF, version.commit, appendRecord("", record));
  const email = identityEmail(by);
  const { emails } = ownerEmails(owners, project.config.owners);
  const doesNotCount =
    email !== null && email === version.tagger.email.toLowerCase()
      ? `you (${email}) tagged ${version.tag}: an approval counts only from an owner who is not the tagger`
      : email === null || !emails.has(email)
        ? `${email ?? by} is not an owner of ${version.id} (owners: ${owners.join(", ") || "none"}; handles map to e-mails under \`owners:\` in the config)`
        : undefined;
  const pushed = options.push
    ? await pushNotes(project.repoRoot, options.remote ?? "origin", NOTES_REF)
    : undefined;
  return {
    record,
    tag: version.tag,
    ...(doesNotCount ? { doesNotCount } : {}),
    ...(pushed ? { pushed } : {}),
  };
}
