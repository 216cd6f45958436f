/**
 * Each command's module, imported only when that command runs so that `--help` and `validate`
 * stay small. buildProgram takes this table as an argument: a test passes its own to see the
 * options a command line turns into without running the command.
 */
export const commandModules = {
  init: () => import("./commands/init.js"),
  validate: () => import("./commands/validate.js"),
  render: () => import("./commands/render.js"),
  status: () => import("./commands/status.js"),
  publish: () => import("./commands/publish.js"),
  log: () => import("./commands/log.js"),
  diff: () => import("./commands/diff.js"),
  verify: () => import("./commands/verify.js"),
  activation: () => import("./commands/activation.js"),
  lock: () => import("./commands/lock.js"),
  keygen: () => import("./commands/keygen.js"),
  types: () => import("./commands/types-command.js"),
  report: () => import("./commands/report.js"),
  test: () => import("./commands/test.js"),
  serve: () => import("./commands/serve.js"),
  stats: () => import("./commands/stats.js"),
  callLogs: () => import("./commands/call-logs.js"),
  drift: () => import("./commands/drift.js"),
  approve: () => import("./commands/approve.js"),
  codeowners: () => import("./commands/codeowners.js"),
  auditReport: () => import("./commands/audit-report.js"),
  import: () => import("./commands/import.js"),
  extract: () => import("./commands/extract.js"),
  export: () => import("./commands/export.js"),
};

export type CommandModules = typeof commandModules;
