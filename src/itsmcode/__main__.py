from __future__ import annotations

from itsmcode.cli import main

if __name__ == "__main__":
    main()
