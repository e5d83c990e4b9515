"""Small synthetic demo exports shipped with the package (no real person's chat).

Example:
    >>> from reciprocal.samples import sample_path
    >>> sample_path("whatsapp").name
    'whatsapp_sample.txt'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..errors import ConfigError

__all__ = ["SAMPLES", "sample_path"]

#: Sample name → file shipped in this folder.
SAMPLES: dict[str, str] = {
    "whatsapp": "whatsapp_sample.txt",
}


def sample_path(name: str = "whatsapp") -> Path:
    """Return the path of a bundled sample export.

    Args:
        name: One of :data:`SAMPLES`.

    Raises:
        ConfigError: ``name`` is not a bundled sample.
    """
    if name not in SAMPLES:
        raise ConfigError(f"no sample named {name!r}; samples: {', '.join(sorted(SAMPLES))}")
    return Path(str(files(__package__).joinpath(SAMPLES[name])))
