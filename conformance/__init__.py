"""``nox -s conformance``: pinned releases of the Flask world's own test
suites, run on the real packages and on vial, compared test by test.

Run it through nox, which builds vial's environment; ``python -m
conformance --help`` lists the options that follow ``--``.
"""
