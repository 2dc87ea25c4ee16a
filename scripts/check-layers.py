#!/usr/bin/env python3
"""check-layers.py [--root DIR] [--allow FILE] - the layering check.

vbench's folders are its layers (docs/architecture.md), lowest first:

    lib  <  workloads  <  harness/core  <  harness/image  <  harness/env
         <  harness/analysis  <  harness/output  <  harness/store  <  harness/run
         <  harness/fleet  <  bench

A source file may include headers of its own layer and of lower ones,
never of a higher one; tests/ and fuzz/ may include anything.  Modules (a
.c, its .h and a private NAME_int.h) must not include each other in a
cycle.  Includes are
written from the root ("lib/util.h", "harness/core/undo.h").  Every header
of a layer opens with a comment that says what the module is for and,
in a sentence starting "Must not:", what it must not do (its layer's rule
made concrete for it); a header without one fails too.

Known exceptions, each with its reason, are listed in the allow file
(scripts/layers-allow.txt): "FROM -> TO  # why", FROM and TO being module
paths without extension, or "cycle A B ...  # why".  The check fails on a
violation that is not listed, and on a listed one that no longer occurs
(so the list only shrinks).  Exit 0 when clean, 1 with one line per
problem, 2 on bad usage.  `make test` runs it.
"""
import os
import re
import sys

import checkargs

LAYERS = ["lib", "workloads", "harness/core", "harness/image", "harness/env",
          "harness/analysis", "harness/output", "harness/store", "harness/run", "harness/fleet", "bench"]
FREE = ("tests/", "fuzz/")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
MUST_NOT = "Must not:"


def layer_of(path):
    """Rank of @path's layer, None for a free folder, -1 for one outside them."""
    if path.startswith(FREE):
        return None
    best = -1
    for i, l in enumerate(LAYERS):
        if path.startswith(l + "/") and (best < 0 or len(l) > len(LAYERS[best])):
            best = i
    return best


def module(path):
    """A .c, its .h and its private NAME_int.h are one module."""
    m = path.rsplit(".", 1)[0]
    return m[:-4] if m.endswith("_int") else m


def first_comment(text):
    """The comment a file opens with, or None when it opens with anything else."""
    s = text.lstrip()
    if not s.startswith("/*"):
        return None
    end = s.find("*/")
    return s if end < 0 else s[:end]


def scan(root, headers=None):
    """{module: {included module: first file:line}} over every .c and .h;
    the layers' headers whose first comment has no "Must not:" appended
    to @headers."""
    deps = {}
    for top in LAYERS + [f.rstrip("/") for f in FREE]:
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for d, _, names in os.walk(base):
            rel_d = os.path.relpath(d, root)
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                rel = os.path.normpath(os.path.join(rel_d, n))
                with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if headers is not None and n.endswith(".h") and not rel.startswith(FREE):
                    c = first_comment(text)
                    if c is None or MUST_NOT not in " ".join(c.replace("*", " ").split()):
                        headers.append(rel)
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    deps.setdefault(module(rel), {}).setdefault(
                        module(inc), "%s:%d" % (rel, line))
    return deps


def cycles(deps):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in deps.get(v, {}):
            if w not in deps:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def read_allow(path):
    edges, cyc = {}, {}
    if not path or not os.path.exists(path):
        return edges, cyc
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            if text.startswith("cycle "):
                cyc[tuple(sorted(text.split()[1:]))] = n
            elif "->" in text:
                a, b = (s.strip() for s in text.split("->", 1))
                edges[(a, b)] = n
            else:
                print("%s:%d: expected 'FROM -> TO' or 'cycle A B ...'" % (path, n))
                sys.exit(2)
    return edges, cyc


def main(argv):
    parsed = checkargs.parse(argv, "check-layers.py", "layers-allow.txt")
    if parsed is None:
        return 2
    root, allow = parsed
    edges, cyc = read_allow(allow)
    bare = []
    deps = scan(root, bare)
    problems, seen_edges, seen_cycles = [], set(), set()
    for h in bare:
        problems.append("%s: its first comment does not say what the module must not do "
                        "(a sentence starting \"%s\")" % (h, MUST_NOT))
    for mod in sorted(deps):
        lf = layer_of(mod)
        if lf is None:
            continue
        if lf < 0:
            problems.append("%s: not in a layer folder (%s)" % (mod, ", ".join(LAYERS)))
            continue
        for inc, where in sorted(deps[mod].items()):
            li = layer_of(inc)
            if li is None or li < 0:
                problems.append("%s: includes %s, which is not in a layer folder" % (where, inc))
            elif li > lf:
                if (mod, inc) in edges:
                    seen_edges.add((mod, inc))
                    continue
                problems.append("%s: %s (%s) includes %s (%s), a higher layer" %
                                (where, mod, LAYERS[lf], inc, LAYERS[li]))
    for comp in cycles(deps):
        key = tuple(comp)
        if key in cyc:
            seen_cycles.add(key)
            continue
        problems.append("include cycle: %s" % " -> ".join(comp + [comp[0]]))
    for e, n in sorted(edges.items(), key=lambda x: x[1]):
        if e not in seen_edges:
            problems.append("%s:%d: '%s -> %s' no longer occurs: remove it from the list" %
                            (allow, n, e[0], e[1]))
    for c, n in sorted(cyc.items(), key=lambda x: x[1]):
        if c not in seen_cycles:
            problems.append("%s:%d: 'cycle %s' no longer occurs: remove it from the list" %
                            (allow, n, " ".join(c)))
    for p in problems:
        print("check-layers: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
