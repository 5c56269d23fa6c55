"""Written questions: multiple choice (every wrong option explains itself) and numbers read off plots.

The notebooks render each question from here (`ChoiceExercise.markdown()`), so the statements a
student reads and the feedback the check prints cannot drift apart.
"""

from __future__ import annotations

from ._answers import ChoiceExercise, ValueExercise

C, V = ChoiceExercise, ValueExercise

EXERCISES = [
    # --- 00 -----------------------------------------------------------------------------
    C("linear_collapse", "why depth needs nonlinearity", "00",
      "A network stacks 10 linear layers (x ↦ x W + b) with no activation function between them. "
      "What can it compute?",
      {"a": ("Anything a 10-layer ReLU network can compute, only more slowly.",
             "Without activations the layers collapse: compose_linear showed that two layers equal "
             "one, and by induction ten do too."),
       "b": ("Only an affine function x W + b of its input: exactly what one layer computes.",
             "Each layer is affine and a composition of affine maps is affine, so depth adds "
             "nothing without a nonlinearity."),
       "c": ("A polynomial of degree 10 in its inputs: each layer multiplies by another matrix.",
             "Multiplying by matrices never multiplies inputs with each other: W1 W2 … W10 is "
             "one matrix, so the output is still x W + b, degree 1."),
       "d": ("XOR, but nothing more complicated.",
             "XOR is not linearly separable, so no affine function — all that linear layers can "
             "compute — solves it.")},
      "b"),
    V("hat_pieces", "pieces of the hat function", "00", 4, 0.5,
      "Count the straight segments between the kinks, including the two flat tails.",
      question="How many straight (linear) pieces does hat(x) have on the whole real line?"),
    # --- 01 -----------------------------------------------------------------------------
    C("sigmoid_saturation_why", "a saturated sigmoid", "01",
      "A sigmoid unit receives the pre-activation z = 8. What happens to the gradient that flows "
      "back through it?",
      {"a": ("It is multiplied by about 8, so it explodes.",
             "The backward pass multiplies by σ'(z), not by z; and σ' is at most 1/4."),
       "b": ("It is multiplied by σ'(8) ≈ 0.0003: the unit is saturated and its weights barely learn.",
             "σ' is 1/4 at 0 and falls off like e^(−|z|); a saturated unit passes almost no gradient."),
       "c": ("It is exactly 0, because σ(8) rounds to 1.",
             "σ(8) ≈ 0.99966 is not 1 in float64, and σ'(8) ≈ 3.4e-4 is small but not 0."),
       "d": ("It is multiplied by σ(8) ≈ 0.9997, so it passes almost unchanged.",
             "The backward pass multiplies by the slope σ'(8) = σ(8)(1 − σ(8)) ≈ 3.4e-4, not by "
             "the output σ(8): an output near 1 means a slope near 0.")},
      "b"),
    V("sigmoid_saturation", "where sigmoid saturates", "01", 4.585, 0.02,
      "Evaluate your sigmoid_derivative on a fine grid of x > 0 and find the first x where it "
      "drops below 0.01 (σ'(0) = 0.25 for scale).",
      question="Beyond which x > 0 is σ'(x) smaller than 0.01?"),
    # --- 02 -----------------------------------------------------------------------------
    C("tanh_zero_centred", "tanh is zero-centred", "02",
      "Why is tanh called zero-centred, and why does that help the next layer?",
      {"a": ("tanh(0) = 0 and tanh is odd, so for inputs spread around 0 its outputs average "
             "near 0; the next layer's weight gradients (proportional to these outputs) then do "
             "not all share one sign.",
             "Sigmoid's outputs are all positive, so all the weight gradients of a unit share a "
             "sign and gradient descent zig-zags; tanh avoids that."),
       "b": ("Its outputs always have mean exactly 0, whatever the inputs, so the next layer "
             "needs no bias.",
             "Only inputs spread symmetrically around 0 give outputs averaging near 0; inputs "
             "that are all positive give positive tanh outputs too."),
       "c": ("Its outputs are always positive, which keeps the next layer stable.",
             "That describes sigmoid (outputs in (0, 1)); positive-only outputs make a unit's "
             "weight gradients share one sign — the problem zero-centring avoids."),
       "d": ("Its slope at 0 is 1 instead of 1/4, and that is what zero-centred means.",
             "The steeper slope is a separate advantage (it passes more gradient); "
             "zero-centred is about the mean of the outputs, not the slope.")},
      "a"),
    V("tanh_slope_ratio", "tanh vs sigmoid slope", "02", 4.0, 0.05,
      "Evaluate both derivatives at x = 0 and divide.",
      question="How many times steeper than sigmoid is tanh at x = 0?"),
    # --- 03 -----------------------------------------------------------------------------
    C("relu_gradient_flow", "ReLU and vanishing gradients", "03",
      "Why do deep ReLU networks suffer less from vanishing gradients than deep sigmoid networks?",
      {"a": ("ReLU's derivative is exactly 1 for positive inputs, so along active units the "
             "gradient passes through a layer without shrinking.",
             "Sigmoid multiplies the gradient by at most 1/4 per layer; an active ReLU by exactly 1."),
       "b": ("ReLU's gradient is never 0, so nothing can vanish.",
             "It is exactly 0 for every negative input: a unit with z < 0 passes no gradient "
             "at all (and lesson 09 shows units that never pass one again)."),
       "c": ("ReLU is linear, so backpropagation skips the activation altogether.",
             "ReLU is only piecewise linear: backpropagation multiplies by its slope, 1 or 0 "
             "per unit and example, and that 0 matters."),
       "d": ("ReLU never outputs 0, so every unit always learns.",
             "ReLU outputs 0 for every negative input — and a unit that always does stops "
             "learning (lesson 09).")},
      "a"),
    V("relu_zero_fraction", "ReLU sparsity", "03", 0.841, 0.03,
      "Count the outputs in `a` that are exactly 0 and divide by how many there are.",
      question="With pre-activations drawn from N(−1, 1), what fraction of ReLU outputs is exactly 0?"),
    # --- 04 -----------------------------------------------------------------------------
    C("leaky_slope_one", "Leaky ReLU with slope 1", "04",
      "What does Leaky ReLU become with negative_slope = 1, and why is that useless as an activation?",
      {"a": ("ReLU: the negative side becomes 0.",
             "negative_slope = 0 gives ReLU; a slope of 1 leaves negative inputs unchanged."),
       "b": ("The identity f(x) = x: a network built with it is linear again (lesson 00), however deep.",
             "Both sides have slope 1, so there is no kink and the layers collapse into one."),
       "c": ("The absolute value |x|: negative inputs come out positive.",
             "|x| has slope −1 for x < 0; a slope of +1 leaves negative inputs negative: "
             "f(−2) = −2."),
       "d": ("A Leaky ReLU that trains even better, because every unit passes the full gradient.",
             "Passing the full gradient everywhere is exactly what makes it linear: there is "
             "no kink left, so depth adds nothing.")},
      "b"),
    # --- 05 -----------------------------------------------------------------------------
    C("elu_negative_outputs", "what ELU's negative side buys", "05",
      "What do ELU's negative outputs (down to −alpha) buy compared with ReLU?",
      {"a": ("Mean activations closer to zero and a nonzero gradient for x < 0, so units cannot "
             "die; saturating at −alpha keeps very negative inputs from passing much signal.",
             "That is the argument of Clevert et al. (2016)."),
       "b": ("A network can output negative numbers at all, which a ReLU network cannot.",
             "A ReLU network's last layer is linear and outputs any sign; ELU's negative side "
             "matters inside the network (mean activations, gradients for x < 0)."),
       "c": ("Unbounded negative outputs, which make training more stable.",
             "ELU is bounded below by −alpha; Leaky ReLU is the unbounded one."),
       "d": ("ELU never saturates, so its gradient never vanishes.",
             "ELU does saturate, at −alpha for very negative x, where its slope alpha·eˣ goes "
             "to 0; only its positive side never saturates.")},
      "a"),
    V("selu_std", "SELU keeps the scale", "05", 1.0, 0.25,
      "Read the SELU curve at the last layer of the plot.",
      question="After 30 SELU layers (LeCun-normal weights, standard-normal inputs), what is the "
               "standard deviation of the activations?"),
    # --- 06 -----------------------------------------------------------------------------
    C("smooth_vs_relu", "GELU/SiLU vs ReLU", "06",
      "GELU and SiLU look like a smoothed ReLU. What is a real difference from ReLU?",
      {"a": ("They are smooth at 0 and slightly negative for moderately negative inputs (a small "
             "dip), so small negative inputs still pass some gradient.",
             "The dip (minimum ≈ −0.17 for GELU, ≈ −0.28 for SiLU) and the smooth kink are what "
             "set them apart."),
       "b": ("They saturate for large positive inputs, like sigmoid.",
             "For large x both grow like x itself."),
       "c": ("Like ReLU, their derivative is exactly 0 for every negative input.",
             "Their derivatives are small but nonzero for moderately negative inputs (and even "
             "negative near the dip), so those inputs still pass some gradient."),
       "d": ("They are exactly ReLU for |x| > 1.",
             "They approach ReLU only gradually: GELU(−1) ≈ −0.16, not 0.")},
      "a"),
    V("gelu_minimum", "GELU's minimum", "06", -0.16997, 0.002,
      "Evaluate activations.gelu on a fine grid between −4 and 0 and take the smallest value.",
      question="What is the smallest value GELU takes?"),
    # --- 07 -----------------------------------------------------------------------------
    C("output_activation", "the output of a 10-class classifier", "07",
      "Which activation belongs on the output layer of a 10-class classifier (each image has "
      "exactly one label)?",
      {"a": ("Softmax over the 10 logits: positive outputs that sum to 1, a probability "
             "distribution over the classes.",
             "And with cross-entropy its gradient is simply p − y."),
       "b": ("Sigmoid on each of the 10 outputs.",
             "Ten independent sigmoids suit multi-label problems (several labels per image); "
             "their outputs need not sum to 1."),
       "c": ("ReLU, so that the outputs are non-negative like probabilities.",
             "Non-negative is not enough: ReLU outputs need not sum to 1, are often exactly 0 "
             "for several classes, and a class with 0 gets no gradient to recover."),
       "d": ("Softmax also suits images with several labels: each label gets the probability "
             "it deserves.",
             "Softmax makes the classes compete (the outputs sum to 1): with two true labels "
             "each can get at most about 1/2. Several labels need a sigmoid per class.")},
      "a"),
    V("softmax_temperature", "softmax temperature", "07", 2.02, 0.02,
      "Compute the largest probability on a fine grid of temperatures and find where it first "
      "drops below 0.5.",
      question="For the logits (2, 1, 0.1), above which temperature does the largest probability "
               "drop below 0.5?"),
    # --- 08 -----------------------------------------------------------------------------
    C("vanishing_why", "why gradients vanish", "08",
      "In a 10-layer sigmoid network the first layer's gradient is about 10⁵ times smaller than "
      "the last layer's. Why?",
      {"a": ("Backpropagation multiplies by σ'(z) ≤ 1/4 (and by a weight matrix) once per layer, "
             "so the gradient shrinks roughly geometrically with depth.",
             "Nine factors of at most 1/4 are already below 4e-6; ReLU's factor of 1 avoids that."),
       "b": ("The first layer has more parameters, so each one gets a smaller share.",
             "The norm of dL/dW does not shrink with the number of weights like that; the "
             "middle layers here all have the same size and still shrink layer by layer."),
       "c": ("The loss is measured at the output, and a signal fades with distance like a sound.",
             "Nothing fades on its own: the chain rule multiplies the gradient by one factor per "
             "layer, and it is the size of those factors (σ' ≤ 1/4) that makes it shrink."),
       "d": ("The first layers' weights start too small; with Xavier initialisation every layer "
             "gets the same gradient.",
             "The networks here already use Xavier initialisation: it keeps the variance of "
             "the signals, but cannot lift the factor σ' ≤ 1/4 that each sigmoid layer applies.")},
      "a"),
    V("vanishing_ratio", "how much the gradient shrinks", "08", 5.3, 1.0,
      "Read the sigmoid curve at layer 1 and at layer 10 on the log scale and count the powers of 10.",
      question="For the sigmoid network, log10(‖dL/dW‖ of the last layer / ‖dL/dW‖ of the first "
               "layer): how many orders of magnitude smaller is the first layer's gradient?"),
    # --- 09 -----------------------------------------------------------------------------
    C("dying_relu_why", "why ReLU units die", "09",
      "Why does a ReLU unit 'die', and why does it stay dead?",
      {"a": ("Once its pre-activation is ≤ 0 for every input (e.g. after a large update pushed its "
             "bias far below 0), it outputs 0 and its gradient is 0 for every example, so gradient "
             "descent never changes its weights again.",
             "No gradient, no update: only a change elsewhere (or Leaky ReLU/ELU) can revive it."),
       "b": ("Its weights grow without bound until they overflow.",
             "Dead units have zero gradient, so their weights stop changing; they do not grow."),
       "c": ("Its weights become exactly 0, so it outputs 0.",
             "A dead unit's weights are usually not 0; its weighted sum plus a large negative "
             "bias is ≤ 0 for every input, so it outputs 0."),
       "d": ("Every step gives it a large negative gradient that keeps pushing it down.",
             "A dead unit gets no gradient at all (relu'(z) = 0 for z ≤ 0), which is why "
             "nothing ever moves it back.")},
      "a"),
    V("dead_after_big_lr", "dead units after a large learning rate", "09", 0.29, 0.12,
      "Read the last point of the learning-rate-1.0 curve.",
      question="After 5 epochs with learning rate 1.0, what fraction of the hidden ReLU units is dead?"),
    # --- 10 -----------------------------------------------------------------------------
    C("keras_defaults", "Keras defaults", "10",
      "keras.activations.leaky_relu(x) and activations.leaky_relu(x) disagree for negative x. Why?",
      {"a": ("Keras's default negative_slope is 0.2; the course's (like PyTorch's) is 0.01. "
             "Pass negative_slope explicitly and they agree.",
             "Defaults differ between libraries: always pass hyperparameters explicitly when "
             "porting a model."),
       "b": ("Keras computes in float32.",
             "float32 explains differences around 1e-7 relative, not a 20× different slope."),
       "c": ("Keras uses a different derivative convention at 0.",
             "The convention at 0 affects the derivative at one point, not the values for x < 0."),
       "d": ("One of the two libraries has a bug.",
             "Both are right for their own default; read the signatures.")},
      "a"),
    V("keras_accuracy_gap", "ReLU vs sigmoid in Keras", "10", 0.107, 0.06,
      "Subtract the sigmoid curve's last validation accuracy from the ReLU curve's.",
      question="After 5 epochs, how much higher is the ReLU model's validation accuracy than the "
               "sigmoid model's (e.g. 0.05 for five percentage points)?"),
]
