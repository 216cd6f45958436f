import type { ProjectConfig, ProtectionRule } from "../config/config.js";
import type { PublishedVersion } from "../versions/version-index.js";
import { type GovernanceRecord, identityEmail, isPassingTest } from "./records.js";

/** What a version still lacks to enter a protected environment; empty `missing` means it may. */
export interface ProtectionVerdict {
  env: string;
  id: string;
  version: number;
  hash: string;
  missing: string[];
  /** The commands that would provide what is missing. */
  commands: string[];
}

/** The e-mails (lower-cased) an owners list stands for: e-mails as they are, handles through config `owners:`. */
export function ownerEmails(
  owners: string[],
  handles: ProjectConfig["owners"],
): { emails: Set<string>; unmapped: string[] } {
  const emails = new Set<string>();
  const unmapped: string[] = [];
  for (const owner of owners) {
    if (owner.startsWith("@")) {
      const mapped = handles[owner];
      if (mapped) for (const email of mapped) emails.add(email);
      else unmapped.push(owner);
    } else if (owner.includes("@")) emails.add(owner.toLowerCase());
  }
  return { emails, unmapped };
}

/**
 * Checks a version against a protected environment's rule: a passing test record, and N
 * approvals by distinct owners who are not the version's tagger. `records` are those that
 * already name this version's hash (recordsForVersion).
 */
export function judgeProtection(input: {
  env: string;
  rule: ProtectionRule;
  version: PublishedVersion;
  records: GovernanceRecord[];
  owners: string[];
  handles: ProjectConfig["owners"];
}): ProtectionVerdict {
  const { env, rule, version, records } = input;
  const verdict: ProtectionVerdict = {
    env,
    id: version.id,
    version: version.version,
    hash: version.hash,
    missing: [],
    commands: [],
  };
  const ref = `${version.id}@${version.version}`;
  if (rule.tests && !records.some((r) => r.kind === "test" && isPassingTest(r))) {
    verdict.missing.push("a passing test record");
    verdict.commands.push(`promptops test ${version.id} --version ${version.version} --push`);
  }
  if (rule.approvals > 0) {
    const { emails, unmapped } = ownerEmails(input.owners, input.handles);
    const tagger = version.tagger.email.toLowerCase();
    const approvers = new Set<string>();
    for (const record of records) {
      if (record.kind !== "approval") continue;
      const email = identityEmail(record.by);
      if (email && email !== tagger && emails.has(email)) approvers.add(email);
    }
    if (approvers.size < rule.approvals) {
      const who =
        emails.size === 0
          ? `the prompt has no owner with a known e-mail${unmapped.length ? ` (map ${unmapped.join(", ")} under \`owners:\` in the config)` : ""}`
          : `owners: ${[...emails].sort().join(", ")}${unmapped.length ? `; unmapped handles: ${unmapped.join(", ")}` : ""}`;
      verdict.missing.push(
        `${rule.approvals - approvers.size} more approval${rule.approvals - approvers.size === 1 ? "" : "s"} by an owner who is not the tagger ${tagger} (${approvers.size} of ${rule.approvals} counted; ${who})`,
      );
      verdict.commands.push(`promptops approve ${ref} -m "<why>" --push`);
    }
  }
  return verdict;
}

/** One line for an error: what the environment needs that this version does not have. */
export function describeVerdict(verdict: ProtectionVerdict): string {
  return `${verdict.env} is protected: ${verdict.id} v${verdict.version} (${verdict.hash.slice(0, 19)}…) lacks ${verdict.missing.join(" and ")}`;
}
