"""The fictional sample share of Hartfield Academy: a few hundred files and members whose planted personal data is
recorded in a manifest, so a scan of it can be checked against the truth.

    manifest = generate(Path("/tmp/share"), seed=7)
    save_manifest(manifest, Path("/tmp/share.manifest.json"))   # keep it outside the share
"""

from __future__ import annotations

import random
from pathlib import Path

from . import (content_admin, content_archive, content_catering, content_curriculum, content_email,
               content_governors, content_hr, content_pastoral)
from .manifest import Manifest, save_manifest, write_roster
from .people import SCHOOL, make_cast
from .share import ShareWriter

__all__ = ["generate", "save_manifest", "write_roster", "Manifest"]

AREAS = (content_admin, content_pastoral, content_hr, content_catering, content_governors, content_curriculum,
         content_email, content_archive)


def generate(root: Path, seed: int = 2025, scale: int = 1) -> Manifest:
    """Write the share under ``root`` and return what was planted where. The same seed gives the same share."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cast = make_cast(random.Random(seed), scale)
    share = ShareWriter(root, random.Random(seed))
    for area in AREAS:
        # Each area draws from its own stream, so adding content to one leaves the others unchanged.
        share.rng = random.Random(f"{seed}/{area.__name__.rsplit('.', 1)[-1]}")
        area.build(share, cast, scale)
    return Manifest(SCHOOL, seed, scale, share.records, cast.everyone())
