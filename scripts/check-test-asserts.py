#!/usr/bin/env python3
"""check-test-asserts.py - every Criterion test in tests/unit asserts
something (issue 14: a test that cannot fail is a defect).

A Test(...) or ParameterizedTest(...) passes when its body calls a
Criterion assertion (cr_assert*, cr_expect*, cr_fail, cr_skip_test) or a
static function of the same file that does, directly or through others.
Prints each test that does not and exits 1; `make check-tests`, run by
`make test`.
"""
import glob
import re
import sys

ASSERT = re.compile(r"\bcr_(assert|expect|fail|skip_test)\w*")
HEAD = re.compile(r"^(?:static\s+[^\n;]*?\b(\w+)\s*\([^;{]*\)|((?:Parameterized)?Test\([^)]*\)))\s*\{",
                  re.M)


def blocks(src):
    """Top-level static functions and tests: name -> body text."""
    out = {}
    for m in HEAD.finditer(src):
        name = m.group(1) or m.group(2)
        i, depth = m.end(), 1
        while depth and i < len(src):
            depth += {"{": 1, "}": -1}.get(src[i], 0)
            i += 1
        out[name] = src[m.end():i]
    return out


def silent_tests(path):
    b = blocks(open(path, encoding="utf-8").read())
    asserting = {n for n, body in b.items() if ASSERT.search(body)}
    grew = True
    while grew:
        grew = False
        for n, body in b.items():
            if n in asserting:
                continue
            helpers = (a for a in asserting if not a.startswith(("Test", "Param")))
            if any(re.search(r"\b" + re.escape(a) + r"\s*\(", body) for a in helpers):
                asserting.add(n)
                grew = True
    return [n for n in b if n.startswith(("Test", "Param")) and n not in asserting]


def main():
    bad = []
    files = sorted(glob.glob("tests/unit/**/*.c", recursive=True))
    for f in files:
        bad += [f"{f}: {t} asserts nothing" for t in silent_tests(f)]
    for line in bad:
        print(line)
    print(f"check-tests: {len(files)} files, "
          + ("every test asserts" if not bad else f"{len(bad)} tests assert nothing"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
