"""What produced a set of vectors: the model, the backend that ran it, its precision and export.

Written as one string (the encoder's ``name``, recorded in the index manifest), so that any
difference makes an index stale and its vectors are never mixed with another backend's. The
reference backend is written as the bare model name, which is what indexes built before there
were other backends recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REFERENCE = "torch"
_PATTERN = re.compile(r"^(?P<model>.*) \((?P<backend>[\w-]+) (?P<precision>\w+), export (?P<export>[0-9a-f]+)\)$")


@dataclass(frozen=True)
class Identity:
    """The model name as configured, the backend, the precision it computes in, and the first
    hex digits of the SHA-256 of the exported model file (empty for the reference backend)."""

    model: str
    backend: str = REFERENCE
    precision: str = "fp32"
    export: str = ""

    def __str__(self) -> str:
        if self.backend == REFERENCE:
            return self.model
        return f"{self.model} ({self.backend} {self.precision}, export {self.export})"

    @classmethod
    def parse(cls, name: str) -> Identity:
        """The identity written as ``name`` (a bare model name is the reference backend's)."""
        found = _PATTERN.match(name)
        if found is None:
            return cls(name)
        return cls(**found.groupdict())

    def change_from(self, before: Identity) -> str:
        """Why vectors made by ``before`` are not this identity's, in words."""
        if before.model != self.model:
            return f"model changed ({before.model} → {self.model})"
        if (before.backend, before.precision) != (self.backend, self.precision):
            return f"encoder backend changed ({before.backend} {before.precision} → {self.backend} {self.precision})"
        return f"the {self.backend} export of the model changed ({before.export} → {self.export})"
