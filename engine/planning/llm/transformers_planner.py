"""A planner that runs a local causal language model with Hugging Face transformers.

    get_planner("transformers", model="HuggingFaceTB/SmolLM2-360M-Instruct")   # cached id
    get_planner("transformers", model="/models/smollm2")                        # a folder
    get_planner("transformers", model="/models/SmolLM2-135M-Instruct.Q4_1.gguf")  # GGUF

Decoding is constrained with xgrammar to a grammar of the plan's JSON (see
`prompting.plan_grammar`), so the answer always parses; every string and number in it has a
maximum length, so the answer always ends within the token budget. Nothing is downloaded:
an id must already be in the Hugging Face cache. torch, transformers, accelerate (for GGUF)
and xgrammar come with the optional `llm` extra and are imported only when this planner
loads its model.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from engine.errors import InvalidInput, StudioError
from engine.planning.llm.base import BackendFailure, LLMPlanner
from engine.planning.llm.prompting import bounded_answer_chars, max_events_for, plan_grammar
from engine.planning.plan import PlanRequest
from engine.progress import CancelToken

INSTALL_HINT = "install the optional extra: pip install 'audiostory-studio[llm]'"


class ModelLoadError(StudioError):
    """The language model could not be found or loaded."""


class TransformersPlanner(LLMPlanner):
    name = "transformers"

    def __init__(self, model: str | None = None, device: str = "cpu",
                 max_events: int | None = None, temperature: float = 0.0,
                 dtype: str = "float32") -> None:
        self.model_ref = model or os.environ.get("AUDIOSTORY_TRANSFORMERS_MODEL", "")
        if not self.model_ref:
            raise InvalidInput("the transformers planner needs a model: pass --model with a "
                               "Hugging Face id already in your cache, a model folder, or a "
                               ".gguf file.")
        resolve_model(self.model_ref)  # a missing folder or file is reported before planning
        self.device = device
        self.max_events = max_events
        self.temperature = temperature
        self.dtype = dtype
        self._loaded: tuple | None = None
        self._grammars: dict[int, object] = {}  # compiled once per event limit
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------

    def load(self) -> None:
        """Load the tokenizer, model and grammar compiler (once; later calls return at once)."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()

    def _load(self) -> tuple:
        try:
            import torch
            import transformers
            import xgrammar
        except ImportError as exc:
            raise ModelLoadError(f"the transformers planner needs {exc.name}; "
                                 f"{INSTALL_HINT}") from None
        folder, gguf_file = resolve_model(self.model_ref)
        options = {"local_files_only": True}
        if gguf_file:
            options["gguf_file"] = gguf_file
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, **options)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                folder, dtype=getattr(torch, self.dtype), **options)
        except ImportError as exc:  # GGUF files need gguf and accelerate
            raise ModelLoadError(f"loading {self.model_ref} needs another package ({exc}); "
                                 f"{INSTALL_HINT}") from None
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the model {self.model_ref!r}: "
                                 f"{str(exc).splitlines()[0][:200]}") from None
        model.to(self.device).eval()
        info = xgrammar.TokenizerInfo.from_huggingface(tokenizer,
                                                       vocab_size=model.config.vocab_size)
        return torch, tokenizer, model, xgrammar.GrammarCompiler(info)

    # -- generation ----------------------------------------------------------------------

    def _complete(self, chat: list[dict[str, str]], request: PlanRequest,
                  cancel: CancelToken | None) -> str:
        self.load()
        torch, tokenizer, model, compiler = self._loaded
        from transformers import StoppingCriteria, StoppingCriteriaList
        from xgrammar.contrib.hf import LogitsProcessor

        max_events = self.max_events or max_events_for(request.duration_s)
        if max_events not in self._grammars:
            self._grammars[max_events] = compiler.compile_grammar(plan_grammar(max_events))
        grammar = self._grammars[max_events]
        ids = _prompt_ids(tokenizer, chat).to(self.device)
        # each token writes at least one of the schema's one-byte characters: the answer
        # always ends within this budget
        budget = bounded_answer_chars(max_events)

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return bool(cancel is not None and cancel.cancelled)

        sampling = {"do_sample": False}
        if self.temperature > 0:
            torch.manual_seed(request.seed)
            sampling = {"do_sample": True, "temperature": self.temperature}
        try:
            with torch.no_grad():
                output = model.generate(
                    ids, attention_mask=torch.ones_like(ids), max_new_tokens=budget,
                    logits_processor=[LogitsProcessor(grammar)],
                    stopping_criteria=StoppingCriteriaList([Cancelled()]),
                    pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id, **sampling)
        except (RuntimeError, ValueError) as exc:
            raise BackendFailure(f"generation failed ({str(exc).splitlines()[0][:160]})") \
                from None
        if cancel is not None:
            cancel.raise_if_cancelled()
        return tokenizer.decode(output[0, ids.shape[1]:], skip_special_tokens=True)


def resolve_model(reference: str) -> tuple[str, str | None]:
    """(folder or hub id, GGUF file name or None) for a model reference."""
    path = Path(reference).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise InvalidInput(f"{path} is a file but not a .gguf model; give a model folder, a "
                               ".gguf file or a Hugging Face id.")
        return str(path.parent), path.name
    if path.is_dir():
        if (path / "config.json").exists():
            return str(path), None
        ggufs = sorted(p.name for p in path.glob("*.gguf"))
        if len(ggufs) == 1:
            return str(path), ggufs[0]
        if ggufs:
            raise InvalidInput(f"{path} holds several .gguf files ({', '.join(ggufs)}); name "
                               "one of them with --model.")
        raise InvalidInput(f"{path} holds no model (no config.json and no .gguf file).")
    if reference.startswith((".", "/", "~")) or reference.count("/") > 1:
        raise InvalidInput(f"no model at {reference}: no such file or folder.")
    return reference, None  # a hub id, looked up in the local cache only


def _prompt_ids(tokenizer, chat: list[dict[str, str]]):
    if getattr(tokenizer, "chat_template", None):
        encoded = tokenizer.apply_chat_template(chat, add_generation_prompt=True,
                                                return_tensors="pt")
        return encoded if hasattr(encoded, "shape") else encoded["input_ids"]
    text = "".join(f"{turn['role']}: {turn['content']}\n" for turn in chat) + "assistant: "
    return tokenizer(text, return_tensors="pt")["input_ids"]
