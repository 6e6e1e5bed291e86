"""The browser journeys of the smoke test, one module each, every one with `run(smoke)`.

`common` holds what they share (the demo's accounts and texts, the results, axe-core, the browser and
`Smoke`, a run's state, helpers, steps and report); `e2e/smoke.py` parses the options, starts the
server and the browser, and runs the journeys in the order of `common.JOURNEYS`.
"""
