#!/usr/bin/env python3
"""Serve a page where you draw a digit and watch a tinygrad_lite model classify it as you draw.

    python examples/serve.py                    # then open http://127.0.0.1:8000/
    python examples/serve.py --model model.npz --host 0.0.0.0 --port 8080

The model is a checkpoint written by ``examples/mnist.py --save`` (default
``~/.cache/tinygrad_lite/serve-model.npz``). When that file does not exist, a quick model is
trained first (2 epochs of mnist.py's default network, reading MNIST the way mnist.py does) and
saved there; without the data, the error says how to make one.

The server answers:

- ``GET /``: the drawing page, ``serve_page.html`` next to this script (self-contained, works
  offline). It sends the drawing, downsampled to 28x28, to ``/predict`` while you draw.
- ``POST /predict`` with ``{"pixels": [784 numbers in 0..1]}`` (a 28x28 image row by row, ink 1
  and paper 0, or the same as 28 rows of 28): ``{"digit": d, "probabilities": [10 floats],
  "image": [784 floats]}``, where ``image`` is what the model saw after :func:`preprocess`. A
  drawing without ink gives ``{"digit": null, "probabilities": null, "image": null}``.
- ``GET /health``: ``{"status": "ok"}`` and what model is served.

A bad request gets a 4xx status and ``{"error": "what was wrong"}``; the server keeps serving.
"""
import argparse
import importlib.util
import json
import math
import os
import shlex
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(_HERE) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, os.path.dirname(_HERE))

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.serialization import CheckpointError  # noqa: E402


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
DISCARD_LIMIT = 16 << 20    # bytes of a too large body read and dropped before closing
QUICK_EPOCHS = 2
DEFAULT_MODEL = os.path.join("~", ".cache", "tinygrad_lite", "serve-model.npz")
PAGE = os.path.join(_HERE, "serve_page.html")
# The page may run its inline script and styles and talk to this server, nothing else.
PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")


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
# requests
# ---------------------------------------------------------------------------------------------

class RequestError(Exception):
    """A request the server refuses: the HTTP ``status``, the message for the client and how
    many bytes of the body are still ``unread``."""

    def __init__(self, status, message, unread=0):
        super().__init__(message)
        self.status, self.unread = status, unread


def _json_type(value):
    """How JSON calls the type of a parsed value, for error messages."""
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "an array", str: "a string", type(None): "null"}
    return names.get(type(value), "a number")


def parse_pixels(payload):
    """The (28, 28) float64 image of a /predict request's parsed JSON, or a RequestError
    (status 400) saying what is wrong with it.

    >>> parse_pixels({"pixels": [0.5] * 784}).shape
    (28, 28)
    >>> try:
    ...     parse_pixels({"pixels": [0.5] * 12})
    ... except RequestError as err:
    ...     print(err.status, err)
    400 pixels must have 784 values (a 28x28 image row by row), got 12
    """
    if not isinstance(payload, dict) or "pixels" not in payload:
        got = "an object without pixels" if isinstance(payload, dict) else _json_type(payload)
        raise RequestError(400, f'the body must be a JSON object {{"pixels": [784 numbers in '
                                f'0..1]}}, got {got}')
    pixels = payload["pixels"]
    if not isinstance(pixels, list):
        raise RequestError(400, f"pixels must be an array of numbers, got {_json_type(pixels)}")
    if pixels and all(isinstance(row, list) for row in pixels):
        if len(pixels) != SIDE:
            raise RequestError(400, f"pixels as rows must be 28 rows of 28, got {len(pixels)} rows")
        for r, row in enumerate(pixels):
            if len(row) != SIDE:
                raise RequestError(400, f"pixels as rows must be 28 rows of 28, but row {r} "
                                        f"has {len(row)} values")
        pixels = [value for row in pixels for value in row]
    elif len(pixels) != SIDE * SIDE:
        raise RequestError(400, f"pixels must have 784 values (a 28x28 image row by row), "
                                f"got {len(pixels)}")
    for i, value in enumerate(pixels):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RequestError(400, f"pixels must be numbers, but value {i} is {_json_type(value)}")
        if not 0 <= value <= 1:  # NaN fails this too
            raise RequestError(400, f"pixels must be in 0..1 (ink 1, paper 0), but value {i} "
                                    f"is {value!r}")
    return np.array(pixels, dtype=np.float64).reshape(SIDE, SIDE)


# ---------------------------------------------------------------------------------------------
# the server
# ---------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """Answers one HTTP request: routes it by path and method; every answer but the page is
    JSON, errors included."""

    server_version = "tinygrad_lite-serve"
    timeout = 10  # seconds a client may stall mid-request before its connection is dropped
    routes = {"/": {"GET": "send_page"}, "/health": {"GET": "send_health"},
              "/predict": {"POST": "send_prediction"}}

    def route(self):
        path = urlsplit(self.path).path
        methods = self.routes.get(path)
        if methods is None:
            self.send_json(404, {"error": f"there is nothing at {path}; this server answers "
                                          f"GET /, GET /health and POST /predict"})
        elif self.command not in methods:
            allowed = ", ".join(methods)
            self.send_json(405, {"error": f"{path} answers {allowed} only, not {self.command}"},
                           {"Allow": allowed})
        else:
            getattr(self, methods[self.command])()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = route

    def send_page(self):
        self.send_body(200, "text/html; charset=utf-8", self.server.page,
                       {"Content-Security-Policy": PAGE_POLICY})

    def send_health(self):
        self.send_json(200, {"status": "ok", **self.server.about})

    def send_prediction(self):
        try:
            pixels = parse_pixels(self.read_json())
        except RequestError as err:
            self.send_json(err.status, {"error": str(err)})
            self.discard(err.unread)
            return
        self.send_json(200, self.server.predict(pixels))

    def read_json(self):
        """The request body parsed as JSON, or a RequestError saying what is wrong with it."""
        if "Transfer-Encoding" in self.headers:
            raise RequestError(411, "send the body with a Content-Length, not a Transfer-Encoding")
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(411, "a Content-Length header is required")
        if not length.strip().isdigit():
            raise RequestError(400, f"Content-Length must be a number of bytes, got {length!r}")
        length = int(length)
        if length > MAX_BODY:
            self.close_connection = True
            raise RequestError(413, f"the body has {length} bytes; at most {MAX_BODY} are "
                                    f"accepted", unread=length)
        body = self.rfile.read(length)
        if len(body) < length:
            raise RequestError(400, f"the body ended after {len(body)} of {length} bytes")
        if self.headers.get_content_type() != "application/json":
            raise RequestError(415, f"Content-Type must be application/json, got "
                                    f"{self.headers.get('Content-Type', 'none')!r}")
        try:
            return json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise RequestError(400, "the body is not UTF-8 text") from None
        except RecursionError:
            raise RequestError(400, "the body's JSON is nested too deeply") from None
        except ValueError as err:
            raise RequestError(400, f"the body is not valid JSON: {err}") from None

    def discard(self, size):
        """Read and drop up to DISCARD_LIMIT bytes of a refused body (after the error answer
        went out), so a client still sending it can read the answer instead of a reset."""
        remaining = min(size, DISCARD_LIMIT)
        try:
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:  # the client stalled or went away: the connection closes either way
            pass

    def send_json(self, status, obj, headers=None):
        self.send_body(status, "application/json", json.dumps(obj).encode(), headers)

    def send_body(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code, message=None, explain=None):
        """http.server's own refusals (malformed requests, unknown methods, ...) in JSON too."""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        self.send_json(code, {"error": message or HTTPStatus(code).phrase})

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)


class DigitServer(ThreadingHTTPServer):
    """An HTTP server that answers GET /, GET /health and POST /predict with ``model`` (which
    maps (N, 784) images to (N, 10) logits); ``about`` is added to the /health answer. Port 0
    picks a free port; ``quiet`` turns off the request log.

    >>> import urllib.request
    >>> server = DigitServer(("127.0.0.1", 0), mnist.MLP([784, 10]), {"model": "untrained"},
    ...                      quiet=True)
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> url = f"http://127.0.0.1:{server.server_port}/health"
    >>> json.load(urllib.request.urlopen(url))
    {'status': 'ok', 'model': 'untrained'}
    >>> server.shutdown(); server.server_close()
    """

    daemon_threads = True

    def __init__(self, address, model, about, quiet=False):
        super().__init__(address, Handler)
        self.model, self.about, self.quiet = model.eval(), about, quiet
        with open(PAGE, "rb") as page:
            self.page = page.read()
        # One forward pass at a time: tg.no_grad switches a process-wide flag.
        self.model_lock = threading.Lock()

    def predict(self, pixels):
        """The /predict answer for a (28, 28) drawing.

        >>> server = DigitServer(("127.0.0.1", 0), mnist.MLP([784, 10]), {})
        >>> server.predict(np.zeros((28, 28)))
        {'digit': None, 'probabilities': None, 'image': None}
        >>> sorted(server.predict(np.eye(28)))
        ['digit', 'image', 'probabilities']
        >>> server.server_close()
        """
        image = preprocess(pixels)
        if image is None:
            return {"digit": None, "probabilities": None, "image": None}
        with self.model_lock, tg.no_grad():
            probabilities = self.model(tg.Tensor(image.reshape(1, -1))).softmax(1).numpy()[0]
        return {"digit": int(probabilities.argmax()), "probabilities": probabilities.tolist(),
                "image": np.round(image.astype(np.float64), 3).ravel().tolist()}


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
                    "GET /health.")
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
        server = DigitServer((args.host, args.port), model, about, quiet=args.quiet)
    except (predict.UsageError, CheckpointError) as err:
        print(f"serve.py: error: {mnist.one_line(err)}", file=sys.stderr)
        return 1
    except OSError as err:  # an unreadable model, a port in use, ...
        where = err.filename if err.filename is not None else f"{args.host}:{args.port}"
        print(f"serve.py: error: {err.strerror or err}: {where}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"serving {path} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nserve.py: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
