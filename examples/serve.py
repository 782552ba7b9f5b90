#!/usr/bin/env python3
"""Serve a page where you draw a digit and watch a tinygrad_lite model classify it as you draw.

    python -m pip install -e ".[serve]"         # FastAPI and uvicorn; the library needs NumPy only
    python examples/serve.py                    # then open http://127.0.0.1:8000/
    python examples/serve.py --model model.npz --host 0.0.0.0 --port 8080

The model is a checkpoint written by ``examples/mnist.py --save`` (default
``~/.cache/tinygrad_lite/serve-model.npz``). When that file does not exist, a quick model is
trained first (2 epochs of mnist.py's default network, reading MNIST the way mnist.py does) and
saved there; without the data, the error says how to make one.

The server (FastAPI on uvicorn) answers:

- ``GET /``: the drawing page, ``serve_page.html`` next to this script (self-contained, works
  offline). It sends the drawing, downsampled to 28x28, to ``/predict`` while you draw.
- ``POST /predict`` with ``{"pixels": [784 numbers in 0..1]}`` (a 28x28 image row by row, ink 1
  and paper 0, or the same as 28 rows of 28): ``{"digit": d, "probabilities": [10 floats],
  "image": [784 floats]}``, where ``image`` is what the model saw after :func:`preprocess`. A
  drawing without ink gives ``{"digit": null, "probabilities": null, "image": null}``.
- ``GET /health``: ``{"status": "ok"}`` and what model is served.
- ``GET /docs``: the API's OpenAPI documentation (``/openapi.json`` is the schema itself).

A bad request gets a 4xx status and ``{"error": "what was wrong"}``; the server keeps serving.
Ctrl-C or SIGTERM stops it gracefully: it stops accepting connections and finishes the requests
in flight first.
"""
import argparse
import asyncio
import importlib.util
import json
import math
import os
import re
import shlex
import signal
import socket
import sys
import threading
import time
from http import HTTPStatus
from typing import Annotated, List, Optional, Union

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(_HERE) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, os.path.dirname(_HERE))

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.serialization import CheckpointError  # noqa: E402

try:
    import h11
    import uvicorn
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from pydantic import BaseModel, Discriminator, Field, Tag
    from starlette.exceptions import HTTPException
    from uvicorn.protocols.http.h11_impl import H11Protocol
except ImportError as err:  # the web stack is an optional extra of the package
    if __name__ != "__main__":
        raise
    sys.exit(f"serve.py: error: {err.name} is not installed; the demo server needs the 'serve' "
             f'extra: python -m pip install -e ".[serve]"')


def _load_predict_script():
    """The sibling ``predict.py`` as a module (it loads models; its ``mnist`` trains them)."""
    spec = importlib.util.spec_from_file_location("_tinygrad_lite_predict_example",
                                                  os.path.join(_HERE, "predict.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


predict = _load_predict_script()
mnist = predict.mnist

SIDE = 28        # MNIST images are SIDE x SIDE pixels;
BOX = 20         # the ink's bounding box is scaled so that its longer side is BOX pixels,
CENTRE = 14.0    # and placed with its centre of mass at (CENTRE, CENTRE), row and column index
                 # (MNIST's own test images average (13.99, 14.01)).
MAX_BODY = 256 * 1024       # bytes a /predict body may have (784 numbers need about 5 KB)
MAX_HEADERS = 16 * 1024     # bytes a request's line and headers may have
DISCARD_LIMIT = 16 << 20    # bytes of a refused body read and dropped before closing instead
BODY_TIMEOUT = 10.0         # seconds a request's body may take to arrive once its headers have
HEADER_TIMEOUT = 10.0       # seconds a request's line and headers may take to arrive
MAX_CONNECTIONS = 1000      # open connections served at once; beyond, requests get 503
BACKLOG = 2048              # connections the kernel queues before the server accepts them
SHUTDOWN_GRACE = 30.0       # seconds requests in flight get to finish on Ctrl-C or SIGTERM
QUICK_EPOCHS = 2
DEFAULT_MODEL = os.path.join("~", ".cache", "tinygrad_lite", "serve-model.npz")
PAGE = os.path.join(_HERE, "serve_page.html")
# The page may run its inline script and styles and talk to this server, nothing else.
PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
ROUTES = "GET /, GET /health, POST /predict and GET /docs"


# ---------------------------------------------------------------------------------------------
# preprocessing: a drawing made to look like an MNIST digit
# ---------------------------------------------------------------------------------------------

def area_resize(image, shape):
    """``image`` (2-D) resized to ``shape`` by area averaging: each output pixel is the mean of
    the input over the rectangle it covers, a partly covered input pixel weighted by the part
    covered. Shrinking averages blocks; enlarging by a whole factor repeats pixels.

    >>> area_resize(np.array([[0., 1., 2., 3.]]), (1, 2))
    array([[0.5, 2.5]])
    >>> area_resize(np.array([[0., 3.]]), (1, 3))
    array([[0. , 1.5, 3. ]])
    """
    rows, cols = (_area_weights(n_in, n_out) for n_in, n_out in zip(image.shape, shape))
    return rows @ image @ cols.T


def _area_weights(n_in, n_out):
    """The (n_out, n_in) matrix whose row i averages the inputs under output pixel i: output
    pixel i covers [i, i + 1) * n_in / n_out in input coordinates, input pixel j covers
    [j, j + 1), and the weight is their overlap over the output pixel's width."""
    width = n_in / n_out
    start = np.arange(n_out)[:, None] * width
    j = np.arange(n_in)[None, :]
    overlap = np.minimum(start + width, j + 1) - np.maximum(start, j)
    return np.clip(overlap, 0, None) / width


def centre_of_mass(image):
    """(row, column) of the intensity-weighted mean position in a non-negative 2-D image with
    some ink, pixel (r, c) sitting at (r, c).

    >>> centre_of_mass(np.array([[0., 1.], [0., 3.]]))
    (0.75, 1.0)
    """
    total = image.sum()
    return tuple(float(image.sum(axis=1 - axis) @ np.arange(n) / total)
                 for axis, n in enumerate(image.shape))


def preprocess(image):
    """A drawing (2-D, values in [0, 1], ink > 0) prepared as MNIST's digits were: crop to the
    ink's bounding box, scale it by area averaging so the longer side is 20 pixels (the shorter
    in proportion, at least 1), and place it in a 28x28 frame, shifted by whole pixels so its
    centre of mass is within half a pixel of (14, 14) — unless that would push ink out of the
    frame, in which case it stops at the border. Returns a float32 (28, 28) array, or None when
    there is no ink at all.

    >>> drawing = np.zeros((28, 28)); drawing[0:4, 0:2] = 1       # a 4x2 bar in a corner
    >>> digit = preprocess(drawing)
    >>> rows, cols = np.nonzero(digit)                            # now 20x10, in the middle
    >>> [int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())]
    [5, 24, 10, 19]
    >>> centre_of_mass(digit)
    (14.5, 14.5)
    >>> preprocess(np.zeros((28, 28))) is None
    True
    """
    image = np.asarray(image, dtype=np.float64)
    rows, cols = np.nonzero(image > 0)
    if rows.size == 0:
        return None
    ink = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = BOX / max(ink.shape)
    patch = area_resize(ink, [max(1, round(n * scale)) for n in ink.shape])
    top, left = (min(max(math.floor(CENTRE - c + 0.5), 0), SIDE - n)
                 for c, n in zip(centre_of_mass(patch), patch.shape))
    frame = np.zeros((SIDE, SIDE), np.float32)
    frame[top:top + patch.shape[0], left:left + patch.shape[1]] = patch
    return frame


# ---------------------------------------------------------------------------------------------
# the API's schema, validated by pydantic, and its errors in this server's words
# ---------------------------------------------------------------------------------------------

Pixel = Annotated[float, Field(strict=True, ge=0, le=1)]  # strict: no strings, no booleans
Row = Annotated[List[Pixel], Field(min_length=SIDE, max_length=SIDE)]


def _pixels_shape(value):
    """Which form of ``pixels`` a request uses: 'rows' when it is a list of lists, else 'flat'
    (so a wrong value is reported against the form the client meant)."""
    rows = isinstance(value, list) and value and all(isinstance(row, list) for row in value)
    return "rows" if rows else "flat"


class PredictRequest(BaseModel):
    """A drawing to classify: 28x28 numbers in 0..1, ink 1 and paper 0."""

    pixels: Annotated[
        Union[Annotated[List[Pixel], Field(min_length=SIDE * SIDE, max_length=SIDE * SIDE),
                        Tag("flat")],
              Annotated[List[Row], Field(min_length=SIDE, max_length=SIDE), Tag("rows")]],
        Discriminator(_pixels_shape),
        Field(description="784 numbers row by row, or 28 rows of 28 numbers")]


class Prediction(BaseModel):
    """The model's answer; all three are null for a drawing without ink."""

    digit: Optional[int] = Field(description="the most probable class")
    probabilities: Optional[List[float]] = Field(description="the 10 classes' probabilities")
    image: Optional[List[float]] = Field(description="the 784 pixels the model saw, row by "
                                                     "row, after preprocessing")


class ErrorAnswer(BaseModel):
    """What every refused request gets."""

    error: str = Field(description="what was wrong with the request")


def _json_type(value):
    """How JSON calls the type of a parsed value, for error messages."""
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "an array", str: "a string", type(None): "null"}
    return names.get(type(value), "a number")


def invalid_request_message(errors):
    """What is wrong with a /predict body, in one sentence, from pydantic's (or FastAPI's)
    validation ``errors``: the first about the body's structure (the object, the pixels, a row)
    if any, else the first about a value.

    >>> from pydantic import ValidationError
    >>> try:
    ...     PredictRequest.model_validate({"pixels": [0.5] * 12})
    ... except ValidationError as err:
    ...     print(invalid_request_message(err.errors()))
    pixels must have 784 values (a 28x28 image row by row), got 12
    """
    error = min(errors, key=lambda e: len(e["loc"]))
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    if loc[:1] == ("body",):
        loc = loc[1:]
    if kind == "json_invalid":
        detail = (error.get("ctx") or {}).get("error", error["msg"])
        where = f" (at character {loc[0]})" if loc else ""
        return f"the body is not valid JSON: {detail}{where}"
    if loc == ():
        got = "an empty body" if kind == "missing" else _json_type(value)
        return f'the body must be a JSON object {{"pixels": [784 numbers in 0..1]}}, got {got}'
    if loc == ("pixels",) and kind == "missing":
        return ('the body must be a JSON object {"pixels": [784 numbers in 0..1]}, got an '
                'object without pixels')
    if loc[:2] == ("pixels", "flat"):
        if len(loc) == 2 and kind == "list_type":
            return f"pixels must be an array of numbers, got {_json_type(value)}"
        if len(loc) == 2:
            return (f"pixels must have 784 values (a 28x28 image row by row), got "
                    f"{len(value)}")
        position = loc[2]
    elif loc[:2] == ("pixels", "rows"):
        if len(loc) == 2:
            return f"pixels as rows must be 28 rows of 28, got {len(value)} rows"
        if len(loc) == 3:
            return (f"pixels as rows must be 28 rows of 28, but row {loc[2]} has {len(value)} "
                    f"values")
        position = loc[2] * SIDE + loc[3]
    else:  # not a shape of error this schema makes; pydantic's own words
        return f"{'.'.join(map(str, loc))}: {error['msg']}"
    # an integer too large for a float is out of range too
    if kind in ("greater_than_equal", "less_than_equal") or (
            isinstance(value, int) and not isinstance(value, bool)):
        return f"pixels must be in 0..1 (ink 1, paper 0), but value {position} is {value!r}"
    return f"pixels must be numbers, but value {position} is {_json_type(value)}"


# ---------------------------------------------------------------------------------------------
# the model and the app
# ---------------------------------------------------------------------------------------------

class Classifier:
    """Answers /predict with ``model`` (which maps (N, 784) images to (N, 10) logits): a
    forward pass in evaluation mode under ``no_grad``, which only reads the model.

    >>> classify = Classifier(mnist.MLP([784, 10]))
    >>> classify(np.zeros((28, 28)))
    {'digit': None, 'probabilities': None, 'image': None}
    >>> sorted(classify(np.eye(28)))
    ['digit', 'image', 'probabilities']
    """

    def __init__(self, model):
        self.model = model.eval()

    def __call__(self, pixels):
        """The /predict answer for a (28, 28) drawing."""
        image = preprocess(pixels)
        if image is None:
            return {"digit": None, "probabilities": None, "image": None}
        with tg.no_grad():
            probabilities = self.model(tg.Tensor(image.reshape(1, -1))).softmax(1).numpy()[0]
        return {"digit": int(probabilities.argmax()), "probabilities": probabilities.tolist(),
                "image": np.round(image.astype(np.float64), 3).ravel().tolist()}


def error(status, message, headers=None):
    """A JSON error answer: ``{"error": message}`` with HTTP ``status``."""
    return JSONResponse({"error": message}, status, headers)


def _allowed(exc):
    """The methods a 405 refusal's route allows, sorted; HEAD wherever GET (see HeadAsGet)."""
    methods = set(exc.headers["Allow"].split(", "))
    return sorted(methods | {"HEAD"} if "GET" in methods else methods)


def _describe_http_error(request, exc):
    """The message for a refusal raised inside FastAPI or Starlette (no route, wrong method,
    a body that could not be parsed)."""
    if exc.status_code == 404:
        return f"there is nothing at {request.url.path}; this server answers {ROUTES}"
    if exc.status_code == 405:
        allowed = " and ".join(_allowed(exc))
        return f"{request.url.path} answers {allowed} only, not {request.method}"
    cause = exc.__cause__
    if isinstance(cause, RecursionError):
        return "the body's JSON is nested too deeply"
    if isinstance(cause, UnicodeDecodeError):
        return "the body is not UTF-8 text"
    if isinstance(cause, ValueError):
        return f"the body is not valid JSON: {cause}"
    return str(exc.detail)


def create_app(model, about, body_timeout=BODY_TIMEOUT):
    """The ASGI app answering GET /, GET /health and POST /predict with ``model`` (which maps
    (N, 784) images to (N, 10) logits); ``about`` is added to the /health answer. Run it with
    :func:`server_config` and uvicorn, or :class:`ServerThread` in the background.

    >>> import urllib.request
    >>> app = create_app(mnist.MLP([784, 10]), {"model": "untrained"})
    >>> with ServerThread(app) as server:
    ...     json.load(urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health"))
    {'status': 'ok', 'model': 'untrained'}
    """
    classify = Classifier(model)
    with open(PAGE, "rb") as page:
        page = page.read()
    refused = {"model": ErrorAnswer, "description": "a refused request: what was wrong"}
    app = FastAPI(title="tinygrad_lite draw-a-digit", version="1",
                  description="Classify 28x28 drawings of digits with a tinygrad_lite model. "
                              "Every refused request gets a 4xx status and "
                              '`{"error": "what was wrong"}`.',
                  responses={code: refused
                             for code in (400, 404, 405, 408, 411, 413, 415, 431, 503)})

    @app.get("/", include_in_schema=False)
    async def drawing_page():
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": PAGE_POLICY})

    @app.get("/health")
    async def health() -> dict:
        """The server is up; which model it serves."""
        return {"status": "ok", **about}

    @app.post("/predict", response_model=Prediction)
    async def predict_digit(request: PredictRequest):
        """Classify a drawing."""
        # On the event loop, between network events: a forward pass of mnist.py's networks
        # takes well under a millisecond, and worker threads, contending for the GIL with
        # the loop, measured slower (bench/serve_load.py). No lock: nothing else runs one.
        return JSONResponse(classify(np.array(request.pixels, np.float64).reshape(SIDE, SIDE)))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request, exc):
        return error(400, invalid_request_message(exc.errors()))

    @app.exception_handler(HTTPException)
    async def refused_request(request, exc):
        headers = dict(exc.headers or {})
        if "Allow" in headers:  # (Starlette lists a route's methods in no particular order)
            headers["Allow"] = ", ".join(_allowed(exc))
        return error(exc.status_code, _describe_http_error(request, exc), headers)

    @app.exception_handler(Exception)
    async def failed(request, exc):  # a bug, not the client's fault (uvicorn logs it)
        return error(500, f"the server failed: {type(exc).__name__}: {exc}")

    app.add_middleware(BodyGuard, paths={"/predict"}, max_body=MAX_BODY, timeout=body_timeout)
    app.add_middleware(HeadAsGet)
    return app


# ---------------------------------------------------------------------------------------------
# the HTTP layer: limits in front of the app, uvicorn's h11 protocol with JSON errors
# ---------------------------------------------------------------------------------------------

class BodyGuard:
    """ASGI middleware in front of the endpoints in ``paths`` that take a JSON body: refuses a
    body without a Content-Length (411), over ``max_body`` bytes (413) or not declared as
    ``application/json`` (415) before reading it, then reads it whole, refusing one that ends
    early (400), takes over ``timeout`` seconds (408) or is not UTF-8 (400), and passes it on."""

    def __init__(self, app, paths, max_body, timeout):
        self.app, self.paths, self.max_body, self.timeout = app, paths, max_body, timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        headers = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in scope["headers"]}
        refusal = self.check(headers)
        if refusal is None:
            length = int(headers["content-length"])
            body, refusal = await self.read(receive, length)
            if body is None and refusal is None:  # the client went away: no one to answer
                return
        if refusal is not None:
            return await error(*refusal)(scope, receive, send)

        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:  # after the body: wait for the client to go away, as uvicorn does
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def check(self, headers):
        """(status, message) refusing a request by its headers alone, or None."""
        if "transfer-encoding" in headers:
            return 411, "send the body with a Content-Length, not a Transfer-Encoding"
        if "content-length" not in headers:
            return 411, "a Content-Length header is required"
        length = int(headers["content-length"])  # h11 has checked that it is digits
        if length > self.max_body:
            return 413, f"the body has {length} bytes; at most {self.max_body} are accepted"
        content_type = headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return 415, f"Content-Type must be application/json, got {content_type or 'none'!r}"
        return None

    async def read(self, receive, length):
        """(body, None), (None, (status, message)) when the body is refused, or (None, None)
        when the client disconnected."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        chunks, received = [], 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0))
            except asyncio.TimeoutError:
                return None, (408, f"the body ended after {received} of {length} bytes: the "
                                   f"rest did not arrive within {self.timeout:g} s",
                              {"Connection": "close"})
            if message["type"] != "http.request":
                return None, None
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if not message.get("more_body", False):
                break
        if received < length:  # the client closed its side early (see HTTPProtocol)
            return None, (400, f"the body ended after {received} of {length} bytes",
                          {"Connection": "close"})
        body = b"".join(chunks)
        try:  # JSON is UTF-8 (RFC 8259); json.loads would also guess UTF-16 and UTF-32
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None, (400, "the body is not UTF-8 text")
        return body, None


class HeadAsGet:
    """ASGI middleware that answers HEAD as GET: uvicorn, seeing HEAD, sends the answer's
    headers without its body. (FastAPI's GET routes do not answer HEAD; listing HEAD on them
    would document every operation twice.)"""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = dict(scope, method="GET")  # a copy: uvicorn's own still says HEAD
        await self.app(scope, receive, send)


def _busy_app(limit):
    async def busy(scope, receive, send):
        await error(503, f"the server is busy: it serves at most {limit} connections at once; "
                         f"try again", {"Connection": "close"})(scope, receive, send)
    return busy


class _Connection(h11.Connection):
    """h11's connection, remembering why it refused the last request it could not parse."""

    refusal = None

    def next_event(self):
        try:
            return super().next_event()
        except h11.RemoteProtocolError as err:
            self.refusal = err
            raise


class HTTPProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol (on h11), changed where this server's contract needs it:

    - a request h11 cannot parse (a bad request line or header, a Content-Length that is not a
      number, no Host, ...) gets a JSON 4xx answer saying so, not uvicorn's plain text;
    - a connection that has not sent a request's line and headers within ``header_timeout``
      seconds (of opening, or of the previous answer) is closed, with a 408 answer if it had
      sent part of them: slow clients cannot hold connections open;
    - a client that closes its side of the connection after sending a request (or part of its
      body) still gets the answer;
    - beyond ``max_connections`` open connections, requests get a JSON 503 (uvicorn's
      ``limit_concurrency``, answered in JSON);
    - a refused body still being sent is read and dropped (so the client can read the answer)
      for up to ``header_timeout`` seconds and DISCARD_LIMIT bytes, then the connection is
      closed.
    """

    header_timeout = HEADER_TIMEOUT
    max_connections = MAX_CONNECTIONS

    def __init__(self, config, *args, **kwargs):
        super().__init__(config, *args, **kwargs)
        self.conn = _Connection(h11.SERVER, MAX_HEADERS)
        self.limit_concurrency = None  # checked in data_received, to answer in JSON
        self.header_timer = None
        self.discarded = 0

    def connection_made(self, transport):
        super().connection_made(transport)
        self.start_header_timer()

    def start_header_timer(self):
        self.stop_header_timer()
        self.header_timer = self.loop.call_later(self.header_timeout, self.header_timed_out)

    def stop_header_timer(self):
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def header_timed_out(self):
        self.header_timer = None
        if self.transport.is_closing():
            return
        if self.draining():  # the rest of a refused body, still dripping in
            self.transport.close()
        elif self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            self.send_error_and_close(408, f"the request's line and headers did not arrive "
                                           f"within {self.header_timeout:g} s")
        elif self.conn.their_state is h11.IDLE:
            self.transport.close()

    def draining(self):
        """Whether the rest of a refused body is being read and dropped."""
        return (self.cycle is not None and self.cycle.response_complete
                and self.conn.their_state is h11.SEND_BODY)

    def data_received(self, data):
        draining = self.draining()
        if self.conn.their_state is h11.IDLE:  # data for a new request: serve it, or say busy
            busy = (len(self.connections) > self.max_connections
                    or len(self.tasks) >= self.max_connections)
            self.app = _busy_app(self.max_connections) if busy else self.config.loaded_app
        elif draining:
            self.discarded += len(data)
            if self.discarded > DISCARD_LIMIT:
                self.transport.close()
                return
        super().data_received(data)
        if draining and self.conn.their_state is h11.IDLE:  # dropped it all: a new deadline
            self.start_header_timer()
        elif self.conn.their_state is not h11.IDLE and not self.draining():
            self.stop_header_timer()  # a request's line and headers are in

    def on_response_complete(self):
        super().on_response_complete()
        self.discarded = 0
        waiting = self.conn.their_state is h11.IDLE or self.draining()
        if waiting and not self.transport.is_closing():
            self.start_header_timer()

    def eof_received(self):
        if self.cycle is not None and not self.cycle.response_complete:
            # the client has sent all it will: answer, then close
            self.cycle.keep_alive = False
            if self.cycle.more_body:
                self.cycle.more_body = False
                self.cycle.message_event.set()
            return True
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            self.send_error_and_close(400, "the request's line and headers ended early: the "
                                           "client closed the connection")
            return True
        return None

    def connection_lost(self, exc):
        self.stop_header_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg):
        refusal = self.conn.refusal
        status = refusal.error_status_hint if refusal is not None else 400
        # h11's reason, without the bytes it quotes (the client knows what it sent)
        reason = re.sub(r": (bytearray\()?b['\"].*$", "", str(refusal or msg))
        self.send_error_and_close(status if 400 <= status < 500 else 400,
                                  f"the request is not valid HTTP/1.1: {reason}")

    def send_error_and_close(self, status, message):
        body = json.dumps({"error": message}).encode()
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
                f"connection: close\r\n\r\n")
        self.transport.write(head.encode("latin-1") + body)
        self.transport.close()


def listening_socket(host, port, backlog=BACKLOG):
    """A TCP socket listening on (host, port); port 0 picks a free one. (Made with protocol
    IPPROTO_TCP, as asyncio's own are: asyncio turns Nagle's algorithm off only for sockets
    that say so, and with it on, an answer written in two parts waits for a delayed ACK.)"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def server_config(app, quiet=True, header_timeout=HEADER_TIMEOUT,
                  max_connections=MAX_CONNECTIONS, log=False):
    """uvicorn's configuration for serving ``app`` with :class:`HTTPProtocol`: no request log
    when ``quiet``; uvicorn's own log set up only when ``log``."""
    protocol = type("HTTPProtocol", (HTTPProtocol,),
                    {"header_timeout": header_timeout, "max_connections": max_connections})
    options = {} if log else {"log_config": None}
    return uvicorn.Config(app, http=protocol, ws="none", lifespan="off", backlog=BACKLOG,
                          timeout_graceful_shutdown=SHUTDOWN_GRACE, access_log=not quiet,
                          log_level="warning" if quiet else "info", **options)


class ServerThread:
    """``app`` served by uvicorn in a background thread, on ``port`` of ``host`` (port 0: a
    free one, then in ``.port``); a context manager that stops it on exit. ``options`` go to
    :func:`server_config`."""

    def __init__(self, app, host="127.0.0.1", port=0, **options):
        self.socket = listening_socket(host, port)
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(server_config(app, **options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       daemon=True)
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            time.sleep(0.01)

    def stop(self):
        """Finish the requests in flight and stop."""
        self.server.should_exit = True
        self.thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------

def load_classifier(path):
    """The model saved at ``path`` by ``mnist.py --save`` and its checkpoint, checked to map
    784 pixels to 10 classes; raises ``predict.UsageError`` when it does not."""
    model, checkpoint = predict.load_model(path)
    try:
        with tg.no_grad():
            shape = model(tg.zeros(1, SIDE * SIDE)).shape
    except ValueError as err:
        raise predict.UsageError(f"{path}: the model does not take 28x28 = 784 pixels: "
                                 f"{err}") from None
    if shape != (1, 10):
        raise predict.UsageError(f"{path}: the model maps one image to outputs of shape {shape}, "
                                 f"not to the 10 classes")
    return model, checkpoint


def train_quick_model(path, args):
    """Train a model for a couple of epochs with mnist.py and save it at ``path``; returns
    False, after printing how to make one, when that fails (e.g. no MNIST data)."""
    command = ["--epochs", str(QUICK_EPOCHS), "--save", path]
    command += ["--data-dir", args.data_dir] if args.data_dir else []
    command += ["--no-download"] if args.no_download else []
    shown = shlex.join(["python", os.path.relpath(os.path.join(_HERE, "mnist.py")), *command])
    print(f"serve.py: no model at {path}; training a quick one first: {shown}", flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if mnist.main(command) == 0:
        return True
    print(f"serve.py: error: could not train a model to serve. Make one with\n    {shown}\n"
          f"with --data-dir (or $TINYGRAD_LITE_DATA) naming a directory that holds the four "
          f"MNIST files, or pass --model PATH with a model saved by mnist.py --save",
          file=sys.stderr)
    return False


def parser():
    p = argparse.ArgumentParser(
        prog="serve.py",
        description="Serve a page where you draw a digit and see a tinygrad_lite model's "
                    "prediction and the probability of each class update as you draw. API: "
                    "POST /predict with {\"pixels\": [784 numbers in 0..1]} answers "
                    "{\"digit\": d, \"probabilities\": [10 floats], \"image\": [784 floats]}; "
                    "GET /health; documentation at /docs. Ctrl-C or SIGTERM stops it after "
                    "the requests in flight.")
    p.add_argument("--model", default=DEFAULT_MODEL, metavar="PATH",
                   help="checkpoint written by mnist.py --save; if it does not exist, a quick "
                        f"model is trained and saved there first (default: {DEFAULT_MODEL})")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s; 0.0.0.0 for every "
                        "interface)")
    port = mnist._number(int, lambda v: 0 <= v <= 65535, "a port number from 0 to 65535")
    p.add_argument("--port", type=port, default=8000,
                   help="port to listen on; 0 picks a free one (default: %(default)s)")
    p.add_argument("--data-dir", default=None,
                   help="MNIST data for training a quick model, as for mnist.py (default "
                        "$TINYGRAD_LITE_DATA or ~/.cache/tinygrad_lite)")
    p.add_argument("--no-download", action="store_true",
                   help="when training a quick model, fail instead of downloading missing data")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    path = os.path.expanduser(args.model)
    try:
        if not os.path.exists(path) and not train_quick_model(path, args):
            return 1
        model, checkpoint = load_classifier(path)
        about = {"model": os.path.basename(path), "test_accuracy": checkpoint.get("test_accuracy")}
        app = create_app(model, about)
        listener = listening_socket(args.host, args.port)
    except (predict.UsageError, CheckpointError) as err:
        print(f"serve.py: error: {mnist.one_line(err)}", file=sys.stderr)
        return 1
    except OSError as err:  # an unreadable model, a port in use, ...
        where = err.filename if err.filename is not None else f"{args.host}:{args.port}"
        print(f"serve.py: error: {err.strerror or err}: {where}", file=sys.stderr)
        return 1
    host, port = listener.getsockname()[:2]
    print(f"serving {path} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    server = uvicorn.Server(server_config(app, quiet=args.quiet, log=True))
    # uvicorn catches SIGINT and SIGTERM, finishes the requests in flight, then raises the
    # signal again: let SIGTERM, like SIGINT, end in KeyboardInterrupt rather than kill us.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        listener.close()
    print("serve.py: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
