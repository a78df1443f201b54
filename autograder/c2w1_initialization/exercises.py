"""Test definitions for Initialization.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
The random initialisations seed numpy's generator themselves (seed 3), so
their cases need no seed; the known mistakes below redo the same draws with
one thing changed.
"""

import numpy as np

from autograder.define import Case, Exercise


def _initialize(layers_dims, scale, draw=np.random.randn, seed=3):
    """Weights draw(n_l, n_{l-1}) * scale(l), zero biases, after np.random.seed(seed)."""
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = draw(layers_dims[l], layers_dims[l - 1]) * scale(l)
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


def _mistake(scale, **options):
    return lambda layers_dims: _initialize(layers_dims, lambda l: scale(layers_dims, l), **options)


TIMES_10 = "the weights are not large: multiply np.random.randn(...) by 10."
UNIFORM = ("np.random.rand draws uniformly from [0, 1), all positive: use np.random.randn, "
           "the standard normal distribution.")
SMALL = "these weights are scaled by 0.01 (Week 3's choice): here they are scaled by 10."
CURRENT_LAYER = ("He's scale uses the size of the previous layer, the number of inputs of each unit: "
                 "np.sqrt(2 / layers_dims[l - 1]), not layers_dims[l].")
XAVIER = ("this is np.sqrt(1 / layers_dims[l - 1]) (Xavier's scale): He's scale, for ReLU units, "
          "is np.sqrt(2 / layers_dims[l - 1]).")
NO_SQRT = "the scale is the square root of 2 / layers_dims[l - 1]: np.sqrt(2 / layers_dims[l - 1])."
LEFTOVER_10 = "He's weights are randn * np.sqrt(2 / layers_dims[l - 1]) only: no factor 10."

SIZES = ([3, 2, 1], [2, 10, 5, 1], [5, 4, 3, 2, 1], [4, 1], [1, 6, 1])

EXERCISES = [
    Exercise("initialize_parameters_zeros", outputs=("parameters",), cases=[
        Case((list(SIZES[0]),), public=True),
        *[Case((list(sizes),)) for sizes in SIZES[1:]],
    ]),

    Exercise("initialize_parameters_random", outputs=("parameters",), cases=[
        Case((list(SIZES[0]),), public=True),
        *[Case((list(sizes),)) for sizes in SIZES[1:]],
    ], mistakes={
        TIMES_10: _mistake(lambda dims, l: 1.0),
        UNIFORM: _mistake(lambda dims, l: 10.0, draw=np.random.rand),
        SMALL: _mistake(lambda dims, l: 0.01),
    }),

    Exercise("initialize_parameters_he", outputs=("parameters",), cases=[
        Case((list(SIZES[0]),), public=True),
        *[Case((list(sizes),)) for sizes in SIZES[1:]],
    ], mistakes={
        CURRENT_LAYER: _mistake(lambda dims, l: np.sqrt(2 / dims[l])),
        XAVIER: _mistake(lambda dims, l: np.sqrt(1 / dims[l - 1])),
        NO_SQRT: _mistake(lambda dims, l: 2 / dims[l - 1]),
        LEFTOVER_10: _mistake(lambda dims, l: 10 * np.sqrt(2 / dims[l - 1])),
    }),
]
