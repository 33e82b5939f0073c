#!/usr/bin/env python3
"""Module cycles among dangbo_db's top-level modules (issue 21: the store in layers).

Reads every `crate::module` reference outside tests, and every call of a `Store` method
(`self.name(` / `store.name(`) to the module whose `impl Store` defines it, finds the strongly
connected components and fails on any cycle: the store's modules depend only downward — the tree
and scope, the register (members and their events), the features (candidates, courses, cadre,
meetings), the read models (profile, to-do, statistics).
"""
import glob
import os
import re
import sys

ROOT = "crates/dangbo_db/src"
# No cycle is tolerated (the last one, issue 21's tangle of eight modules, was taken apart).
KNOWN = set()


def graph():
    files = {}
    for path in glob.glob(ROOT + "/**/*.rs", recursive=True):
        top = os.path.relpath(path, ROOT)[:-3].split("/")[0]
        if top != "lib":
            files.setdefault(top, []).append(path)
    owner = {}
    for module, paths in files.items():
        for path in paths:
            text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
            for body in re.findall(r"impl Store \{(.*?)\n\}", text, re.S):
                for name in re.findall(r"\n    (?:pub(?:\(crate\))? )?(?:async )?fn (\w+)", body):
                    owner[name] = module
    edges = {m: set() for m in files}
    for module, paths in files.items():
        for path in paths:
            text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
            for name in re.findall(r"\b(?:self|store)\.(\w+)\(", text):
                if owner.get(name, module) != module:
                    edges[module].add(owner[name])
            names = re.findall(r"crate::(\w+)", text)
            for group in re.findall(r"use crate::\{([^}]*)\}", text):
                names += re.findall(r"\b(\w+)\b", group)
            edges[module] |= {n for n in names if n in files and n != module}
    return edges


def components(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def main():
    edges = graph()
    bad = False
    for comp in components(edges):
        inside = {m: sorted(edges[m] & comp) for m in sorted(comp)}
        if comp <= KNOWN:
            print(f"known cycle (to take apart): {sorted(comp)}")
        else:
            bad = True
            print(f"VIOLATION: a new module cycle in dangbo_db: {sorted(comp)}")
            for m, deps in inside.items():
                print(f"  {m} -> {deps}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
