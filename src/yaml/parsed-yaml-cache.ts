import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomicSync } from "../fs/write-file-atomic.js";

/** A position the source was asked for, as `[question, line, col]`. */
type Answer = [string, number, number];

interface StoredEntry {
  /** The file's value as JSON text: parsed anew for each use, so no two files share objects. */
  value: string;
  answers: Answer[];
  savedAt: number;
}

interface StoredCache {
  build: string;
  entries: Record<string, StoredEntry>;
}

/** What the cache holds for one YAML text: its value, and the positions asked of it so far. */
export interface ParsedEntry {
  value(): unknown;
  answer(question: string): { line: number; col: number } | undefined;
  record(question: string, at: { line: number; col: number }): void;
}

const KEEP_UNUSED_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Parsed prompt files, kept between runs: on Node 20, parsing the YAML of a prompt file is most of
 * what checking it costs (~7 ms a file on a fresh process), and the files rarely change between two
 * runs. Entries are keyed by a hash of the text and hold the plain value and the positions (line,
 * column) that checks and reports asked of it, so an unchanged file answers without being parsed;
 * a question not seen before parses it then. Only texts that parsed without a problem are kept,
 * and only values JSON holds as they are. The whole cache belongs to one build of promptops.
 */
export class ParsedYamlCache {
  private stored: StoredCache | undefined;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly build: string,
  ) {}

  static keyOf(text: string): string {
    return createHash("sha256").update(text).digest("base64url");
  }

  get(text: string): ParsedEntry | undefined {
    const key = ParsedYamlCache.keyOf(text);
    const entry = this.load().entries[key];
    if (!entry) return undefined;
    this.used.add(key);
    return this.entryView(entry);
  }

  /** A text that parsed cleanly, with its value; returns the entry to record answers in. */
  put(text: string, value: unknown): ParsedEntry | undefined {
    if (!isPlainJson(value)) return undefined;
    const key = ParsedYamlCache.keyOf(text);
    const entry: StoredEntry = { value: JSON.stringify(value), answers: [], savedAt: Date.now() };
    this.load().entries[key] = entry;
    this.used.add(key);
    this.dirty = true;
    return this.entryView(entry);
  }

  /** Writes what this run added (atomically); entries unused for a month are dropped then. */
  save(): void {
    if (!this.dirty || !this.stored) return;
    const now = Date.now();
    const entries = Object.fromEntries(
      Object.entries(this.stored.entries).filter(
        ([key, entry]) => this.used.has(key) || now - entry.savedAt < KEEP_UNUSED_MS,
      ),
    );
    for (const key of this.used) if (entries[key]) entries[key].savedAt = now;
    try {
      writeFileAtomicSync(this.file, JSON.stringify({ build: this.build, entries } satisfies StoredCache));
      this.dirty = false;
    } catch {
      // A read-only checkout: the next run parses again.
    }
  }

  private load(): StoredCache {
    if (!this.stored) {
      let stored: StoredCache | undefined;
      try {
        const read = JSON.parse(readFileSync(this.file, "utf8")) as StoredCache;
        if (read.build === this.build && typeof read.entries === "object" && read.entries) stored = read;
      } catch {
        // None yet, or unreadable: start empty.
      }
      this.stored = stored ?? { build: this.build, entries: Object.create(null) };
    }
    return this.stored;
  }

  private entryView(entry: StoredEntry): ParsedEntry {
    let answers: Map<string, { line: number; col: number }> | undefined;
    const known = () => {
      answers ??= new Map(entry.answers.map(([q, line, col]) => [q, { line, col }]));
      return answers;
    };
    return {
      value: () => JSON.parse(entry.value),
      answer: (question) => known().get(question),
      record: (question, at) => {
        if (known().has(question)) return;
        known().set(question, at);
        entry.answers.push([question, at.line, at.col]);
        this.dirty = true;
      },
    };
  }
}

/** True when JSON.stringify then JSON.parse gives back an equal value. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== "__proto__" && isPlainJson(item));
}
