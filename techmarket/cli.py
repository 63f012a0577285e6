"""The ``techmarket`` console script: Django's management commands under one name.

``techmarket audit-verify`` runs the ``audit_verify`` command: hyphens in the verb are
turned into underscores, so verbs read like the rest of the command line.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
