"""Lists every `new PromptOpsError(code, ...)` in src/: file:line, code expression, exitCode given."""
import re, subprocess, sys

def call_end(text, start):
    """Index after the `)` closing the call whose `(` is at start-1; skips string and template contents."""
    depth, i = 1, start
    while i < len(text):
        c = text[i]
        if c in "\"'`":
            q = c; i += 1
            while text[i] != q:
                i += 2 if text[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced")

def sites(root="."):
    files = subprocess.run(["git", "ls-files", "src"], cwd=root, capture_output=True, text=True).stdout.split()
    for f in files:
        if not f.endswith(".ts"):
            continue
        text = open(f"{root}/{f}").read()
        for m in re.finditer(r"new PromptOpsError\(", text):
            end = call_end(text, m.end())
            call = text[m.end():end - 1]
            code = re.match(r'\s*("[^"]*"|[\w.]+)', call).group(1)
            exit_ = re.search(r"exitCode:\s*([^,\s}]+)", call)
            yield f, text.count("\n", 0, m.start()) + 1, code, exit_.group(1) if exit_ else "default", m.start(), end

if __name__ == "__main__":
    for f, line, code, exit_, _, _ in sites(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(f"{f}:{line}\t{code}\t{exit_}")
