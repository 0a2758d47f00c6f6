"""One ``gdprscan scan --config FILE`` as the CLI runs it, printing the summary and timings as JSON (for run.py).

``--no-detect`` fills a store without detectors: the tiny-file share only needs a store to rescan.
"""

from __future__ import annotations

import json
import sys
import time

from detectors import build_detectors
from scanner.config import load_config
from scanner.engine import Engine
from scanner.lock import StoreLock
from scanner.store import open_store


def main(config_file: str, detect: bool = True) -> None:
    started = time.monotonic()
    config = load_config(config_file)
    with StoreLock(config.store.path):
        store = open_store(config.store.path)
        # With scan.workers > 1 the engine's worker processes load the detectors (None: built from the config).
        detectors = None if detect and config.scan.workers > 1 else build_detectors(config.detection) if detect else []
        loaded = time.monotonic() - started
        summary = Engine(config, store, detectors).run()
        store.close()
    print(json.dumps({"load_seconds": loaded, "seconds": summary.seconds, "status": summary.status,
                      **summary.counts()}))


if __name__ == "__main__":
    main(sys.argv[1], detect="--no-detect" not in sys.argv[2:])
