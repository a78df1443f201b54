"""Test definitions for Optimization Methods.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
None of these exercises computes a gradient (they are given one), and none
calls another, so there is neither `numeric` nor `deps`.  The update
functions return new dicts: a case fails if they change the caller's
`parameters`, `grads`, `v` or `s` (the engine compares the arguments after
the call with the case's inputs).  Adam's public case uses t = 3: at t = 1,
beta1 ** t and beta1 are the same number and some mistakes would not show.
"""

import math

import numpy as np

from autograder.define import Case, Exercise, rng


# --- inputs -------------------------------------------------------------------

def _parameters(seed, dims):
    r = rng(seed)
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = r.normal(size=(dims[l], dims[l - 1])) * 0.7
        p[f"b{l}"] = r.normal(size=(dims[l], 1)) * 0.3
    return p


def _like(seed, dims, scale=1.0, positive=False):
    """A dict "dW1", "db1", ... of the shapes of _parameters(., dims): gradients or moments."""
    r = rng(seed)
    d = {}
    for l in range(1, len(dims)):
        for name, shape in ((f"dW{l}", (dims[l], dims[l - 1])), (f"db{l}", (dims[l], 1))):
            value = r.normal(size=shape) * scale
            d[name] = np.abs(value) if positive else value
    return d


def _data(seed, n_x, m):
    r = rng(seed)
    return r.normal(size=(n_x, m)), (r.random((1, m)) > 0.5).astype(float)


def _momentum_case(seed, dims):
    return _parameters(seed, dims), _like(seed + 1, dims), _like(seed + 2, dims, 0.5)


def _adam_case(seed, dims, t, zero_moments=False):
    v = _like(seed + 2, dims, 0.0 if zero_moments else 0.3)
    s = _like(seed + 3, dims, 0.0 if zero_moments else 0.2, positive=True)
    return _parameters(seed, dims), _like(seed + 1, dims), v, s, t


# --- known mistakes -------------------------------------------------------------

def _names(parameters):
    return [f"{p}{l}" for l in range(1, len(parameters) // 2 + 1) for p in ("W", "b")]


def _gd(parameters, grads, learning_rate, sign=-1.0, biases=True):
    return {n: parameters[n] + (sign * learning_rate * grads["d" + n] if biases or n[0] == "W" else 0.0)
            for n in _names(parameters)}


def _mini_batches(X, Y, mini_batch_size=64, seed=0, shuffle="same", last=True):
    np.random.seed(seed)
    m = X.shape[1]
    if shuffle == "same":
        order = np.random.permutation(m)
        X, Y = X[:, order], Y[:, order]
    elif shuffle == "twice":
        X, Y = X[:, np.random.permutation(m)], Y[:, np.random.permutation(m)]
    complete = math.floor(m / mini_batch_size)
    size = mini_batch_size
    batches = [(X[:, k * size:(k + 1) * size], Y[:, k * size:(k + 1) * size]) for k in range(complete)]
    if last and m % mini_batch_size:
        batches.append((X[:, complete * size:], Y[:, complete * size:]))
    return batches


def _momentum(parameters, grads, v, beta, learning_rate, one_minus=True, step="new", keep_v=False):
    new_v, new_p = {}, {}
    for n in _names(parameters):
        d = "d" + n
        new_v[d] = beta * v[d] + ((1 - beta) if one_minus else 1.0) * grads[d]
        move = {"new": new_v[d], "old": v[d]}[step]
        new_p[n] = parameters[n] - learning_rate * move
    return new_p, (v if keep_v else new_v)


def _adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, power=None,
          corrected=True, eps_inside=False, keep_moments=False):
    power = (lambda beta: beta ** t) if power is None else power
    new_p, new_v, new_s, v_c, s_c = {}, {}, {}, {}, {}
    for n in _names(parameters):
        d = "d" + n
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v_c[d] = new_v[d] / (1 - power(beta1))
        s_c[d] = new_s[d] / (1 - power(beta2))
        first, second = (v_c[d], s_c[d]) if corrected else (new_v[d], new_s[d])
        root = np.sqrt(second + epsilon) if eps_inside else np.sqrt(second) + epsilon
        new_p[n] = parameters[n] - learning_rate * first / root
    if keep_moments:
        return new_p, v, s, v_c, s_c
    return new_p, new_v, new_s, v_c, s_c


UPHILL = "the step goes uphill: each parameter moves against its gradient, W = W - learning_rate * dW."
BIASES = "the biases are not updated: b = b - learning_rate * db, for every layer."
TWICE = ("X and Y were shuffled by two different permutations, so the examples lost their labels: draw one "
         "permutation and index both X[:, permutation] and Y[:, permutation] with it.")
UNSHUFFLED = ("the examples are in their original order: shuffle them first, with "
              "permutation = list(np.random.permutation(m)), right after np.random.seed(seed).")
LAST = ("the last mini-batch is missing: when m is not a multiple of mini_batch_size, the m % mini_batch_size "
        "examples left over form one smaller, last mini-batch.")
ONE_MINUS = "the velocity is a weighted average: v = beta * v + (1 - beta) * dW (the factor 1 - beta is missing)."
OLD_V = ("the parameters moved by the previous velocity: update v first, then W = W - learning_rate * v "
         "with the new v.")
KEEP_V = ("the velocity returned is the one given: return the updated velocities (a new dict, with "
          "v = beta * v + (1 - beta) * grad for every parameter).")
T_PLUS_ONE = ("the bias correction uses the wrong t: divide by 1 - beta1 ** t and 1 - beta2 ** t with the t "
              "given (the number of Adam steps taken, this one included), not t + 1.")
NOT_POWERED = ("the bias correction divides by 1 - beta1 (and 1 - beta2): it is 1 - beta1 ** t and "
               "1 - beta2 ** t, beta raised to the power t.")
UNCORRECTED = ("the update uses the raw moments v and s: use the bias-corrected ones, "
               "W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon).")
EPS_INSIDE = "epsilon belongs outside the square root: np.sqrt(s_corrected) + epsilon."
KEEP_MOMENTS = ("the moments returned are the ones given: return the updated v and s (new dicts), "
                "which the next step starts from.")
PARENTHESES = ("the whole 1 + decay_rate * epoch_num is the denominator: "
               "learning_rate0 / (1 + decay_rate * epoch_num).")
NO_FLOOR = ("the rate changes only every time_interval epochs: round epoch_num / time_interval down "
            "with np.floor (or use epoch_num // time_interval).")

_P = _parameters(601, [3, 2, 1])

EXERCISES = [
    Exercise("update_parameters_with_gd", outputs=("parameters",), cases=[
        Case((_P, _like(602, [3, 2, 1]), 0.01), public=True),
        Case((_parameters(603, [4, 3, 2, 1]), _like(604, [4, 3, 2, 1]), 0.1)),
        Case((_parameters(605, [1, 1]), _like(606, [1, 1]), 1.0)),
        Case((_parameters(607, [2, 5, 2, 1]), _like(608, [2, 5, 2, 1]), 0.0007)),
    ], mistakes={
        UPHILL: lambda p, g, learning_rate: _gd(p, g, learning_rate, sign=1.0),
        BIASES: lambda p, g, learning_rate: _gd(p, g, learning_rate, biases=False),
    }),

    Exercise("random_mini_batches", outputs=("mini_batches",), cases=[
        Case(_data(611, 2, 148), dict(seed=2), public=True),
        Case(_data(612, 1, 128), dict(mini_batch_size=64, seed=7), public=True),
        Case((*_data(613, 2, 10), 3, 1)),
        Case(_data(614, 4, 5)),
        Case((*_data(615, 2, 70), 64, 11)),
        Case((*_data(616, 1, 12), 4, 5)),
        Case((*_data(617, 2, 9), 1, 3)),
    ], mistakes={
        TWICE: lambda X, Y, mini_batch_size=64, seed=0: _mini_batches(X, Y, mini_batch_size, seed, shuffle="twice"),
        UNSHUFFLED: lambda X, Y, mini_batch_size=64, seed=0: _mini_batches(X, Y, mini_batch_size, seed, shuffle=None),
        LAST: lambda X, Y, mini_batch_size=64, seed=0: _mini_batches(X, Y, mini_batch_size, seed, last=False),
    }),

    Exercise("initialize_velocity", outputs=("v",), cases=[
        Case((_P,), public=True),
        Case((_parameters(621, [4, 3, 2, 1]),)),
        Case((_parameters(622, [1, 1]),)),
        Case((_parameters(623, [5, 4, 3, 2, 1]),)),
    ]),

    Exercise("update_parameters_with_momentum", outputs=("parameters", "v"), cases=[
        Case((*_momentum_case(631, [3, 2, 1]), 0.9, 0.01), public=True),
        Case((*_momentum_case(632, [4, 3, 2, 1]), 0.95, 0.1)),
        Case((*_momentum_case(633, [1, 1]), 0.0, 0.5)),
        Case((*_momentum_case(634, [2, 5, 2, 1]), 0.5, 0.3)),
        Case((_parameters(635, [2, 3, 1]), _like(636, [2, 3, 1]), _like(637, [2, 3, 1], 0.0), 0.9, 0.0007)),
    ], mistakes={
        ONE_MINUS: lambda p, g, v, beta, learning_rate: _momentum(p, g, v, beta, learning_rate, one_minus=False),
        OLD_V: lambda p, g, v, beta, learning_rate: _momentum(p, g, v, beta, learning_rate, step="old"),
        KEEP_V: lambda p, g, v, beta, learning_rate: _momentum(p, g, v, beta, learning_rate, keep_v=True),
    }),

    Exercise("initialize_adam", outputs=("v", "s"), cases=[
        Case((_P,), public=True),
        Case((_parameters(641, [4, 3, 2, 1]),)),
        Case((_parameters(642, [1, 1]),)),
        Case((_parameters(643, [5, 4, 3, 2, 1]),)),
    ]),

    Exercise("update_parameters_with_adam", outputs=("parameters", "v", "s", "v_corrected", "s_corrected"), cases=[
        Case(_adam_case(651, [3, 2, 1], 3), public=True),
        Case(_adam_case(652, [3, 2, 1], 1), dict(learning_rate=0.02)),
        Case(_adam_case(653, [4, 3, 2, 1], 10), dict(beta1=0.8, beta2=0.99)),
        Case(_adam_case(654, [1, 1], 2), dict(epsilon=1e-2)),
        Case(_adam_case(655, [2, 5, 2, 1], 1, zero_moments=True), dict(learning_rate=0.0007)),
        Case(_adam_case(656, [2, 3, 1], 250), dict(learning_rate=0.1, beta1=0.5, beta2=0.9, epsilon=1e-6)),
    ], mistakes={
        T_PLUS_ONE: lambda p, g, v, s, t, *a, **k: _adam(p, g, v, s, t, *a, **k, power=lambda beta: beta ** (t + 1)),
        NOT_POWERED: lambda p, g, v, s, t, *a, **k: _adam(p, g, v, s, t, *a, **k, power=lambda beta: beta),
        UNCORRECTED: lambda p, g, v, s, t, *a, **k: _adam(p, g, v, s, t, *a, **k, corrected=False),
        EPS_INSIDE: lambda p, g, v, s, t, *a, **k: _adam(p, g, v, s, t, *a, **k, eps_inside=True),
        KEEP_MOMENTS: lambda p, g, v, s, t, *a, **k: _adam(p, g, v, s, t, *a, **k, keep_moments=True),
    }),

    Exercise("update_lr", outputs=("learning_rate",), cases=[
        Case((0.3, 7, 0.5), public=True),
        Case((0.1, 0, 1.0)),
        Case((1.0, 100, 0.01)),
        Case((0.02, 3, 2.0)),
    ], mistakes={PARENTHESES: lambda learning_rate0, epoch_num, decay_rate:
                 learning_rate0 / (1 + decay_rate) * epoch_num}),

    Exercise("schedule_lr_decay", outputs=("learning_rate",), cases=[
        Case((0.4, 2350, 0.5), public=True),
        Case((0.1, 999, 1.0)),
        Case((0.1, 1000, 1.0)),
        Case((0.05, 75, 0.5), dict(time_interval=10)),
        Case((1.0, 12, 0.3, 5)),
    ], mistakes={NO_FLOOR: lambda learning_rate0, epoch_num, decay_rate, time_interval=1000:
                 learning_rate0 / (1 + decay_rate * epoch_num / time_interval)}),
]
