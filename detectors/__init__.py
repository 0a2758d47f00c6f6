"""Detectors: each turns a ``TextBatch`` into ``Finding``s (see ``scanner.items.Detector``).

Adding a detector means one module with a class taking the ``DetectionConfig``, and one line in ``DETECTORS``.
Modules are imported only when built, so ``import detectors`` stays cheap (presidio and spaCy load slowly).
"""

from __future__ import annotations

import importlib

from scanner.config import DetectionConfig
from scanner.items import Detector

# name → "module:Class", in the order they run (a detector sees what the ones before it found).
DETECTORS: dict[str, str] = {
    "personal_data": "detectors.personal_data:PersonalDataDetector",
    # After personal_data: it links category terms to the people personal_data found.
    "special_categories": "detectors.special_categories:SpecialCategoryDetector",
    # After personal_data: reduces its dates of birth to a birth year, and finds leaving dates (retention).
    "content_dates": "detectors.content_dates:ContentDateDetector",
    # Last: it sees every finding. Reports nothing; collects the person index `gdprscan sar` searches.
    "person_index": "detectors.person_index:PersonIndexer",
}


def build_detectors(config: DetectionConfig) -> list[Detector]:
    """Every registered detector, built once for a scan (model loading happens here, not per item)."""
    built = []
    for target in DETECTORS.values():
        module_name, class_name = target.split(":")
        built.append(getattr(importlib.import_module(module_name), class_name)(config))
    return built
