"""Shared code for the course "Activation Functions, Hands-On".

Modules (each lesson imports what it needs; nothing heavy is imported here):
    activations  the activation functions, their derivatives and backward passes (lesson 01 on)
    gradcheck    central-difference derivative and gradient checks (lesson 01 on)
    plotting     static figures in one house style
    widgets      interactive explorers (ipywidgets)
    network      a small NumPy MLP with losses, optimisers and a training loop (lesson 08)
    data         seeded toy datasets and scikit-learn's bundled digits (lesson 08)
    checks       friendly checks for the exercises
    keras_compare  the same functions, derivatives and models in Keras (lesson 10)
    reference    exact values of every activation in 50-digit arithmetic (tests, lesson 10)
"""

__version__ = "0.1.0"


def show_versions() -> None:
    """Print the versions a notebook ran with (the setup cell of every lesson calls this)."""
    import platform
    from importlib import metadata

    names = ["numpy", "scipy", "matplotlib", "ipywidgets"]
    parts = [f"Python {platform.python_version()}", f"course_utils {__version__}"]
    for name in names:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - optional in some setups
            parts.append(f"{name} (not installed)")
    print(" | ".join(parts))
