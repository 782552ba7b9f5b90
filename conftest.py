"""Names the docstring examples use (``pytest`` runs them with ``--doctest-modules``)."""
import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import nn
from tinygrad_lite.tensor import Tensor


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    if not isinstance(request.node, pytest.DoctestItem):
        return
    tg.manual_seed(0)
    doctest_namespace.update(np=np, tg=tg, nn=nn, F=F, Tensor=Tensor,
                             x=Tensor([1.0, 2.0], requires_grad=True),
                             w=Tensor([0.5, -0.5], requires_grad=True))
    doctest_namespace["w"].grad = Tensor([1.0, 1.0])
