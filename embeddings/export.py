"""An ONNX export of a sentence-transformers model, made locally once and kept under the data dir.

The export reads the model where it is installed and writes only into its own folder (a copy:
the transformer as ``model.onnx``, the tokenizer set to the model's own truncation and padding,
and ``export.json`` saying how to pool). It is made with torch's exporter, then for ``int8``
quantised by ONNX Runtime's dynamic quantiser; nothing is fetched. Folders are named by the
model's location and its files' sizes and times, so a reinstalled model is exported again; each
folder is written under a temporary name and renamed into place whole, ``export.json`` last. A
folder that already holds an ONNX model and its tokenizer is copied as it is instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from embeddings.errors import ModelUnavailable
from embeddings.ort import onnxruntime

EXPORT_FORMAT = 2
META = "export.json"
MODEL = "model.onnx"
TOKENIZER = "tokenizer.json"
NATIVE = "native"  # the precision of an ONNX model folder run as it is
_FEEDS = ("input_ids", "attention_mask", "token_type_ids")  # what the ONNX runtime feeds a model


def is_onnx_folder(path: str) -> bool:
    """Whether ``path`` is a folder of an ONNX model and its tokenizer (no sentence-transformers
    modules): it is run as it is, pooled as the settings say."""
    folder = Path(path)
    return (folder / MODEL).is_file() and (folder / TOKENIZER).is_file() and not (folder / "modules.json").exists()


POOLINGS = ("mean", "cls")  # what the ONNX runtime pools in numpy; other models stay on torch
_OPSET = 17


@dataclass(frozen=True)
class Export:
    """One export on disk and what running it needs besides the file."""

    folder: Path
    source: str
    precision: str
    sha256: str
    pooling: str
    dimension: int
    inputs: tuple[str, ...]

    @property
    def model_file(self) -> Path:
        return self.folder / MODEL

    @property
    def tokenizer_file(self) -> Path:
        return self.folder / TOKENIZER

    @classmethod
    def read(cls, folder: Path) -> Export | None:
        """The export in ``folder``, or None when there is no complete one there."""
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError as err:
            raise ModelUnavailable(f"{folder / META}: unreadable ({err}); delete the folder to export again") from err
        if meta.pop("format", None) != EXPORT_FORMAT:
            return None
        return cls(folder=folder, **{**meta, "inputs": tuple(meta["inputs"])})


def _source_key(path: str, precision: str) -> str:
    """Names the export of the model at ``path``: its files' sizes and modification times stand
    for its bytes, so an unchanged model is not hashed again at every start."""
    location = Path(path)
    stats = (
        sorted((str(f.relative_to(location)), f.stat().st_size, f.stat().st_mtime_ns) for f in location.rglob("*"))
        if location.is_dir()
        else []
    )
    described = json.dumps([str(location.resolve()) if location.is_dir() else path, stats, precision, EXPORT_FORMAT])
    return hashlib.blake2b(described.encode(), digest_size=10).hexdigest()


def onnx_export(path: str, precision: str, exports: Path, pooling: str = "mean") -> Export:
    """The export of the model at ``path`` (a folder or an installed model's name) in
    ``precision`` (``fp32`` or ``int8``; ``native`` for an ONNX model folder, copied with its
    ``pooling``), made now when ``exports`` does not hold it yet."""
    kind = f"{precision}-{pooling}" if precision == NATIVE else precision
    folder = exports / f"{kind}-{_source_key(path, kind)}"
    found = Export.read(folder)
    if found is not None:
        return found
    exports.mkdir(parents=True, exist_ok=True)
    staging = exports / f".{folder.name}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    try:
        if precision == NATIVE:
            _adopt(Path(path), pooling, staging)
        else:
            _export(path, precision, staging)
        try:
            os.replace(staging, folder)
        except OSError:  # another process published the same export first
            if Export.read(folder) is None:
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    made = Export.read(folder)
    if made is None:
        raise ModelUnavailable(f"the export in {folder} is incomplete; delete the folder to export again")
    return made


def _export(path: str, precision: str, folder: Path) -> None:
    """Write the export of the model at ``path`` into ``folder``, its description last."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(path, device="cpu")
    except (OSError, ValueError) as err:
        raise ModelUnavailable(f"cannot load model {path} to export it: {err}") from err
    transformer, pooling = _modules(model, path)
    inputs = tuple(name for name in model.tokenizer.model_input_names if name != "position_ids")
    sample = model.tokenizer(["an example", "a longer example sentence"], padding=True, return_tensors="pt")
    args = tuple(sample[name] for name in inputs)
    exported = folder / (MODEL if precision == "fp32" else "model-fp32.onnx")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's notes on Python branches it records as taken
        torch.onnx.export(
            _traceable(transformer.auto_model, inputs),
            args,
            str(exported),
            input_names=list(inputs),
            output_names=["token_embeddings"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*inputs, "token_embeddings"]},
            opset_version=_OPSET,
            dynamo=False,
        )
    if precision == "int8":
        onnxruntime()
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Per-channel scales on the matrix products keep a cosine of about 0.99 to fp32, where one
        # scale per tensor (and quantising the other operators) drops it to about 0.95.
        quantize_dynamic(
            str(exported),
            str(folder / MODEL),
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            weight_type=QuantType.QInt8,
        )
        exported.unlink()
    tokenizer = model.tokenizer.backend_tokenizer
    tokenizer.enable_truncation(max_length=model.max_seq_length)
    tokenizer.enable_padding(pad_id=model.tokenizer.pad_token_id, pad_token=model.tokenizer.pad_token)
    tokenizer.save(str(folder / TOKENIZER))
    dimension = model.get_embedding_dimension()
    with (folder / MODEL).open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    meta = asdict(Export(folder, path, precision, digest, pooling, int(dimension or 0), inputs))
    del meta["folder"]
    (folder / META).write_text(json.dumps({**meta, "format": EXPORT_FORMAT}, indent=2), encoding="utf-8")


def _adopt(source: Path, pooling: str, folder: Path) -> None:
    """Copy the ONNX model folder ``source`` into ``folder`` as an export: its tokenizer set to
    truncate and pad where it does not (at the model's length and pad token, from its
    ``config.json``), its inputs and dimension read from the model, its description last."""
    from tokenizers import Tokenizer

    config_file = source / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
    shutil.copyfile(source / MODEL, folder / MODEL)
    tokenizer = Tokenizer.from_file(str(source / TOKENIZER))
    if tokenizer.truncation is None:
        tokenizer.enable_truncation(max_length=min(int(config.get("max_position_embeddings", 512)), 512))
    if tokenizer.padding is None:
        pad = int(config.get("pad_token_id") or 0)
        tokenizer.enable_padding(pad_id=pad, pad_token=tokenizer.id_to_token(pad) or "[PAD]")
    tokenizer.save(str(folder / TOKENIZER))
    session = onnxruntime().InferenceSession(str(folder / MODEL), providers=["CPUExecutionProvider"])
    inputs = tuple(i.name for i in session.get_inputs())
    shape = session.get_outputs()[0].shape
    if "input_ids" not in inputs or set(inputs) - set(_FEEDS) or len(shape) != 3:
        raise ModelUnavailable(
            f"{source / MODEL} takes {', '.join(inputs)} and gives a {len(shape)}-axis output; the ONNX "
            f"backend feeds {', '.join(_FEEDS)} and pools token vectors (batch × tokens × dimension)"
        )
    dimension = shape[2] if isinstance(shape[2], int) else int(config.get("hidden_size", 0))
    with (folder / MODEL).open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    meta = asdict(Export(folder, str(source), NATIVE, digest, pooling, dimension, inputs))
    del meta["folder"]
    (folder / META).write_text(json.dumps({**meta, "format": EXPORT_FORMAT}, indent=2), encoding="utf-8")


def _modules(model: Any, path: str) -> tuple[Any, str]:
    """The transformer and pooling mode of a model made of a transformer, a pooling and an
    optional normalisation (the Encoder normalises anyway); anything else cannot be exported.
    Modules are known by their class names, which sentence-transformers keeps across versions."""
    kinds = [type(m).__name__ for m in model]
    pooling = None
    if kinds[:2] == ["Transformer", "Pooling"] and kinds[2:] in ([], ["Normalize"]):
        module = model[1]
        pooling = getattr(module, "pooling_mode", None) or module.get_pooling_mode_str()
    if pooling not in POOLINGS:
        raise ModelUnavailable(
            f"model {path} is not a transformer with {' or '.join(POOLINGS)} pooling, "
            "which is what the ONNX backends run; set DEBATE_ENCODER__BACKEND=torch"
        )
    return model[0], str(pooling)


def _traceable(transformer: Any, inputs: tuple[str, ...]) -> Any:
    """The transformer called by keyword (its positional order differs between versions of
    transformers), returning the token embeddings that pooling reads."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.transformer(**dict(zip(inputs, args, strict=True))).last_hidden_state

    return LastHiddenState().eval()
