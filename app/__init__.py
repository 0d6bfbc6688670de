"""What people use: the `prachum` command line and the Gradio chat UI."""
from prachum import offline as _offline  # noqa: F401
