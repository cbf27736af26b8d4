"""The parsers that read -X importtime and wrk output."""

from __future__ import annotations

import pytest
from harness.e2e import parse_wrk
from harness.importtime import parse_importtime

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:       300 |        900 | site
import time:       200 |        200 |     werkzeug._internal
import time:      1000 |       5000 |   werkzeug
import time:      2000 |      12000 | flask
import time:       400 |        400 | flaskish
import time:       500 |        700 | flask.json
"""

WRK = """\
Running 10s test @ http://127.0.0.1:40000/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms  640.54us  20.15ms   93.21%
    Req/Sec     3.08k   201.07     3.35k    80.00%
  Latency Distribution
     50%    2.49ms
     75%    2.64ms
     90%    2.92ms
     99%    5.10ms
  30629 requests in 10.00s, 4.73MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 2
Requests/sec:   3062.36
Transfer/sec:    484.50KB
"""


def test_importtime_sums_top_level_lines_of_the_package() -> None:
    assert parse_importtime(IMPORTTIME, "flask") == 12700


def test_importtime_ignores_nested_lines_and_similar_names() -> None:
    with pytest.raises(ValueError, match="No top-level import"):
        parse_importtime(IMPORTTIME, "werkzeug")


def test_wrk_report_is_parsed() -> None:
    parsed = parse_wrk(WRK)
    assert parsed["requests_per_second"] == pytest.approx(3062.36)
    assert parsed["requests"] == 30629
    assert parsed["p50_ms"] == pytest.approx(2.49)
    assert parsed["p99_ms"] == pytest.approx(5.10)
    assert parsed["non_2xx"] == 2
    assert parsed["socket_errors"] == {
        "connect": 0,
        "read": 3,
        "write": 0,
        "timeout": 1,
    }


def test_wrk_latency_units_are_converted_to_ms() -> None:
    text = WRK.replace("5.10ms", "850.00us").replace("2.49ms", "1.20s")
    parsed = parse_wrk(text)
    assert parsed["p99_ms"] == pytest.approx(0.85)
    assert parsed["p50_ms"] == pytest.approx(1200.0)


def test_wrk_without_a_rate_is_an_error() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")
