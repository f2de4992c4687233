"""The framer against bad frames, byte by byte (no server needed)."""

from __future__ import annotations

import json

from elixir_perf_lsp.server.framing import MAX_MESSAGE_BYTES, Fault, Framer, Message

A = {"jsonrpc": "2.0", "id": 1, "method": "a"}
B = {"jsonrpc": "2.0", "id": 2, "method": "b"}


def frame(
    obj: object, header: bytes = b"Content-Length", eol: bytes = b"\r\n", length: int | None = None
) -> bytes:
    body = json.dumps(obj).encode()
    return header + b": %d" % (len(body) if length is None else length) + eol + eol + body


def messages(*chunks: bytes) -> list[object]:
    framer = Framer()
    out = []
    for chunk in chunks:
        out += [e.content for e in framer.feed(chunk) if isinstance(e, Message)]
    return out


def one_byte_at_a_time(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def test_well_formed_frames_in_any_chunking() -> None:
    data = frame(A) + frame(B)
    assert messages(data) == [A, B]
    assert messages(*one_byte_at_a_time(data)) == [A, B]


def test_header_names_in_any_case_and_lf_only_lines() -> None:
    assert messages(frame(A, header=b"content-length") + frame(B, eol=b"\n")) == [A, B]


def test_a_wrong_length_is_corrected_by_the_json() -> None:
    assert messages(frame(A, length=5) + frame(B)) == [A, B]
    assert messages(frame(A, length=500) + frame(B)) == [A, B]
    assert messages(frame(A, length=500)) == [A]  # a client waiting for the answer


def test_a_negative_or_missing_length_still_finds_the_message() -> None:
    body = json.dumps(A).encode()
    assert messages(b"Content-Length: -5\r\n\r\n" + body + frame(B)) == [A, B]
    assert messages(b"Content-Type: x\r\n\r\n" + body + frame(B)) == [A, B]


def test_a_huge_length_is_dropped_unallocated_and_the_stream_resynchronises() -> None:
    huge = b"Content-Length: %d\r\n\r\n" % (MAX_MESSAGE_BYTES * 1000)
    assert messages(huge + json.dumps(A).encode() + frame(B)) == [B]


def test_garbage_is_skipped_with_a_parse_error() -> None:
    framer = Framer()
    events = framer.feed(b"Content-Length: 9\r\n\r\n{not json" + frame(B))
    assert any(isinstance(e, Fault) and e.parse_error for e in events)
    assert [e.content for e in events if isinstance(e, Message)] == [B]
    assert messages(b"garbage\r\n" + frame(B)) == [B]


def test_header_text_inside_a_message_arriving_in_pieces_is_not_a_header() -> None:
    text = {
        "jsonrpc": "2.0",
        "method": "didOpen",
        "params": {"text": "Content-Length: 5\r\n\r\n{}}"},
    }
    data = frame(text) + frame(B)
    assert messages(*[data[i : i + 7] for i in range(0, len(data), 7)]) == [text, B]
