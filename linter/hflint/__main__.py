from __future__ import annotations

from hflint.cli import main

raise SystemExit(main())
