"""The draw-a-digit page of examples/serve.py in a real browser: headless Chromium, driven by
Selenium, draws on the canvas with mouse, pen and touch pointer input and reads the prediction.

Needs Selenium and the server's FastAPI and uvicorn (the ``test`` extra) and Debian's
``chromium`` and ``chromium-driver`` packages (``.ci/run`` installs them); skips otherwise.
Nothing leaves 127.0.0.1: Selenium is given the driver's path so it never looks for one online,
and Chromium's background networking is off.
"""
import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tg

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
for _path in (CHROMIUM, CHROMEDRIVER):
    if not os.path.exists(_path):
        pytest.skip(f"no browser to test the page with: {_path} is missing (apt-get install "
                    f"chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install -e '.[test]')")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.actions.pointer_input import PointerInput  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from helpers import NO_MNIST, real_mnist_root  # noqa: E402

for _name in ("fastapi", "uvicorn"):
    pytest.importorskip(_name, reason="the server needs the serve extra (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = real_mnist_root()  # None without the real files: those tests skip
WAIT = 60  # seconds to wait for the page before failing; polled, so normally much less


def load_serve():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "examples" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = load_serve()

# Strokes in canvas pixels (the canvas is 280x280, origin top left).
SEVEN = [[(70, 60), (210, 60), (120, 240)]]
ONE = [[(140, 40), (140, 240)]]


def start_server(model):
    return serve.ServerThread(serve.create_app(model, {"model": "test"}))


@pytest.fixture(scope="module")
def url():
    """A page served by an untrained (seeded) network: any prediction will do for the page."""
    tg.manual_seed(0)
    with start_server(serve.mnist.MLP([784, 32, 10])) as server:
        yield f"http://127.0.0.1:{server.port}/"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=900,700",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def draw(driver, strokes, kind="mouse"):
    """Draw ``strokes`` (lists of canvas points) on the page's canvas with pointer input of
    ``kind`` ('mouse', 'pen' or 'touch'), moving in steps of a few pixels."""
    canvas = driver.find_element(By.ID, "pad")
    scale = canvas.size["width"] / 280  # CSS pixels per canvas pixel
    actions = ActionBuilder(driver, mouse=PointerInput(kind, kind), duration=0)

    def move(x, y):  # Selenium's offsets are from the element's centre
        actions.pointer_action.move_to(canvas, round((x - 140) * scale), round((y - 140) * scale))

    for (x0, y0), *corners in strokes:
        move(x0, y0)
        actions.pointer_action.pointer_down()
        for x1, y1 in corners:
            steps = max(1, int(np.hypot(x1 - x0, y1 - y0) // 6))
            for t in np.linspace(0, 1, steps + 1)[1:]:
                move(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
            x0, y0 = x1, y1
        actions.pointer_action.pointer_up()
    actions.perform()


def shown(driver):
    """(state, digit text, the ten bars' probabilities) as the page shows them now."""
    bars = driver.find_elements(By.CSS_SELECTOR, "#bars .bar")
    return (driver.find_element(By.TAG_NAME, "body").get_attribute("data-state"),
            driver.find_element(By.ID, "digit").text,
            [float(bar.get_attribute("data-probability")) for bar in bars])


def wait_for_prediction(driver):
    WebDriverWait(driver, WAIT).until(lambda d: shown(d)[0] in ("predicted", "error"))
    state, digit, probabilities = shown(driver)
    assert state == "predicted", driver.find_element(By.ID, "status").text
    return digit, probabilities


def open_page(driver, url):
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: len(shown(d)[2]) == 10)
    driver.get_log("browser")  # start each test with an empty console log


@pytest.mark.parametrize("kind", ["mouse", "pen", "touch"])
def test_drawing_shows_a_prediction_with_ten_bars_summing_to_one(browser, url, kind):
    open_page(browser, url)
    assert shown(browser) == ("empty", "–", [0.0] * 10)
    draw(browser, SEVEN, kind)
    digit, probabilities = wait_for_prediction(browser)
    assert len(probabilities) == 10 and min(probabilities) >= 0
    assert sum(probabilities) == pytest.approx(1, abs=1e-4)
    assert digit == str(int(np.argmax(probabilities)))
    assert browser.find_elements(By.CSS_SELECTOR, f'.bar.best[data-digit="{digit}"]')
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_clear_resets_the_drawing_and_the_prediction(browser, url):
    open_page(browser, url)
    draw(browser, SEVEN)
    wait_for_prediction(browser)
    browser.find_element(By.ID, "clear").click()
    assert shown(browser) == ("empty", "–", [0.0] * 10)
    ink = browser.execute_script(
        "const c = document.getElementById('pad');"
        "return c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
        ".some((v, i) => i % 4 === 3 && v > 0);")
    assert ink is False
    draw(browser, SEVEN)  # and the page works again after Clear
    assert sum(wait_for_prediction(browser)[1]) == pytest.approx(1, abs=1e-4)


@pytest.mark.skipif(MNIST_DIR is None, reason=NO_MNIST)
def test_a_drawn_one_is_recognised_by_a_model_trained_on_mnist(browser, tmp_path):
    path = tmp_path / "model.npz"
    assert serve.mnist.main(["--epochs", "1", "--hidden", "64", "--data-dir", str(MNIST_DIR),
                             "--no-download", "--no-progress", "--save", str(path)]) == 0
    with start_server(serve.load_classifier(path)[0]) as server:
        open_page(browser, f"http://127.0.0.1:{server.port}/")
        draw(browser, ONE, "pen")
        digit, probabilities = wait_for_prediction(browser)
    assert digit == "1", probabilities
