#!/usr/bin/env python3
"""What a scenario test left behind.

  leftovers.py snapshot FILE   record every network namespace referenced now
  leftovers.py check FILE      fail (exit 1, saying what) if the test left a
                               namespace, a node program or a state folder

A namespace of a finished run that outlived it would still be referenced by
some process or open fd (else the kernel has freed it). What belongs to
another run that is still going (a process whose ancestors include a live
pmipemu, or pmipemu itself holding the fd) is someone else's and ignored, so
tests can run while other runs are live; the test's own runs have all ended
when it checks.
"""
import json
import os
import sys

NODE_PROGRAMS = {"lmad", "magd", "mnd", "trafgen"}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def proc_table():
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = read(f"/proc/{name}/stat")
        if not stat:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        table[int(name)] = {"comm": stat[stat.find("(") + 1:stat.rfind(")")],
                            "ppid": int(rest[1])}
    return table


def ns_holders():
    holders = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        refs = set()
        try:
            refs.add(os.readlink(f"/proc/{name}/ns/net"))
        except OSError:
            pass
        try:
            for fd in os.listdir(f"/proc/{name}/fd"):
                try:
                    link = os.readlink(f"/proc/{name}/fd/{fd}")
                except OSError:
                    continue
                if link.startswith("net:["):
                    refs.add(link)
        except OSError:
            pass
        for r in refs:
            holders.setdefault(r, []).append(int(name))
    return holders


def in_live_run(pid, table):
    seen = 0
    while pid in table and seen < 64:
        if table[pid]["comm"] == "pmipemu":
            return True
        pid = table[pid]["ppid"]
        seen += 1
    return False


def owner_alive(state_dir):
    line = read(os.path.join(state_dir, "owner")).split()
    if len(line) != 2:
        return False
    stat = read(f"/proc/{line[0]}/stat")
    return bool(stat) and stat[stat.rfind(")") + 2:].split()[19] == line[1]


def named_namespaces():
    """Namespaces bind-mounted by `ip netns add` (a run never makes one)."""
    names = set()
    d = "/run/netns"
    if os.path.isdir(d):
        for n in os.listdir(d):
            try:
                names.add(f"net:[{os.stat(os.path.join(d, n)).st_ino}]")
            except OSError:
                pass
    return names


def check(before_file):
    before = set(json.load(open(before_file))) | named_namespaces()
    table = proc_table()
    problems = []
    for ns, pids in ns_holders().items():
        if ns in before:
            continue
        foreign = [p for p in pids if not in_live_run(p, table)]
        if foreign:
            names = ", ".join(f"{p} ({table.get(p, {}).get('comm', '?')})" for p in foreign)
            problems.append(f"namespace {ns} left, held by {names}")
    named = named_namespaces()
    for pid, p in table.items():
        try:
            own_ns = os.readlink(f"/proc/{pid}/ns/net")
        except OSError:
            own_ns = ""
        if own_ns in named:
            continue            # someone's `ip netns exec`, not a run's
        if p["comm"] in NODE_PROGRAMS and not in_live_run(pid, table):
            problems.append(f"process {pid} ({p['comm']}) left")
    root = os.environ.get("PMIPEMU_STATE_ROOT", "/run/pmipemu")
    if os.path.isdir(root):
        for d in os.listdir(root):
            if not owner_alive(os.path.join(root, d)):
                problems.append(f"state folder {root}/{d} left")
    for p in problems:
        print("leftover:", p, file=sys.stderr)
    return 1 if problems else 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("snapshot", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "snapshot":
        with open(sys.argv[2], "w") as f:
            json.dump(sorted(ns_holders()), f)
        return 0
    return check(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
