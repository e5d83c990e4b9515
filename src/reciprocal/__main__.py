"""``python -m reciprocal``: the same as the ``reciprocal`` command."""

from reciprocal.cli import main

if __name__ == "__main__":
    main()
