"""Write the canned submissions used to test the grading (python tests/submissions/make.py).

Each canned submission is a release notebook filled in the way a student
would: every answer cell gets the reference solution (the source cell
without nbgrader's markers), except the exercises listed below, which get a
planted mistake.  Beside each notebook, <name>.expected.json (written by
hand) gives the score each exercise must get.

    tests/submissions/<assignment id>/<name>.ipynb
"""

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# {assignment: {submission name: {exercise: code of the answer cell, or None to leave it blank}}}
#   correct      every answer is the reference solution
#   mistakes     one plain mistake in some exercises (the public tests catch them)
#   hidden_only  mistakes that pass the public tests and only the hidden tests catch
PLANTED = {
    "c1w2_python_basics": {
        "correct": {},
        "hidden_only": {
            "basic_sigmoid": '''
def basic_sigmoid(x):
    """Planted mistake: hard-codes the public tests' expected outputs."""
    return {1.5: 0.8175744761936437, -0.75: 0.320821300824607}[x]
''',
            "image2vector": '''
def image2vector(image):
    """Planted mistake: assumes a depth of 2, which is right for the public test's image only."""
    return image.reshape(image.shape[0] * image.shape[1] * 2, 1)
''',
        },
        "mistakes": {
            "sigmoid": '''
def sigmoid(x):
    """Planted mistake: the sign inside exp is flipped."""
    return 1 / (1 + np.exp(x))
''',
            "normalize_rows": '''
def normalize_rows(x):
    """Planted mistake: divides each column, not each row, by its norm."""
    return x / np.linalg.norm(x, axis=0, keepdims=True)
''',
            "L2": '''
def L2(yhat, y):
    """Planted mistake: returns the Euclidean norm instead of the sum of squares."""
    return np.sqrt(np.sum((y - yhat) ** 2))
''',
        },
    },
    "c1w2_logistic_regression": {
        "correct": {},
        # No answer at all, but the first answer cell registers an IPython input transformer that wraps
        # every later cell in try/except: nbgrader then passes every test cell. The course's grader runs
        # answers as plain Python, outside IPython, and gives 0.
        "fools_nbgrader": {
            "sigmoid": '''
def _swallow_errors(lines):
    body = "".join("    " + line + "\\n" for line in "".join(lines).splitlines()) or "    pass\\n"
    return ["try:\\n", body, "except BaseException:\\n", "    pass\\n"]
get_ipython().input_transformers_post.append(_swallow_errors)

def sigmoid(z):
    raise NotImplementedError()
''',
            "initialize_with_zeros": None, "propagate": None, "optimize": None, "predict": None, "model": None,
        },
        "hidden_only": {
            "initialize_with_zeros": '''
def initialize_with_zeros(dim):
    """Planted mistake: the public test's dim, 3, is hard-coded."""
    return np.zeros((3, 1)), 0.0
''',
            "optimize": '''
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.09, print_cost=False):
    """Planted mistake: the default learning rate is 0.09, not 0.009 (the public test passes its own)."""
    w = copy.deepcopy(w)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs
''',
        },
        "mistakes": {
            "initialize_with_zeros": '''
def initialize_with_zeros(dim):
    """Planted mistake: b is the integer 0, not the float 0.0."""
    return np.zeros((dim, 1)), 0
''',
            "propagate": '''
def propagate(w, b, X, Y):
    """Planted mistake: dw is not divided by m."""
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    grads = {"dw": np.dot(X, (A - Y).T), "db": np.sum(A - Y) / m}
    return grads, cost
''',
            "predict": '''
def predict(w, b, X):
    """Planted mistake: returns booleans instead of 0./1. floats."""
    return sigmoid(np.dot(w.T, X) + b) > 0.5
''',
        },
    },
    "c1w3_planar_data": {
        "correct": {},
        "hidden_only": {
            "update_parameters": '''
def update_parameters(parameters, grads, learning_rate=1.2):
    """Planted mistake: the step size is always 1.2, the default the public test uses, whatever learning_rate says."""
    parameters = copy.deepcopy(parameters)
    W1 = parameters["W1"] - 1.2 * grads["dW1"]
    b1 = parameters["b1"] - 1.2 * grads["db1"]
    W2 = parameters["W2"] - 1.2 * grads["dW2"]
    b2 = parameters["b2"] - 1.2 * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
''',
            "nn_model": '''
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    """Planted mistake: the hidden layer gets layer_sizes' 4 units (the public test's size), not the n_h asked for."""
    np.random.seed(3)
    n_x, n_h, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print(f"iteration {i:5d}: cost {cost:.6f}")
    return parameters
''',
        },
        "mistakes": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    """Planted mistake: the hidden layer uses the sigmoid instead of tanh."""
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    """Planted mistake: the slope of tanh is written 1 - A1 instead of 1 - A1 ** 2."""
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - A1)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
''',
            "update_parameters": '''
def update_parameters(parameters, grads, learning_rate=1.2):
    """Planted mistake: the step goes uphill (+ instead of -)."""
    parameters = copy.deepcopy(parameters)
    for name in ("W1", "b1", "W2", "b2"):
        parameters[name] = parameters[name] + learning_rate * grads["d" + name]
    return parameters
''',
        },
    },
    "c1w4_deep_nn_step_by_step": {
        "correct": {},
        "hidden_only": {
            "L_model_forward": '''
def L_model_forward(X, parameters):
    """Planted mistake: three layers hard-coded, the public test's network; other depths fail."""
    caches = []
    A, cache = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    caches.append(cache)
    A, cache = linear_activation_forward(A, parameters["W2"], parameters["b2"], "relu")
    caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
    caches.append(cache)
    return AL, caches
''',
        },
        "mistakes": {
            "linear_activation_forward": '''
def linear_activation_forward(A_prev, W, b, activation):
    """Planted mistake: the two activations are swapped."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = relu(Z)
    else:
        A, activation_cache = sigmoid(Z)
    return A, (linear_cache, activation_cache)
''',
            "compute_cost": '''
def compute_cost(AL, Y):
    """Planted mistake: the sum is not divided by m."""
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
''',
            "update_parameters": '''
def update_parameters(params, grads, learning_rate):
    """Planted mistake: updates the caller's arrays in place."""
    L = len(params) // 2
    for l in range(1, L + 1):
        params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return params
''',
        },
    },
    "c1w4_deep_nn_application": {
        "correct": {},
        "hidden_only": {
            "two_layer_model": '''
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Planted mistake: 4 hidden units, the public test's size, whatever layers_dims says."""
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters(layers_dims[0], 4, layers_dims[2])
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
                                       learning_rate)
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
''',
        },
        "mistakes": {
            "two_layer_model": '''
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Planted mistake: layer 1's backward step is given dA2 instead of dA1."""
    np.random.seed(1)
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA2, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
                                       learning_rate)
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
''',
            "L_layer_model": '''
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Planted mistake: the cost is recorded at every iteration."""
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        costs.append(cost)
    return parameters, costs
''',
        },
    },
    "c2w1_initialization": {
        "correct": {},
        "hidden_only": {
            "initialize_parameters_he": '''
def initialize_parameters_he(layers_dims):
    """Planted mistake: two layers hard-coded, the public test's network; deeper networks lose their last layers."""
    np.random.seed(3)
    parameters = {}
    for l in range(1, 3):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters
''',
        },
        "mistakes": {
            "initialize_parameters_random": '''
def initialize_parameters_random(layers_dims):
    """Planted mistake: the weights are not multiplied by 10."""
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters
''',
            "initialize_parameters_he": '''
def initialize_parameters_he(layers_dims):
    """Planted mistake: He's scale uses the layer's own size, layers_dims[l], instead of layers_dims[l - 1]."""
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters
''',
        },
    },
    "c2w1_regularization": {
        "correct": {},
        "hidden_only": {
            "forward_propagation_with_dropout": '''
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """Planted mistake: divides by 0.5, the public tests' keep_prob, instead of keep_prob."""
    np.random.seed(1)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    D1 = np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob
    A1 = A1 * D1 / 0.5
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    D2 = np.random.rand(A2.shape[0], A2.shape[1]) < keep_prob
    A2 = A2 * D2 / 0.5
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
''',
        },
        "mistakes": {
            "compute_cost_with_regularization": '''
def compute_cost_with_regularization(A3, Y, parameters, lambd):
    """Planted mistake: the L2 term lacks its factor 1/(2m)."""
    squares = sum(np.sum(np.square(parameters["W" + str(l)])) for l in (1, 2, 3))
    return float(compute_cost(A3, Y) + lambd * squares)
''',
            "backward_propagation_with_regularization": '''
def backward_propagation_with_regularization(X, Y, cache, lambd):
    """Planted mistake: the L2 term of each weight gradient is lambd * W, without the 1/m."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = np.dot(dZ3, A2.T) / m + lambd * W3
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * (A2 > 0)
    dW2 = np.dot(dZ2, A1.T) / m + lambd * W2
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * (A1 > 0)
    dW1 = np.dot(dZ1, X.T) / m + lambd * W1
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
''',
            "backward_propagation_with_dropout": '''
def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Planted mistake: the masks are not reapplied in the backward pass (only the division by keep_prob is)."""
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = np.dot(dZ3, A2.T) / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = np.dot(W3.T, dZ3) / keep_prob
    dZ2 = dA2 * (A2 > 0)
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(W2.T, dZ2) / keep_prob
    dZ1 = dA1 * (A1 > 0)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
''',
        },
    },
    "c2w1_gradient_checking": {
        "correct": {},
        "hidden_only": {
            "gradient_check_n": '''
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    """Planted mistake: epsilon is fixed at 1e-7 (the public tests' value), whatever the argument says."""
    epsilon = 1e-7
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus))
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    difference = np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
    if print_msg:
        print(f"difference = {difference:.2e}")
    return difference
''',
        },
        "mistakes": {
            "backward_propagation": '''
def backward_propagation(x, theta):
    """Planted mistake: the derivative is taken to be theta."""
    dtheta = theta
    return dtheta
''',
            "gradient_check": '''
def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    """Planted mistake: gradapprox is divided by epsilon instead of 2 * epsilon."""
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / epsilon
    grad = backward_propagation(x, theta)
    difference = np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
    if print_msg:
        print(f"difference = {difference:.2e}")
    return difference
''',
            "gradient_check_n": '''
def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    """Planted mistake: J_minus is computed from theta_plus too, so gradapprox is 0."""
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    difference = np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))
    if print_msg:
        print(f"difference = {difference:.2e}")
    return difference
''',
        },
    },
    "c2w2_optimization": {
        "correct": {},
        "hidden_only": {
            "random_mini_batches": '''
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Planted mistake: mini-batches of 64, the public tests' size, whatever mini_batch_size says."""
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation].reshape((1, m))
    mini_batches = []
    for k in range(m // 64):
        mini_batches.append((shuffled_X[:, k * 64:(k + 1) * 64], shuffled_Y[:, k * 64:(k + 1) * 64]))
    if m % 64 != 0:
        mini_batches.append((shuffled_X[:, (m // 64) * 64:], shuffled_Y[:, (m // 64) * 64:]))
    return mini_batches
''',
            "schedule_lr_decay": '''
def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Planted mistake: the interval is always 1000 epochs, the default the public test uses."""
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / 1000))
''',
        },
        "mistakes": {
            "random_mini_batches": '''
def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Planted mistake: Y is shuffled by a second permutation, not the one used for X."""
    np.random.seed(seed)
    m = X.shape[1]
    shuffled_X = X[:, list(np.random.permutation(m))]
    shuffled_Y = Y[:, list(np.random.permutation(m))].reshape((1, m))
    mini_batches = []
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(num_complete_minibatches):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, num_complete_minibatches * mini_batch_size:],
                             shuffled_Y[:, num_complete_minibatches * mini_batch_size:]))
    return mini_batches
''',
            "update_parameters_with_momentum": '''
def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """Planted mistake: the velocity adds the whole gradient, v = beta * v + grad, without the factor 1 - beta."""
    L = len(parameters) // 2
    new_parameters, new_v = {}, {}
    for l in range(1, L + 1):
        for name in ("W" + str(l), "b" + str(l)):
            new_v["d" + name] = beta * v["d" + name] + grads["d" + name]
            new_parameters[name] = parameters[name] - learning_rate * new_v["d" + name]
    return new_parameters, new_v
''',
            "update_parameters_with_adam": '''
def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    """Planted mistake: the bias correction uses t + 1 instead of t."""
    L = len(parameters) // 2
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for l in range(1, L + 1):
        for name in ("W" + str(l), "b" + str(l)):
            d = "d" + name
            new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            v_corrected[d] = new_v[d] / (1 - beta1 ** (t + 1))
            new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
            s_corrected[d] = new_s[d] / (1 - beta2 ** (t + 1))
            step = v_corrected[d] / (np.sqrt(s_corrected[d]) + epsilon)
            new_parameters[name] = parameters[name] - learning_rate * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected
''',
        },
    },
}


def solution(cell):
    """The source answer cell as a student would write it: without nbgrader's markers."""
    return re.sub(r"\n?[ \t]*### (BEGIN|END) SOLUTION[ \t]*", "", cell.source)


def make(assignment, name, planted):
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: solution(c) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    unknown = set(planted) - set(answers)
    if unknown:
        raise SystemExit(f"{assignment}/{name}: no answer cell named {sorted(unknown)}")
    nb = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            if grade_id not in planted:
                cell.source = answers[grade_id]
            elif planted[grade_id] is not None:  # None: left blank, as released
                cell.source = planted[grade_id].strip()
    return nbformat.writes(nb) + "\n"


def main():
    check = "--check" in sys.argv
    stale = []
    for assignment, submissions in PLANTED.items():
        for name, planted in submissions.items():
            path = HERE / assignment / f"{name}.ipynb"
            text = make(assignment, name, planted)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            if check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python tests/submissions/make.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
