"""HTML reports of conformance runs: `python -m reports render|compare|screenshot ...`.

`reports.model` loads and summarises results records, `reports.render` turns them into
self-contained HTML pages, `reports.browser` drives headless Chromium for screenshots and tests.
"""
