"""Rewrite the README's settings table from recs_shared.settings.

python -m devtools.readme
"""

from __future__ import annotations

import re
from pathlib import Path

from recs_shared.settings import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- settings:begin -->\n).*?(<!-- settings:end -->)", re.S)


def main() -> None:
    text = README.read_text()
    README.write_text(BLOCK.sub(lambda m: m[1] + markdown_table() + "\n" + m[2], text))


if __name__ == "__main__":
    main()
