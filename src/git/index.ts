export {
  CatFileBatch,
  type CatFileBatchOptions,
  type GitObject,
  readFilesAtCommits,
} from "./cat-file-batch.js";
export { GitError } from "./git-error.js";
export { fileHistory, type HistoryCommit } from "./history.js";
export { appendNote, type NotesPushOutcome, pushNotes, readNotes } from "./notes.js";
export { checkRefFormat, isValidTagName } from "./ref-format.js";
export {
  type CommitSummary,
  currentBranch,
  findRepoRoot,
  headCommit,
  identity,
  isShallow,
  lastCommitTouching,
  type PathStatus,
  pathsChangedSince,
  remoteUrl,
  statusOfPaths,
} from "./repo.js";
export { gitProcessCount, type RunGitOptions, resetGitProcessCount, runGit } from "./run-git.js";
export {
  createAnnotatedTag,
  deleteTag,
  listTags,
  pushTags,
  type TagInfo,
  type TagPushOutcome,
  type TagPushStatus,
} from "./tags.js";
export { trackedFiles } from "./tracked-files.js";
export { parseTrailers, type Trailer, trailerValue } from "./trailers.js";
