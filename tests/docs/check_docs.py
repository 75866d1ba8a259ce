#!/usr/bin/env python3
"""The key reference has one source: man/bgp-agent.conf.5. This check, run by
`make unit`, compares it with the parser's key tables (printed by the
config-keys tool, path in $CONFIG_KEYS) and with config/agent.conf, makes sure
the README does not grow its own copy again, and lints every man page with
groff. Output is cmocka's summary format, which tests/run-unit.sh counts."""
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MAN_CONF = "man/bgp-agent.conf.5"
EXAMPLE = "config/agent.conf"
README = "README.md"
TABLES = "bgp-agent/config_parse.c"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def path(rel):
    return os.path.join(ROOT, rel)


def deroff(text):
    for esc, plain in (("\\(dq", '"'), ("\\(en", "-"), ("\\-", "-"), ("\\e", "\\"),
                       ("\\&", ""), ("\\fB", ""), ("\\fI", ""), ("\\fR", ""), ("\\fP", "")):
        text = text.replace(esc, plain)
    return text


def squash(text):
    return " ".join(text.split())


def code_keys():
    """KEY -> (type, range, default) from the parser's tables."""
    out = subprocess.run([os.environ.get("CONFIG_KEYS", "build/docs/config-keys")],
                         check=True, capture_output=True, text=True).stdout
    keys = {}
    for line in out.splitlines():
        key, kind, rng, default = line.split("\t")
        keys[key] = (kind, rng, default)
    return keys


def man_entries():
    """KEY -> (line number, synopsis): each ".TP" / ".B KEY" / synopsis line."""
    lines = open(path(MAN_CONF)).read().splitlines()
    entries = {}
    for i in range(1, len(lines) - 1):
        m = re.match(r"^\.B (\S+)$", lines[i])
        if lines[i - 1] == ".TP" and m and KEY_RE.match(m.group(1)):
            entries[m.group(1)] = (i + 1, squash(deroff(lines[i + 1])))
    return entries


def example_entries():
    """KEY -> (line number, comment block above it) for every assignment in
    config/agent.conf, commented-out ones ("# key = value;") included."""
    stack, comment, entries = [], [], {}
    for n, raw in enumerate(open(path(EXAMPLE)).read().splitlines(), 1):
        line = raw.strip()
        assign = re.match(r"^#?\s*([a-z][a-z0-9_]*)\s*=\s*(.*)$", line)
        if assign:
            name, value = assign.groups()
            key = ".".join([s for s in stack if s] + [name])
            if value.startswith(("{", "(")):
                stack.append(name)
            elif key not in entries:
                entries[key] = (n, squash(" ".join(comment)))
            comment = []
        elif re.match(r"^#?\s*[{]$", line):  # a group of a list: no name
            stack.append("")
            comment = []
        elif re.match(r"^#?\s*[})][;,]?$", line):
            if stack:
                stack.pop()
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("#").strip())
        else:
            comment = []
    return entries


def check_key_sets(code, man, example):
    errors = []
    for key in sorted(set(code) - set(man)):
        kind, rng, default = code[key]
        errors.append(f"{MAN_CONF}: {key} is a key in {TABLES} but has no entry here; add\n"
                      f"    .TP\n    .B {key}\n    {synopsis_hint(kind, rng, default)}\n"
                      f"    <what it does>\n  in the section of {key.split('.')[0]}")
    for key in sorted(set(man) - set(code)):
        errors.append(f"{MAN_CONF}:{man[key][0]}: {key} is documented but {TABLES} has no such "
                      f"key (renamed or removed? a new table must be listed in "
                      f"config_keys_describe())")
    for key in sorted(set(code) - set(example)):
        kind, rng, default = code[key]
        errors.append(f"{EXAMPLE}: {key} is missing; add an example line (commented out "
                      f"with '# ' if it should stay off) in its group, below a comment that "
                      f"starts with its man page synopsis")
    for key in sorted(set(example) - set(code)):
        errors.append(f"{EXAMPLE}:{example[key][0]}: {key} is not a key of {TABLES}")
    return errors


def synopsis_hint(kind, rng, default):
    text = kind + (f" {rng}" if rng else "")
    if default == "required":
        return text + ", required."
    return text + ("." if default == "none" else f", default {default}.")


def check_synopses(code, man):
    errors = []
    for key in sorted(set(code) & set(man)):
        kind, rng, default = code[key]
        line, syn = man[key]
        want = []
        if not syn.startswith(kind):
            want.append(f"start with its type \"{kind}\"")
        if rng and rng not in syn:
            want.append(f"give its range \"{rng}\"")
        if default == "required" and "required" not in syn:
            want.append("say \"required\"")
        if default not in ("required", "none") and f"default {default}" not in syn:
            want.append(f"give its default as \"default {default}\"")
        if want:
            errors.append(f"{MAN_CONF}:{line}: the line after \".B {key}\" must "
                          + ", ".join(want) + f" (from {TABLES} / config.c), e.g. "
                          f"\"{synopsis_hint(kind, rng, default)}\"; it says \"{syn}\"")
    return errors


def check_example_comments(man, example):
    errors = []
    for key in sorted(set(man) & set(example)):
        line, comment = example[key]
        syn = man[key][1]
        if syn not in comment:
            errors.append(f"{EXAMPLE}:{line}: the comment above {key} must contain its man "
                          f"page synopsis ({MAN_CONF}:{man[key][0]}) word for word: \"{syn}\"")
    return errors


def check_readme(code):
    errors = []
    docs = [README] + sorted("docs/" + f for f in os.listdir(path("docs")) if f.endswith(".md"))
    for doc in docs:
        for n, line in enumerate(open(path(doc)).read().splitlines(), 1):
            m = re.match(r"^\|\s*`([a-z_]+\.[a-z_.]+)`", line)
            if m and m.group(1) in code:
                errors.append(f"{doc}:{n}: a table row documents {m.group(1)}; the key "
                              f"reference is {MAN_CONF} only (put it there, link to it here)")
    return errors


def check_man_warnings():
    errors = []
    pages = sorted(f for f in os.listdir(path("man")) if re.match(r".*\.[1-8]$", f))
    for page in pages:
        r = subprocess.run(["groff", "-man", "-ww", "-z", path("man/" + page)],
                           capture_output=True, text=True)
        if r.returncode != 0 or r.stderr:
            errors.append(f"man/{page}: groff -man -ww -z: {r.stderr.strip() or r.returncode}")
        # What the user sees: man(1) formats with its own preprocessors and width.
        r = subprocess.run(["man", "--warnings", "-l", path("man/" + page)],
                           capture_output=True, text=True, env={**os.environ, "MANWIDTH": "80"})
        if r.returncode != 0 or r.stderr:
            errors.append(f"man/{page}: man --warnings -l: {r.stderr.strip() or r.returncode}")
    return errors


def main():
    os.chdir(ROOT)
    code, man, example = code_keys(), man_entries(), example_entries()
    checks = [
        ("doc_key_sets", lambda: check_key_sets(code, man, example)),
        ("doc_man_synopses", lambda: check_synopses(code, man)),
        ("doc_example_comments", lambda: check_example_comments(man, example)),
        ("doc_readme_no_key_copy", lambda: check_readme(code)),
        ("doc_man_groff_warnings", check_man_warnings),
    ]
    failed = []
    print(f"[==========] Running {len(checks)} test(s).")
    for name, check in checks:
        print(f"[ RUN      ] {name}")
        errors = check()
        for e in errors:
            print("  " + e)
        print(f"[  FAILED  ] {name}" if errors else f"[       OK ] {name}")
        if errors:
            failed.append(name)
    print(f"[  PASSED  ] {len(checks) - len(failed)} test(s).")
    if failed:
        print(f"[  FAILED  ] {len(failed)} test(s), listed below:")
        for name in failed:
            print(f"[  FAILED  ] {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
