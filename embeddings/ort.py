"""ONNX Runtime, imported with its telemetry off: it would otherwise queue events and resolve
its collector's host name from its own threads, and nothing here may reach the network."""

from __future__ import annotations

import os
from types import ModuleType


def onnxruntime() -> ModuleType:
    """The ``onnxruntime`` module, its telemetry switched off before it loads and again after."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime as runtime

    runtime.disable_telemetry_events()
    return runtime
