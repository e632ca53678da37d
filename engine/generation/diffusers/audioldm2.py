"""AudioLDM 2 through diffusers' `AudioLDM2Pipeline`: 16 kHz mono, 10.24 s clips.

AudioLDM 2 conditions its UNet on two things: the T5 encoding of the caption and eight
"language of audio" tokens that its GPT-2 generates from the CLAP and T5 encodings. The
story's residual context is applied to those generated tokens (they carry the acoustic
meaning): each neighbouring event contributes the mean of its own generated tokens, fused as
described in `engine.generation.conditioning`. The pipeline then samples unchanged.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.generation.base import RenderRequest
from engine.generation.conditioning import caption_bridge_tokens, fuse_context
from engine.generation.diffusers.base import RUNTIME_SETTINGS, ModelGenerator, model_setting
from engine.generation.diffusers.pipelines import load_pipeline, step_callback
from engine.generation.settings import CONTEXT_STRENGTH, NEGATIVE_PROMPT, Setting
from engine.generation.windows import Window
from engine.progress import CancelToken, Progress


class AudioLDM2Generator(ModelGenerator):
    name = "audioldm2"
    version = "1.0"
    DEFAULT_MODEL = "audioldm2"
    MODEL_GB = 5.0
    SETTINGS = (
        model_setting("audioldm2"),
        Setting("steps", "int", 100, "sampler steps (the model card uses 200)", minimum=1,
                maximum=1000),
        Setting("guidance", "float", 3.5, "classifier-free guidance scale", minimum=1.0,
                maximum=20.0),
        Setting("negative_prompt", "str", "Low quality.", NEGATIVE_PROMPT.help),
        CONTEXT_STRENGTH, *RUNTIME_SETTINGS)

    def load(self, model: str, placement, progress: Progress):
        from diffusers import AudioLDM2Pipeline

        return load_pipeline(AudioLDM2Pipeline, model, placement, progress)

    def sample_rate(self, pipe) -> int:
        return int(pipe.vocoder.config.sampling_rate)

    def max_window_s(self, pipe) -> float:
        upsample = np.prod(pipe.vocoder.config.upsample_rates) / pipe.vocoder.config.sampling_rate
        return float(pipe.unet.config.sample_size * pipe.vae_scale_factor * upsample)

    def _encode(self, pipe, texts: list[str]):
        with torch.no_grad():
            return pipe.encode_prompt(texts, pipe._execution_device, 1, False)

    def render_window(self, pipe, request: RenderRequest, values: dict, window: Window,
                      seed: int, progress: Progress, cancel: CancelToken | None
                      ) -> tuple[np.ndarray, dict]:
        t5, t5_mask, generated = self._encode(pipe, [request.caption])
        ones = torch.ones(generated.shape[:2], dtype=torch.bool, device=generated.device)
        if request.context:
            neighbours = self._encode(pipe, [n.caption for n in request.context])[2]
            neighbour_mask = torch.ones(neighbours.shape[:2], dtype=torch.bool)
        else:
            neighbours, neighbour_mask = None, None
        tokens = caption_bridge_tokens(request, generated[0].float(), ones[0], neighbours,
                                       neighbour_mask)
        fused = fuse_context(tokens, values["context_strength"])
        negative_t5, negative_mask, negative_generated = self._encode(
            pipe, [values["negative_prompt"]])
        negative_t5, negative_mask = _fit_tokens(negative_t5, negative_mask, t5.shape[1])
        output = pipe(
            prompt_embeds=t5, attention_mask=t5_mask,
            generated_prompt_embeds=fused[None].to(generated.dtype),
            negative_prompt_embeds=negative_t5, negative_attention_mask=negative_mask,
            negative_generated_prompt_embeds=negative_generated,
            audio_length_in_s=window.duration_s, num_inference_steps=values["steps"],
            guidance_scale=values["guidance"], generator=torch.Generator("cpu").manual_seed(seed),
            output_type="np", callback=step_callback(values["steps"], progress, cancel))
        audio = np.asarray(output.audios[0], dtype=np.float32)[None, :]
        return audio, {"steps": values["steps"], "guidance": values["guidance"],
                       "conditioning": tokens.method, "neighbours": len(request.context)}


def _fit_tokens(hidden: torch.Tensor, mask: torch.Tensor, length: int):
    """Pad (masked out) or cut a (1, n, dim) encoding to `length` tokens."""
    if hidden.shape[1] >= length:
        return hidden[:, :length], mask[:, :length]
    pad = length - hidden.shape[1]
    return (torch.nn.functional.pad(hidden, (0, 0, 0, pad)),
            torch.nn.functional.pad(mask, (0, pad)))
