"""Small stand-ins for extraction and detection, for tests that are about the engine or the store."""

import io
import re

from scanner.items import Document, Encrypted, ExtractionError, Finding, NotScanned, Segment


class EmailDetector:
    """Finds word@word.tld: enough to see findings appear, change and go."""

    name = "fake_email"

    def detect(self, batch, found=()):
        for m in re.finditer(r"\b\w+@\w+\.\w+\b", batch.text):
            seg = batch.segment_at(m.start())
            yield Finding("EMAIL_ADDRESS", seg.locator, 0.9, "[EMAIL_ADDRESS]", self.name, value=m.group())


class CountingExtractor:
    """Lines of text as segments; ``*.zip`` folders of members; special names for outcomes."""

    def __init__(self):
        self.calls = []

    def __call__(self, item, limits):
        self.calls.append(item.location)
        data = item.open().read()
        if item.name.startswith("locked"):
            raise Encrypted()
        if item.name.endswith(".png"):
            raise NotScanned("unsupported type image/png")
        if item.name.startswith("corrupt"):
            raise ExtractionError("corrupt docx: bad zip header")
        if item.name.endswith(".bundle"):
            parts = data.decode().split("\n---\n")
            children = [
                item.child(f"part{i}.txt", (lambda p=p: io.BytesIO(p.encode())), size=len(p))
                for i, p in enumerate(parts, 1)
            ]
            return Document("bundle", segments=(), children=children)
        lines = data.decode().splitlines()
        return Document("txt", segments=[Segment(t, f"line {i}") for i, t in enumerate(lines, 1)])
