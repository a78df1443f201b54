"""Test definitions for Python basics with numpy: one entry per graded exercise.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
"""

import math

import numpy as np

from autograder.define import Case, Exercise, rng

FLIPPED = "the sign inside the exponential is flipped: sigmoid(x) = 1 / (1 + exp(-x))."


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


EXERCISES = [
    Exercise("test", kind="value", outputs=("test",), cases=[Case(public=True)]),

    Exercise("basic_sigmoid", outputs=("s",), cases=[
        Case((1.5,), public=True),
        Case((-0.75,), public=True),
        Case((0,)),
        Case((12.0,)),
        Case((-30.0,)),
        Case((float(rng(11).normal() * 4),)),
    ], mistakes={FLIPPED: lambda x: 1 / (1 + math.exp(x))}),

    Exercise("sigmoid", outputs=("s",), cases=[
        Case((np.array([-2.0, 0.0, 0.5, 3.0]),), public=True),
        Case((np.array([[1.0, -1.0], [4.0, -6.0]]),), public=True),
        Case((rng(21).normal(size=(5, 7)) * 3,)),
        Case((np.array([[-40.0, 40.0]]),)),
        Case((0.25,)),
    ], mistakes={FLIPPED: lambda x: 1 / (1 + np.exp(x))}),

    Exercise("sigmoid_derivative", outputs=("ds",), deps=("sigmoid",), cases=[
        Case((np.array([-1.0, 0.0, 2.5]),), public=True),
        Case((rng(31).normal(size=(4, 3)) * 2,)),
        Case((np.array([[10.0], [-0.3]]),)),
    ], mistakes={
        "this is sigmoid(x) itself; the derivative is s * (1 - s) with s = sigmoid(x).": _sigmoid,
        "this is x * (1 - x): apply the formula to s = sigmoid(x), not to x.": lambda x: x * (1 - x),
    }),

    Exercise("image2vector", outputs=("v",), cases=[
        Case((np.arange(18, dtype=float).reshape(3, 3, 2) / 10,), public=True),
        Case((rng(41).random((4, 5, 3)),)),
        Case((rng(42).random((2, 6, 3)),)),
    ], mistakes={
        "the values are out of order: reshape the image itself, without transposing it first.":
            lambda image: image.T.reshape(-1, 1),
    }),

    Exercise("normalize_rows", outputs=("x_normalized",), cases=[
        Case((np.array([[2.0, 0.0, 1.0], [3.0, -4.0, 12.0]]),), public=True),
        Case((rng(51).normal(size=(5, 4)),)),
        Case((np.array([[1.0, 2.0], [3.0, 4.0]]),)),
        Case((np.array([[0.5, -0.5, 2.0, 1.0]]),)),
    ], mistakes={
        "each column was divided by its norm: the norm of a row is taken along axis=1.":
            lambda x: x / np.linalg.norm(x, axis=0, keepdims=True),
        "the norms were computed without keepdims=True, so they broadcast along the wrong axis.":
            lambda x: x / np.linalg.norm(x, axis=1),
        "each row was divided by the sum of its squares: take the square root (the norm).":
            lambda x: x / np.sum(x ** 2, axis=1, keepdims=True),
    }),

    Exercise("softmax", outputs=("s",), cases=[
        Case((np.array([[1.0, 0.0, 3.0, 1.0], [2.0, 2.0, -1.0, 0.0]]),), public=True),
        Case((rng(61).normal(size=(3, 5)) * 2,)),
        Case((np.array([[0.5, 1.5], [-1.0, 1.0]]),)),
        Case((np.array([[4.0, 1.0, 0.0]]),)),
    ], mistakes={
        "each column sums to 1: the sum must run over each row, axis=1.":
            lambda x: np.exp(x) / np.sum(np.exp(x), axis=0, keepdims=True),
        "everything was divided by the sum over the whole matrix, not by each row's sum.":
            lambda x: np.exp(x) / np.sum(np.exp(x)),
        "the sums were computed without keepdims=True, so they broadcast along the wrong axis.":
            lambda x: np.exp(x) / np.sum(np.exp(x), axis=1),
    }),

    Exercise("L1", outputs=("loss",), cases=[
        Case((np.array([0.8, 0.1, 0.3, 0.6]), np.array([1, 0, 0, 1])), public=True),
        Case((rng(71).random(8), rng(72).integers(0, 2, 8).astype(float))),
        Case((np.array([0.5]), np.array([0.0]))),
    ], mistakes={
        "the differences were added without np.abs, so errors of opposite sign cancel.":
            lambda yhat, y: np.sum(y - yhat),
        "these are squared differences (L2): L1 adds absolute values.":
            lambda yhat, y: np.sum((y - yhat) ** 2),
    }),

    Exercise("L2", outputs=("loss",), cases=[
        Case((np.array([0.8, 0.1, 0.3, 0.6]), np.array([1, 0, 0, 1])), public=True),
        Case((rng(81).random(8), rng(82).integers(0, 2, 8).astype(float))),
        Case((np.array([0.25]), np.array([1.0]))),
    ], mistakes={
        "this is the Euclidean norm: L2 loss is the sum of squares, without the square root.":
            lambda yhat, y: np.sqrt(np.sum((y - yhat) ** 2)),
        "these are absolute differences (L1): L2 adds their squares.":
            lambda yhat, y: np.sum(np.abs(y - yhat)),
    }),
]
