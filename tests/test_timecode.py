from hypothesis import given
from hypothesis import strategies as st

from transcribe_kit import timecode

MS = st.integers(min_value=0, max_value=200 * 3_600_000)


@given(MS)
def test_vtt_and_srt_round_trip(ms):
    assert timecode.parse(timecode.vtt(ms)) == ms
    assert timecode.parse(timecode.srt(ms)) == ms


@given(st.floats(min_value=0, max_value=360_000, allow_nan=False))
def test_seconds_never_format_as_sixty(seconds):
    text = timecode.vtt(timecode.seconds_to_ms(seconds))
    hh, mm, rest = text.split(":")
    assert int(mm) < 60 and float(rest) < 60


def test_rounding_edge_and_long_times():
    assert timecode.vtt(timecode.seconds_to_ms(59.9996)) == "00:01:00.000"
    assert timecode.srt(10 * 3_600_000 + 1) == "10:00:00,001"
    assert timecode.clock(3_600_000 + 61_000) == "1:01:01"
    assert timecode.clock(61_000) == "01:01"


def test_parse_rejects_garbage():
    import pytest

    for bad in ("", "1:2:3:4", "00:61:00.000", "abc", "00:00:00.0000"):
        with pytest.raises(timecode.TimecodeError):
            timecode.parse(bad)


def test_more_than_ten_hours_round_trips():
    ms = 10 * 3_600_000 + 59 * 60_000 + 59_999
    assert timecode.vtt(ms) == "10:59:59.999"
    assert timecode.parse("10:59:59.999") == ms


@given(st.floats(min_value=0, max_value=360_000, allow_nan=False))
def test_seconds_survive_formatting_to_the_millisecond(seconds):
    text = timecode.vtt(timecode.seconds_to_ms(seconds))
    assert abs(timecode.parse(text) / 1000 - seconds) <= 0.0005 + 1e-9
