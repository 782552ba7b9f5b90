"""examples/serve.py: the MNIST-style preprocessing, the HTTP API (against a server on a free
port of 127.0.0.1, with a small untrained model), bad and hostile requests, the limits, and the
command line (including graceful shutdown on SIGINT and SIGTERM).

Needs the ``serve`` extra (FastAPI, uvicorn), which the ``test`` extra includes. Nothing here
needs the MNIST files except the two tests marked so, which skip without them. Nothing here is
timed: the server's behaviour under load is measured by bench/serve_load.py.
"""
import doctest
import http.client
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite.data import MNIST, write_idx

from helpers import NO_MNIST, real_mnist_root

pytest.importorskip("fastapi", reason="the server needs the serve extra: pip install -e '.[test]'")
pytest.importorskip("uvicorn", reason="the server needs the serve extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "examples" / "serve.py"
MNIST_DIR = real_mnist_root()  # None without the real files: those tests skip
needs_mnist = pytest.mark.skipif(MNIST_DIR is None, reason=NO_MNIST)


def load_serve():
    spec = importlib.util.spec_from_file_location("serve", SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = load_serve()


def test_docstring_examples():
    assert doctest.testmod(serve).failed == 0


# ---------------------------------------------------------------------------------------------
# preprocessing
# ---------------------------------------------------------------------------------------------

def bounding_box(image):
    """(top, bottom, left, right) of the nonzero pixels, inclusive."""
    rows, cols = np.nonzero(image)
    return rows.min(), rows.max(), cols.min(), cols.max()


def box_shape(image):
    top, bottom, left, right = bounding_box(image)
    return bottom - top + 1, right - left + 1


def test_area_resize_averages_blocks_and_repeats_pixels():
    image = np.arange(24, dtype=float).reshape(4, 6)
    assert np.allclose(serve.area_resize(image, (2, 3)),
                       image.reshape(2, 2, 3, 2).mean(axis=(1, 3)))
    assert np.allclose(serve.area_resize(image, (8, 18)),
                       np.repeat(np.repeat(image, 2, axis=0), 3, axis=1))
    assert np.allclose(serve.area_resize(image, (4, 6)), image)


@given(st.integers(1, 30), st.integers(1, 30), st.integers(1, 30), st.integers(1, 30),
       st.integers(0, 2 ** 32 - 1))
def test_area_resize_keeps_constants_and_scales_the_total_by_the_area(h, w, new_h, new_w, seed):
    assert np.allclose(serve.area_resize(np.full((h, w), 0.7), (new_h, new_w)), 0.7)
    image = np.random.default_rng(seed).random((h, w))
    resized = serve.area_resize(image, (new_h, new_w))
    assert resized.shape == (new_h, new_w)
    assert resized.sum() == pytest.approx(image.sum() * new_h * new_w / (h * w))
    assert image.min() - 1e-12 <= resized.min() and resized.max() <= image.max() + 1e-12


def test_a_bar_in_a_corner_is_scaled_to_20_and_centred():
    drawing = np.zeros((28, 28))
    drawing[24:28, 26:28] = 1  # 4 rows x 2 columns in the bottom right corner
    digit = serve.preprocess(drawing)
    assert digit.dtype == np.float32 and digit.shape == (28, 28)
    # 20x10 of ones; centre of mass (9.5, 4.5) in the patch goes to (14, 14) rounded half up
    expected = np.zeros((28, 28), np.float32)
    expected[5:25, 10:20] = 1
    assert np.array_equal(digit, expected)


def test_a_wide_stroke_keeps_its_aspect_ratio():
    drawing = np.zeros((28, 28))
    drawing[3, 2:12] = 0.5  # 1 row x 10 columns -> 2 rows x 20 columns
    digit = serve.preprocess(drawing)
    assert box_shape(digit) == (2, 20)
    assert np.allclose(digit[np.nonzero(digit)], 0.5)
    assert serve.centre_of_mass(digit) == pytest.approx((14.5, 14.5))  # half a pixel: rounded up


def test_shrinking_averages_and_the_centre_of_mass_lands_within_half_a_pixel():
    drawing = np.zeros((28, 28))
    drawing[:, 3:8] = 1       # a 28 x 5 bar...
    drawing[27, 3:24] = 1     # ...and a 1 x 21 foot: an L of 28 x 21
    digit = serve.preprocess(drawing)
    assert box_shape(digit) == (20, 15)  # 21 * 20 / 28 = 15
    row, col = serve.centre_of_mass(digit)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    # area averaging: the total ink scales with the area
    assert digit.sum() == pytest.approx(drawing.sum() * (20 * 15) / (28 * 21), rel=1e-6)


def test_ink_that_centring_would_push_out_of_the_frame_stays_at_the_border():
    drawing = np.zeros((28, 28))
    drawing[0:2, 0:20] = 1  # a heavy top bar 20 wide...
    drawing[2:20, 19] = 0.05  # ...on a faint stem: the centre of mass is near the top
    digit = serve.preprocess(drawing)
    # centring would move the bar to row 14 and the stem out at the bottom; it stops at row 27
    assert bounding_box(digit)[:2] == (8, 27) and box_shape(digit) == (20, 20)
    assert digit.sum() == pytest.approx(drawing.sum())
    assert serve.centre_of_mass(digit)[1] == pytest.approx(14, abs=0.5)


def test_an_empty_drawing_has_nothing_to_classify():
    assert serve.preprocess(np.zeros((28, 28))) is None


@st.composite
def drawings(draw):
    """A few random rectangles of ink, anywhere in the 28x28 frame."""
    image = np.zeros((28, 28))
    for _ in range(draw(st.integers(1, 4))):
        top, left = draw(st.integers(0, 27)), draw(st.integers(0, 27))
        height, width = draw(st.integers(1, 28 - top)), draw(st.integers(1, 28 - left))
        image[top:top + height, left:left + width] = draw(st.floats(0.05, 1))
    return image


@given(drawings())
def test_preprocessing_properties(drawing):
    digit = serve.preprocess(drawing)
    h, w = box_shape(drawing)
    long_side, short_side = max(h, w), min(h, w)
    expected_short = max(1, round(short_side * 20 / long_side))
    assert sorted(box_shape(digit)) == [expected_short, 20]
    assert (box_shape(digit)[0] == 20) == (h >= w)
    assert digit.min() >= 0 and digit.max() <= 1 + 1e-6
    ratio = box_shape(digit)[0] * box_shape(digit)[1] / (h * w)
    assert digit.sum() == pytest.approx(drawing.sum() * ratio, rel=1e-5)
    top, bottom, left, right = bounding_box(digit)
    row, col = serve.centre_of_mass(digit)
    if 0 < top and bottom < 27:  # not stopped at the border: centred
        assert abs(row - 14) <= 0.5 + 1e-5  # float32 output
    if 0 < left and right < 27:
        assert abs(col - 14) <= 0.5 + 1e-5  # float32 output


@given(drawings(), st.integers(-27, 27), st.integers(-27, 27))
def test_preprocessing_ignores_where_the_digit_was_drawn(drawing, down, right):
    top, bottom, left, r = bounding_box(drawing)
    down = int(np.clip(down, -top, 27 - bottom))
    right = int(np.clip(right, -left, 27 - r))
    moved = np.roll(drawing, (down, right), axis=(0, 1))
    assert np.array_equal(serve.preprocess(moved), serve.preprocess(drawing))


@needs_mnist
def test_mnist_digits_are_already_preprocessed():
    images = MNIST(root=MNIST_DIR, train=False, download=False).images[:1000] / 255
    unchanged = [np.allclose(serve.preprocess(image), image, atol=1e-6) for image in images]
    assert np.mean(unchanged) > 0.95


# ---------------------------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------------------------

def save_model(path, sizes=(784, 32, 10)):
    """A small untrained MLP saved as mnist.py --save does."""
    tg.manual_seed(0)
    model = serve.mnist.MLP(list(sizes))
    tg.save({"model": model.state_dict(), "config": model.config(), "dataset": "mnist"}, path)
    return path


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return save_model(tmp_path_factory.mktemp("model") / "model.npz")


@pytest.fixture(scope="module")
def server(model_path):
    model, checkpoint = serve.load_classifier(model_path)
    with serve.ServerThread(serve.create_app(model, {"model": "model.npz"})) as server:
        yield server


def call(server, method, path, body=None, headers=None):
    """(status, headers, parsed JSON body) of one request; ``body`` dicts are sent as JSON."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    is_json = response.getheader("Content-Type") == "application/json"
    return response.status, response, json.loads(data) if is_json else data.decode()


def read_all(sock):
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def parse_answer(answer):
    """(status, lower-cased headers, JSON body) of a raw HTTP answer."""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/json", answer
    return int(lines[0].split()[1]), headers, json.loads(body)


def read_one_answer(sock):
    """The bytes of one answer on a connection that stays open (its head and body may come
    in separate packets)."""
    def more():
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection in the middle of an answer"
        return chunk

    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += more()
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.I)[1])
    while len(body) < length:
        body += more()
    return head + b"\r\n\r\n" + body


def call_raw(server, request, close=True):
    """Send the bytes of a request and parse the answer: (status, JSON body). With ``close``,
    the client then closes its side of the connection; otherwise it waits for the server to
    answer and close."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(request)
        if close:
            sock.shutdown(socket.SHUT_WR)
        status, _, answer = parse_answer(read_all(sock))
    return status, answer


def predict(server, pixels):
    status, _, answer = call(server, "POST", "/predict", {"pixels": pixels})
    assert status == 200, answer
    return answer


def seven():
    image = np.zeros((28, 28))
    image[6:9, 6:22] = 1
    for row in range(9, 24):
        image[row, 20 - (row - 9) // 2:22 - (row - 9) // 2] = 1
    return image


def test_predict_answers_a_digit_and_ten_probabilities(server):
    answer = predict(server, seven().ravel().tolist())
    assert sorted(answer) == ["digit", "image", "probabilities"]
    probabilities = answer["probabilities"]
    assert len(probabilities) == 10 and min(probabilities) >= 0
    assert sum(probabilities) == pytest.approx(1, abs=1e-5)
    assert answer["digit"] == int(np.argmax(probabilities))
    assert np.allclose(np.reshape(answer["image"], (28, 28)), serve.preprocess(seven()),
                       atol=5e-4)


def test_rows_flat_lists_and_integers_give_the_same_answer(server):
    flat = predict(server, seven().ravel().tolist())
    assert predict(server, seven().tolist()) == flat
    assert predict(server, seven().astype(int).ravel().tolist()) == flat


def test_the_answer_does_not_depend_on_where_the_digit_is_drawn(server):
    assert predict(server, np.roll(seven(), (4, -5), axis=(0, 1)).tolist()) == \
        predict(server, seven().tolist())


def test_an_empty_drawing_gives_no_digit(server):
    assert predict(server, [0] * 784) == {"digit": None, "probabilities": None, "image": None}


def test_content_type_parameters_are_accepted(server):
    status, _, answer = call(server, "POST", "/predict", json.dumps({"pixels": [0] * 784}),
                             {"Content-Type": "Application/JSON; charset=utf-8"})
    assert status == 200 and answer["digit"] is None


def test_concurrent_requests_get_their_own_answers(server):
    drawings = [np.roll(seven(), shift, axis=1) * scale
                for shift in (-4, 0, 4) for scale in (0.3, 0.6, 1.0)]
    expected = [predict(server, d.tolist()) for d in drawings]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda d: predict(server, d.tolist()), drawings * 3)) == expected * 3


def test_no_thread_per_connection_or_request(server):
    """The old server started a thread per connection, without bound; this one serves every
    connection and runs every forward pass on its one event loop."""
    predict(server, seven().tolist())
    before = set(threading.enumerate())
    with ThreadPoolExecutor(16, thread_name_prefix="client") as pool:
        list(pool.map(lambda _: predict(server, seven().tolist()), range(64)))
        new = set(threading.enumerate()) - before
    assert new and all(thread.name.startswith("client") for thread in new)


def test_health(server):
    status, _, answer = call(server, "GET", "/health")
    assert (status, answer) == (200, {"status": "ok", "model": "model.npz"})


def test_the_page_is_self_contained(server):
    status, response, page = call(server, "GET", "/")
    assert status == 200 and response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "<canvas" in page and 'id="clear"' in page and "pointerdown" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # no CDN, works offline
    assert "connect-src 'self'" in response.getheader("Content-Security-Policy")


BAD_BODIES = [
    (b"{pixels", "the body is not valid JSON"),
    (b"\xff\xfe", "the body is not UTF-8 text"),
    (b"[" * 100_000, "nested too deeply"),
    (b"[1, 2]", "JSON object {\"pixels\": [784 numbers in 0..1]}, got an array"),
    (b"{}", "got an object without pixels"),
    (b'{"pixels": "0.5"}', "pixels must be an array of numbers, got a string"),
    (b'{"pixels": [0.5, 0.5]}', "pixels must have 784 values (a 28x28 image row by row), got 2"),
    (b'{"pixels": []}', "pixels must have 784 values (a 28x28 image row by row), got 0"),
    (json.dumps({"pixels": [[0] * 28] * 27}).encode(), "28 rows of 28, got 27 rows"),
    (json.dumps({"pixels": [[0] * 28] * 3 + [[0] * 5] + [[0] * 28] * 24}).encode(),
     "row 3 has 5 values"),
    (json.dumps({"pixels": [0] * 5 + ["1"] + [0] * 778}).encode(), "value 5 is a string"),
    (json.dumps({"pixels": [0] * 783 + [None]}).encode(), "value 783 is null"),
    (json.dumps({"pixels": [True] + [0] * 783}).encode(), "value 0 is a boolean"),
    (json.dumps({"pixels": [[0]] + [0] * 783}).encode(), "value 0 is an array"),
    (b'{"pixels": [NaN' + b", 0" * 783 + b"]}", "value 0 is nan"),
    (b'{"pixels": [0, -Infinity' + b", 0" * 782 + b"]}", "value 1 is -inf"),
    (b'{"pixels": [0, 0, 1e999' + b", 0" * 781 + b"]}", "value 2 is inf"),
    (json.dumps({"pixels": [0] * 7 + [255] + [0] * 776}).encode(),
     "pixels must be in 0..1 (ink 1, paper 0), but value 7 is 255"),
    (json.dumps({"pixels": [-0.5] + [0] * 783}).encode(), "value 0 is -0.5"),
    (json.dumps({"pixels": [10 ** 400] + [0] * 783}).encode(), "value 0 is 1000"),
]


@pytest.mark.parametrize("body, message", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_bodies_get_400_saying_what_is_wrong_and_the_server_keeps_serving(server, body,
                                                                             message):
    status, _, answer = call(server, "POST", "/predict", body, {"Content-Type": "application/json"})
    assert status == 400 and message in answer["error"], answer
    predict(server, seven().tolist())


JSON_HEAD = b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"

BAD_REQUESTS = [
    (JSON_HEAD + b"\r\n", 411, "a Content-Length header is required"),
    # (the chunked body is left out: the server answers without reading it, and closing a
    # socket with unread data resets the connection, which could lose the answer)
    (JSON_HEAD + b"Transfer-Encoding: chunked\r\n\r\n", 411, "not a Transfer-Encoding"),
    (JSON_HEAD + b"Content-Length: ten\r\n\r\n", 400,
     "the request is not valid HTTP/1.1: bad Content-Length"),
    (JSON_HEAD + "Content-Length: ²\r\n\r\n{}".encode(), 400, "bad Content-Length"),
    (JSON_HEAD + b"Content-Length: -2\r\n\r\n{}", 400, "bad Content-Length"),
    (JSON_HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400,
     "conflicting Content-Length headers"),
    (JSON_HEAD + b"Content-Length: 100\r\n\r\n" + b'{"pixels": []}', 400,
     "the body ended after 14 of 100 bytes"),
    (JSON_HEAD + b"Content-Length: 10000000000\r\n\r\n", 413,
     "the body has 10000000000 bytes; at most"),
    (b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
     b"\r\n{}", 415, "Content-Type must be application/json, got 'text/plain'"),
    (b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\n{}", 415, "got 'none'"),
    (b"GET /nowhere HTTP/1.1\r\nHost: test\r\n\r\n", 404, "there is nothing at /nowhere"),
    (b"GET /predict HTTP/1.1\r\nHost: test\r\n\r\n", 405, "/predict answers POST only, not GET"),
    (b"POST /health HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n", 405,
     "/health answers GET and HEAD only, not POST"),
    (b"DELETE / HTTP/1.1\r\nHost: test\r\n\r\n", 405, "/ answers GET and HEAD only, not DELETE"),
    (b"BREW / HTTP/1.1\r\nHost: test\r\n\r\n", 405, "not BREW"),
    (b"GET / and more HTTP/1.1\r\nHost: test\r\n\r\n", 400,
     "the request is not valid HTTP/1.1: illegal request line"),
    (b"GET / HTTP/1.1\r\n\r\n", 400, "Missing mandatory Host: header"),
    (b"GET / HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n", 400, "not valid HTTP/1.1"),
    (b"GET /health HTTP/1.1\r\nHost: test\r\nX: " + b"x" * 20_000, 431, "not valid HTTP/1.1"),
    (b"GET /hea", 400, "the request's line and headers ended early"),
]


@pytest.mark.parametrize("request_bytes, status, message", BAD_REQUESTS,
                         ids=range(len(BAD_REQUESTS)))
def test_bad_requests_get_json_errors_and_the_server_keeps_serving(server, request_bytes, status,
                                                                   message):
    got_status, answer = call_raw(server, request_bytes)
    assert got_status == status and message in answer["error"], answer
    predict(server, seven().tolist())


def test_a_too_large_body_gets_413_and_the_server_keeps_serving(server):
    body = b"[" + b"0, " * (serve.MAX_BODY // 3) + b"0]"
    status, _, answer = call(server, "POST", "/predict", body, {"Content-Type": "application/json"})
    assert status == 413 and f"at most {serve.MAX_BODY} are accepted" in answer["error"]
    predict(server, seven().tolist())


def test_405_says_what_is_allowed(server):
    status, response, _ = call(server, "GET", "/predict")
    assert status == 405 and response.getheader("Allow") == "POST"
    status, response, _ = call(server, "PUT", "/health")
    assert status == 405 and response.getheader("Allow") == "GET, HEAD"


@pytest.mark.parametrize("path, content_type", [("/", "text/html; charset=utf-8"),
                                                ("/health", "application/json")])
def test_head_answers_the_headers_of_get_without_the_body(server, path, content_type):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("HEAD", path)
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"")
        length = int(response.getheader("Content-Length"))
        connection.request("GET", path)  # the same connection still works
        assert len(connection.getresponse().read()) == length > 0
    finally:
        connection.close()
    assert response.getheader("Content-Type") == content_type


def test_the_api_is_documented(server):
    status, response, page = call(server, "GET", "/docs")
    assert status == 200 and "swagger" in page.lower()
    status, _, schema = call(server, "GET", "/openapi.json")
    operation = schema["paths"]["/predict"]["post"]
    assert status == 200 and "requestBody" in operation and "400" in operation["responses"]
    assert schema["paths"]["/health"]["get"]


def test_validation_errors_are_400_with_the_first_problem_in_words():
    """FastAPI answers 422 with a list of pydantic errors; this server answers 400 with one
    sentence, the structural problem first."""
    errors = [{"type": "float_type", "loc": ("body", "pixels", "flat", 3), "input": "x",
               "msg": "Input should be a valid number"},
              {"type": "too_short", "loc": ("body", "pixels", "flat"), "input": [0] * 5,
               "msg": "List should have at least 784 items"}]
    assert serve.invalid_request_message(errors) == \
        "pixels must have 784 values (a 28x28 image row by row), got 5"
    assert serve.invalid_request_message(errors[:1]) == "pixels must be numbers, but value 3 is " \
                                                         "a string"


def test_answers_are_not_held_back_by_nagles_algorithm(server):
    """uvicorn writes an answer's head and body in separate sends: with Nagle's algorithm on,
    a client on a kept-alive connection would wait for a delayed ACK (40 ms) for the body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", "/health")
        connection.getresponse().read()
        sockets = [c.transport.get_extra_info("socket")
                   for c in server.server.server_state.connections]
        assert sockets and all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                               for s in sockets)
    finally:
        connection.close()


def test_a_failing_model_gets_500_in_json_and_the_server_keeps_serving():
    class Broken(tg.nn.Module):
        def forward(self, x):
            raise RuntimeError("out of order")

    with serve.ServerThread(serve.create_app(Broken(), {})) as broken:
        status, _, answer = call(broken, "POST", "/predict", {"pixels": seven().tolist()})
        assert (status, answer) == (500, {"error": "the server failed: RuntimeError: out of "
                                                   "order"})
        assert call(broken, "GET", "/health")[0] == 200


# ---------------------------------------------------------------------------------------------
# limits: slow, stalled and too many clients
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_server(model_path):
    """A server with short timeouts, so that a stalled client is dropped within a test."""
    model, _ = serve.load_classifier(model_path)
    app = serve.create_app(model, {}, body_timeout=0.5)
    with serve.ServerThread(app, header_timeout=0.5) as server:
        yield server


def test_a_body_that_stops_arriving_gets_408_and_the_connection_closes(strict_server):
    # Content-Length 200000 with a 2-byte body, the client waiting: the old server hung 10 s
    # and closed without an answer
    status, answer = call_raw(strict_server, JSON_HEAD + b"Content-Length: 200000\r\n\r\n{}",
                              close=False)
    assert (status, answer["error"]) == (408, "the body ended after 2 of 200000 bytes: the rest "
                                              "did not arrive within 0.5 s")


def test_headers_that_stop_arriving_get_408_and_the_connection_closes(strict_server):
    status, answer = call_raw(strict_server, b"POST /predict HTTP/1.1\r\nHost: te", close=False)
    assert (status, answer["error"]) == (408, "the request's line and headers did not arrive "
                                              "within 0.5 s")


def test_an_idle_connection_is_closed(strict_server):
    with socket.create_connection(("127.0.0.1", strict_server.port), timeout=60) as sock:
        assert read_all(sock) == b""


def test_a_refused_body_that_keeps_dripping_in_is_dropped(strict_server):
    with socket.create_connection(("127.0.0.1", strict_server.port), timeout=60) as sock:
        sock.sendall(JSON_HEAD + b"Content-Length: 10000000000\r\n\r\n")
        assert parse_answer(read_one_answer(sock))[0] == 413
        sock.sendall(b"0" * 1000)  # ...and nothing more: closed after header_timeout
        try:
            assert sock.recv(65536) == b""
        except ConnectionResetError:
            pass


def test_beyond_the_connection_limit_requests_get_503(model_path):
    model, _ = serve.load_classifier(model_path)
    request = b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n"
    with serve.ServerThread(serve.create_app(model, {}), max_connections=2) as server, \
            socket.create_connection(("127.0.0.1", server.port), timeout=60) as first, \
            socket.create_connection(("127.0.0.1", server.port), timeout=60) as second:
        for sock in (first, second):  # two connections open: the limit
            sock.sendall(request)
            assert read_one_answer(sock).startswith(b"HTTP/1.1 200 OK\r\n")
        status, answer = call_raw(server, request)
    assert status == 503 and "serves at most 2 connections at once" in answer["error"]


def test_a_refused_body_is_not_read_forever(server):
    """A client sending a body over the limit gets 413 at once; the server reads and drops
    up to DISCARD_LIMIT bytes more (so the client can read the answer) and then closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(JSON_HEAD + b"Content-Length: 10000000000\r\n\r\n")
        status, _, answer = parse_answer(read_one_answer(sock))
        assert status == 413
        chunk = b"0" * (1 << 20)
        with pytest.raises(OSError):  # the server hangs up after about 16 MB
            for _ in range(4 * serve.DISCARD_LIMIT // len(chunk)):
                sock.sendall(chunk)
    predict(server, seven().tolist())


@needs_mnist
def test_the_served_model_recognises_mnist_test_digits(tmp_path):
    path = str(tmp_path / "model.npz")
    assert serve.mnist.main(["--epochs", "1", "--hidden", "64", "--data-dir", str(MNIST_DIR),
                             "--no-download", "--no-progress", "--save", path]) == 0
    model, _ = serve.load_classifier(path)
    with serve.ServerThread(serve.create_app(model, {})) as server:
        test = MNIST(root=MNIST_DIR, train=False, download=False)
        right = [predict(server, (image / 255).tolist())["digit"] == label
                 for image, label in zip(test.images[:300], test.labels[:300])]
    assert np.mean(right) > 0.9


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------

def environment(tmp_path):
    """HOME in tmp_path (so the default model lives there) and no MNIST data anywhere."""
    return dict(os.environ, HOME=str(tmp_path), TINYGRAD_LITE_DATA=str(tmp_path / "no-data"))


def run(tmp_path, *args):
    return subprocess.run([sys.executable, str(SERVE), *map(str, args)], capture_output=True,
                          text=True, env=environment(tmp_path), timeout=300)


@pytest.fixture
def start(tmp_path):
    """Start serve.py with arguments; returns (process, stdout so far, port) once it serves."""
    processes = []

    def start(*args):
        process = subprocess.Popen([sys.executable, str(SERVE), "--port", "0", "--quiet",
                                    *map(str, args)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=environment(tmp_path))
        processes.append(process)
        output = ""
        for line in process.stdout:
            output += line
            match = re.match(r"serving .* at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)$", line)
            if match:
                return process, output, int(match[1])
        raise AssertionError(f"serve.py stopped before serving:\n{output}{process.stderr.read()}")

    yield start
    for process in processes:
        process.kill()
        process.communicate()


def get_health(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/health")
    return json.loads(connection.getresponse().read())


def test_serves_a_saved_model(start, model_path):
    _, _, port = start("--model", model_path)
    assert get_health(port) == {"status": "ok", "model": "model.npz", "test_accuracy": None}


def test_without_a_model_trains_one_first(start, tmp_path):
    data = tmp_path / "mnist"
    data.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", 200), ("t10k", 50)):
        write_idx(data / f"{split}-images-idx3-ubyte.gz",
                  rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(data / f"{split}-labels-idx1-ubyte.gz", np.arange(n, dtype=np.uint8) % 10)
    _, output, port = start("--data-dir", data, "--no-download")
    default_model = tmp_path / ".cache" / "tinygrad_lite" / "serve-model.npz"
    assert f"no model at {default_model}; training a quick one first" in output
    assert default_model.is_file()
    assert get_health(port)["model"] == "serve-model.npz"


def test_without_a_model_or_data_it_says_how_to_make_one(tmp_path):
    model = tmp_path / "missing.npz"
    result = run(tmp_path, "--model", model, "--no-download", "--port", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "MNIST train files are missing" in result.stderr
    assert (f"Make one with\n    python {os.path.relpath(ROOT / 'examples' / 'mnist.py')} "
            f"--epochs 2 --save {model} --no-download\n") in result.stderr
    assert not model.exists()


@pytest.mark.parametrize("contents, message", [
    (b"not a checkpoint", "cannot load checkpoint"),
    (None, "the model does not take 28x28 = 784 pixels"),
])
def test_unusable_models_are_one_line_errors(tmp_path, contents, message):
    path = tmp_path / "bad.npz"
    if contents is None:
        save_model(path, sizes=(100, 10))
    else:
        path.write_bytes(contents)
    result = run(tmp_path, "--model", path, "--port", "0")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("serve.py: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_port_in_use_is_a_one_line_error(tmp_path, model_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(tmp_path, "--model", model_path, "--port", port)
    assert result.returncode == 1
    assert result.stderr == f"serve.py: error: Address already in use: 127.0.0.1:{port}\n"


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_finish_the_requests_in_flight_then_stop(start, model_path,
                                                                    signal_number):
    process, _, port = start("--model", model_path)
    body = json.dumps({"pixels": seven().ravel().tolist()}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as in_flight:
        # a request in flight: its headers and half its body are sent...
        in_flight.sendall(JSON_HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body[:1000])
        assert get_health(port)["status"] == "ok"  # (sent after it, so read after it)
        process.send_signal(signal_number)
        # ...the server stops accepting connections...
        for _ in range(6000):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=60).close()
            except ConnectionRefusedError:
                break
            time.sleep(0.01)
        else:
            raise AssertionError("the server kept accepting connections for a minute")
        # ...but still answers the request in flight, then closes the connection
        in_flight.sendall(body[1000:])
        answer = read_all(in_flight)
    head, _, data = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), answer
    assert json.loads(data)["digit"] in range(10)
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == "serve.py: stopped\n"


def test_without_the_serve_extra_it_says_how_to_install_it(tmp_path):
    (tmp_path / "fastapi.py").write_text("raise ImportError('not here', name='fastapi')\n")
    result = subprocess.run([sys.executable, str(SERVE), "--help"], capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=str(tmp_path)), timeout=300)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("serve.py: error: fastapi is not installed; the demo server needs "
                             "the 'serve' extra: python -m pip install -e \".[serve]\"\n")
