#!/usr/bin/env python3
"""The conformance ratchet: the differences from Falco that are still known may only shrink.

  ratchet.py KNOWN_FILE FIELDS_OUT_DIR VERDICTS_OUT_DIR [--update]

FIELDS_OUT_DIR and VERDICTS_OUT_DIR are the --out directories of two runs of the corpus'
run.sh (../shared/conformance): one comparing fields (diff/*.json), one comparing rule
verdicts (diff/*.txt, "VERDICT RULE: falco=N agent=M" lines). A difference is named by
what it is, not by how often it happened:

  field    WORKLOAD  RULE  FIELD      a field of that rule's alerts differs ("(alert)": an
                                      alert missing or unexpected)
  verdict  WORKLOAD  RULE             an upstream rule fired a different number of times

Fails (exit 1) when a difference appears that KNOWN_FILE does not list, or a listed one has
gone: fixing something means deleting its lines, so the list only shrinks. --update
rewrites KNOWN_FILE with what this run found (for a change that fixed differences; a
reviewer sees every added line in the diff). Prints the closing figures either way.
"""
import glob
import json
import os
import re
import sys

VERDICT_LINE = re.compile(r"^VERDICT (.*): falco=(\d+) agent=(\d+)$")


def found_differences(fields_dir, verdicts_dir):
    found = set()
    for path in glob.glob(os.path.join(fields_dir, "diff", "*.json")):
        with open(path) as f:
            run = json.load(f)
        for r in run["records"]:
            found.add(("field", r["workload"], r["rule"], r["field"]))
    for path in glob.glob(os.path.join(verdicts_dir, "diff", "*.txt")):
        workload = os.path.basename(path)[:-len(".txt")]
        with open(path) as f:
            for line in f:
                m = VERDICT_LINE.match(line.rstrip("\n"))
                if m:
                    found.add(("verdict", workload, m.group(1)))
    return found


def read_known(path):
    known = set()
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = tuple(line.split("\t"))
            if (parts[0], len(parts)) not in (("field", 4), ("verdict", 3)):
                sys.exit("%s:%d: not a difference line: %r" % (path, number, line))
            known.add(parts)
    return known


HEADER = """\
# Differences from Falco 0.44.1 still known on the conformance corpus (../shared/conformance).
# Written by tests/conformance/ratchet.py --update; the suite fails when a difference appears
# that is not listed here, or when a listed one has gone. Fix a difference, delete its line.
# field<TAB>workload<TAB>rule<TAB>field   |   verdict<TAB>workload<TAB>rule
"""


def main(argv):
    update = "--update" in argv
    args = [a for a in argv if a != "--update"]
    if len(args) != 3:
        sys.exit(__doc__)
    known_path, fields_dir, verdicts_dir = args
    found = found_differences(fields_dir, verdicts_dir)
    if not glob.glob(os.path.join(fields_dir, "diff", "*.json")):
        sys.exit("ratchet: no field comparison in %s: the corpus run did not happen" % fields_dir)
    if update:
        with open(known_path, "w") as f:
            f.write(HEADER)
            for d in sorted(found):
                f.write("\t".join(d) + "\n")
        print("ratchet: wrote %d known differences to %s" % (len(found), known_path))
        return 0
    known = read_known(known_path)
    new = sorted(found - known)
    gone = sorted(known - found)
    for d in new:
        print("NEW DIFFERENCE  " + "  |  ".join(d))
    for d in gone:
        print("GONE (delete the line)  " + "  |  ".join(d))
    fields = sum(1 for d in found if d[0] == "field")
    print("ratchet: %d differences known, %d found (%d field, %d verdict), %d new, %d gone"
          % (len(known), len(found), fields, len(found) - fields, len(new), len(gone)))
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
