"""The labelled evaluation set (``corpus.build_corpus``) and its item-level metrics (``metrics``).

``tests/test_detection_quality.py`` scans the set with the real engine and detectors and checks precision,
recall and F1 per special category, context, criminal-offence data and entity type.
"""
