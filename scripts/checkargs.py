"""checkargs.py - the command line the checks of the tree share
(check-layers.py, check-prefixes.py): [--root DIR] [--allow FILE], the
allow file by default beneath the root's scripts/."""
import os


def parse(argv, prog, default_allow):
    """(root, allow file) from @argv, or None after printing the usage."""
    root, allow = ".", None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--root" and args:
            root = args.pop(0)
        elif a == "--allow" and args:
            allow = args.pop(0)
        else:
            print("usage: %s [--root DIR] [--allow FILE]" % prog)
            return None
    return root, allow if allow is not None else os.path.join(root, "scripts", default_allow)
