"""Codemod for issue 13 item 7: one typed list of PromptOpsError codes in src/errors.ts.

Run from the repository root: python3 error-catalogue.py
1. Reads every `new PromptOpsError("code", ..., { exitCode: N })` in src/ (sites.py), and the codes
   passed to the wrappers listed in WRAPPERS, with the wrapper's exit code.
2. Fails if one code is thrown with two exit codes.
3. Writes ERROR_CODES (code -> exit code, sorted) into src/errors.ts between the BEGIN/END marker
   comments (adding the type ErrorCode, PromptOpsError's `code: ErrorCode`, and the exitCode default
   from the table on the first run).
4. Types the wrappers' `code` parameter as ErrorCode.
Re-run it after a merge; then `npx tsc --noEmit -p .` names any code it missed.
"""
import re, sys
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from sites import sites

codes = {}
def add(code, exit_, where):
    if code in codes and codes[code][0] != exit_:
        sys.exit(f"{code}: exit {codes[code][0]} at {codes[code][1]} but {exit_} at {where}")
    codes.setdefault(code, (exit_, where))

# Functions that take a code and throw PromptOpsError(code, ...) with a fixed exit code:
# name, exit code, a regex for the code literals in their calls (in every src file), and the
# edit that types their parameter (file, old text, new text).
WRAPPERS = [
    ("usageError", 2, r'\busageError\(\s*"([a-z0-9-]+)"',
     ("src/reporters/create-reporters.ts", "function usageError(code: string,", "function usageError(code: ErrorCode,")),
    ("refuseInvalidPrompts", 1, r'\brefuseInvalidPrompts\([^;]*?,\s*"[^"]*",\s*"([a-z0-9-]+)"\s*\)|code(?:: ErrorCode)? = "([a-z0-9-]+)",',
     ("src/prompt/prompt-project.ts", '  code = "prompt-invalid",', '  code: ErrorCode = "prompt-invalid",')),
]

for f, line, code, exit_, _, _ in sites():
    if code.startswith('"'):
        add(code.strip('"'), int(exit_) if exit_ in ("1", "2") else 2, f"{f}:{line}")

import subprocess
src_files = [f for f in subprocess.run(["git", "ls-files", "src"], capture_output=True, text=True).stdout.split() if f.endswith(".ts")]
for name, exit_, pattern, (file, old, new) in WRAPPERS:
    for f in src_files:
        for m in re.finditer(pattern, open(f).read()):
            add(next(g for g in m.groups() if g), exit_, f"{f} ({name})")
    text = open(file).read()
    if old in text:
        text = text.replace(old, new)
        if "type ErrorCode" not in text:
            text = re.sub(r'import \{ PromptOpsError \} from "([./]+)errors.js";',
                          r'import { type ErrorCode, PromptOpsError } from "\1errors.js";', text, count=1)
        open(file, "w").write(text)

table = "\n".join(f'  "{c}": {codes[c][0]},' for c in sorted(codes))
block = f"""// BEGIN error codes (scripted: keep sorted, one line each)
/** Every PromptOpsError code, with the exit code it maps to unless a throw site says otherwise. */
export const ERROR_CODES = {{
{table}
}} as const satisfies Record<string, ExitCode>;
// END error codes

export type ErrorCode = keyof typeof ERROR_CODES;
"""
path = "src/errors.ts"
text = open(path).read()
if "// BEGIN error codes" in text:
    text = re.sub(r"// BEGIN error codes[\s\S]*?// END error codes\n\nexport type ErrorCode = keyof typeof ERROR_CODES;\n", block, text)
else:
    anchor = "export type ExitCode = 1 | 2;\n"
    text = text.replace(anchor, anchor + "\n" + block, 1)
    text = text.replace("  readonly code: string;", "  readonly code: ErrorCode;", 1)
    text = text.replace("constructor(code: string, message: string,", "constructor(code: ErrorCode, message: string,", 1)
    text = text.replace("this.exitCode = options.exitCode ?? 2;", "this.exitCode = options.exitCode ?? ERROR_CODES[code];", 1)
open(path, "w").write(text)
print(f"{len(codes)} codes")
