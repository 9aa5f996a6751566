#!/usr/bin/env python3
"""relkit builds on Linux here and on macOS where Fleet's engineers work, and no Mac is at hand.
This check fails on a platform-specific symbol outside a guard for its platform, so that the
macOS build is not broken unseen. `.ci/run` runs it; `--self-test` shows it catches planted ones.

    check-portability.py [ROOT]        checks ROOT/Sources (default: the repository's)
    check-portability.py --self-test   plants each kind of symbol in a scratch tree and expects it caught

Linux-only in Swift: `Glibc`, `/proc/`, a shared object's soname (`libfoo.so.1`), `environ`,
`posix_spawn_file_actions_t()` (a struct on Linux, an optional pointer on Darwin). Darwin-only:
`Darwin`, `_NSGetEnviron`, `.dylib`. In C: ELF tricks (`__attribute__((weak))`, `RTLD_NEXT`,
`-Wl,--wrap`, `.so.` sonames) outside `#if defined(__ELF__)` / `#ifdef __linux__`.

A Linux-only symbol is guarded when some enclosing branch is `#if os(Linux)` / `#if canImport(Glibc)`
(or `#elseif` of them), or the `#else` of a Darwin condition; the Darwin-only ones the other way
round. And every Linux branch must have a branch for the rest (`#elseif`/`#else`), doing the same
job or saying why nothing is needed, unless its `#if` line ends in a `// Linux only: <why>` comment.
A line ending in `// portable: <why>` is never flagged (a soname in a list of candidates for each platform).
"""
import os, re, sys, tempfile

LINUX_CONDITIONS = re.compile(r"os\(Linux\)|canImport\(Glibc\)|defined\(__linux__\)|defined\(__ELF__\)|__linux__|__ELF__")
DARWIN_CONDITIONS = re.compile(r"os\(macOS\)|canImport\(Darwin\)|defined\(__APPLE__\)|__APPLE__|os\(iOS\)")
SWIFT_LINUX = [(re.compile(r"\bGlibc\b"), "Glibc"), (re.compile(r"/proc/"), "/proc"),
               (re.compile(r"\blib[A-Za-z0-9_+-]+\.so(\.[0-9]+)*\b"), "a Linux soname"),
               (re.compile(r"(?<![A-Za-z0-9_.])environ\b"), "environ"),
               (re.compile(r"posix_spawn_file_actions_t\(\)"), "posix_spawn_file_actions_t()")]
SWIFT_DARWIN = [(re.compile(r"\bDarwin\b"), "Darwin"), (re.compile(r"_NSGetEnviron"), "_NSGetEnviron"),
                (re.compile(r"\.dylib\b"), "a .dylib")]
C_LINUX = [(re.compile(r"__attribute__\(\(weak\)\)"), "a weak symbol"), (re.compile(r"\bRTLD_NEXT\b"), "RTLD_NEXT"),
           (re.compile(r"--wrap"), "--wrap"), (re.compile(r"\blib[A-Za-z0-9_+-]+\.so\.[0-9]"), "a Linux soname")]
C_DARWIN = [(re.compile(r"\.dylib\b"), "a .dylib")]


def strip_comment(line, c):
    """The code of a line: comments and (for the patterns' sake) nothing else removed."""
    marker = "//"
    index = line.find(marker)
    if c and "/*" in line:
        line = re.sub(r"/\*.*?\*/", "", line)
    return line if index < 0 else line[:index]


def check_file(path, c):
    problems = []
    # Each open #if: [condition of the current branch, is it an else-branch, the #if line's text, branches seen]
    stack = []
    in_block_comment = False
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw
        if c:
            if in_block_comment:
                if "*/" not in line:
                    continue
                line = line[line.index("*/") + 2:]
                in_block_comment = False
            if "/*" in line and "*/" not in line[line.index("/*"):]:
                line = line[:line.index("/*")]
                in_block_comment = True
        stripped = line.strip()
        directive = re.match(r"#\s*(if|ifdef|ifndef|elseif|elif|else|endif)\b(.*)", stripped)
        if directive:
            word, rest = directive.group(1), directive.group(2)
            if word in ("if", "ifdef", "ifndef"):
                negated = word == "ifndef" or rest.strip().startswith("!")
                stack.append({"condition": rest, "else": negated, "line": raw, "number": number, "branches": 1})
            elif word in ("elseif", "elif") and stack:
                stack[-1].update(condition=rest, **{"else": False})
                stack[-1]["branches"] += 1
            elif word == "else" and stack:
                stack[-1]["else"] = True
                stack[-1]["branches"] += 1
            elif word == "endif" and stack:
                block = stack.pop()
                opening = block["line"]
                if LINUX_CONDITIONS.search(block["opening"] if "opening" in block else opening) \
                        and not DARWIN_CONDITIONS.search(opening) and block["branches"] == 1 \
                        and not re.search(r"//\s*Linux only:", opening) and not opening.strip().startswith("#ifndef"):
                    problems.append("%s:%d: a Linux-only branch (%s) with no branch for other platforms; add #elseif/#else "
                                    "that does the same job, or end the #if line with `// Linux only: <why>`"
                                    % (path, block["number"], opening.strip()))
            continue
        if "portable:" in raw:
            continue
        code = strip_comment(line, c)
        if not c and re.match(r"\s*///?", raw):
            continue
        for patterns, wanted, other in ((C_LINUX if c else SWIFT_LINUX, LINUX_CONDITIONS, DARWIN_CONDITIONS),
                                        (C_DARWIN if c else SWIFT_DARWIN, DARWIN_CONDITIONS, LINUX_CONDITIONS)):
            for pattern, name in patterns:
                if not pattern.search(code):
                    continue
                guarded = any((wanted.search(entry["condition"]) and not entry["else"])
                              or (other.search(entry["condition"]) and entry["else"]) for entry in stack)
                if not guarded:
                    platform = "Linux" if wanted is LINUX_CONDITIONS else "Darwin"
                    problems.append("%s:%d: %s is %s-only and not behind a guard for it: %s"
                                    % (path, number, name, platform, raw.strip()))
    return problems


def check(root):
    problems = []
    for directory, _, files in os.walk(os.path.join(root, "Sources")):
        for name in sorted(files):
            if name.endswith(".swift"):
                problems += check_file(os.path.join(directory, name), c=False)
            elif name.endswith((".c", ".h")):
                problems += check_file(os.path.join(directory, name), c=True)
    return problems


PLANTED = {
    "Sources/A/Bare.swift": ("import Glibc\n", 1),
    "Sources/A/Open.swift": ("#if canImport(Glibc)\nimport Glibc\n#elseif canImport(Darwin)\nimport Darwin\n#endif\n"
                             "let fd = Glibc.open(\"x\", 0)\n", 1),
    "Sources/A/Proc.swift": ("let status = \"/proc/self/status\"\n", 1),
    "Sources/A/Soname.swift": ("let name = \"libcurl.so.4\"\n", 1),
    "Sources/A/Environ.swift": ("let e = environ\n", 1),
    "Sources/A/Spawn.swift": ("var actions = posix_spawn_file_actions_t()\n", 1),
    "Sources/A/OneSided.swift": ("#if os(Linux)\nlet x = 1\n#endif\n", 1),
    "Sources/A/DarwinOnly.swift": ("import Darwin\n", 1),
    "Sources/C/weak.h": ("extern void hook(void) __attribute__((weak));\n", 1),
    # Guarded the right way: nothing to say.
    "Sources/A/Good.swift": ("#if canImport(Glibc)\nimport Glibc\nlet fd = Glibc.open(\"x\", 0)\n#elseif canImport(Darwin)\n"
                             "import Darwin\nlet fd = Darwin.open(\"x\", 0)\n#endif\n"
                             "#if canImport(Darwin)\nlet e = _NSGetEnviron().pointee\n#else\nlet e = environ\n#endif\n"
                             "/// Glibc in a comment is prose.\n", 0),
    "Sources/C/good.h": ("#if defined(__ELF__)\nextern void hook(void) __attribute__((weak));\n#else\n"
                         "static inline void hook(void) {}\n#endif\n", 0),
}


def self_test():
    with tempfile.TemporaryDirectory() as root:
        for relative, (text, _) in PLANTED.items():
            path = os.path.join(root, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        problems = check(root)
        failures = []
        for relative, (_, expected) in PLANTED.items():
            found = [p for p in problems if p.startswith(os.path.join(root, relative) + ":")]
            if len(found) != expected:
                failures.append("%s: expected %d finding(s), got %d: %s" % (relative, expected, len(found), found))
        for failure in failures:
            print("self-test: " + failure, file=sys.stderr)
        print("check-portability self-test: %d planted files, %s" % (len(PLANTED), "all as expected" if not failures else "FAILED"))
        return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("check-portability: %d problem%s" % (len(problems), "" if len(problems) == 1 else "s"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
