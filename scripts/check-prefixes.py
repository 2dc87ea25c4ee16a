#!/usr/bin/env python3
"""check-prefixes.py [--root DIR] [--allow FILE] - the naming check.

Every exported (non-static) function of a layer's .c file carries the
file's prefix (docs/architecture.md, "Names"): in NAME.c it is named
vb_NAME or vb_NAME_*, and in a file whose name has two parts, FAMILY_PART.c,
also vb_FAMILY_* (a part of a module family: env_life.c's vb_env_up,
summary_input.c's vb_summary_merge) or vb_PART_* (a backend's helper named
after its backend: vm_qemu.c's vb_qemu_argv).  main is main.

Known exceptions, each with its reason, are listed in the allow file
(scripts/prefixes-allow.txt): "FILE PREFIX  # why", FILE a path from the
root and PREFIX a prefix the file's functions may carry too (vb_kvm_).  The
check fails on a function that matches neither, and on a listed prefix that
no function of its file carries any more (so the list only shrinks).  Exit
0 when clean, 1 with one line per problem, 2 on bad usage.  `make test`
runs it.
"""
import os
import re
import sys

import checkargs

FOLDERS = ["lib", "workloads", "harness", "bench"]

# A definition at the start of a line: a return type, the name, its
# parameters, then the body (no ';' between: a prototype is not one).
DEFINITION = re.compile(
    r"^(?!static\b|typedef\b|extern\b|struct\s+\w+\s*\{|union\b|enum\b)"
    r"[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*"
    r"(?:__attribute__\s*\(\(.*?\)\)\s*)?\{", re.M | re.S)
# Comments and string or character literals, in one pass (a "//" inside a
# string is no comment, a quote inside a comment no string).
NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
PREPROC = re.compile(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", re.M)


def blank(m):
    """Keep a match's line breaks, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", m.group(0))


def exported(text):
    """[(name, line)] of the non-static functions defined in @text."""
    text = NOISE.sub(blank, text)
    text = PREPROC.sub(blank, text)
    out = []
    for m in DEFINITION.finditer(text):
        out.append((m.group(1), text.count("\n", 0, m.start(1)) + 1))
    return out


def prefixes(path):
    """The prefixes a function of @path may carry (without the trailing _)."""
    name = os.path.basename(path)[:-2]
    own = ["vb_" + name]
    parts = name.split("_")
    if len(parts) == 2:
        own += ["vb_" + parts[0], "vb_" + parts[1]]
    return own


def fits(fn, allowed):
    return fn == "main" or any(fn == p or fn.startswith(p + "_") for p in allowed)


def read_allow(path):
    """{(file, prefix): line number}."""
    allow = {}
    if not path or not os.path.exists(path):
        return allow
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            words = text.split()
            if len(words) != 2 or not words[1].startswith("vb_"):
                print("%s:%d: expected 'FILE PREFIX  # why'" % (path, n))
                sys.exit(2)
            allow[(words[0], words[1].rstrip("_"))] = n
    return allow


def main(argv):
    parsed = checkargs.parse(argv, "check-prefixes.py", "prefixes-allow.txt")
    if parsed is None:
        return 2
    root, allow_path = parsed
    allow = read_allow(allow_path)
    problems, used = [], set()
    for top in FOLDERS:
        for d, _, names in sorted(os.walk(os.path.join(root, top))):
            for n in sorted(names):
                if not n.endswith(".c"):
                    continue
                rel = os.path.relpath(os.path.join(d, n), root)
                with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                own = prefixes(rel)
                extra = [p for (fl, p) in allow if fl == rel]
                for fn, line in exported(text):
                    if fits(fn, own):
                        continue
                    hit = [p for p in extra if fits(fn, [p])]
                    if hit:
                        used.update((rel, p) for p in hit)
                        continue
                    problems.append("%s:%d: %s does not carry the file's prefix (%s_)" %
                                    (rel, line, fn, "_, ".join(own)))
    for (fl, p), n in sorted(allow.items(), key=lambda x: x[1]):
        if (fl, p) not in used:
            problems.append("%s:%d: '%s %s_' no longer occurs: remove it from the list" %
                            (allow_path, n, fl, p))
    for p in problems:
        print("check-prefixes: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
